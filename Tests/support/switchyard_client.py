"""What the process-level tests and scripts share: user tokens, JSON calls, starting `switchyard serve`, and a chat load
that records every acknowledged turn. Only the standard library: urllib and http.client for HTTP, hmac for tokens."""
import base64
import hashlib
import hmac
import http.client
import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def user_token(subject, secret=None, ttl=3600):
    """An HS256 user token signed with SWITCHYARD_USER_JWT_SECRET."""
    key = (secret or os.environ["SWITCHYARD_USER_JWT_SECRET"]).encode()
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps({"sub": subject, "exp": int(time.time()) + ttl}).encode())
    signature = b64(hmac.new(key, header + b"." + payload, hashlib.sha256).digest())
    return (header + b"." + payload + b"." + signature).decode()


def call(port, method, path, body=None, token=None, timeout=30):
    """One request on a new connection. Returns (status, parsed JSON body, headers); token defaults to the admin key."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json",
                 "Authorization": f"Bearer {token or os.environ['SWITCHYARD_ADMIN_KEY']}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null"), response.headers
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            parsed = json.loads(raw or b"null")
        except ValueError:
            parsed = raw.decode(errors="replace")
        return error.code, parsed, error.headers


def status_of(port, path):
    """The status of an unauthenticated GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def start_server(binary, port, config, log_path, env=None, wait_for="/health", args=()):
    """Starts `switchyard serve` (with extra `args`) and waits (10 s at most) until `wait_for` answers 200."""
    log = open(log_path, "a")
    process = subprocess.Popen([binary, "serve", "--port", str(port), *args],
                               env=dict(os.environ, SWITCHYARD_CONFIG=config, **(env or {})),
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 10
    while time.time() < deadline:
        if status_of(port, wait_for) == 200:
            return process
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"switchyard on {port} did not start; see {log_path}")


def launch_bot(port, provider="mock", model="m-1", name=None):
    """A launched free bot with one active config; returns its slug."""
    status, bot, _ = call(port, "POST", "/admin/v1/bots", {"name": name or f"Ops {uuid.uuid4().hex[:8]}",
                                                            "status": "launched"})
    assert status == 201, bot
    status, config, _ = call(port, "POST", f"/admin/v1/bots/{bot['slug']}/llm-configs",
                             {"llm_provider": provider, "model_name": model, "prompt": "You are {{bot_name}}.",
                              "is_active": True})
    assert status == 201, config
    return bot["slug"]


class ChatLoad:
    """Users that each keep one session and send chat turns back to back, every turn with its own idempotency key
    and a unique text, through one or more ports. Each outcome is recorded: `acknowledged` holds (user, session id,
    reply id, text) for every 200; `outcomes` counts by kind (200, other statuses, refused, reset, timeout)."""

    def __init__(self, ports, slug, users, turns_per_session=40, retry=False):
        self.ports, self.slug, self.retry = ports, slug, retry
        self.users = [f"load-{uuid.uuid4().hex[:8]}-{i}" for i in range(users)]
        self.tokens = {user: user_token(user) for user in self.users}
        self.turns_per_session = turns_per_session
        self.acknowledged, self.outcomes, self.sent = [], {}, 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = []

    def record(self, kind, ack=None):
        with self.lock:
            self.outcomes[kind] = self.outcomes.get(kind, 0) + 1
            if ack:
                self.acknowledged.append(ack)

    def turn(self, port, user, session, text, key):
        body = {"message": text, "idempotency_key": key}
        if session:
            body["session_id"] = session
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("POST", f"/v1/bots/{self.slug}/chat", json.dumps(body),
                               {"Content-Type": "application/json", "Authorization": f"Bearer {self.tokens[user]}"})
            response = connection.getresponse()
            payload = response.read()
            return response.status, payload, response.getheader("Retry-After")
        finally:
            connection.close()

    def user_loop(self, index, user):
        session, turns = None, 0
        while not self.stopping.is_set():
            text = f"turn {uuid.uuid4().hex}"
            key = uuid.uuid4().hex
            port = self.ports[(index + turns) % len(self.ports)]
            with self.lock:
                self.sent += 1
            for attempt in range(20 if self.retry else 1):
                try:
                    status, payload, _ = self.turn(port, user, session, text, key)
                except ConnectionRefusedError:
                    kind = "refused"
                except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
                    kind = "reset"
                except TimeoutError:
                    kind = "timeout"
                else:
                    kind = status
                    if status == 200:
                        reply = json.loads(payload)
                        session = reply["session_id"]
                        self.record(200, (user, session, reply["message_id"], text))
                        break
                if not self.retry or kind == 400:
                    self.record(kind)
                    break
                # A client retrying the same turn (same key): what a mobile app does after a network error or a 503.
                self.record(f"retried after {kind}")
                time.sleep(0.05 * (attempt + 1))
            else:
                self.record("gave up")
            turns += 1
            if turns % self.turns_per_session == 0:
                session = None
            if kind == "refused" and not self.retry:
                time.sleep(0.05)

    def start(self):
        for index, user in enumerate(self.users):
            thread = threading.Thread(target=self.user_loop, args=(index, user), daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def wait_for_acknowledged(self, count, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.acknowledged) >= count:
                    return
            time.sleep(0.02)
        raise AssertionError(f"only {len(self.acknowledged)} turns acknowledged in {timeout} s: {self.outcomes}")

    def missing_turns(self, port):
        """Acknowledged turns that are not stored, read back through the API: the reply by its id and the user's
        message by its text, each exactly once. Returns (lost, stored twice)."""
        lost, doubled = [], []
        by_session = {}
        for user, session, message_id, text in self.acknowledged:
            by_session.setdefault((user, session), []).append((message_id, text))
        for (user, session), turns in by_session.items():
            status, messages, _ = call(port, "GET", f"/v1/sessions/{session}/messages?limit=500",
                                       token=self.tokens[user])
            assert status == 200, messages
            ids = [m["id"] for m in messages]
            texts = [m["content"] for m in messages if m["role"] == "user"]
            for message_id, text in turns:
                if message_id not in ids or text not in texts:
                    lost.append((session, message_id))
                elif texts.count(text) > 1 or ids.count(message_id) > 1:
                    doubled.append((session, message_id))
        return lost, doubled
