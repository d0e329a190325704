"""Leaving a stream early closes the HTTP connection, as the server sees it.

The server streams without end, slowly; the client reads two chunks and leaves (break,
close, context exit, an exception in the loop body, task cancellation) while the test
still holds the stream object. The server must see the client go: at once for the
blocking client, within a few event-loop turns for the async one. The waits are deadlines
that catch a connection left open, not timings.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from llm_connector import AsyncChatStream, ChatStream, IncompleteStreamError
from llm_connector.types import ChatRequest, Message
from tests.support import script
from tests.support.backends import Backend
from tests.support.facade import Api, Stream
from tests.support.script import CHAT, endless_stream, text_stream

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Go on forever"))
DEADLINE = 5.0


class Boom(Exception):
    pass


async def open_endless(api: Api, backend: Backend) -> Stream:
    backend.script.on(CHAT, endless_stream("a"))
    return await api.stream(REQUEST)


async def assert_client_left(api: Api, backend: Backend, stream: Stream) -> None:
    """The server saw the client go (after a few loop turns for the async client), and
    the stream reports the cut-short answer."""
    await api.settle()
    assert backend.client_gone.wait(DEADLINE), "the server never saw the client leave"
    assert backend.count("client_left") == 1
    with pytest.raises(IncompleteStreamError) as caught:
        await stream.final_response()
    assert caught.value.partial is not None
    assert caught.value.partial.content == "a"


async def test_break_closes_the_connection(api: Api, backend: Backend) -> None:
    stream = await open_endless(api, backend)

    got = await stream.take_then_break(2)

    assert [c.content for c in got] == ["", "a"]
    await assert_client_left(api, backend, stream)


async def test_close_closes_the_connection(api: Api, backend: Backend) -> None:
    stream = await open_endless(api, backend)
    await stream.next()
    await stream.next()
    assert not backend.client_gone.is_set()

    await stream.close()

    assert backend.client_gone.wait(DEADLINE)
    await assert_client_left(api, backend, stream)
    await stream.close()  # closing twice is harmless


async def test_context_exit_closes_the_connection(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, endless_stream("a"))
    async with api.stream_context(REQUEST) as stream:
        await stream.next()
        await stream.next()
        assert not backend.client_gone.is_set()
    await assert_client_left(api, backend, stream)


async def test_exception_in_context_body_closes_the_connection(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, endless_stream("a"))
    opened: list[Stream] = []

    async def read_two_then_fail() -> None:
        async with api.stream_context(REQUEST) as stream:
            opened.append(stream)
            await stream.next()
            await stream.next()
            raise Boom

    with pytest.raises(Boom):
        await read_two_then_fail()
    await assert_client_left(api, backend, opened[0])


async def test_exception_in_loop_body_closes_the_connection(api: Api, backend: Backend) -> None:
    stream = await open_endless(api, backend)

    with pytest.raises(Boom):
        await stream.take_then_raise(2, Boom())

    await assert_client_left(api, backend, stream)


@pytest.mark.parametrize("mode", ["async"], indirect=True)
async def test_cancelling_the_task_closes_the_connection(api: Api, backend: Backend) -> None:
    # Only the async client runs in a task; the sync one has nothing to cancel.
    stream = await open_endless(api, backend)
    assert isinstance(stream.raw, AsyncChatStream)
    raw = stream.raw
    got: list[str] = []
    two_arrived = asyncio.Event()

    async def consume() -> None:
        async for chunk in raw:
            got.append(chunk.content)
            if len(got) == 2:
                two_arrived.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(two_arrived.wait(), DEADLINE)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert got[:2] == ["", "a"]
    await assert_client_left(api, backend, stream)


@pytest.mark.parametrize("mode", ["async"], indirect=True)
async def test_cancelling_a_pending_read_closes_the_connection(api: Api, backend: Backend) -> None:
    # Two chunks, then a long silence (cut short by the server when the client leaves).
    backend.script.on(
        CHAT,
        script.sse(
            script.chunk("", role="assistant"),
            script.chunk("a"),
            script.chunk("b"),
            pauses=((2, 30.0),),
        ),
    )
    stream = await api.stream(REQUEST)
    assert isinstance(stream.raw, AsyncChatStream)
    raw = stream.raw
    await raw.__anext__()
    await raw.__anext__()

    task = asyncio.create_task(raw.__anext__())
    await asyncio.sleep(0.02)  # let the read start; nothing can arrive for 30 s
    assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    await assert_client_left(api, backend, stream)


async def test_reading_to_the_end_does_not_count_as_leaving(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, text_stream("x", "y"))
    stream = await api.stream(REQUEST)
    await stream.collect()
    await stream.close()
    await api.settle()
    assert not backend.client_gone.is_set()
    assert backend.count("client_left") == 0


async def test_close_while_another_reader_iterates(api: Api, backend: Backend) -> None:
    # The "stop generating" button: one thread (sync) or task (async) iterates, another
    # closes. The reader's loop ends quietly after its read in progress; the server sees
    # the client go.
    stream = await open_endless(api, backend)
    got: list[str] = []
    outcome: list[str] = []

    if isinstance(stream.raw, ChatStream):
        sync_raw = stream.raw
        two_arrived = threading.Event()

        def read_in_thread() -> None:
            try:
                for chunk in sync_raw:
                    got.append(chunk.content)
                    if len(got) == 2:
                        two_arrived.set()
                outcome.append("ended")
            except BaseException as exc:  # reported below
                outcome.append(repr(exc))

        reader = threading.Thread(target=read_in_thread)
        reader.start()
        assert two_arrived.wait(DEADLINE)
        await stream.close()
        reader.join(DEADLINE)
        assert not reader.is_alive()
    else:
        async_raw = stream.raw
        two_arrived_here = asyncio.Event()

        async def read_in_task() -> None:
            async for chunk in async_raw:
                got.append(chunk.content)
                if len(got) == 2:
                    two_arrived_here.set()
            outcome.append("ended")

        task = asyncio.create_task(read_in_task())
        await asyncio.wait_for(two_arrived_here.wait(), DEADLINE)
        await stream.close()
        await asyncio.wait_for(task, DEADLINE)

    assert outcome == ["ended"]
    assert got[:2] == ["", "a"]
    await assert_client_left(api, backend, stream)
