"""A local OTLP/HTTP trace receiver: decodes each protobuf `ExportTraceServiceRequest` with the official
`opentelemetry-proto` classes and keeps every span with its resource's service name. It answers either as an OTLP
collector does (200, protobuf `ExportTraceServiceResponse`) or as Langfuse does (200, its own JSON job object)."""
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest, ExportTraceServiceResponse)


def attribute_value(value):
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [attribute_value(item) for item in value.array_value.values]
    return getattr(value, kind) if kind else None


class Span:
    def __init__(self, service, span):
        self.service = service
        self.name = span.name
        self.trace_id = span.trace_id.hex()
        self.span_id = span.span_id.hex()
        self.parent_span_id = span.parent_span_id.hex()
        self.kind = span.kind
        self.status_code = span.status.code
        self.attributes = {item.key: attribute_value(item.value) for item in span.attributes}

    def __repr__(self):
        return f"<{self.service}: {self.name} {self.span_id} parent={self.parent_span_id or '-'}>"


class Receiver:
    def __init__(self, answer="otlp"):
        self.answer = answer
        self.spans, self.bodies, self.requests = [], [], []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                with receiver.lock:
                    receiver.requests.append((self.path, dict(self.headers)))
                    receiver.bodies.append(body)
                    for resource_spans in request.resource_spans:
                        service = next((attribute_value(item.value) for item in resource_spans.resource.attributes
                                        if item.key == "service.name"), None)
                        for scope in resource_spans.scope_spans:
                            receiver.spans.extend(Span(service, span) for span in scope.spans)
                if receiver.answer == "langfuse":
                    # What Langfuse's /api/public/otel/v1/traces returns: the queued job, as JSON.
                    payload = json.dumps({
                        "id": str(uuid.uuid4()), "name": "otel-ingestion-job",
                        "data": {"id": str(uuid.uuid4()), "name": "otel-ingestion-job",
                                 "payload": {"data": {"fileKey": "otel/project/2026/12/01/08/00/x.json"}}},
                        "opts": {"attempts": 5, "delay": 0}, "progress": 0, "returnvalue": None,
                        "timestamp": 1764576000000, "attemptsMade": 0}).encode()
                    content_type = "application/json"
                else:
                    payload = ExportTraceServiceResponse().SerializeToString()
                    content_type = "application/x-protobuf"
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}/v1/traces"

    def snapshot(self):
        with self.lock:
            return list(self.spans)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
