"""The four limits of ``Timeout`` fire, and say which one did, with both clients.

The servers stall for 30 s or forever (until the client leaves): a limit that did not
fire would make the test wait that long and then fail on what arrived. The limits are a
fraction of a second; nothing asserts how fast anything ran.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import httpx
import pytest

from llm_connector import APITimeoutError, LLMError, Timeout
from llm_connector.types import ChatRequest, Message
from tests.support.backends import MakeApi, SleepLog
from tests.support.loopback import LoopbackServer, unanswered_port
from tests.support.mock_backend import MockBackend
from tests.support.script import (
    CHAT,
    JSON_HEADERS,
    Reply,
    chunk,
    comment,
    completion,
    json_reply,
    sse,
    sse_event,
    text_stream,
)
from tests.support.streams import read_until_error

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Think hard"))
STALL = 30.0
#: How long the server waits for the client to leave after a stall (a hang detector).
GONE = 5.0


def keep_alive_tail(*events: dict[str, object], every: float = 0.05) -> Reply:
    """``events``, then an SSE comment every ``every`` seconds until the client leaves: the
    bytes keep httpx's read timeout from ever firing; no event comes."""
    return sse(*events, done=False, delay=every, forever=comment())


async def test_idle_fires_while_keep_alive_comments_flow(
    make_api: MakeApi, server: LoopbackServer
) -> None:
    api = make_api(timeout=Timeout(idle=0.3), max_retries=0)
    server.script.on(CHAT, keep_alive_tail(chunk("", role="assistant"), chunk("Once")))

    texts, err = await read_until_error(await api.stream(REQUEST))

    assert texts == ["", "Once"]
    assert type(err) is APITimeoutError
    assert err.timeout_kind == "idle"
    assert err.message == "idle timeout (0.3 s): no stream event arrived while streaming"
    assert err.partial is not None
    assert err.partial.content == "Once"
    assert server.client_gone.wait(GONE)


async def test_first_event_fires_while_only_keep_alives_come(
    make_api: MakeApi, server: LoopbackServer
) -> None:
    # The role chunk is no content: the first_event limit still runs after it.
    api = make_api(timeout=Timeout(first_event=0.3, idle=60.0), max_retries=0)
    server.script.on(CHAT, keep_alive_tail(chunk("", role="assistant")))

    texts, err = await read_until_error(await api.stream(REQUEST))

    assert texts == [""]
    assert type(err) is APITimeoutError
    assert err.timeout_kind == "first_event"
    assert err.message == (
        "first_event timeout (0.3 s): no content of the answer arrived while streaming"
    )
    assert err.partial is not None
    assert server.client_gone.wait(GONE)


async def test_first_event_before_the_response_head(
    make_api: MakeApi, server: LoopbackServer
) -> None:
    api = make_api(timeout=Timeout(first_event=0.2), max_retries=0)
    server.script.on(CHAT, replace(text_stream("late"), head_delay=STALL))

    with pytest.raises(APITimeoutError) as caught:
        await api.stream(REQUEST)

    assert caught.value.timeout_kind == "first_event"
    assert caught.value.message == (
        f"first_event timeout (0.2 s): no response on POST {server.base_url}/chat/completions"
    )
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


