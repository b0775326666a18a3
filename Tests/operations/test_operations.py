"""Operations, on real processes: a PostgreSQL outage answered 503 and recovered without a restart, startup that
waits for the database, SIGKILL and SIGTERM under a chat load.

Run by scripts/operations.sh, which starts a PostgreSQL cluster of its own (so that stopping it disturbs no other
test) and sets SWITCHYARD_BIN, OPS_PG_URL (with a password that must never be logged), the secrets and OPS_LOGDIR."""
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from switchyard_client import ChatLoad, call, launch_bot, start_server, status_of, user_token  # noqa: E402

BIN = os.environ["SWITCHYARD_BIN"]
ROOT = os.environ["OPS_ROOT"]
PG_URL = os.environ["OPS_PG_URL"]
PG_PASSWORD = os.environ["OPS_PG_PASSWORD"]
LOGDIR = os.environ["OPS_LOGDIR"]
CONFIG = os.path.join(os.path.dirname(__file__), "config.json")
PORT = 18741


def postgres(action):
    subprocess.run([os.path.join(ROOT, "scripts", "postgres.sh"), action], check=True, capture_output=True,
                   env=dict(os.environ, SWITCHYARD_PG_PORT=os.environ["OPS_PG_PORT"],
                            SWITCHYARD_PG_DATA=os.environ["OPS_PG_DATA"]))


def log_path(name):
    return os.path.join(LOGDIR, f"{name}-{uuid.uuid4().hex[:6]}.log")


def read(path):
    with open(path) as handle:
        return handle.read()


