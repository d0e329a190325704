"""The asyncio shell: AsyncClient and AsyncChatStream.

The mirror of ``_client.py``; the two differ only in ``await`` / ``async for`` / ``aclose``
(a parity test compares their public signatures).
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from types import TracebackType
from typing import Any

import httpx
from httpx_sse import EventSource

from llm_connector._base_client import BaseClient, PreparedCall
from llm_connector._shell import (
    add_request_id,
    log_response,
    log_retry,
    retry_delay,
    status_error,
    stream_framing,
    stream_transport_error,
    transport_error,
)
from llm_connector._stream_core import StreamCore
from llm_connector.codecs._base import Frame, SSEFrame
from llm_connector.errors import LLMError
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


class AsyncClient(BaseClient[httpx.AsyncClient]):
    """An asyncio client for one provider; the async twin of :class:`~llm_connector.Client`.

    Use it as ``async with`` or call :meth:`aclose`. Errors are the same as ``Client``'s.
    """

    _http_client_class = httpx.AsyncClient

    def _new_http_client(
        self, proxy: str | httpx.Proxy | None, transport: Any
    ) -> httpx.AsyncClient:
        return httpx.AsyncClient(proxy=proxy, transport=transport, timeout=self._timeout)

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
        response = await self._send(call, stream=False)
        return self._decode(call, self._codec.parse_chat, response)

    def chat_stream(self, request: ChatRequest) -> AsyncChatStreamContext:
        """Stream a chat answer: ``stream = await client.chat_stream(r)`` or
        ``async with client.chat_stream(r) as stream``.

        The request is checked now (bad input raises here) and sent when awaited.
        """
        call = self._prepare_chat(request, stream=True)
        return AsyncChatStreamContext(lambda: self._open_stream(call))

    async def _open_stream(self, call: PreparedCall) -> AsyncChatStream:
        response = await self._send(call, stream=True)
        return AsyncChatStream(response, StreamCore(self._codec, call.secrets), call)

    async def models(self) -> list[Model]:
        """The models the provider lists (every page of them)."""
        pager = self._model_pages()
        while (call := pager.next_call()) is not None:
            response = await self._send(call, stream=False)
            pager.add(self._decode(call, self._codec.parse_models, response))
        return pager.models

    async def embed(self, request: EmbedRequest) -> EmbedResponse:
        """Embed one text or a batch."""
        call = self._prepare_embed(request)
        response = await self._send(call, stream=False)
        return self._decode(call, self._codec.parse_embed, response)

    async def count_tokens(self, request: ChatRequest) -> int:
        """How many input tokens ``request`` would use (Anthropic's token counting)."""
        call = self._prepare_count_tokens(request)
        response = await self._send(call, stream=False)
        return self._decode(call, self._codec.parse_count_tokens, response)

    async def pull_model(self, name: str) -> None:
        """Download a model to the server (Ollama); returns when it is ready."""
        call = self._prepare_model_operation(self._codec.build_pull_model, name)
        response = await self._send(call, stream=False)
        self._decode(call, self._codec.parse_pull_model, response)

    async def delete_model(self, name: str) -> None:
        """Delete a model from the server (Ollama)."""
        call = self._prepare_model_operation(self._codec.build_delete_model, name)
        await self._send(call, stream=False)

    async def show_model(self, name: str) -> ModelDetails:
        """What the server knows about one model (Ollama)."""
        call = self._prepare_model_operation(self._codec.build_show_model, name)
        response = await self._send(call, stream=False)
        return self._decode(call, self._codec.parse_show_model, response)

    async def _send(self, call: PreparedCall, *, stream: bool) -> httpx.Response:
        """Send with retries. Returns a successful response: read, or open when streaming."""
        spec = call.spec
        attempt = 0
        while True:
            request = self._http.build_request(
                spec.method,
                spec.url,
                headers=spec.headers,
                content=spec.body,
                timeout=self._timeout,
            )
            error: LLMError
            try:
                response = await self._http.send(request, stream=True)
                if not (stream and response.is_success):
                    await response.aread()
            except httpx.TransportError as exc:
                error = transport_error(exc, spec, call.secrets)
            else:
                log_response(spec, response, attempt)
                if response.is_success:
                    return response
                error = status_error(self._codec, response, call.secrets)
            delay = retry_delay(self._retry, attempt, error, random.random())  # noqa: S311 - jitter
            if delay is None:
                raise error
            log_retry(spec, error, delay, call.secrets)
            await _sleep(delay)
            attempt += 1


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
    so do ``aclose()``, leaving ``async with``, and cancelling the task. Errors are those
    of :class:`~llm_connector.ChatStream` and carry ``.partial`` the same way.
    """

    def __init__(self, response: httpx.Response, core: StreamCore, call: PreparedCall) -> None:
        self._response = response
        self._core = core
        self._call = call
        self._chunks = self._generate()

    @property
    def response(self) -> httpx.Response:
        """The underlying HTTP response (status, headers)."""
        return self._response

    async def _generate(self) -> AsyncGenerator[StreamingResponse, None]:
        response, core = self._response, self._core
        try:
            framing = stream_framing(self._call.spec, response)
            if framing == "json":
                for chunk in core.feed_whole_body(await response.aread()):
                    yield chunk
                return
            frames: AsyncGenerator[Frame, None] = (
                EventSource(response).aiter_sse() if framing == "sse" else _ndjson(response)
            )
            try:
                async for frame in frames:
                    for chunk in core.feed(frame):
                        yield chunk
            finally:
                await frames.aclose()
            for chunk in core.finish():
                yield chunk
        except httpx.TransportError as exc:
            if core.closed:
                return  # aclose() from another task cut the read short: the loop just ends
            raise core.interrupted(stream_transport_error(exc)) from exc
        except LLMError as exc:
            if core.closed:
                return
            add_request_id(exc, response)
            if exc.partial is None:
                raise core.interrupted(exc) from None
            raise
        finally:
            await response.aclose()

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
        another task while one iterates: its loop ends after the read in progress."""
        self._core.closed = True
        # RuntimeError "asynchronous generator is already running": another task is
        # reading. Closing the response ends that read, and then its loop (see _generate).
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
    """NDJSON framing (Ollama): one JSON object per non-empty line."""
    async for line in response.aiter_lines():
        if line.strip():
            yield SSEFrame(line)


async def _sleep(seconds: float) -> None:
    # asyncio is imported on first use: it costs ~30 ms of import time, a blocking-only
    # program never needs it, and an async program has it loaded already.
    import asyncio

    await asyncio.sleep(seconds)
