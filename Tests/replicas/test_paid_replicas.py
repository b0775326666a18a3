"""Paid chat across two `switchyard serve` processes on one PostgreSQL, and a process killed between hold and settle.

Run by scripts/replicas.sh, which sets SWITCHYARD_BIN, DATABASE_URL, the secrets and the fake upstream's port.
Only the standard library talks to the service (Tests/support/switchyard_client.py)."""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from switchyard_client import call as shared_call, start_server, user_token  # noqa: E402

BIN = os.environ["SWITCHYARD_BIN"]
UPSTREAM = f"http://127.0.0.1:{os.environ['REPLICAS_UPSTREAM_PORT']}"
PORTS = [int(p) for p in os.environ["REPLICAS_PORTS"].split(",")]
CONFIG = os.environ["REPLICAS_CONFIG"]
LOGDIR = os.environ["REPLICAS_LOGDIR"]


def call(port, method, path, body=None, token=None, timeout=30):
    status, answer, _ = shared_call(port, method, path, body, token=token, timeout=timeout)
    return status, answer


def sql(query):
    """One value, read with psql from the database the replicas share."""
    psql = shutil.which("psql") or sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))[-1]
    url = os.environ["DATABASE_URL"].split("?")[0]
    return subprocess.run([psql, url, "-At", "-c", query], check=True, capture_output=True, text=True).stdout.strip()


def upstream_calls():
    with urllib.request.urlopen(f"{UPSTREAM}/stats", timeout=5) as response:
        return json.loads(response.read())["completions"]


def start(port):
    return start_server(BIN, port, CONFIG, os.path.join(LOGDIR, f"replica-{port}.log"))


@pytest.fixture(scope="module")
def replicas():
    processes = {port: start(port) for port in PORTS}
    yield processes
    for process in processes.values():
        process.send_signal(signal.SIGTERM)
    for process in processes.values():
        process.wait(timeout=30)


def paid_bot(model, per_message=100):
    status, bot = call(PORTS[0], "POST", "/admin/v1/bots", {
        "name": f"Paid {uuid.uuid4().hex[:8]}", "status": "launched",
        "metadata": {"pricing": {"currency": "INR", "per_message": per_message}}})
    assert status == 201, bot
    status, config = call(PORTS[0], "POST", f"/admin/v1/bots/{bot['slug']}/llm-configs",
                          {"llm_provider": "upstream", "model_name": model, "prompt": "You are {{bot_name}}.",
                           "is_active": True})
    assert status == 201, config
    return bot["slug"]


def top_up(user, amount):
    status, body = call(PORTS[1], "POST", f"/admin/v1/users/{user}/wallet/topups",
                        {"amount": amount, "currency": "INR", "idempotency_key": uuid.uuid4().hex})
    assert status == 201, body


def wallet(user, port):
    status, body = call(port, "GET", "/v1/wallet?limit=200", token=user_token(user))
    assert status == 200, body
    return body


def test_two_replicas_never_overdraw(replicas):
    slug = paid_bot("up-1")
    user = f"payer-{uuid.uuid4().hex[:8]}"
    k = 8
    top_up(user, k * 100)
    token = user_token(user)
    before = upstream_calls()

    def turn(index):
        return call(PORTS[index % 2], "POST", f"/v1/bots/{slug}/chat", {"message": f"turn {index}"}, token=token)[0]

    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(turn, range(8 * k)))
    assert statuses.count(200) == k, statuses
    assert statuses.count(402) == 7 * k, statuses
    assert upstream_calls() - before == k, "a refused turn calls no provider"
    body = wallet(user, PORTS[0])
    [inr] = body["wallets"]
    assert (inr["balance"], inr["held"]) == (0, 0)
    entries = body["entries"]
    assert sum(e["amount"] for e in entries) == inr["balance"]
    assert sum(e["held_delta"] for e in entries) == inr["held"]
    assert [e["kind"] for e in entries].count("settle") == k
    assert sorted(e["sequence"] for e in entries) == list(range(1, len(entries) + 1))


def test_a_replica_killed_between_hold_and_settle(replicas):
    slug = paid_bot("slow")
    user = f"crash-{uuid.uuid4().hex[:8]}"
    top_up(user, 500)
    token = user_token(user)
    victim = PORTS[0]
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(call, victim, "POST", f"/v1/bots/{slug}/chat", {"message": "will you answer?"}, token)
        deadline = time.time() + 5
        while wallet(user, PORTS[1])["wallets"][0]["held"] == 0 and time.time() < deadline:
            time.sleep(0.05)
        assert wallet(user, PORTS[1])["wallets"][0]["held"] == 100, "the turn's hold is placed"
        replicas[victim].send_signal(signal.SIGKILL)
        replicas[victim].wait()
        with pytest.raises(Exception):
            pending.result()
    replicas[victim] = start(victim)
    # The hold expires after billing.hold_timeout_seconds (10 s); a sweeper pass then releases it.
    deadline = time.time() + 30
    while wallet(user, victim)["wallets"][0]["held"] != 0 and time.time() < deadline:
        time.sleep(0.5)
    body = wallet(user, victim)
    [inr] = body["wallets"]
    assert (inr["balance"], inr["held"], inr["available"]) == (500, 0, 500), "the balance is whole"
    assert [e["kind"] for e in reversed(body["entries"])] == ["topup", "hold", "release"]
    # No half-stored turn: the killed turn left no session and no message.
    assert sql(f"SELECT COUNT(*) FROM chat_sessions s JOIN users u ON u.id = s.user_id WHERE u.external_id = '{user}'") == "0"