async def test_a_first_event_timeout_before_content_is_retried(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    api = make_api(timeout=Timeout(first_event=0.3, idle=60.0), max_retries=1)
    server.script.on(CHAT, keep_alive_tail(chunk("", role="assistant")), text_stream("at last"))

    stream = await api.stream(REQUEST)
    chunks = await stream.collect()

    assert [c.content for c in chunks] == ["", "at last", "", ""]
    assert server.script.hits() == 2
    assert len(sleeps) == 1


async def test_total_fires_on_a_drip_that_never_stops(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    # An event every 50 ms: never idle, never done. Retries are allowed but the deadline
    # is the call's: nothing is retried past it.
    api = make_api(timeout=Timeout(idle=0.3, total=0.6), max_retries=2)
    drip = sse(chunk("", role="assistant"), done=False, delay=0.05, forever=sse_event(chunk("x")))
    server.script.on(CHAT, drip)

    texts, err = await read_until_error(await api.stream(REQUEST))

    assert type(err) is APITimeoutError
    assert err.timeout_kind == "total"
    assert err.message == "total timeout (0.6 s): the call did not finish while streaming"
    assert len(texts) > 2
    assert set(texts[1:]) == {"x"}
    assert err.partial is not None
    assert err.partial.content == "x" * (len(texts) - 1)
    assert server.client_gone.wait(GONE)
    assert server.script.hits() == 1
    assert sleeps == []


async def test_total_bounds_the_wait_for_the_response_head(
    make_api: MakeApi, server: LoopbackServer
) -> None:
    api = make_api(timeout=Timeout(first_event=10.0, total=0.3), max_retries=2)
    server.script.on(CHAT, replace(text_stream("late"), head_delay=STALL))

    with pytest.raises(APITimeoutError) as caught:
        await api.stream(REQUEST)

    assert caught.value.timeout_kind == "total"
    assert server.script.hits() == 1  # no time was left for a retry


@pytest.mark.parametrize("kind", ["chat", "stream"])
async def test_total_bounds_a_whole_response_that_drips(
    make_api: MakeApi, server: LoopbackServer, kind: str
) -> None:
    # A JSON body one byte every 50 ms: each read is quick, the whole never ends in time.
    body = json_reply(completion("a slow answer")).chunks[0]
    dripping = Reply(200, JSON_HEADERS, tuple(body[i : i + 1] for i in range(len(body))), 0.05)
    api = make_api(timeout=Timeout(first_event=5.0, idle=5.0, total=0.4), max_retries=0)
    server.script.on(CHAT, dripping)

    err: LLMError
    if kind == "chat":
        with pytest.raises(APITimeoutError) as caught:
            await api.chat(REQUEST)
        err = caught.value
    else:
        _, err = await read_until_error(await api.stream(REQUEST))
    assert type(err) is APITimeoutError
    assert err.timeout_kind == "total"
    assert server.client_gone.wait(GONE)


async def test_a_slow_drip_within_the_limits_completes(
    make_api: MakeApi, server: LoopbackServer
) -> None:
    # Every gap (0.06 s) is well inside the limits; the whole takes longer than one gap.
    api = make_api(timeout=Timeout(first_event=0.5, idle=0.5, total=20.0), max_retries=0)
    pieces = [f"p{n} " for n in range(6)]
    server.script.on(CHAT, replace(text_stream(*pieces), delay=0.06))

    stream = await api.stream(REQUEST)
    await stream.collect()

    assert (await stream.final_response()).content == "".join(pieces)


async def test_an_idle_limit_longer_than_first_event_is_honoured(
    make_api: MakeApi, server: LoopbackServer
) -> None:
    # httpx's own read timeout is set to first_event for the wait for the response head;
    # once the body is read, the pause allowed between events is idle's.
    api = make_api(timeout=Timeout(first_event=0.2, idle=5.0), max_retries=0)
    server.script.on(CHAT, replace(text_stream("a", "b"), pauses=((2, 0.5),)))

    stream = await api.stream(REQUEST)
    chunks = await stream.collect()

    assert [c.content for c in chunks] == ["", "a", "b", "", ""]


async def test_time_the_caller_holds_a_chunk_is_not_idle_time(
    make_api: MakeApi, server: LoopbackServer, mode: str
) -> None:
    # The server pauses 0.4 s after "a", longer than the 0.2 s idle limit; but the caller
    # spends 0.6 s with "a" before reading on, so the client never waits at all.
    api = make_api(timeout=Timeout(idle=0.2), max_retries=0)
    reply = text_stream("a", "b")
    server.script.on(CHAT, replace(reply, pauses=((2, 0.4),)))

    stream = await api.stream(REQUEST)
    texts = [(await stream.next()).content, (await stream.next()).content]
    if mode == "sync":
        time.sleep(0.6)  # noqa: ASYNC251 - a blocking caller, busy with the chunk
    else:
        await asyncio.sleep(0.6)
    texts += [c.content for c in await stream.collect()]

    assert texts == ["", "a", "b", "", ""]


async def test_connect_timeout(make_api: MakeApi, server: LoopbackServer) -> None:
    with unanswered_port() as port:
        base_url = f"http://127.0.0.1:{port}/v1"
        api = make_api(server, base_url=base_url, timeout=Timeout(connect=0.2), max_retries=0)
        with pytest.raises(APITimeoutError) as caught:
            await api.stream(REQUEST)

    assert caught.value.timeout_kind == "connect"
    assert caught.value.message == (
        f"connect timeout (0.2 s): could not connect on POST {base_url}/chat/completions"
    )
    assert isinstance(caught.value.__cause__, httpx.ConnectTimeout)


async def test_a_request_sets_its_own_limits(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    api = make_api(timeout=Timeout(idle=60.0), max_retries=2)
    server.script.on(CHAT, keep_alive_tail(chunk("", role="assistant"), chunk("Once")))
    request = REQUEST.with_timeout(Timeout(idle=0.3)).with_max_retries(0)

    texts, err = await read_until_error(await api.stream(request))

    assert texts == ["", "Once"]
    assert type(err) is APITimeoutError
    assert err.timeout_kind == "idle"
    assert server.script.hits() == 1
    assert sleeps == []


async def test_without_a_socket_limits_are_checked_between_frames(
    make_api: MakeApi,
) -> None:
    # httpx.MockTransport has no socket to shut down: the stream stops at the first frame
    # after the deadline.
    backend = MockBackend()
    api = make_api(backend, timeout=Timeout(total=0.3), max_retries=0)
    drip = sse(chunk("", role="assistant"), done=False, delay=0.05, forever=sse_event(chunk("x")))
    backend.script.on(CHAT, drip)

    texts, err = await read_until_error(await api.stream(REQUEST))

    assert type(err) is APITimeoutError
    assert err.timeout_kind == "total"
    assert texts[0] == ""
    assert err.partial is not None
    assert err.partial.content == "x" * (len(texts) - 1)
    assert backend.client_gone.is_set()
