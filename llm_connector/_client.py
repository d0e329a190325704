"""The blocking shell: Client (its streams, ChatStream and ResponsesStream, are in
``_sync_streams.py``).

It never touches an event loop, so it works in scripts and inside a running loop (Jupyter).
Every method is: ask the codec for a request, send it (retrying per the pure policy),
hand the body or the frames to the codec, return what it made, close.
"""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from llm_connector import _sync_streams
from llm_connector._base_client import BaseClient, PreparedCall, ignore_body
from llm_connector._deadlines import WHOLE_RESPONSE
from llm_connector._hooks import fire
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
from llm_connector._sync_streams import ChatStream, ResponsesStream
from llm_connector._timeout import PhaseLimits, phase_limits
from llm_connector.errors import APIStatusError, LLMError
from llm_connector.types import ChatRequest

if TYPE_CHECKING:
    from llm_connector._responses_call import ResponsesCall
    from llm_connector.responses import ResponsesRequest, ResponsesResponse
    from llm_connector.types import ChatResponse
    from llm_connector.types._embedding import EmbedRequest, EmbedResponse
    from llm_connector.types._models import Model, ModelDetails

__all__ = ["ChatStream", "Client", "ResponsesStream"]

_T = TypeVar("_T")


class Client(BaseClient[httpx.Client]):
    """A blocking client for one provider. Build it with a constructor such as
    :meth:`Client.openai`; use it as a context manager or call :meth:`close`.

    Errors: :class:`~llm_connector.errors.RequestValidationError` before sending,
    ``APIConnectionError`` / ``APITimeoutError`` without an answer, an ``APIStatusError``
    subclass for an error answer (after retries), ``StreamError`` subclasses mid-stream.
    """

    _http_client_class = httpx.Client

    def _new_http_client(self, proxy: str | httpx.Proxy | None, transport: Any) -> httpx.Client:
        return httpx.Client(proxy=proxy, transport=transport, limits=POOL_LIMITS)

    def close(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def chat(self, request: ChatRequest) -> ChatResponse:
        """Send a chat request and return the whole answer."""
        call = self._prepare_chat(request, stream=False)
        return self._fetch(call, self._codec.parse_chat)

    def chat_stream(self, request: ChatRequest) -> ChatStream:
        """Send a chat request and stream the answer as ``StreamingResponse`` chunks.

        The request is sent now; HTTP errors raise here. Iterate the returned stream;
        leaving the loop early closes the connection.
        """
        call = self._prepare_chat(request, stream=True)
        attempts = call.attempts()
        return ChatStream(self, call, attempts, self._send(call, attempts, stream=True))

    def invoke_responses(self, request: ResponsesRequest) -> ResponsesResponse:
        """Send a Responses API request and return the whole answer.

        Goes to ``/responses`` where the provider may serve it; a server that turns out
        to have no such route (404, 405, 501, or an error naming the route) is asked
        through chat completions instead, and remembered. Providers with another protocol
        (Anthropic, Gemini, Ollama) are always asked through their chat protocol.

        Raises ``UnsupportedFeatureError`` when the request needs ``/responses`` and the
        server has none (``previous_response_id``, hosted tools); a failed response
        raises the ``APIStatusError`` its error code stands for.
        """
        call = self._prepare_responses(request, stream=False)
        try:
            return self._fetch(call.call, call.parse)
        except APIStatusError as exc:
            fallback = self._responses_fallback(call, exc)
            if fallback is None:
                raise
        return self._fetch(fallback.call, fallback.parse)

    def invoke_responses_stream(self, request: ResponsesRequest) -> ResponsesStream:
        """Send a Responses API request and stream the answer as ``ResponsesStreamEvent``s
        (the fallback to chat completions of :meth:`invoke_responses` applies, and
        synthesizes the events ``/responses`` would have sent).

        The request is sent now; HTTP errors raise here. Iterate the returned stream;
        leaving the loop early closes the connection.
        """
        call = self._prepare_responses(request, stream=True)
        return self._start_responses(call)

    def _start_responses(self, call: ResponsesCall) -> ResponsesStream:
        try:
            return self._open_responses(call)
        except APIStatusError as exc:
            fallback = self._responses_fallback(call, exc)
            if fallback is None:
                raise
        return self._open_responses(fallback)

    def _open_responses(self, call: ResponsesCall) -> ResponsesStream:
        attempts = call.call.attempts()
        response = self._send(call.call, attempts, stream=True)
        return ResponsesStream(self, call, attempts, response)

    def models(self) -> list[Model]:
        """The models the provider lists (every page of them)."""
        pager = self._model_pages()
        while (call := pager.next_call()) is not None:
            pager.add(self._fetch(call, self._codec.parse_models))
        return pager.models

    def embed(self, request: EmbedRequest) -> EmbedResponse:
        """Embed one text or a batch."""
        call = self._prepare_embed(request)
        return self._fetch(call, self._codec.parse_embed)

    def count_tokens(self, request: ChatRequest) -> int:
        """How many input tokens ``request`` would use (Anthropic's token counting)."""
        call = self._prepare_count_tokens(request)
        return self._fetch(call, self._codec.parse_count_tokens)

    def pull_model(self, name: str) -> None:
        """Download a model to the server (Ollama); returns when it is ready."""
        call = self._prepare_model_operation(self._codec.build_pull_model, name)
        self._fetch(call, self._codec.parse_pull_model)

    def delete_model(self, name: str) -> None:
        """Delete a model from the server (Ollama)."""
        call = self._prepare_model_operation(self._codec.build_delete_model, name)
        self._fetch(call, ignore_body)

    def show_model(self, name: str) -> ModelDetails:
        """What the server knows about one model (Ollama)."""
        call = self._prepare_model_operation(self._codec.build_show_model, name)
        return self._fetch(call, self._parse_show_model(name))

    def _fetch(self, call: PreparedCall, parse: Callable[[bytes], _T]) -> _T:
        """Send, read the whole response and parse it, with retries. An error that a
        successful response carries in its body (an HTTP 200 with an error object) is
        retried as the status it stands for would be."""
        attempts = call.attempts()
        while True:
            response = self._send(call, attempts, stream=False)
            try:
                return self._decode(call, parse, response)
            except APIStatusError as exc:
                delay = retry_wait(attempts, exc)
                if delay is None:
                    raise
                self._note_retry(call, attempts, exc, delay, stream=False)
            _sync_streams.sleep(delay)

    def _send(self, call: PreparedCall, attempts: Attempts, *, stream: bool) -> httpx.Response:
        """Send with retries from ``attempts``. Returns a successful response: read, or open
        when streaming."""
        spec = call.spec
        while True:
            attempt = self._attempt(call, attempts, stream=stream)
            if attempt.hooks.on_request:
                fire(attempt.hooks.on_request, attempt.info)
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
                response = self._http.send(request, stream=True)
            except httpx.TransportError as exc:
                error = transport_error(exc, spec, call.secrets, call.timeout, limits)
            else:
                if (answer := attempt.answered(response)) is not None:
                    try:
                        fire(attempt.hooks.on_response, answer)
                    except BaseException:
                        response.close()  # a KeyboardInterrupt (a hook's Exception is logged)
                        raise
                if stream and response.is_success:
                    return response
                error = self._read_whole(call, attempts, limits, response)
                if error is None:
                    return response
            delay = retry_wait(attempts, error)
            if delay is None:
                raise error
            self._note_retry(call, attempts, error, delay, stream=stream)
            _sync_streams.sleep(delay)

    def _note_retry(
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
        fire(self._hooks.on_retry, info)

    def _read_whole(
        self, call: PreparedCall, attempts: Attempts, limits: PhaseLimits, response: httpx.Response
    ) -> LLMError | None:
        """Read a whole response within the call's deadline: None for a success, else the
        error it stands for."""
        watch = watch_response(
            _sync_streams.watchdog(), WHOLE_RESPONSE, response, call.timeout, attempts, stream=False
        )
        try:
            response.read()
        except httpx.TransportError as exc:
            if watch.fired:
                return stream_timeout(watch.fired, call.timeout, "reading the response")
            return transport_error(exc, call.spec, call.secrets, call.timeout, limits)
        finally:
            watch.cancel()
            response.close()
        return None if response.is_success else status_error(self._codec, response, call.secrets)
