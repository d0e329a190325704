"""The asyncio shell: AsyncClient and AsyncChatStream.

The mirror of ``_client.py``; the two differ only in ``await`` / ``async for`` / ``aclose``
(a parity test compares their public signatures).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from time import monotonic
from types import TracebackType
from typing import Any, TypeVar

import httpx
from httpx_sse import EventSource

from llm_connector._base_client import BaseClient, PreparedCall, ignore_body
from llm_connector._deadlines import WHOLE_RESPONSE, LoopWatchdog, Watch, Watchdog
from llm_connector._retry import Attempts
from llm_connector._shell import (
    POOL_LIMITS,
    NDJSONLines,
    httpx_timeout,
    log_response,
    log_retry,
    retry_wait,
    status_error,
    stream_error,
    stream_framing,
    stream_timeout,
    transport_error,
    watch_response,
)
from llm_connector._stream_core import StreamCore
from llm_connector._timeout import PhaseLimits, phase_limits
from llm_connector.codecs._base import Frame, SSEFrame
from llm_connector.errors import APIStatusError, LLMError
from llm_connector.types import (
    ChatRequest,
    ChatResponse,
    EmbedRequest,
    EmbedResponse,
    Model,
    ModelDetails,
    StreamingResponse,
)

__all__ = ["AsyncChatStream", "AsyncChatStreamContext", "AsyncClient"]

_T = TypeVar("_T")


class AsyncClient(BaseClient[httpx.AsyncClient]):
    """An asyncio client for one provider; the async twin of :class:`~llm_connector.Client`.

    Use it as ``async with`` or call :meth:`aclose`. Errors are the same as ``Client``'s.
    """

    _http_client_class = httpx.AsyncClient

    def _new_http_client(
        self, proxy: str | httpx.Proxy | None, transport: Any
    ) -> httpx.AsyncClient:
        return httpx.AsyncClient(proxy=proxy, transport=transport, limits=POOL_LIMITS)

    async def aclose(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """Send a chat request and return the whole answer."""
        call = self._prepare_chat(request, stream=False)
        return await self._fetch(call, self._codec.parse_chat)

    def chat_stream(self, request: ChatRequest) -> AsyncChatStreamContext:
        """Stream a chat answer: ``stream = await client.chat_stream(r)`` or
        ``async with client.chat_stream(r) as stream``.

        The request is checked now (bad input raises here) and sent when awaited.
        """
        call = self._prepare_chat(request, stream=True)
        return AsyncChatStreamContext(lambda: self._open_stream(call))

    async def _open_stream(self, call: PreparedCall) -> AsyncChatStream:
        attempts = call.attempts()
        return AsyncChatStream(self, call, attempts, await self._send(call, attempts, stream=True))

    async def models(self) -> list[Model]:
        """The models the provider lists (every page of them)."""
        pager = self._model_pages()
        while (call := pager.next_call()) is not None:
            pager.add(await self._fetch(call, self._codec.parse_models))
        return pager.models

    async def embed(self, request: EmbedRequest) -> EmbedResponse:
        """Embed one text or a batch."""
        call = self._prepare_embed(request)
        return await self._fetch(call, self._codec.parse_embed)

    async def count_tokens(self, request: ChatRequest) -> int:
        """How many input tokens ``request`` would use (Anthropic's token counting)."""
        call = self._prepare_count_tokens(request)
        return await self._fetch(call, self._codec.parse_count_tokens)

    async def pull_model(self, name: str) -> None:
        """Download a model to the server (Ollama); returns when it is ready."""
        call = self._prepare_model_operation(self._codec.build_pull_model, name)
        await self._fetch(call, self._codec.parse_pull_model)

    async def delete_model(self, name: str) -> None:
        """Delete a model from the server (Ollama)."""
        call = self._prepare_model_operation(self._codec.build_delete_model, name)
        await self._fetch(call, ignore_body)

    async def show_model(self, name: str) -> ModelDetails:
        """What the server knows about one model (Ollama)."""
        call = self._prepare_model_operation(self._codec.build_show_model, name)
        return await self._fetch(call, self._parse_show_model(name))

    async def _fetch(self, call: PreparedCall, parse: Callable[[bytes], _T]) -> _T:
        """Send, read the whole response and parse it, with retries. An error that a
        successful response carries in its body (an HTTP 200 with an error object) is
        retried as the status it stands for would be."""
        attempts = call.attempts()
        while True:
            response = await self._send(call, attempts, stream=False)
            try:
                return self._decode(call, parse, response)
            except APIStatusError as exc:
                delay = retry_wait(attempts, exc)
                if delay is None:
                    raise
                log_retry(call.spec, exc, delay, call.secrets)
            await _sleep(delay)

    async def _send(
        self, call: PreparedCall, attempts: Attempts, *, stream: bool
    ) -> httpx.Response:
        """Send with retries from ``attempts``. Returns a successful response: read, or open
        when streaming."""
        spec = call.spec
        while True:
            attempts.sent_at = now = monotonic()
            limits = phase_limits(call.timeout, attempts.remaining(now))
            request = self._http.build_request(
                spec.method,
                spec.url,
                headers=spec.headers,
                content=spec.body,
                timeout=httpx_timeout(limits),
            )
            error: LLMError | None
            try:
                response = await self._http.send(request, stream=True)
            except httpx.TransportError as exc:
                error = transport_error(exc, spec, call.secrets, call.timeout, limits)
            else:
                log_response(spec, response, attempts.retries)
                if stream and response.is_success:
                    return response
                error = await self._read_whole(call, attempts, limits, response)
                if error is None:
                    return response
            delay = retry_wait(attempts, error)
            if delay is None:
                raise error
            log_retry(spec, error, delay, call.secrets)
            await _sleep(delay)

    async def _read_whole(
        self, call: PreparedCall, attempts: Attempts, limits: PhaseLimits, response: httpx.Response
    ) -> LLMError | None:
        """Read a whole response within the call's deadline: None for a success, else the
        error it stands for."""
        watch = watch_response(
            _watchdog(), WHOLE_RESPONSE, response, call.timeout, attempts, stream=False
        )
        try:
            await response.aread()
        except httpx.TransportError as exc:
            if watch.fired:
                return stream_timeout(watch.fired, call.timeout, "reading the response")
            return transport_error(exc, call.spec, call.secrets, call.timeout, limits)
        finally:
            watch.cancel()
            await response.aclose()
        return None if response.is_success else status_error(self._codec, response, call.secrets)


class AsyncChatStreamContext(Awaitable["AsyncChatStream"]):
    """What ``AsyncClient.chat_stream`` returns: await it for the stream, or use it as
    ``async with`` to have the stream closed on exit."""

    def __init__(self, start: Callable[[], Awaitable[AsyncChatStream]]) -> None:
        self._start = start
        self._stream: AsyncChatStream | None = None

    def __await__(self) -> Generator[Any, None, AsyncChatStream]:
        return self._start().__await__()

    async def __aenter__(self) -> AsyncChatStream:
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


class AsyncChatStream:
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
        self._client = client
        self._call = call
        self._attempts = attempts
        self._core = StreamCore(client._codec, call.secrets)
        self._response = response
        #: The deadlines of the response being read (set when reading begins).
        self._watch: Watch | None = None
        self._chunks = self._generate()

    @property
    def response(self) -> httpx.Response:
        """The underlying HTTP response (status, headers)."""
        return self._response

    async def _generate(self) -> AsyncGenerator[StreamingResponse, None]:
        """The answer, frame by frame; a failure before its first content sends the
        request again (see StreamCore)."""
        core, attempts, call = self._core, self._attempts, self._call
        while True:
            response = self._response
            core.hold = attempts.can_retry()
            self._watch = watch = watch_response(
                _watchdog(), core, response, call.timeout, attempts, stream=True
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
                try:
                    async for frame in frames:
                        if chunks := core.feed(frame):
                            watch.since = None  # the caller holds the stream: not idle time
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
            log_retry(call.spec, error, delay, call.secrets)
            await _sleep(delay)
            core.restart()
            try:
                response = await self._client._send(call, attempts, stream=True)
            except LLMError as exc:
                raise core.interrupted(exc)  # noqa: B904 - exc is what is raised
            if self._core.closed:  # aclose() from another task while the request was sent
                await response.aclose()
                return
            self._response = response

    async def __aiter__(self) -> AsyncIterator[StreamingResponse]:
        # A fresh async generator per loop: when the loop is left early, asyncio finalizes
        # it on the next turn of the loop, and its ``finally`` closes the connection.
        try:
            async for chunk in self._chunks:
                yield chunk
        finally:
            await self.aclose()

    async def __anext__(self) -> StreamingResponse:
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

    async def final_response(self) -> ChatResponse:
        """Read the rest of the stream and return the whole answer.

        Raises ``IncompleteStreamError`` (with ``.partial``) if the stream was closed, or
        ended, before the provider finished.
        """
        async for _ in self._chunks:
            pass
        return self._core.final_response()

    async def __aenter__(self) -> AsyncChatStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


async def _ndjson(response: httpx.Response) -> AsyncGenerator[Frame, None]:
    """NDJSON framing (Ollama): one JSON object per non-empty line (see NDJSONLines)."""
    lines = NDJSONLines()
    async for data in response.aiter_bytes():
        for line in lines.feed(data):
            yield SSEFrame(line)
    for line in lines.flush():
        yield SSEFrame(line)


# asyncio is imported on first use: it costs ~30 ms of import time, a blocking-only program
# never needs it, and an async program has it loaded already.


def _watchdog() -> Watchdog:
    import asyncio

    return LoopWatchdog(asyncio.get_running_loop())


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)
