"""The asyncio streams: AsyncChatStream and AsyncResponsesStream, and the awaitable
contexts ``AsyncClient`` returns for them. A stream goes on with its call's steps
(calls/streaming.py) as the caller iterates: it reads the body and hands out the items,
and leaves every decision to the driver."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from time import monotonic
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import httpx

from llm_connector.calls.steps import Deliver, ReadStream, Step, StreamEnd
from llm_connector.calls.stream_core import AnswerT, BaseStreamCore, ItemT
from llm_connector.errors import LLMError
from llm_connector.shells.async_steps import AsyncSteps, watchdog
from llm_connector.shells.http import read_failure, watch_body

if TYPE_CHECKING:
    from llm_connector.calls.streaming import StreamRun

    # Some are named only in quoted base classes, which ruff does not read: none of these
    # types loads with the package (the chat answers' load with the first stream).
    from llm_connector.responses import ResponsesResponse, ResponsesStreamEvent  # noqa: F401
    from llm_connector.shells.deadlines import Watch
    from llm_connector.types import ChatResponse, StreamingResponse  # noqa: F401

__all__ = [
    "AsyncChatStream",
    "AsyncChatStreamContext",
    "AsyncResponsesStream",
    "AsyncResponsesStreamContext",
]

_S = TypeVar("_S", bound="_AsyncStream[Any, Any]")


class _AsyncStream(Generic[ItemT, AnswerT]):
    """A streamed answer of items (chunks, events) adding up to an answer; see
    AsyncChatStream."""

    def __init__(self, steps: AsyncSteps, run: StreamRun[ItemT, AnswerT], first: Step) -> None:
        self._steps = steps
        self._run = run
        self._core = cast(BaseStreamCore[ItemT, AnswerT], run.core)
        #: The deadlines of the body being read (set when reading begins).
        self._watch: Watch | None = None
        self._hand_out: dict[type[Any], Callable[[Any], AsyncIterator[ItemT]]] = {
            ReadStream: self._read,
            Deliver: self._deliver,
        }
        self._chunks = self._generate(first)

    @property
    def response(self) -> httpx.Response:
        """The underlying HTTP response (status, headers)."""
        return cast(httpx.Response, self._run.response)

    async def _generate(self, step: object) -> AsyncGenerator[ItemT, None]:
        """The call's steps from the first answer on: those that hand items out are this
        stream's, the others the client's."""
        steps, hand_out = self._run.steps, self._hand_out
        while True:
            items = hand_out.get(type(step))
            outcome = None
            if items is None:
                outcome = await self._steps.do(step)  # type: ignore[arg-type]
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
        """Read the body, feeding each network read to the stream's core and handing out
        the items it returns; set how the reading ended on ``step``."""
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
                        step.end = StreamEnd(fired=watch.fired)
                        return
                watch.since = monotonic() if frames else since
            step.end = StreamEnd(ended=True, fired=watch.fired)
        except httpx.TransportError as exc:
            step.end = StreamEnd(failure=read_failure(exc, watch, step.deadlines))
        except LLMError as exc:  # the stream's own error (a decoder's), with its partial
            step.end = StreamEnd(error=exc, fired=watch.fired)
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
        """Stop reading and close the connection. Safe to call more than once, and from
        another task while one iterates: its loop ends at once, quietly."""
        self._core.closed = True
        running = getattr(self._chunks, "ag_running", False)
        if running and self._watch is not None:
            # Another task is reading: shutting the socket down wakes its pending read.
            self._watch.abort()
        # RuntimeError "asynchronous generator is already running": another task is
        # reading. Closing the response ends that read, and then its loop (the driver sees
        # ``closed``).
        with contextlib.suppress(RuntimeError):
            await self._chunks.aclose()
        if not running:
            self._run.steps.close()
        if self._run.response is not None:
            await self.response.aclose()

    async def final_response(self) -> AnswerT:
        """Read the rest of the stream and return the whole answer.

        Raises ``IncompleteStreamError`` (with ``.partial``) if the stream was closed, or
        ended, before the provider finished.
        """
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
