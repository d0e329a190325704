"""The asyncio shell: AsyncClient (its streams are in ``_async_streams.py``).

The mirror of ``_client.py``; the two differ only in ``await`` / ``async for`` / ``aclose``
(a parity test compares their public signatures).
"""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from llm_connector import _async_streams
from llm_connector._async_streams import (
    AsyncChatStream,
    AsyncChatStreamContext,
    AsyncResponsesStream,
    AsyncResponsesStreamContext,
)
from llm_connector._base_client import BaseClient, PreparedCall, ignore_body
from llm_connector._deadlines import WHOLE_RESPONSE
from llm_connector._hooks import afire
from llm_connector._retry import Attempts
from llm_connector._shell import (
    POOL_LIMITS,
    httpx_timeout,
    retry_wait,
    status_error,
    stream_timeout,
    transport_error,
    watch_response,
)
from llm_connector._timeout import PhaseLimits, phase_limits
from llm_connector.errors import APIStatusError, LLMError
from llm_connector.types import ChatRequest

if TYPE_CHECKING:
    from llm_connector._responses_call import ResponsesCall
    from llm_connector.responses import ResponsesRequest, ResponsesResponse
    from llm_connector.types import ChatResponse
    from llm_connector.types._embedding import EmbedRequest, EmbedResponse
    from llm_connector.types._models import Model, ModelDetails

__all__ = [
    "AsyncChatStream",
    "AsyncChatStreamContext",
    "AsyncClient",
    "AsyncResponsesStream",
    "AsyncResponsesStreamContext",
]

_T = TypeVar("_T")


class AsyncClient(BaseClient[httpx.AsyncClient]):
    """An asyncio client for one provider; the async twin of :class:`~llm_connector.Client`.

    Use it as ``async with`` or call :meth:`aclose`. Errors are the same as ``Client``'s.
    """

    _http_client_class = httpx.AsyncClient
    _awaits_hooks = True

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

    async def invoke_responses(self, request: ResponsesRequest) -> ResponsesResponse:
        """Send a Responses API request and return the whole answer (see
        :meth:`Client.invoke_responses <llm_connector.Client.invoke_responses>`: the same
        fallback to chat completions and the same errors)."""
        call = self._prepare_responses(request, stream=False)
        try:
            return await self._fetch(call.call, call.parse)
        except APIStatusError as exc:
            fallback = self._responses_fallback(call, exc)
            if fallback is None:
                raise
        return await self._fetch(fallback.call, fallback.parse)

    def invoke_responses_stream(self, request: ResponsesRequest) -> AsyncResponsesStreamContext:
        """Stream a Responses API answer as ``ResponsesStreamEvent``s:
        ``stream = await client.invoke_responses_stream(r)`` or
        ``async with client.invoke_responses_stream(r) as stream``.

        The request is checked now (bad input raises here) and sent when awaited.
        """
        call = self._prepare_responses(request, stream=True)
        return AsyncResponsesStreamContext(lambda: self._start_responses(call))

    async def _start_responses(self, call: ResponsesCall) -> AsyncResponsesStream:
        try:
            return await self._open_responses(call)
        except APIStatusError as exc:
            fallback = self._responses_fallback(call, exc)
            if fallback is None:
                raise
        return await self._open_responses(fallback)

    async def _open_responses(self, call: ResponsesCall) -> AsyncResponsesStream:
        attempts = call.call.attempts()
        response = await self._send(call.call, attempts, stream=True)
        return AsyncResponsesStream(self, call, attempts, response)

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
                await self._note_retry(call, attempts, exc, delay, stream=False)
            await _async_streams.sleep(delay)

    async def _send(
        self, call: PreparedCall, attempts: Attempts, *, stream: bool
    ) -> httpx.Response:
        """Send with retries from ``attempts``. Returns a successful response: read, or open
        when streaming."""
        spec = call.spec
        while True:
            attempt = self._attempt(call, attempts, stream=stream)
            if attempt.hooks.on_request:
                await afire(attempt.hooks.on_request, attempt.info)
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
                if (answer := attempt.answered(response)) is not None:
                    try:
                        await afire(attempt.hooks.on_response, answer)
                    except BaseException:
                        await response.aclose()  # a cancellation (a hook's Exception is logged)
                        raise
                if stream and response.is_success:
                    return response
                error = await self._read_whole(call, attempts, limits, response)
                if error is None:
                    return response
            delay = retry_wait(attempts, error)
            if delay is None:
                raise error
            await self._note_retry(call, attempts, error, delay, stream=stream)
            await _async_streams.sleep(delay)

    async def _note_retry(
        self,
        call: PreparedCall,
        attempts: Attempts,
        error: LLMError,
        delay: float,
        *,
        stream: bool,
    ) -> None:
        """Log that the failed attempt is retried after ``delay`` seconds and tell the
        ``on_retry`` hooks (the streams call it for a failure before the first content)."""
        info = self._retrying(call, attempts, error, delay, stream=stream)
        await afire(self._hooks.on_retry, info)

    async def _read_whole(
        self, call: PreparedCall, attempts: Attempts, limits: PhaseLimits, response: httpx.Response
    ) -> LLMError | None:
        """Read a whole response within the call's deadline: None for a success, else the
        error it stands for."""
        watch = watch_response(
            _async_streams.watchdog(),
            WHOLE_RESPONSE,
            response,
            call.timeout,
            attempts,
            stream=False,
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
