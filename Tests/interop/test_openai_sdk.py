"""The official openai Python SDK against a running switchyard (started by scripts/interop.sh)."""
import json
import os
import urllib.request

import openai
import pytest

BASE = os.environ["SWITCHYARD_URL"] + "/v1"
TOKEN = os.environ["SWITCHYARD_TOKEN"]
UPSTREAM_STATS = "http://127.0.0.1:18711/stats"


def upstream_completions():
    with urllib.request.urlopen(UPSTREAM_STATS) as response:
        return json.load(response)["completions"]


@pytest.fixture
def client():
    return openai.OpenAI(base_url=BASE, api_key=TOKEN, max_retries=0)


def test_chat_completion(client):
    completion = client.chat.completions.create(
        model="switchyard-demo", messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello there"}])
    assert completion.object == "chat.completion"
    assert completion.choices[0].message.content == "Mock reply to: Hello there"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens
    assert completion._request_id


def test_chat_completion_through_a_real_openai_compatible_upstream(client):
    completion = client.chat.completions.create(model="upstream/up-1", messages=[{"role": "user", "content": "hi"}])
    assert completion.choices[0].message.content == "Interop says hello"
    assert completion.usage.prompt_tokens == 9


def test_streaming_with_usage(client):
    stream = client.chat.completions.create(
        model="upstream-chat", messages=[{"role": "user", "content": "hi"}], stream=True,
        stream_options={"include_usage": True})
    text, usage, ids = "", None, set()
    for chunk in stream:
        ids.add(chunk.id)
        if chunk.choices and chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
        if chunk.usage:
            usage = chunk.usage
    assert text.strip() == "Interop says hello"
    assert usage is not None and usage.completion_tokens == 3
    assert len(ids) == 1
    # 9 prompt tokens at $2.50 and 3 completion tokens at $10 per million: $0.0000525, as the SDK reads it.
    assert usage.model_extra["cost"] == pytest.approx(0.0000525, abs=1e-12)


def test_cost_in_the_body_and_the_header(client):
    raw = client.chat.completions.with_raw_response.create(
        model="upstream/up-1", messages=[{"role": "user", "content": "hi"}])
    completion = raw.parse()
    assert raw.headers["x-switchyard-cost"] == "0.0000525"
    assert completion.usage.model_extra["cost"] == pytest.approx(0.0000525, abs=1e-12)
    unpriced = client.chat.completions.create(model="switchyard-demo", messages=[{"role": "user", "content": "hi"}])
    assert unpriced.usage.model_extra["cost"] is None, "a model without a price costs null, never 0"


def test_model_listing(client):
    ids = [model.id for model in client.models.list()]
    assert "switchyard-demo" in ids
    assert client.models.retrieve("switchyard-demo").id == "switchyard-demo"
    assert client.models.retrieve("mock/echo-1").owned_by == "mock"


def test_bad_request_error(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="switchyard-demo", messages=[{"role": "user", "content": "x"}], temperature=5)
    assert info.value.param == "temperature"
    assert info.value.type == "invalid_request_error"


def test_not_found_error(client):
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    assert info.value.code == "model_not_found"


def test_authentication_error():
    bad = openai.OpenAI(base_url=BASE, api_key="not-a-jwt", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()


def test_rate_limit_error(client):
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="upstream/limited", messages=[{"role": "user", "content": "x"}])
    assert info.value.code == "rate_limit_exceeded"
    assert "Rate limit reached" not in str(info.value), "provider text must not reach the client"


def test_gateway_rate_limit_per_user(client):
    """config.json limits each `user` to 2 at once, 6 a minute; OpenAI's x-ratelimit headers count down."""
    messages = [{"role": "user", "content": "hi"}]
    remaining = []
    for _ in range(2):
        raw = client.chat.completions.with_raw_response.create(model="switchyard-demo", messages=messages, user="interop-limited")
        assert raw.headers["x-ratelimit-limit-requests"] == "6"
        remaining.append(raw.headers["x-ratelimit-remaining-requests"])
        assert raw.headers["x-ratelimit-reset-requests"].endswith("s")
        assert raw.parse().choices[0].message.content == "Mock reply to: hi"
    assert remaining == ["1", "0"]
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="switchyard-demo", messages=messages, user="interop-limited")
    assert info.value.code == "rate_limited"
    assert 1 <= int(info.value.response.headers["retry-after"]) <= 10
    assert info.value.response.headers["x-ratelimit-remaining-requests"] == "0"
    # Another user has a bucket of their own.
    assert client.chat.completions.create(model="switchyard-demo", messages=messages, user="interop-other").choices


