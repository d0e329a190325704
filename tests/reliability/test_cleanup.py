"""Nothing is left open: every way of leaving a stream hands its connection back or closes
it, seen from both ends (the server sees the client go; the client's pool has nothing
checked out), and the watchdog is left with nothing to watch.

The server stalls for 30 s in these tests; ending before that is the client's doing. The
waits are deadlines that catch a connection left open, not timings.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest

from llm_connector import APITimeoutError, AsyncChatStream, ChatStream, Timeout
from llm_connector.shells.deadlines import THREAD_WATCHDOG
from llm_connector.types import ChatRequest, Message
from tests.support.backends import MakeApi
from tests.support.facade import Api, Stream
from tests.support.loopback import LoopbackServer
from tests.support.pool import connections_in_use
from tests.support.script import CHAT, endless_stream, text_stream
from tests.support.streams import read_until_error

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Go on"))
STALL = 30.0
DEADLINE = 5.0


async def open_stalled(api: Api, server: LoopbackServer) -> Stream:
    """A stream past its first chunks, whose server then stays silent for 30 s (it stops
    waiting when the client goes)."""
    server.script.on(CHAT, replace(text_stream("a", "b"), pauses=((2, STALL),)))
    stream = await api.stream(REQUEST)
    assert (await stream.next()).content == ""
    assert (await stream.next()).content == "a"
    return stream


async def assert_released(api: Api, server: LoopbackServer) -> None:
    await api.settle()
    assert server.client_gone.wait(DEADLINE), "the server never saw the client leave"
    assert connections_in_use(api.client) == 0


async def leave_by_break(stream: Stream) -> None:
    await stream.take_then_break(1)


async def leave_by_close(stream: Stream) -> None:
    await stream.close()


async def leave_by_exception(stream: Stream) -> None:
    with pytest.raises(KeyError):
        await stream.take_then_raise(1, KeyError("boom"))


@pytest.mark.parametrize(
    "leave",
    [leave_by_break, leave_by_close, leave_by_exception],
    ids=["break", "close", "exception-in-loop"],
)
async def test_leaving_a_stream_releases_its_connection(
    make_api: MakeApi, server: LoopbackServer, leave: Callable[[Stream], Awaitable[None]]
) -> None:
    api = make_api(max_retries=0)
    server.script.on(CHAT, endless_stream("a"))
    stream = await api.stream(REQUEST)
    assert (await stream.next()).content == ""
    await leave(stream)
    await assert_released(api, server)


async def test_leaving_a_context_releases_its_connection(
    make_api: MakeApi, server: LoopbackServer
) -> None:
    api = make_api(max_retries=0)
    server.script.on(CHAT, replace(text_stream("a", "b"), pauses=((2, STALL),)))
    async with api.stream_context(REQUEST) as stream:
        await stream.next()
    await assert_released(api, server)


async def test_a_timeout_releases_its_connection(make_api: MakeApi, server: LoopbackServer) -> None:
    api = make_api(timeout=Timeout(idle=0.2), max_retries=0)
    stream = await open_stalled(api, server)
    _, err = await read_until_error(stream)
    assert err.partial is not None
    await assert_released(api, server)


async def test_close_from_another_thread_wakes_a_blocked_read(
    make_api: MakeApi, server: LoopbackServer, mode: str
) -> None:
    # The "stop generating" button while the model is silent: the reader is blocked in a
    # read that nothing would end for 30 s. close() shuts the socket down under it.
    api = make_api(max_retries=0)
    stream = await open_stalled(api, server)
    outcome: list[str] = []
    raw = stream.raw
    if isinstance(raw, ChatStream):
        sync_raw = raw

        def read_on() -> None:
            outcome.extend(c.content for c in sync_raw)
            outcome.append("ended")

        reader = threading.Thread(target=read_on)
        reader.start()
        while not getattr(sync_raw._chunks, "gi_running", False):  # noqa: ASYNC110 - a thread's flag
            await asyncio.sleep(0.01)  # until the reader is inside its read
        await stream.close()
        reader.join(DEADLINE)
        assert not reader.is_alive(), "the blocked read was not woken"
    else:
        assert isinstance(raw, AsyncChatStream)
        async_raw = raw

        async def read_on_async() -> None:
            outcome.extend([c.content async for c in async_raw])
            outcome.append("ended")

        task = asyncio.create_task(read_on_async())
        await asyncio.sleep(0.05)  # the task is waiting in its read
        assert not task.done()
        await stream.close()
        await asyncio.wait_for(task, DEADLINE)
    assert outcome == ["ended"]
    await assert_released(api, server)


@pytest.mark.parametrize("mode", ["async"], indirect=True)
async def test_cancelling_a_task_mid_stream_releases_its_connection(
    make_api: MakeApi, server: LoopbackServer
) -> None:
    api = make_api(max_retries=0)
    stream = await open_stalled(api, server)
    raw = stream.raw
    assert isinstance(raw, AsyncChatStream)

    task = asyncio.create_task(raw.__anext__())
    await asyncio.sleep(0.05)
    assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    await assert_released(api, server)


@pytest.mark.parametrize("mode", ["async"], indirect=True)
async def test_cancelling_a_task_waiting_for_a_retry_releases_everything(
    make_api: MakeApi, server: LoopbackServer
) -> None:
    # The first attempt breaks before content; the task is cancelled during the backoff.
    api = make_api(max_retries=2)
    server.script.on(CHAT, replace(text_stream("a"), drop_after=1), text_stream("never"))

    async def consume() -> None:
        stream = await api.stream(REQUEST)
        await stream.collect()

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.2)  # the drop comes at once; the backoff lasts 0.375 s or more
    assert server.count("server_dropped") == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert server.script.hits() == 1
    await api.settle()
    assert connections_in_use(api.client) == 0


async def test_the_watchdog_is_left_with_nothing_to_watch(
    make_api: MakeApi, server: LoopbackServer, mode: str
) -> None:
    api = make_api(timeout=Timeout(idle=0.1), max_retries=0)
    watches = []
    for _ in range(3):
        server.script.on(CHAT, text_stream("x", "y"))
        stream = await api.stream(REQUEST)
        await stream.collect()
        watches.append(stream.raw._watch)
    stream = await open_stalled(api, server)
    _, err = await read_until_error(stream)  # and one that timed out
    assert type(err) is APITimeoutError
    watches.append(stream.raw._watch)

    assert all(w is not None and w.done and w.timer is None for w in watches)
    if mode == "sync":
        # One shared daemon thread, idle: it has no live watch.
        watchdogs = [t for t in threading.enumerate() if t.name == "llm_connector-watchdog"]
        assert len(watchdogs) == 1
        assert watchdogs[0].daemon
        assert THREAD_WATCHDOG.watching == 0
