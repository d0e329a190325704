"""The blocking shell: Client and ChatStream.

It never touches an event loop, so it works in scripts and inside a running loop (Jupyter).
Every method is: ask the codec for a request, send it (retrying per the pure policy),
hand the body or the frames to the codec, return what it made, close.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Generator, Iterator
from types import TracebackType
from typing import Any, cast

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

__all__ = ["ChatStream", "Client"]


class Client(BaseClient[httpx.Client]):
    """A blocking client for one provider. Build it with a constructor such as
    :meth:`Client.openai`; use it as a context manager or call :meth:`close`.

    Errors: :class:`~llm_connector.errors.RequestValidationError` before sending,
    ``APIConnectionError`` / ``APITimeoutError`` without an answer, an ``APIStatusError``
    subclass for an error answer (after retries), ``StreamError`` subclasses mid-stream.
    """

    _http_client_class = httpx.Client

    def _new_http_client(self, proxy: str | httpx.Proxy | None, transport: Any) -> httpx.Client:
        return httpx.Client(proxy=proxy, transport=transport, timeout=self._timeout)

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
        response = self._send(call, stream=False)
        return self._decode(call, self._codec.parse_chat, response)

    def chat_stream(self, request: ChatRequest) -> ChatStream:
        """Send a chat request and stream the answer as ``StreamingResponse`` chunks.

        The request is sent now; HTTP errors raise here. Iterate the returned stream;
        leaving the loop early closes the connection.
        """
        call = self._prepare_chat(request, stream=True)
        response = self._send(call, stream=True)
        return ChatStream(response, StreamCore(self._codec, call.secrets), call)

    def models(self) -> list[Model]:
        """The models the provider lists (every page of them)."""
        pager = self._model_pages()
        while (call := pager.next_call()) is not None:
            response = self._send(call, stream=False)
            pager.add(self._decode(call, self._codec.parse_models, response))
        return pager.models

    def embed(self, request: EmbedRequest) -> EmbedResponse:
        """Embed one text or a batch."""
        call = self._prepare_embed(request)
        response = self._send(call, stream=False)
        return self._decode(call, self._codec.parse_embed, response)

    def count_tokens(self, request: ChatRequest) -> int:
        """How many input tokens ``request`` would use (Anthropic's token counting)."""
        call = self._prepare_count_tokens(request)
        response = self._send(call, stream=False)
        return self._decode(call, self._codec.parse_count_tokens, response)

    def pull_model(self, name: str) -> None:
        """Download a model to the server (Ollama); returns when it is ready."""
        call = self._prepare_model_operation(self._codec.build_pull_model, name)
        response = self._send(call, stream=False)
        self._decode(call, self._codec.parse_pull_model, response)

    def delete_model(self, name: str) -> None:
        """Delete a model from the server (Ollama)."""
        call = self._prepare_model_operation(self._codec.build_delete_model, name)
        self._send(call, stream=False)

    def show_model(self, name: str) -> ModelDetails:
        """What the server knows about one model (Ollama)."""
        call = self._prepare_model_operation(self._codec.build_show_model, name)
        response = self._send(call, stream=False)
        return self._decode(call, self._codec.parse_show_model, response)

    def _send(self, call: PreparedCall, *, stream: bool) -> httpx.Response:
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
                response = self._http.send(request, stream=True)
                if not (stream and response.is_success):
                    response.read()
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
            time.sleep(delay)
            attempt += 1


class ChatStream:
    """A streamed answer: iterate it for ``StreamingResponse`` chunks.

    Leaving a ``for`` loop early (``break``, an exception) closes the HTTP connection at
    once; so does ``close()`` or leaving a ``with`` block. ``final_response()`` reads what
    is left and returns the accumulated ``ChatResponse``.

    Errors while iterating carry everything received so far in ``.partial``:
    ``IncompleteStreamError`` when the stream ends before the provider's terminal event,
    ``StreamDecodeError`` for an undecodable frame, the ``APIStatusError`` subclass of an
    error event, ``APITimeoutError`` when a read times out.
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

    def _generate(self) -> Generator[StreamingResponse, None, None]:
        response, core = self._response, self._core
        try:
            framing = stream_framing(self._call.spec, response)
            if framing == "json":
                yield from core.feed_whole_body(response.read())
                return
            # iter_sse() is a generator (typed as an Iterator); closing it ends its read loop.
            frames = cast(
                Generator[Frame, None, None],
                EventSource(response).iter_sse() if framing == "sse" else _ndjson(response),
            )
            try:
                for frame in frames:
                    yield from core.feed(frame)
            finally:
                frames.close()
            yield from core.finish()
        except httpx.TransportError as exc:
            if core.closed:
                return  # close() from another thread cut the read short: the loop just ends
            raise core.interrupted(stream_transport_error(exc)) from exc
        except LLMError as exc:
            if core.closed:
                return
            add_request_id(exc, response)
            if exc.partial is None:
                raise core.interrupted(exc) from None
            raise
        finally:
            response.close()

    def __iter__(self) -> Iterator[StreamingResponse]:
        # A fresh generator per loop: when the loop is left early, this generator is
        # dropped at once (reference counting), and its ``finally`` closes the connection.
        try:
            yield from self._chunks
        finally:
            self.close()

    def __next__(self) -> StreamingResponse:
        return next(self._chunks)

    def close(self) -> None:
        """Stop reading and close the connection. Safe to call more than once, and from
        another thread while one iterates: its loop ends after the read in progress."""
        self._core.closed = True
        # ValueError "generator already executing": another thread is reading. Closing
        # the response ends that read, and then its loop (see _generate).
        with contextlib.suppress(ValueError):
            self._chunks.close()
        self._response.close()

    def final_response(self) -> ChatResponse:
        """Read the rest of the stream and return the whole answer.

        Raises ``IncompleteStreamError`` (with ``.partial``) if the stream was closed, or
        ended, before the provider finished.
        """
        for _ in self._chunks:
            pass
        return self._core.final_response()

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _ndjson(response: httpx.Response) -> Generator[Frame, None, None]:
    """NDJSON framing (Ollama): one JSON object per non-empty line."""
    for line in response.iter_lines():
        if line.strip():
            yield SSEFrame(line)