def test_gateway_token_limit_charges_each_answer(client):
    """config.json also gives each `user` 60 tokens a minute: a streamed answer's usage is charged when it ends, and
    OpenAI's x-ratelimit-*-tokens headers show what is left."""
    messages = [{"role": "user", "content": "count the tokens of this answer"}]
    raw = client.chat.completions.with_raw_response.create(
        model="switchyard-demo", messages=messages, user="interop-tokens", stream=True,
        stream_options={"include_usage": True})
    assert raw.headers["x-ratelimit-limit-tokens"] == "60"
    assert raw.headers["x-ratelimit-remaining-tokens"] == "60"
    assert raw.headers["x-ratelimit-reset-tokens"] == "0s"
    usage = [chunk.usage for chunk in raw.parse() if chunk.usage][-1]
    assert 0 < usage.total_tokens < 60
    raw = client.chat.completions.with_raw_response.create(
        model="switchyard-demo", messages=messages, user="interop-tokens")
    # One token a second refills between the two requests: at most one more whole token.
    assert int(raw.headers["x-ratelimit-remaining-tokens"]) in (60 - usage.total_tokens, 61 - usage.total_tokens)
    assert raw.headers["x-ratelimit-reset-tokens"].endswith("s")


def test_a_cached_stream_is_replayed_to_the_sdk(client):
    """The route `cached-chat` caches deterministic answers: a stream that ended well is kept, then replayed (as a
    stream, or as a plain completion) without calling the upstream."""
    messages = [{"role": "user", "content": "cache this stream"}]

    def streamed():
        raw = client.chat.completions.with_raw_response.create(
            model="cached-chat", messages=messages, temperature=0, stream=True, stream_options={"include_usage": True})
        chunks = list(raw.parse())
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        finish = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
        usage = [c.usage for c in chunks if c.usage][-1]
        return raw.headers["x-switchyard-cache"], text, finish, usage

    before = upstream_completions()
    first = streamed()
    second = streamed()
    assert (first[0], second[0]) == ("miss", "hit")
    assert first[1] == second[1] == "Interop says hello "
    assert first[2] == second[2] == ["stop"]
    assert second[3].total_tokens == first[3].total_tokens == 12
    plain = client.chat.completions.with_raw_response.create(model="cached-chat", messages=messages, temperature=0)
    assert plain.headers["x-switchyard-cache"] == "hit"
    assert plain.parse().choices[0].message.content == first[1]
    assert upstream_completions() == before + 1


def test_identical_concurrent_streams_share_one_upstream_stream(client):
    """The route `shared-chat` deduplicates: three SDK clients streaming the same request at once read one upstream
    stream (the upstream answers after half a second and counts its calls)."""
    from concurrent.futures import ThreadPoolExecutor

    def streamed(_):
        stream = client.chat.completions.create(
            model="shared-chat", messages=[{"role": "user", "content": "share this"}], stream=True)
        return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)

    before = upstream_completions()
    with ThreadPoolExecutor(3) as pool:
        texts = list(pool.map(streamed, range(3)))
    assert texts == ["Interop says hello "] * 3
    assert upstream_completions() == before + 1


def test_stream_broken_after_it_began_raises(client):
    stream = client.chat.completions.create(model="upstream/cut", messages=[{"role": "user", "content": "x"}], stream=True)
    received = ""
    with pytest.raises(openai.APIError) as info:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                received += chunk.choices[0].delta.content
    assert received == "partial answer"
    assert "interrupted" in str(info.value)
