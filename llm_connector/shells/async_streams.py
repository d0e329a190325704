"""The asyncio streams: AsyncChatStream and AsyncResponsesStream, and the awaitable
contexts ``AsyncClient`` returns for them. A stream goes on with its call's steps
(calls/streaming.py) as the caller iterates: it reads the body and hands out the items,
and leaves every decision to the driver."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from time import monotonic
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from llm_connector.calls.steps import Deliver, ReadStream
from llm_connector.calls.stream_core import AnswerT, ItemT
from llm_connector.errors import LLMError
from llm_connector.shells.async_steps import AsyncSteps, watchdog
from llm_connector.shells.deadlines import LimitPassed
from llm_connector.shells.http import read_end, watch_body
from llm_connector.shells.stream_base import StreamBase

if TYPE_CHECKING:
    # Some are named only in quoted base classes, which ruff does not read: none of these
    # types loads with the package (the chat answers' load with the first stream).
    from llm_connector.responses import ResponsesResponse, ResponsesStreamEvent  # noqa: F401
    from llm_connector.types import ChatResponse, StreamingResponse  # noqa: F401

__all__ = [
    "AsyncChatStream",
    "AsyncChatStreamContext",
    "AsyncResponsesStream",
    "AsyncResponsesStreamContext",
]

_S = TypeVar("_S", bound="_AsyncStream[Any, Any]")


class _AsyncStream(StreamBase[AsyncSteps, ItemT, AnswerT]):
    """A streamed answer; see AsyncChatStream."""

    _chunks: AsyncGenerator[ItemT, None]

    async def _generate(self, step: Any) -> AsyncGenerator[ItemT, None]:
        """The call's steps from the first answer on (see the blocking stream's)."""
        steps, hand_out, do = self._run.steps, self._hand_out, self._steps.do
        while True:
            items = hand_out.get(type(step))
            outcome = None
            if items is None:
                outcome = await do(step)
            else:
                async for item in items(step):
                    yield item
            try:
                step = steps.send(outcome)
            except StopIteration:
                return

    async def _deliver(self, step: Deliver) -> AsyncIterator[ItemT]:
        for item in step.items:
            yield item

    async def _read(self, step: ReadStream) -> AsyncGenerator[ItemT, None]:
        """Read the body as the blocking stream does, with the event loop's watchdog."""
        response = cast(httpx.Response, step.response)
        self._watch = watch = watch_body(watchdog(), response, step.deadlines)
        read, feed = step.frames, step.feed
        try:
            async for data in response.aiter_bytes():
                # Idle time is counted as the blocking stream counts it (see there).
                since, watch.since = watch.since, None
                frames = read(data)
                for frame in frames:
                    for item in feed(frame):
                        yield item
                    if watch.fired:  # a limit ran out where there is no socket to cut
                        raise LimitPassed
                watch.since = monotonic() if frames else since
            step.end = read_end(None, watch, step.deadlines)
        except (httpx.TransportError, LLMError, LimitPassed) as exc:
            step.end = read_end(exc, watch, step.deadlines)
        finally:
            watch.cancel()  # before the close: a connection back in the pool is never cut
            await response.aclose()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        # A fresh async generator per loop: when the loop is left early, asyncio finalizes
        # it on the next turn of the loop, and its ``finally`` closes the connection.
        try:
            async for chunk in self._chunks:
                yield chunk
        finally:
            await self.aclose()

    async def __anext__(self) -> ItemT:
        return await self._chunks.__anext__()

    async def aclose(self) -> None:
        """As :meth:`ChatStream.close <llm_connector.ChatStream.close>`, from any task."""
        running = bool(getattr(self._chunks, "ag_running", False))
        self._closing(running)
        # RuntimeError "asynchronous generator is already running": another task is
        # reading; the cut connection ends its read, and then its loop.
        with contextlib.suppress(RuntimeError):
            await self._chunks.aclose()
        if not running:
            self._run.steps.close()
        if self._run.response is not None:
            await self.response.aclose()

    async def final_response(self) -> AnswerT:
        """As :meth:`ChatStream.final_response <llm_connector.ChatStream.final_response>`."""
        async for _ in self._chunks:
            pass
        return self._core.final_response()

    async def __aenter__(self: _S) -> _S:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class AsyncChatStream(_AsyncStream["StreamingResponse", "ChatResponse"]):
    """A streamed answer: ``async for`` it for ``StreamingResponse`` chunks.

    Leaving the loop early closes the connection (on the next turn of the event loop);
    so do ``aclose()``, leaving ``async with``, and cancelling the task. Retries before the
    first content, and errors, are those of :class:`~llm_connector.ChatStream`; errors
    carry ``.partial`` the same way.
    """


class AsyncResponsesStream(_AsyncStream["ResponsesStreamEvent", "ResponsesResponse"]):
    """A streamed Responses API answer: ``async for`` it for ``ResponsesStreamEvent``s.

    The async twin of :class:`~llm_connector.ResponsesStream`: the same events, errors,
    ``final_response()`` and ``snapshot()``; closing is that of :class:`AsyncChatStream`.
    """

    def snapshot(self) -> ResponsesResponse:
        """The answer as accumulated so far (never raises; ``status`` says how far)."""
        return self._core.snapshot()


_StreamT = TypeVar("_StreamT", bound=_AsyncStream[Any, Any])


class AsyncStreamContext(Awaitable[_StreamT]):
    """What the streaming calls return: await it for the stream, or use it as
    ``async with`` to have the stream closed on exit."""

    def __init__(self, start: Callable[[], Awaitable[_StreamT]]) -> None:
        self._start = start
        self._stream: _StreamT | None = None

    def __await__(self) -> Generator[Any, None, _StreamT]:
        return self._start().__await__()

    async def __aenter__(self) -> _StreamT:
        self._stream = await self._start()
        return self._stream

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            await self._stream.aclose()


class AsyncChatStreamContext(AsyncStreamContext[AsyncChatStream]):
    """What ``AsyncClient.chat_stream`` returns: await it for the stream, or use it as
    ``async with`` to have the stream closed on exit."""


class AsyncResponsesStreamContext(AsyncStreamContext[AsyncResponsesStream]):
    """What ``AsyncClient.invoke_responses_stream`` returns: await it for the stream, or
    use it as ``async with`` to have the stream closed on exit."""
