"""A tiny OpenAI-compatible upstream for the interoperability tests.

Model names pick the behaviour, because this is a test fixture that stands in for a provider:
- "limited":  429 with Retry-After: 60 (longer than the gateway waits), rate_limit_exceeded body
- "cut":      200 stream with two content chunks, then an in-band error event
- "slow":     a normal completion after 6 seconds (long enough to kill the caller mid-call)
- "paced":    a normal completion (or stream) after half a second (long enough for identical requests to meet)
- anything else: a normal completion (or stream, with usage when asked)
GET /stats answers {"completions": N}: how many completion requests it received (all models).

usage: python3 fake_upstream.py PORT
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def chunk(content=None, finish=None, role=None):
    delta = {}
    if role:
        delta["role"] = role
    if content is not None:
        delta["content"] = content
    return {"id": "chatcmpl-up", "object": "chat.completion.chunk", "created": 1, "model": "up",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


COUNT = {"completions": 0}
COUNT_LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/stats":
            with COUNT_LOCK:
                return self.send_json(200, dict(COUNT))
        self.send_json(404, {"error": {"message": "not found"}})

    def log_message(self, *args):
        pass

    def send_json(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def send_events(self, events):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        for event in events:
            self.wfile.write(b"data: " + (event if isinstance(event, bytes) else json.dumps(event).encode()) + b"\n\n")
            self.wfile.flush()
        self.close_connection = True

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.headers.get("Authorization") != "Bearer upstream-key":
            return self.send_json(401, {"error": {"message": "bad key", "type": "invalid_request_error", "code": "invalid_api_key"}})
        model = body.get("model")
        with COUNT_LOCK:
            COUNT["completions"] += 1
        if model == "slow":
            time.sleep(6)
        if model == "paced":
            time.sleep(0.5)
        if model == "limited":
            return self.send_json(429, {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}},
                                  {"Retry-After": "60"})
        text = "Interop says hello"
        if model == "cut":
            return self.send_events([chunk(role="assistant", content=""), chunk("partial "), chunk("answer"),
                                     {"error": {"message": "upstream broke", "type": "server_error", "code": None}}])
        if body.get("stream"):
            events = [chunk(role="assistant", content="")] + [chunk(w + " ") for w in text.split()] + [chunk(finish="stop")]
            if (body.get("stream_options") or {}).get("include_usage"):
                events.append({"id": "chatcmpl-up", "object": "chat.completion.chunk", "created": 1, "model": "up",
                               "choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}})
            return self.send_events(events + [b"[DONE]"])
        self.send_json(200, {"id": "chatcmpl-up", "object": "chat.completion", "created": 1, "model": "up",
                             "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                             "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}})


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
