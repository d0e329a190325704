"""The blocking shell: Client and ChatStream.

It never touches an event loop, so it works in scripts and inside a running loop (Jupyter).
Every method is: ask the codec for a request, send it (retrying per the pure policy),
hand the body or the frames to the codec, return what it made, close.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Generator, Iterator
from time import monotonic
from types import TracebackType
from typing import Any, TypeVar, cast

import httpx
from httpx_sse import EventSource

from llm_connector._base_client import BaseClient, PreparedCall, ignore_body
from llm_connector._deadlines import THREAD_WATCHDOG, WHOLE_RESPONSE, Watch, Watchdog
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

__all__ = ["ChatStream", "Client"]

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
                log_retry(call.spec, exc, delay, call.secrets)
            _sleep(delay)

    def _send(self, call: PreparedCall, attempts: Attempts, *, stream: bool) -> httpx.Response:
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
                response = self._http.send(request, stream=True)
            except httpx.TransportError as exc:
                error = transport_error(exc, spec, call.secrets, call.timeout, limits)
            else:
                log_response(spec, response, attempts.retries)
                if stream and response.is_success:
                    return response
                error = self._read_whole(call, attempts, limits, response)
                if error is None:
                    return response
            delay = retry_wait(attempts, error)
            if delay is None:
                raise error
            log_retry(spec, error, delay, call.secrets)
            _sleep(delay)

    def _read_whole(
        self, call: PreparedCall, attempts: Attempts, limits: PhaseLimits, response: httpx.Response
    ) -> LLMError | None:
        """Read a whole response within the call's deadline: None for a success, else the
        error it stands for."""
        watch = watch_response(
            _watchdog(), WHOLE_RESPONSE, response, call.timeout, attempts, stream=False
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


class ChatStream:
    """A streamed answer: iterate it for ``StreamingResponse`` chunks.

    Leaving a ``for`` loop early (``break``, an exception) closes the HTTP connection at
    once; so does ``close()`` (from any thread) or leaving a ``with`` block.
    ``final_response()`` reads what is left and returns the accumulated ``ChatResponse``.

    A stream that fails before the first content of the answer (the connection breaks, or
    the provider sends a retryable error such as "overloaded") is sent again, within the
    client's retries, and the caller sees one clean answer; nothing is retried after that.

    Errors while iterating carry everything received so far in ``.partial``:
    ``IncompleteStreamError`` when the stream ends before the provider's terminal event,
    ``StreamDecodeError`` for an undecodable frame, the ``APIStatusError`` subclass of an
    error event, ``APITimeoutError`` when a limit of the client's ``Timeout`` runs out.
    """

    def __init__(
        self, client: Client, call: PreparedCall, attempts: Attempts, response: httpx.Response
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

    def _generate(self) -> Generator[StreamingResponse, None, None]:
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
                    yield from core.feed_whole_body(response.read())
                    return
                # iter_sse() is a generator (typed as an Iterator); closing it ends its loop.
                frames = cast(
                    Generator[Frame, None, None],
                    EventSource(response).iter_sse() if framing == "sse" else _ndjson(response),
                )
                try:
                    for frame in frames:
                        if chunks := core.feed(frame):
                            watch.since = None  # the caller holds the stream: not idle time
                            yield from chunks
                        if watch.fired:  # a limit ran out where there is no socket to cut
                            raise stream_timeout(watch.fired, call.timeout, "while streaming")
                        watch.since = monotonic()
                finally:
                    frames.close()
                watch.cancel()  # the body is read: its connection may be back in the pool
                yield from core.finish()
                return
            except (httpx.TransportError, LLMError) as exc:
                if core.closed:
                    return  # close() from another thread cut the read short: the loop ends
                error = stream_error(exc, watch, core, call.timeout, response)
            finally:
                watch.cancel()
                response.close()
            delay = retry_wait(attempts, error) if core.retryable else None
            if delay is None:
                yield from core.take_held()
                raise error
            log_retry(call.spec, error, delay, call.secrets)
            _sleep(delay)
            core.restart()
            try:
                response = self._client._send(call, attempts, stream=True)
            except LLMError as exc:
                raise core.interrupted(exc)  # noqa: B904 - exc is what is raised
            if self._core.closed:  # close() from another thread while the request was sent
                response.close()
                return
            self._response = response

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
        another thread while one iterates: its loop ends at once, quietly."""
        self._core.closed = True
        if getattr(self._chunks, "gi_running", False) and self._watch is not None:
            # Another thread is reading: shutting the socket down wakes its blocked read.
            self._watch.abort()
        # ValueError "generator already executing": another thread is reading. Closing
        # the response ends that read, and then its loop (see _read).
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
    """NDJSON framing (Ollama): one JSON object per non-empty line (see NDJSONLines)."""
    lines = NDJSONLines()
    for data in response.iter_bytes():
        for line in lines.feed(data):
            yield SSEFrame(line)
    for line in lines.flush():
        yield SSEFrame(line)


def _watchdog() -> Watchdog:
    return THREAD_WATCHDOG


def _sleep(seconds: float) -> None:
    time.sleep(seconds)
