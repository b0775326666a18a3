"""Traces over OTLP/HTTP, checked from outside: a backend and a separate gateway (two processes) export to a local
receiver that decodes the protobuf with the official `opentelemetry-proto` classes.

Run by scripts/split-roles.sh, which sets SWITCHYARD_BIN, the secrets and SPLIT_LOGDIR."""
import json
import os
import subprocess
import sys
import time
import uuid

import pytest

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from otlp_receiver import Receiver  # noqa: E402
from switchyard_client import call, start_server, user_token  # noqa: E402

BIN = os.environ["SWITCHYARD_BIN"]
LOGDIR = os.environ["SPLIT_LOGDIR"]
CONFIG = os.path.join(os.path.dirname(__file__), "config.json")
GATEWAY_PORT, BACKEND_PORT = 18771, 18772
SERVER_KIND, CLIENT_KIND = 2, 3  # opentelemetry.proto.trace.v1.Span.SpanKind
STATUS_ERROR = 2


def wait_for(predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


class Pair:
    """A gateway and a backend on SQLite, both exporting to `receiver`; stopped with SIGTERM (which flushes)."""

    def __init__(self, tmp_path, receiver, content=False):
        self.logs = {role: os.path.join(LOGDIR, f"{role}-{uuid.uuid4().hex[:6]}.log") for role in ("gateway", "backend")}
        otel = {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": receiver.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "100",
                "SWITCHYARD_TRACE_CONTENT": "true" if content else "false"}
        database = {"SWITCHYARD_SQLITE_PATH": str(tmp_path / "switchyard.sqlite"), "DATABASE_URL": ""}
        subprocess.run([BIN, "migrate"], check=True, capture_output=True,
                       env=dict(os.environ, SWITCHYARD_CONFIG=CONFIG, **database))
        self.gateway = start_server(BIN, GATEWAY_PORT, CONFIG, self.logs["gateway"], args=("--role", "gateway"),
                                    env=dict(otel, OTEL_SERVICE_NAME="switchyard-gateway"))
        self.backend = start_server(
            BIN, BACKEND_PORT, CONFIG, self.logs["backend"], args=("--role", "backend"),
            env=dict(otel, OTEL_SERVICE_NAME="switchyard-backend",
                     SWITCHYARD_GATEWAY_URL=f"http://127.0.0.1:{GATEWAY_PORT}", **database))

    def stop(self):
        for process in (self.backend, self.gateway):
            process.terminate()
        for process in (self.backend, self.gateway):
            assert process.wait(timeout=30) == 0

    def log(self, role):
        with open(self.logs[role]) as handle:
            return handle.read()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def chat_turn(message):
    """A bot whose primary always fails (overloaded) and whose fallback answers; one chat turn. Returns its reply."""
    status, bot, _ = call(BACKEND_PORT, "POST", "/admin/v1/bots",
                          {"name": f"Traced {uuid.uuid4().hex[:6]}", "status": "launched"})
    assert status == 201, bot
    status, config, _ = call(BACKEND_PORT, "POST", f"/admin/v1/bots/{bot['slug']}/llm-configs", {
        "llm_provider": "brokenmock", "model_name": "m-primary", "prompt": "You are {{bot_name}}.",
        "temperature": 0.3, "max_output_tokens": 200, "is_active": True,
        "metadata": {"fallbacks": [{"provider": "mock", "model": "m-fallback"}]}})
    assert status == 201, config
    user = f"traced-{uuid.uuid4().hex[:8]}"
    status, reply, _ = call(BACKEND_PORT, "POST", f"/v1/bots/{bot['slug']}/chat", {"message": message},
                            token=user_token(user))
    assert status == 200, reply
    return bot, reply


def turn_spans(receiver, reply):
    """The spans of the turn's trace, once both processes exported them: the attempts, the database commit, and the
    backend's request span, which ends after the turn span (it wraps it) and may come in a later export."""
    def complete():
        spans = receiver.snapshot()
        turns = [s for s in spans if s.name == "chat turn"
                 and s.attributes.get("langfuse.session.id") == reply["session_id"]]
        if not turns:
            return None
        trace = [s for s in spans if s.trace_id == turns[0].trace_id]
        attempts = [s for s in trace if s.name.startswith("chat m-")]
        done = (len(attempts) == 2 and any(s.name == "database commit" for s in trace)
                and any(s.span_id == turns[0].parent_span_id for s in trace))
        return (turns[0], trace) if done else None
    found = wait_for(complete)
    assert found, f"the turn's spans did not all arrive: {receiver.snapshot()}"
    return found


def test_a_turn_is_one_trace_across_backend_and_gateway(tmp_path, receiver):
    pair = Pair(tmp_path, receiver)
    message = f"secret-message-{uuid.uuid4().hex}"
    try:
        bot, reply = chat_turn(message)
        turn, trace = turn_spans(receiver, reply)
    finally:
        pair.stop()
    by_id = {span.span_id: span for span in trace}

    # The turn: a child of the backend's request span, with the Langfuse trace attributes.
    assert turn.service == "switchyard-backend"
    request_span = by_id[turn.parent_span_id]
    assert request_span.kind == SERVER_KIND and request_span.service == "switchyard-backend"
    assert request_span.name == "/v1/bots/{slug}/chat"
    assert turn.attributes["langfuse.trace.name"] == f"chat {bot['slug']}"
    assert turn.attributes["langfuse.user.id"]
    assert turn.attributes["langfuse.session.id"] == reply["session_id"]

    # Its children: the prompt render and the database commit in the backend, and the gateway's request span, in
    # the other process, joined by the W3C traceparent the backend sent.
    children = [span for span in trace if span.parent_span_id == turn.span_id]
    names = sorted(span.name for span in children)
    assert "prompt render" in names and "database commit" in names, names
    gateway_request = next(span for span in children if span.service == "switchyard-gateway")
    assert gateway_request.kind == SERVER_KIND and gateway_request.name == "/v1/generate"

    # The attempts: children of the gateway's request span, named `chat {model}`, with the GenAI attributes.
    attempts = sorted((span for span in trace if span.parent_span_id == gateway_request.span_id),
                      key=lambda span: span.name)
    assert [span.name for span in attempts] == ["chat m-fallback", "chat m-primary"]
    fallback, primary = attempts
    for span in attempts:
        assert span.kind == CLIENT_KIND and span.service == "switchyard-gateway"
        assert span.attributes["gen_ai.operation.name"] == "chat"
        assert span.attributes["gen_ai.request.temperature"] == pytest.approx(0.3)
        assert span.attributes["gen_ai.request.max_tokens"] == 200
        assert span.attributes["langfuse.session.id"] == reply["session_id"]
        assert "gen_ai.system" not in span.attributes, "the deprecated name is not used"
    assert primary.attributes["gen_ai.provider.name"] == "brokenmock"
    assert primary.attributes["gen_ai.request.model"] == "m-primary"
    assert primary.attributes["error.type"] == "overloaded"
    assert primary.status_code == STATUS_ERROR
    assert fallback.attributes["gen_ai.provider.name"] == "mock"
    assert fallback.attributes["gen_ai.response.model"] == "m-fallback"
    assert fallback.attributes["gen_ai.response.finish_reasons"] == ["stop"]
    assert fallback.attributes["gen_ai.usage.input_tokens"] == reply["usage"]["prompt_tokens"]
    assert fallback.attributes["gen_ai.usage.output_tokens"] == reply["usage"]["completion_tokens"]
    assert "error.type" not in fallback.attributes

    # No prompt or reply anywhere in what was exported, unless switched on.
    exported = b"".join(receiver.bodies)
    assert message.encode() not in exported
    assert reply["message"].encode() not in exported
    assert not any(key.startswith("langfuse.observation.input") or key == "langfuse.trace.input"
                   for span in receiver.snapshot() for key in span.attributes)


def test_langfuse_answers_cause_no_export_failure_and_content_is_opt_in(tmp_path):
    receiver = Receiver(answer="langfuse")
    pair = Pair(tmp_path, receiver, content=True)
    message = f"visible-message-{uuid.uuid4().hex}"
    try:
        _, reply = chat_turn(message)
        turn, trace = turn_spans(receiver, reply)
    finally:
        pair.stop()
        receiver.close()
    assert len(receiver.requests) >= 2, "both processes exported"
    assert all(path == "/v1/traces" and headers.get("Content-Type") == "application/x-protobuf"
               for path, headers in receiver.requests)
    assert turn.attributes["langfuse.trace.input"] == message
    assert turn.attributes["langfuse.trace.output"] == reply["message"]
    attempt = next(span for span in trace if span.name == "chat m-fallback")
    sent = json.loads(attempt.attributes["langfuse.observation.input"])
    assert sent[-1] == {"role": "user", "content": message}
    assert attempt.attributes["langfuse.observation.output"] == reply["message"]
    # swift-otel reads a JSON answer as an OTLP response and fails on Langfuse's; that report must not be logged.
    for role in ("gateway", "backend"):
        log = pair.log(role)
        assert "Failed to export" not in log and "Force flush failed" not in log, log[-2000:]
        otel_lines = [line for line in log.splitlines() if "switchyard.otel" in line]
        assert not otel_lines, otel_lines
