"""The asyncio streams: AsyncChatStream and AsyncResponsesStream, and the awaitable
contexts ``AsyncClient`` returns for them; the mirror of ``_sync_streams.py``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from time import monotonic
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx
from httpx_sse import EventSource

from llm_connector._base_client import PreparedCall
from llm_connector._deadlines import LoopWatchdog, Watch, Watchdog
from llm_connector._retry import Attempts
from llm_connector._shell import (
    retry_wait,
    stream_error,
    stream_framing,
    stream_timeout,
    watch_response,
)
from llm_connector._stream_core import AnswerT, BaseStreamCore, ItemT, StreamCore
from llm_connector.codecs.contract import Frame
from llm_connector.codecs.framing.ndjson import LineFrame, NDJSONLines
from llm_connector.errors import LLMError

if TYPE_CHECKING:
    from llm_connector._async_client import AsyncClient
    from llm_connector._responses_call import ResponsesCall

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


class _AsyncStream(Generic[ItemT, AnswerT]):
    """A streamed answer of items (chunks, events) adding up to an answer; see
    AsyncChatStream."""

    def __init__(
        self,
        client: AsyncClient,
        call: PreparedCall,
        attempts: Attempts,
        response: httpx.Response,
        core: BaseStreamCore[ItemT, AnswerT],
    ) -> None:
        self._client = client
        self._call = call
        self._attempts = attempts
        self._core = core
        self._response = response
        #: The deadlines of the response being read (set when reading begins).
        self._watch: Watch | None = None
        self._chunks = self._generate()

    @property
    def response(self) -> httpx.Response:
        """The underlying HTTP response (status, headers)."""
        return self._response

    async def _generate(self) -> AsyncGenerator[ItemT, None]:
        """The answer, frame by frame; a failure before its first content sends the
        request again (see StreamCore)."""
        core, attempts, call = self._core, self._attempts, self._call
        while True:
            response = self._response
            core.hold = attempts.can_retry()
            self._watch = watch = watch_response(
                watchdog(), core, response, call.timeout, attempts, stream=True
            )
            try:
                framing = stream_framing(call.spec, response)
                if framing == "json":
                    for chunk in core.feed_whole_body(await response.aread()):
                        yield chunk
                    return
                frames: AsyncGenerator[Frame, None] = (
                    EventSource(response).aiter_sse() if framing == "sse" else _ndjson(response)
                )
                feed = core.feed
                try:
                    async for frame in frames:
                        # Not idle time from here until the next stamp: the frame is being
                        # decoded (its content may begin now, and the watchdog must not then
                        # measure idle time from before it), then the caller holds chunks.
                        watch.since = None
                        if chunks := feed(frame):
                            if len(chunks) == 1:  # the usual frame: no loop for one chunk
                                yield chunks[0]
                            else:
                                for chunk in chunks:
                                    yield chunk
                        if watch.fired:  # a limit ran out where there is no socket to cut
                            raise stream_timeout(watch.fired, call.timeout, "while streaming")
                        watch.since = monotonic()
                finally:
                    await frames.aclose()
                watch.cancel()  # the body is read: its connection may be back in the pool
                for chunk in core.finish():
                    yield chunk
                return
            except (httpx.TransportError, LLMError) as exc:
                if core.closed:
                    return  # aclose() from another task cut the read short: the loop ends
                error = stream_error(exc, watch, core, call.timeout, response)
            finally:
                watch.cancel()
                await response.aclose()
            delay = retry_wait(attempts, error) if core.retryable else None
            if delay is None:
                for chunk in core.take_held():
                    yield chunk
                raise error
            await self._client._note_retry(call, attempts, error, delay, stream=True)
            await sleep(delay)
            core.restart()
            try:
                response = await self._client._send(call, attempts, stream=True)
            except LLMError as exc:
                raise core.interrupted(exc)  # noqa: B904 - exc is what is raised
            if self._core.closed:  # aclose() from another task while the request was sent
                await response.aclose()
                return
            self._response = response

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
        if getattr(self._chunks, "ag_running", False) and self._watch is not None:
            # Another task is reading: shutting the socket down wakes its pending read.
            self._watch.abort()
        # RuntimeError "asynchronous generator is already running": another task is
        # reading. Closing the response ends that read, and then its loop (see _read).
        with contextlib.suppress(RuntimeError):
            await self._chunks.aclose()
        await self._response.aclose()

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

    def __init__(
        self,
        client: AsyncClient,
        call: PreparedCall,
        attempts: Attempts,
        response: httpx.Response,
    ) -> None:
        super().__init__(client, call, attempts, response, StreamCore(client._codec, call.secrets))


class AsyncResponsesStream(_AsyncStream["ResponsesStreamEvent", "ResponsesResponse"]):
    """A streamed Responses API answer: ``async for`` it for ``ResponsesStreamEvent``s.

    The async twin of :class:`~llm_connector.ResponsesStream`: the same events, errors,
    ``final_response()`` and ``snapshot()``; closing is that of :class:`AsyncChatStream`.
    """

    def __init__(
        self,
        client: AsyncClient,
        call: ResponsesCall,
        attempts: Attempts,
        response: httpx.Response,
    ) -> None:
        core = BaseStreamCore(call.source, call.call.secrets)
        super().__init__(client, call.call, attempts, response, core)

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


async def _ndjson(response: httpx.Response) -> AsyncGenerator[Frame, None]:
    """NDJSON framing (Ollama): one JSON object per non-empty line (see NDJSONLines)."""
    lines = NDJSONLines()
    async for data in response.aiter_bytes():
        for line in lines.feed(data):
            yield LineFrame(line)
    for line in lines.flush():
        yield LineFrame(line)


# asyncio is imported on first use: it costs ~30 ms of import time, a blocking-only program
# never needs it, and an async program has it loaded already.


def watchdog() -> Watchdog:
    import asyncio

    return LoopWatchdog(asyncio.get_running_loop())


async def sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)
