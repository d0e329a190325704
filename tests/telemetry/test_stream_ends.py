"""A stream's span ends exactly once, however the stream ends: read to its end, left by
``break``, closed (twice), the caller's own exception in the loop, an error mid-stream,
dropped and collected, its task cancelled; the same on both clients."""

from __future__ import annotations

import asyncio
import gc

import pytest
from opentelemetry.trace import StatusCode

from llm_connector import AsyncClient, Client, MockReply, OverloadedError
from llm_connector.types import ChatRequest, Message
from tests.support.facade import Mode, client_class, wrap
from tests.support.otel_capture import Capture, attributes_of

MODES = pytest.mark.parametrize("mode", ["sync", "async"])
TEXT = "one two three four five six"
REQUEST = ChatRequest("mock-model").add_message(Message.user("Count."))
CLOSED = "llm_connector.stream.closed_early"


def closed_early(capture: Capture) -> dict[str, object]:
    """The one span, which ended early without an error."""
    span = capture.span()
    attributes = attributes_of(span)
    assert attributes[CLOSED] is True
    assert "error.type" not in attributes
    assert span.status.status_code is StatusCode.UNSET
    (duration,) = capture.points("gen_ai.client.operation.duration")
    assert duration.count == 1
    return attributes


@MODES
async def test_read_to_its_end(capture: Capture, mode: Mode) -> None:
    api = wrap(client_class(mode).mock(TEXT))
    capture.instrument(api.client)
    chunks = await (await api.stream(REQUEST)).collect()
    assert len(chunks) > 3
    attributes = attributes_of(capture.span())
    assert CLOSED not in attributes
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)


@MODES
async def test_left_by_break(capture: Capture, mode: Mode) -> None:
    api = wrap(client_class(mode).mock(TEXT))
    capture.instrument(api.client)
    stream = await api.stream(REQUEST)
    await stream.take_then_break(2)
    await api.settle()  # asyncio finalizes the abandoned async generator on a later turn
    attributes = closed_early(capture)
    assert attributes["gen_ai.response.time_to_first_chunk"] > 0  # type: ignore[operator]


@MODES
async def test_closed_twice(capture: Capture, mode: Mode) -> None:
    api = wrap(client_class(mode).mock(TEXT))
    capture.instrument(api.client)
    stream = await api.stream(REQUEST)
    await stream.next()
    await stream.close()
    await stream.close()
    closed_early(capture)


@MODES
async def test_closed_before_reading(capture: Capture, mode: Mode) -> None:
    api = wrap(client_class(mode).mock(TEXT))
    capture.instrument(api.client)
    await (await api.stream(REQUEST)).close()
    attributes = closed_early(capture)
    assert "gen_ai.response.time_to_first_chunk" not in attributes
    assert capture.points("gen_ai.client.operation.time_to_first_chunk") == []


@MODES
async def test_the_callers_exception_in_the_loop(capture: Capture, mode: Mode) -> None:
    api = wrap(client_class(mode).mock(TEXT))
    capture.instrument(api.client)
    stream = await api.stream(REQUEST)
    with pytest.raises(KeyError):
        await stream.take_then_raise(1, KeyError("the caller's own"))
    await api.settle()
    closed_early(capture)  # the call did not fail: its caller stopped reading


@MODES
async def test_an_error_mid_stream(capture: Capture, mode: Mode) -> None:
    reply = MockReply.error(529, "Overloaded", partial_content="Half an answer")
    api = wrap(client_class(mode).mock(reply, provider="anthropic"))
    capture.instrument(api.client)
    stream = await api.stream(REQUEST)
    with pytest.raises(OverloadedError):
        await stream.collect()
    await stream.close()  # after the error: nothing more to end
    span = capture.span()
    attributes = attributes_of(span)
    assert span.status.status_code is StatusCode.ERROR
    assert attributes["error.type"] == "OverloadedError"
    assert CLOSED not in attributes
    assert attributes["gen_ai.response.time_to_first_chunk"] > 0
    (duration,) = capture.points("gen_ai.client.operation.duration")
    assert duration.attributes["error.type"] == "OverloadedError"
    (first,) = capture.points("gen_ai.client.operation.time_to_first_chunk")
    assert first.attributes["error.type"] == "OverloadedError"


def test_dropped_and_collected(capture: Capture) -> None:
    client = Client.mock(TEXT)
    capture.instrument(client)
    stream = client.chat_stream(REQUEST)
    next(stream)
    del stream
    gc.collect()
    closed_early(capture)


async def test_dropped_and_collected_async(capture: Capture) -> None:
    client = AsyncClient.mock(TEXT)
    capture.instrument(client)
    stream = await client.chat_stream(REQUEST)
    await stream.__anext__()
    del stream
    gc.collect()
    closed_early(capture)


async def test_a_cancelled_task(capture: Capture) -> None:
    client = AsyncClient.mock(TEXT)
    capture.instrument(client)
    started = asyncio.Event()

    async def read() -> None:
        async with client.chat_stream(REQUEST) as stream:
            async for _ in stream:
                started.set()
                await asyncio.sleep(10)

    task = asyncio.create_task(read())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    closed_early(capture)


async def test_a_whole_call_whose_task_is_cancelled(capture: Capture) -> None:
    # The mock answers at once; the cancellation lands while a hook awaits.
    gate = asyncio.Event()

    async def slow_hook(info: object) -> None:
        gate.set()
        await asyncio.sleep(10)

    client = AsyncClient.mock(TEXT)
    client.on_request(slow_hook)
    capture.instrument(client)
    task = asyncio.create_task(client.chat(REQUEST))
    await gate.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    span = capture.span()
    assert attributes_of(span)["error.type"] == "cancelled"
    assert span.status.status_code is StatusCode.ERROR