def wait_until(predicate, timeout, step=0.02):
    """Seconds until `predicate()` held, or None after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(step)
    return None


@pytest.fixture
def database():
    """PostgreSQL running and migrated; left running after the test, whatever the test did to it."""
    if not status_of_pg():
        postgres("start")
    subprocess.run([BIN, "migrate"], check=True, capture_output=True, env=dict(os.environ, DATABASE_URL=PG_URL))
    yield PG_URL
    if not status_of_pg():
        postgres("start")


def status_of_pg():
    """Whether the cluster answers."""
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", os.environ["OPS_PG_PORT"]],
                          env=dict(os.environ, PATH=os.environ["OPS_PG_BIN"] + ":" + os.environ["PATH"])).returncode == 0


def serve(log, env=None, **kwargs):
    return start_server(BIN, PORT, CONFIG, log, env=env, **kwargs)


def stop(process, sig=signal.SIGTERM, timeout=30):
    process.send_signal(sig)
    return process.wait(timeout=timeout)


def test_a_database_outage_is_503_and_recovers_without_a_restart(database):
    log = log_path("outage")
    process = serve(log, env={"DATABASE_URL": database})
    try:
        slug = launch_bot(PORT)
        token = user_token("outage-user")
        status, reply, _ = call(PORT, "POST", f"/v1/bots/{slug}/chat", {"message": "before"}, token=token)
        assert status == 200, reply
        session = reply["session_id"]

        postgres("stop")
        outage_routes = [
            ("POST", f"/v1/bots/{slug}/chat", {"message": "during", "session_id": session}, token),
            ("POST", f"/v1/bots/{slug}/chat", {"message": "during, new session"}, token),
            ("GET", "/v1/me", None, token),
            ("GET", f"/v1/sessions/{session}/messages", None, token),
            ("GET", "/admin/v1/bots", None, None),
            ("POST", "/admin/v1/bots", {"name": "Born in an outage"}, None),
        ]
        for _ in range(5):
            for method, path, body, bearer in outage_routes:
                status, answer, headers = call(PORT, method, path, body, token=bearer)
                assert status == 503, (path, answer)
                assert headers["Retry-After"] == "2", path
                assert answer["error"]["code"] == "database_unavailable"
                assert "temporarily unavailable" in answer["error"]["message"]
        assert status_of(PORT, "/ready") == 503
        assert status_of(PORT, "/health") == 200

        postgres("start")

        def chat_answers():
            status, _, _ = call(PORT, "POST", f"/v1/bots/{slug}/chat", {"message": "after", "session_id": session},
                                token=token)
            return status == 200

        recovered = wait_until(chat_answers, 10)
        ready = wait_until(lambda: status_of(PORT, "/ready") == 200, 10)
        assert recovered is not None and recovered <= 2, f"chat answered {recovered} s after the restart"
        assert ready is not None and ready <= 2
        status, messages, _ = call(PORT, "GET", f"/v1/sessions/{session}/messages", token=token)
        assert [m["content"] for m in messages if m["role"] == "user"] == ["before", "after"], "nothing half-written"
        status, bots, _ = call(PORT, "GET", "/admin/v1/bots")
        assert "Born in an outage" not in [bot["name"] for bot in bots]
    finally:
        assert stop(process) == 0
    text = read(log)
    assert len(re.findall(r"stopped answering", text)) == 1, text
    assert len(re.findall(r"is back after", text)) == 1, text
    assert "unhandled error" not in text and "PSQLError" not in text
    assert PG_PASSWORD not in text


def test_startup_waits_for_the_database(database):
    postgres("stop")
    started = time.monotonic()
    migrate = subprocess.run([BIN, "migrate", "--wait-seconds", "2"], capture_output=True, text=True,
                             env=dict(os.environ, DATABASE_URL=database))
    took = time.monotonic() - started
    assert migrate.returncode != 0
    assert 2 <= took < 8, took
    output = migrate.stdout + migrate.stderr
    assert "127.0.0.1:" + os.environ["OPS_PG_PORT"] in output and "(try 2)" in output, output
    assert PG_PASSWORD not in output

    log = log_path("startup")
    process = serve(log, env={"DATABASE_URL": database})
    try:
        assert status_of(PORT, "/health") == 200
        assert status_of(PORT, "/ready") == 503
        assert wait_until(lambda: "(try 2)" in read(log), 5) is not None, read(log)
        postgres("start")
        assert wait_until(lambda: status_of(PORT, "/ready") == 200, 3) is not None
        slug = launch_bot(PORT)
        status, reply, _ = call(PORT, "POST", f"/v1/bots/{slug}/chat", {"message": "hi"}, token=user_token("late"))
        assert status == 200, reply
    finally:
        assert stop(process) == 0
    text = read(log)
    assert "connected to the database at postgres://127.0.0.1:" in text
    assert PG_PASSWORD not in text


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    if request.param == "postgres":
        if not status_of_pg():
            postgres("start")
        subprocess.run([BIN, "migrate"], check=True, capture_output=True, env=dict(os.environ, DATABASE_URL=PG_URL))
        return {"DATABASE_URL": PG_URL}
    return {"SWITCHYARD_SQLITE_PATH": str(tmp_path / "switchyard.sqlite"), "DATABASE_URL": ""}


def under_load(store, name):
    """A server on `store` with 16 users sending turns, once 60 of them are acknowledged."""
    log = log_path(name)
    process = serve(log, env=store)
    load = ChatLoad([PORT], launch_bot(PORT), users=16)
    load.start()
    load.wait_for_acknowledged(60)
    return process, load, log


def assert_acknowledged_turns_stored_once(load, store, log):
    """Starts the server again on the same store and reads every acknowledged turn back."""
    process = serve(log, env=store)
    try:
        lost, doubled = load.missing_turns(PORT)
        assert (lost, doubled) == ([], []), f"{len(load.acknowledged)} acknowledged; {load.outcomes}"
    finally:
        assert stop(process) == 0


def test_sigkill_under_load_loses_no_acknowledged_turn(store):
    process, load, log = under_load(store, "sigkill")
    process.send_signal(signal.SIGKILL)
    process.wait()
    load.stop()
    if "SWITCHYARD_SQLITE_PATH" in store:
        with sqlite3.connect(store["SWITCHYARD_SQLITE_PATH"]) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert_acknowledged_turns_stored_once(load, store, log)


def test_sigterm_under_load_drains_and_exits_0(store):
    process, load, log = under_load(store, "sigterm")
    # The users send no new turn from now on; the turns in flight (one per user, 150 ms each) were accepted before
    # the signal: 30 ms lets a user that had just passed its check connect.
    load.stopping.set()
    time.sleep(0.03)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    # The listener closes at once: a new connection is refused while the accepted turns finish.
    refused = wait_until(lambda: status_of(PORT, "/health") is None, 5, step=0.005)
    code = process.wait(timeout=25)
    took = time.monotonic() - started
    load.stop()
    assert code == 0
    assert refused is not None and took < 20, (refused, took)
    # Every accepted turn got its answer: none was cut with a reset, none failed.
    assert set(load.outcomes) == {200}, load.outcomes
    assert_acknowledged_turns_stored_once(load, store, log)
    text = read(log)
    assert "draining" in text
    assert_an_audit_line_per_turn_and_no_secrets(text, load)


def assert_an_audit_line_per_turn_and_no_secrets(text, load):
    """The whole run's log (JSON lines, as a process without a terminal writes them): one audit line per answered
    turn, and none of the keys, the tokens or the users' texts."""
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    turns = [line for line in lines if line.get("message") == "request" and line.get("route") == "/v1/bots/{slug}/chat"]
    assert len([t for t in turns if t["status"] == "200"]) >= len(load.acknowledged)
    assert all(t["request_id"] and "latency_ms" in t for t in turns)
    secrets = [os.environ[name] for name in ("SWITCHYARD_ADMIN_KEY", "SWITCHYARD_USER_JWT_SECRET",
                                             "SWITCHYARD_JWT_SECRET", "OPS_PG_PASSWORD")]
    secrets += list(load.tokens.values()) + [text_ for _, _, _, text_ in load.acknowledged]
    leaked = [secret[:16] for secret in secrets if secret in text]
    assert not leaked, f"in the log: {leaked}"


def test_a_turn_longer_than_the_drain_is_answered_503(tmp_path):
    store = {"SWITCHYARD_SQLITE_PATH": str(tmp_path / "switchyard.sqlite"), "DATABASE_URL": "",
             "SERVER_DRAIN_SECONDS": "1"}
    log = log_path("drain")
    process = serve(log, env=store)
    slug = launch_bot(PORT, provider="slowmock")
    token = user_token("patient")
    load = ChatLoad([PORT], slug, users=1)
    load.tokens = {load.users[0]: token}
    result = {}

    def slow_turn():
        result["answer"] = load.turn(PORT, load.users[0], None, "will you finish?", uuid.uuid4().hex)

    thread = threading.Thread(target=slow_turn)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=15)
    took = time.monotonic() - started
    thread.join(timeout=5)
    assert code == 0 and took < 4, (code, took)
    status, payload, retry_after = result["answer"]
    assert status == 503 and b"shutting_down" in payload and retry_after == "1", payload
    process = serve(log, env=store)
    try:
        status, sessions, _ = call(PORT, "GET", f"/v1/sessions?bot={slug}", token=token)
        assert status == 200 and sessions["sessions"] == [], "the cut turn stored nothing"
    finally:
        assert stop(process) == 0
