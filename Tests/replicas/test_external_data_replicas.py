"""External data across two `switchyard serve` processes on one PostgreSQL: concurrent turns on one replica make one
astrology call (single flight), the other replica then makes none (the shared cache table), and two replicas that miss
the same chart at the same moment make one call between them (the advisory lock on the key).

Run by scripts/replicas.sh, which starts the fake astrology and geocoding API (Tests/support/fake_external_data.py)."""
import json
import os
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

from test_paid_replicas import PORTS, call, replicas  # noqa: F401 (the fixture)
from switchyard_client import user_token

ASTRO = f"http://127.0.0.1:{os.environ['REPLICAS_ASTROLOGY_PORT']}"


def astro(path, body=None):
    request = urllib.request.Request(ASTRO + path, method="POST" if body is not None else "GET",
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def astrologer():
    status, bot = call(PORTS[0], "POST", "/admin/v1/bots", {
        "name": f"Astro {uuid.uuid4().hex[:8]}", "status": "launched", "metadata": {"data_sources": ["astrology"]}})
    assert status == 201, bot
    status, config = call(PORTS[0], "POST", f"/admin/v1/bots/{bot['slug']}/llm-configs",
                          {"llm_provider": "upstream", "model_name": "gpt-4o-mini",
                           "prompt": "You are {{bot_name}}. Chart:\n{{profile_details_1}}", "is_active": True})
    assert status == 201, config
    return bot["slug"]


def user_born(port, birth_time):
    """A new user born in Pune at `birth_time` on a date no other test uses."""
    token = user_token(f"astro-{uuid.uuid4().hex[:10]}")
    status, body = call(port, "PATCH", "/v1/me", {"birth_date": "1991-05-17", "birth_time": birth_time,
                                                   "birth_place": "Pune, India"}, token=token)
    assert status == 200, body
    return token


def turn(port, slug, token):
    status, body = call(port, "POST", f"/v1/bots/{slug}/chat", {"message": "What about my career?"}, token=token)
    assert status == 200, body
    return body


def planets_calls():
    return astro("/stats").get("planets", 0)


def test_one_call_per_process_and_none_on_the_other_replica(replicas):
    slug = astrologer()
    astro("/control", {"delay_ms": 200})
    tokens = [user_born(PORTS[0], "06:15") for _ in range(20)]
    before = planets_calls()
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda token: turn(PORTS[0], slug, token), tokens))
    assert planets_calls() - before == 1
    astro("/control", {"delay_ms": 0})
    # Another process, another user with the same birth details: the shared table answers.
    turn(PORTS[1], slug, user_born(PORTS[1], "06:15"))
    assert planets_calls() - before == 1


def test_two_replicas_missing_at_once_make_one_call(replicas):
    slug = astrologer()
    first, second = user_born(PORTS[0], "11:45"), user_born(PORTS[1], "11:45")
    astro("/control", {"delay_ms": 500})
    before = planets_calls()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda pair: turn(*pair), [(PORTS[0], slug, first), (PORTS[1], slug, second)]))
    astro("/control", {"delay_ms": 0})
    assert planets_calls() - before == 1
