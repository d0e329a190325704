"""Retries, counted on the server side. The shells' sleeps are recorded, not slept (the
``sleeps`` fixture), so the waits the policy chose are asserted exactly and cost nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from llm_connector import (
    APIConnectionError,
    APIStatusError,
    BadRequestError,
    IncompleteStreamError,
    InternalServerError,
    RateLimitError,
)
from llm_connector.calls.limits import RetryPolicy
from llm_connector.types import ChatRequest, Message
from tests.support.backends import Backend, MakeApi, SleepLog
from tests.support.facade import Api
from tests.support.loopback import LoopbackServer, unused_port
from tests.support.script import CHAT, Reply, completion, error_reply, json_reply, text_stream

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Hi"))
OK = json_reply(completion("recovered"))
POLICY = RetryPolicy()


def backoff_range(attempt: int) -> tuple[float, float]:
    """The jittered backoff before retry ``attempt + 1``: between these bounds."""
    return POLICY.backoff(attempt, 1.0), POLICY.backoff(attempt, 0.0)


async def chat_or_stream(api: Api, kind: str) -> str:
    if kind == "chat":
        return (await api.chat(REQUEST)).content
    stream = await api.stream(REQUEST)
    return (await stream.final_response()).content


@pytest.mark.parametrize("kind", ["chat", "stream"])
@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 529])
async def test_transient_status_is_retried_then_succeeds(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog, status: int, kind: str
) -> None:
    success = OK if kind == "chat" else text_stream("recovered")
    backend.script.on(CHAT, error_reply(status, "transient"), success)
    api = make_api(max_retries=2)

    assert await chat_or_stream(api, kind) == "recovered"

    assert backend.script.hits() == 2
    (slept,) = sleeps
    low, high = backoff_range(0)
    assert low <= slept <= high
    # The retry is the same request again.
    first, second = backend.requests
    assert first.body == second.body
    assert first.headers["authorization"] == second.headers["authorization"]


async def test_gives_up_after_max_retries(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    backend.script.on(CHAT, error_reply(503, "still down"))
    api = make_api(max_retries=2)

    with pytest.raises(InternalServerError) as caught:
        await api.chat(REQUEST)

    assert caught.value.message == "still down"
    assert backend.script.hits() == 3
    assert len(sleeps) == 2
    assert backoff_range(0)[0] <= sleeps[0] <= backoff_range(0)[1]
    assert backoff_range(1)[0] <= sleeps[1] <= backoff_range(1)[1]


@pytest.mark.parametrize(
    ("headers", "expected_sleep"),
    [
        ([("retry-after", "0")], 0.0),
        ([("retry-after", "2")], 2.0),
        ([("retry-after-ms", "10")], 0.01),
        ([("retry-after", "60")], 60.0),
    ],
)
async def test_server_requested_wait_is_honoured(
    make_api: MakeApi,
    backend: Backend,
    sleeps: SleepLog,
    headers: list[tuple[str, str]],
    expected_sleep: float,
) -> None:
    backend.script.on(CHAT, error_reply(429, "wait", headers=headers), OK)
    api = make_api(max_retries=1)

    assert (await api.chat(REQUEST)).content == "recovered"

    assert sleeps == [expected_sleep]
    assert backend.script.hits() == 2


async def test_wait_above_the_cap_raises_at_once(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    backend.script.on(CHAT, error_reply(429, "come back later", headers=[("retry-after", "120")]))
    api = make_api(max_retries=2)

    with pytest.raises(RateLimitError) as caught:
        await api.chat(REQUEST)

    assert caught.value.retry_after == 120.0
    assert backend.script.hits() == 1
    assert sleeps == []


async def test_x_should_retry_false_stops(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    backend.script.on(CHAT, error_reply(500, "do not", headers=[("x-should-retry", "false")]), OK)
    api = make_api(max_retries=2)

    with pytest.raises(InternalServerError):
        await api.chat(REQUEST)

    assert backend.script.hits() == 1
    assert sleeps == []


async def test_x_should_retry_true_retries_a_400(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    backend.script.on(CHAT, error_reply(400, "retry me", headers=[("x-should-retry", "true")]), OK)
    api = make_api(max_retries=2)

    assert (await api.chat(REQUEST)).content == "recovered"
    assert backend.script.hits() == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_errors_are_not_retried(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog, status: int
) -> None:
    backend.script.on(CHAT, error_reply(status, "no"), OK)
    api = make_api(max_retries=2)

    with pytest.raises(APIStatusError) as caught:
        await api.chat(REQUEST)

    assert caught.value.status_code == status
    assert backend.script.hits() == 1
    assert sleeps == []


async def test_max_retries_zero_means_one_attempt(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    backend.script.on(CHAT, error_reply(503, "down"), OK)
    api = make_api(max_retries=0)

    with pytest.raises(InternalServerError):
        await api.chat(REQUEST)

    assert backend.script.hits() == 1
    assert sleeps == []


async def test_hang_up_before_answering_is_retried_at_once(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    # The server takes the request and hangs up without answering: what a pooled
    # keep-alive connection the server already closed looks like. The retry needs a fresh
    # connection, not a backoff.
    backend.script.on(CHAT, Reply(hang_up=True), OK)
    api = make_api(max_retries=2)

    assert (await api.chat(REQUEST)).content == "recovered"

    assert backend.script.hits() == 2
    assert backend.count("server_hung_up") == 1
    assert sleeps == [0.0]


async def test_repeated_hang_ups_back_off_after_the_first_retry(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    backend.script.on(CHAT, Reply(hang_up=True), Reply(hang_up=True), OK)
    api = make_api(max_retries=2)

    assert (await api.chat(REQUEST)).content == "recovered"

    assert backend.script.hits() == 3
    first, second = sleeps
    assert first == 0.0
    assert backoff_range(1)[0] <= second <= backoff_range(1)[1]


async def test_hang_up_is_not_retried_without_retries(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    backend.script.on(CHAT, Reply(hang_up=True), OK)
    api = make_api(max_retries=0)

    with pytest.raises(APIConnectionError):
        await api.chat(REQUEST)

    assert backend.script.hits() == 1
    assert sleeps == []


async def test_connection_refused_is_retried_then_raised(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    api = make_api(server, base_url=f"http://127.0.0.1:{unused_port()}/v1", max_retries=2)

    with pytest.raises(APIConnectionError) as caught:
        await api.chat(REQUEST)

    assert type(caught.value) is APIConnectionError
    assert len(sleeps) == 2


async def test_timeout_is_retried(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    # The server's wait ends as soon as the client gives up on it.
    server.script.on(CHAT, replace(OK, head_delay=30.0), OK)
    api = make_api(server, timeout=0.3, max_retries=1)

    assert (await api.chat(REQUEST)).content == "recovered"
    assert server.script.hits() == 2
    assert len(sleeps) == 1


async def test_no_retry_once_the_stream_began(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    # Chunks were already handed to the caller: a retry would repeat them.
    backend.script.on(CHAT, replace(text_stream("a", "b"), drop_after=2), text_stream("again"))
    api = make_api(max_retries=2)

    stream = await api.stream(REQUEST)
    with pytest.raises(IncompleteStreamError):
        await stream.collect()

    assert backend.script.hits() == 1
    assert sleeps == []


async def test_400_is_raised_unchanged_after_earlier_retries(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    backend.script.on(CHAT, error_reply(503, "busy"), error_reply(400, "bad field", param="x"))
    api = make_api(max_retries=2)

    with pytest.raises(BadRequestError) as caught:
        await api.chat(REQUEST)

    assert caught.value.param == "x"
    assert backend.script.hits() == 2
    assert len(sleeps) == 1
