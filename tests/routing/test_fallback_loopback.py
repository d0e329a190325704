"""Fallback chains over real loopback servers that fail in each way a provider does (no
connection, no first event in time, a stream cut before and after content, overloaded),
on both clients, and cool-down under concurrent calls (threads and tasks)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from llm_connector import (
    APIConnectionError,
    APITimeoutError,
    AsyncClient,
    Client,
    IncompleteStreamError,
    OverloadedError,
    RateLimitError,
    Timeout,
)
from llm_connector.types import ChatRequest, Message
from tests.support.chains import ChainApi, Clocked, chain_of
from tests.support.facade import Mode
from tests.support.loopback import LoopbackServer, unused_port
from tests.support.script import (
    CHAT,
    Reply,
    chunk,
    error_reply,
    json_reply,
    sse,
    text_stream,
)

REQUEST = ChatRequest("asked-model").add_message(Message.user("Say hi"))
OVERLOADED = error_reply(529, "overloaded", error_type="overloaded_error")
WHOLE = json_reply(
    {
        "id": "chatcmpl-b",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "asked-model",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}
        ],
    }
)

Members = Callable[..., Client | AsyncClient]


@pytest.fixture
async def member(mode: Mode) -> AsyncIterator[Members]:
    """``member(base_url, **options)``: an OpenAI-compatible client of this test's mode,
    without retries unless told, closed after the test."""
    made: list[Client | AsyncClient] = []

    def make(base_url: str, **options: Any) -> Client | AsyncClient:
        cls = Client if mode == "sync" else AsyncClient
        options.setdefault("max_retries", 0)
        client = cls.openai_compatible(base_url=base_url, name="loopback", **options)
        made.append(client)
        return client

    yield make
    for client in made:
        if isinstance(client, Client):
            client.close()
        else:
            await client.aclose()


def sent_models(server: LoopbackServer) -> list[str]:
    return [json.loads(r.body)["model"] for r in server.requests]


async def test_no_connection_moves_on(mode: Mode, member: Members, server: LoopbackServer) -> None:
    server.script.on(CHAT, text_stream("hi", " there"))
    dead = f"http://127.0.0.1:{unused_port()}/v1"
    chain = chain_of(mode, [member(dead), member(server.base_url)])
    chunks, route = await chain.stream(REQUEST.with_stream(True))
    assert "".join(c.get_content() or "" for c in chunks) == "hi there"
    assert type(route.skipped[0].error) is APIConnectionError
    # A member without a model is asked for the request's.
    assert sent_models(server) == ["asked-model"]


async def test_no_first_event_in_time_moves_on(
    mode: Mode, member: Members, server: LoopbackServer, server2: LoopbackServer
) -> None:
    server.script.on(CHAT, Reply(head_delay=1.0, chunks=(b"{}",), chunked=False))
    server2.script.on(CHAT, WHOLE)
    slow = member(server.base_url, timeout=Timeout(first_event=0.2))
    chain = chain_of(mode, [slow, member(server2.base_url)])
    answer = await chain.chat(REQUEST)
    assert answer.content == "hi"
    assert answer.route is not None
    error = answer.route.skipped[0].error
    assert type(error) is APITimeoutError
    assert error.timeout_kind == "first_event"


@pytest.mark.parametrize("retries", [0, 2])
async def test_a_stream_cut_before_content_moves_on(
    mode: Mode, member: Members, server: LoopbackServer, server2: LoopbackServer, retries: int
) -> None:
    # The role chunk arrives, then the connection drops: no content reached the caller.
    cut = sse(chunk("", role="assistant"), done=False, drop_after=1)
    server.script.on(CHAT, cut)
    server2.script.on(CHAT, text_stream("from", " two"))
    first = member(server.base_url, max_retries=retries)
    chain = chain_of(mode, [first, member(server2.base_url)])
    chunks, route = await chain.stream(REQUEST)
    # The second member's answer whole, its role chunk first: nothing of the first's.
    roles = [c.choices[0].delta.role for c in chunks if c.choices and c.choices[0].delta.role]
    assert roles == ["assistant"]
    assert "".join(c.get_content() or "" for c in chunks) == "from two"
    assert route.index == 1
    assert type(route.skipped[0].error) is IncompleteStreamError
    assert server.script.hits() == 1 + retries  # the member's own retries came first


async def test_a_stream_cut_after_content_does_not_move_on(
    mode: Mode, member: Members, server: LoopbackServer, server2: LoopbackServer
) -> None:
    server.script.on(CHAT, sse(chunk("", role="assistant"), chunk("Hel"), done=False, drop_after=2))
    server2.script.on(CHAT, text_stream("never"))
    chain = chain_of(mode, [member(server.base_url), member(server2.base_url)])
    with pytest.raises(IncompleteStreamError) as raised:
        await chain.stream(REQUEST)
    assert raised.value.partial is not None
    assert raised.value.partial.content == "Hel"
    assert server2.script.hits() == 0


async def concurrently(mode: Mode, chain: ChainApi, calls: int) -> list[Any]:
    """``calls`` chats at once: on threads for the blocking chain, on tasks for asyncio."""
    if mode == "sync":

        def one(_: int) -> Any:
            return asyncio.run(chain.chat(REQUEST))

        with ThreadPoolExecutor(max_workers=calls) as pool:
            return list(pool.map(one, range(calls)))
    return list(await asyncio.gather(*(chain.chat(REQUEST) for _ in range(calls))))


async def test_a_cooling_member_is_not_asked_by_concurrent_calls(
    mode: Mode, member: Members, server: LoopbackServer, server2: LoopbackServer
) -> None:
    clocked = Clocked()
    server.script.on(CHAT, OVERLOADED)
    server2.script.on(CHAT, WHOLE)
    chain = chain_of(mode, [member(server.base_url), member(server2.base_url)], clocked=clocked)
    await chain.chat(REQUEST)
    clocked.advance(29)
    answers = await concurrently(mode, chain, 16)
    assert [a.content for a in answers] == ["hi"] * 16
    assert {a.route.skipped[0].reason for a in answers} == {
        "cooling down for 1.0 s more after OverloadedError"
    }
    assert server.script.hits() == 1
    assert server2.script.hits() == 17


async def test_a_burst_against_a_failing_member_cools_it_once_for_all(
    mode: Mode, member: Members, server: LoopbackServer, server2: LoopbackServer
) -> None:
    # Every call of the burst starts while the member looks healthy; each that asks it
    # fails over, and the member ends up cooling down for every later call.
    clocked = Clocked()
    server.script.on(CHAT, error_reply(429, "slow", headers=[("retry-after", "120")]))
    server2.script.on(CHAT, WHOLE)
    chain = chain_of(mode, [member(server.base_url), member(server2.base_url)], clocked=clocked)
    answers = await concurrently(mode, chain, 12)
    assert [a.content for a in answers] == ["hi"] * 12
    asked = server.script.hits()
    assert 1 <= asked <= 12
    assert all(type(s.error) is RateLimitError for a in answers for s in a.route.skipped if s.error)
    # Retry-After (120 s, over the 30 s default) holds for every later call.
    clocked.advance(100)
    later = await concurrently(mode, chain, 8)
    assert {a.route.skipped[0].reason for a in later} == {
        "cooling down for 20.0 s more after RateLimitError"
    }
    assert server.script.hits() == asked
    clocked.advance(20)
    await chain.chat(REQUEST)
    assert server.script.hits() == asked + 1


async def test_overloaded_twice_then_the_last_member_answers(
    mode: Mode, member: Members, server: LoopbackServer, server2: LoopbackServer
) -> None:
    server.script.on(CHAT, OVERLOADED)
    server2.script.on(CHAT, OVERLOADED)
    dead = f"http://127.0.0.1:{unused_port()}/v1"
    third = LoopbackServer().start()
    try:
        third.script.on(CHAT, WHOLE)
        chain = chain_of(
            mode,
            [
                member(server.base_url),
                member(dead),
                member(server2.base_url),
                member(third.base_url),
            ],
        )
        answer = await chain.chat(REQUEST)
    finally:
        third.stop()
    assert answer.content == "hi"
    assert answer.route is not None
    assert answer.route.index == 3
    assert [type(s.error) for s in answer.route.skipped] == [
        OverloadedError,
        APIConnectionError,
        OverloadedError,
    ]
