"""Helpers both shells share: translating httpx outcomes into llm_connector errors, the
limits of an attempt, and logging. They look at httpx objects but never do I/O themselves."""

from __future__ import annotations

import logging
import platform
import random
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from time import monotonic
from typing import TYPE_CHECKING, Any

import httpx

from llm_connector._deadlines import Progress, Watch, Watchdog, shutdown
from llm_connector._hooks import BodyTimer, Hooks, RequestInfo, ResponseInfo, public_headers
from llm_connector._redact import redact_error, redact_text, redact_url
from llm_connector._retry import Attempts, parse_retry_after
from llm_connector._timeout import PhaseLimits, Timeout, TimeoutKind, phase_limits
from llm_connector._version import __version__
from llm_connector.codecs.contract import RequestSpec
from llm_connector.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    IncompleteStreamError,
    LLMError,
    StreamDecodeError,
    status_error_class,
)

if TYPE_CHECKING:
    from llm_connector._stream_core import BaseStreamCore
    from llm_connector.codecs.contract import ChatCodec

logger = logging.getLogger("llm_connector")

USER_AGENT = (
    f"llm-connector/{__version__} (Python {platform.python_version()}; httpx {httpx.__version__})"
)

#: The connection pool's size. httpx's default (100) would queue the 101st concurrent
#: stream of a client behind the others for as long as they last (minutes, for LLM
#: answers); the official OpenAI and Anthropic SDKs allow 1000.
POOL_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)

# Where providers put their request id (OpenAI, Anthropic, Azure, Google).
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "apim-request-id", "x-goog-request-id")

# httpx's timeout exceptions by the phase of an attempt they belong to, and what each
# phase's timeout means for the caller.
_PHASES: tuple[tuple[type[httpx.TimeoutException], str, str], ...] = (
    (httpx.ConnectTimeout, "connect", "could not connect"),
    (httpx.ReadTimeout, "read", "no response"),
    (httpx.WriteTimeout, "write", "could not send the request"),
    (httpx.PoolTimeout, "pool", "no free connection in the pool"),
)
_STREAM_TROUBLE: Mapping[TimeoutKind, str] = {
    "connect": "could not connect",
    "first_event": "no content of the answer arrived",
    "idle": "no stream event arrived",
    "total": "the call did not finish",
}


def httpx_timeout(limits: PhaseLimits) -> httpx.Timeout:
    """httpx's timeouts for one attempt (the wait for a pooled connection counts toward
    the first event, like the wait for the response)."""
    return httpx.Timeout(
        connect=limits.connect, read=limits.read, write=limits.write, pool=limits.read
    )


def timeout_error(kind: TimeoutKind, timeout: Timeout, what: str) -> APITimeoutError:
    seconds = getattr(timeout, kind)
    return APITimeoutError(f"{kind} timeout ({seconds:g} s): {what}", timeout_kind=kind)


def stream_timeout(kind: TimeoutKind, timeout: Timeout, where: str) -> APITimeoutError:
    """The error for a limit the watchdog found run out (``where``: while doing what)."""
    return timeout_error(kind, timeout, f"{_STREAM_TROUBLE[kind]} {where}")


def transport_error(
    exc: httpx.TransportError,
    spec: RequestSpec,
    secrets: Iterable[str],
    timeout: Timeout,
    limits: PhaseLimits,
) -> APIConnectionError:
    """The llm_connector error for a request that got no HTTP answer, scrubbed of secrets
    (httpx messages can quote a header value). A timeout names the limit that ran out.

    The httpx exception is its ``__cause__``: the shells raise it after the retry loop,
    outside the ``except`` that caught ``exc``, where ``raise ... from`` is not at hand.
    """
    where = f"{spec.method} {redact_url(spec.url)}"
    error: APIConnectionError
    if isinstance(exc, httpx.TimeoutException):
        phase, trouble = next(
            ((p, t) for cls, p, t in _PHASES if isinstance(exc, cls)), ("read", "no response")
        )
        error = timeout_error(limits.kinds[phase], timeout, f"{trouble} on {where}")
    else:
        error = APIConnectionError(f"connection error on {where}: {exc!r}")
    error.__cause__ = exc
    redact_error(error, secrets)
    return error


def is_stale(error: LLMError) -> bool:
    """Whether ``error`` is httpx's "Server disconnected without sending a response": a
    pooled keep-alive connection the server had already closed (llama.cpp, for one, closes
    the connection after every streamed answer without a "Connection: close"); see
    ``RetryPolicy.after_connection_error``."""
    return type(error) is APIConnectionError and isinstance(
        error.__cause__, httpx.RemoteProtocolError
    )


def retry_wait(attempts: Attempts, error: LLMError) -> float | None:
    """Seconds to wait before the next attempt after ``error`` (None: raise it): the pure
    policy, given its jitter and the clock."""
    jitter = random.random()  # noqa: S311 - not for cryptography
    return attempts.next_delay(error, jitter, monotonic(), stale=is_stale(error))


def stream_error(
    exc: httpx.TransportError | LLMError,
    watch: Watch,
    core: BaseStreamCore[Any, Any],
    timeout: Timeout,
    response: httpx.Response,
) -> LLMError:
    """The error to raise for a failure while reading a stream, carrying what arrived in
    ``.partial``: the limit that cut the connection, when one did (the watchdog's, or the
    transport's byte-level backstop), caused by ``exc``; a broken connection is an
    incomplete stream; an error of the stream itself stays as it is."""
    kind = watch.fired
    if kind is None and isinstance(exc, httpx.TimeoutException):
        kind = watch.expired(monotonic()) or ("idle" if core.delivered else "first_event")
    error: LLMError
    if kind is not None and not isinstance(exc, APITimeoutError):
        error = stream_timeout(kind, timeout, "while streaming")
    elif isinstance(exc, httpx.TransportError):
        error = IncompleteStreamError(
            f"the connection broke while streaming: {exc!r}", connection_lost=True
        )
    else:
        add_request_id(exc, response)
        if exc.partial is None:
            core.interrupted(exc)
        return exc
    error.__cause__ = exc
    return core.interrupted(error)


def response_socket(response: httpx.Response) -> Any:
    """The socket under an HTTP/1.x response, for the watchdog to shut down; None where
    there is none (a mock transport) or where other requests share it (HTTP/2)."""
    stream = response.extensions.get("network_stream")
    if stream is None or response.http_version not in ("HTTP/1.1", "HTTP/1.0"):
        return None
    try:
        return stream.get_extra_info("socket")
    except Exception:  # a custom transport's stream that does not know the question
        return None


class _SocketOf:
    """The socket under a response, found only if the watchdog must shut it down: asking
    httpcore's asyncio stream for it costs about 10 us (anyio gathers all its socket's
    addresses to answer), and almost every response ends before any limit."""

    __slots__ = ("_response",)

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    def shutdown(self, how: int, /) -> None:
        # The watchdog only ever asks for SHUT_RDWR, which _deadlines.shutdown() does.
        shutdown(response_socket(self._response))


def watch_response(
    dog: Watchdog,
    progress: Progress,
    response: httpx.Response,
    timeout: Timeout,
    attempts: Attempts,
    *,
    stream: bool,
) -> Watch:
    """Start the watchdog on a response about to be read: a stream's event limits and the
    call's deadline, or only the deadline for a response read whole (whose waits are
    httpx's per-read ``first_event``)."""
    sock = _SocketOf(response)
    if not stream:
        return dog.watch(progress, sock, first=None, idle=None, total=attempts.deadline)
    # httpx's read timeout (first_event, for the wait for the response head) applies to
    # the body's reads too, taken when the body is first read: raise it now to a backstop
    # no shorter than the event-level limits, which the watchdog keeps.
    timeouts = response.request.extensions.get("timeout")
    if isinstance(timeouts, dict):
        timeouts["read"] = phase_limits(timeout, attempts.remaining(monotonic())).stream_read
    first = None if timeout.first_event is None else attempts.sent_at + timeout.first_event
    return dog.watch(progress, sock, first=first, idle=timeout.idle, total=attempts.deadline)


def status_error(
    codec: ChatCodec, response: httpx.Response, secrets: Iterable[str]
) -> APIStatusError:
    """The typed error for a non-2xx response whose body has been read."""
    info = codec.parse_error(response.status_code, response.content)
    request_id = request_id_of(response.headers)
    cls = status_error_class(info.status or response.status_code)
    error = cls(
        info.message,
        status_code=response.status_code,
        error_type=info.error_type,
        code=info.code,
        param=info.param,
        request_id=request_id,
        retry_after=parse_retry_after(response.headers, time.time()),
        body=response.text,
        headers=response.headers,
    )
    redact_error(error, secrets)
    return error


def request_id_of(headers: Mapping[str, str]) -> str | None:
    return next((headers[h] for h in _REQUEST_ID_HEADERS if h in headers), None)


def add_request_id(error: LLMError, response: httpx.Response) -> None:
    """Give an error that came inside a 200 answer (a stream's error event, a JSON error
    body) the request id of that answer, for the provider's support."""
    if isinstance(error, APIStatusError) and error.request_id is None:
        error.request_id = request_id_of(response.headers)


def stream_framing(spec: RequestSpec, response: httpx.Response) -> str:
    """How to read a successful streaming response: the codec's framing, or "json" when the
    server answered with one JSON body instead (an error, or ``stream`` ignored)."""
    content_type = response.headers.get("content-type", "").lower()
    if "json" in content_type and "ndjson" not in content_type and "x-ndjson" not in content_type:
        return "json"
    if spec.framing == "sse" and "text/event-stream" not in content_type:
        raise StreamDecodeError(
            f"expected a text/event-stream response, got content-type {content_type or 'none'!r}"
        )
    # An event stream is UTF-8 whatever charset its header names, and a byte order mark
    # before the first line is not part of it (WHATWG HTML, "Parsing an event stream"):
    # left in, it makes the first line's "data:" an unknown field and the first event is
    # lost. NDJSON is JSON, UTF-8 as well (RFC 8259 section 8.1).
    response.encoding = "utf-8-sig"
    return spec.framing


class Attempt:
    """One HTTP attempt as the log and the hooks see it: made by the clients' ``_attempt``
    just before the request is sent (its request line is logged at DEBUG then)."""

    __slots__ = ("_attempts", "_describe", "_info", "_secrets", "hooks")

    def __init__(
        self,
        describe: Callable[[], RequestInfo],
        hooks: Hooks,
        secrets: tuple[str, ...],
        attempts: Attempts,
    ) -> None:
        # The RequestInfo is made only when a hook or the DEBUG log asks for it: scrubbing
        # the URL of secrets costs a few microseconds of every request (docs/performance.md).
        self._describe = describe
        self._info: RequestInfo | None = None
        #: The client's hooks when the attempt began (one registered meanwhile waits for
        #: the next attempt, so the request and response events reach the same hooks).
        self.hooks = hooks
        self._secrets = secrets
        self._attempts = attempts
        if logger.isEnabledFor(logging.DEBUG):
            info = self.info
            logger.debug(
                "sending %s %s (attempt %d%s)",
                info.method,
                info.url,
                info.attempt,
                ", streamed" if info.stream else "",
            )

    @property
    def info(self) -> RequestInfo:
        """The request line, its attempt number and the model, secrets scrubbed."""
        if self._info is None:
            self._info = self._describe()
        return self._info

    def answered(self, response: httpx.Response) -> ResponseInfo | None:
        """Note the arrival of the response head (``attempts.sent_at`` is when the request
        went out): log its status, and time its body, at DEBUG; the value for the
        ``on_response`` hooks, None when there are none."""
        sent_at = self._attempts.sent_at
        elapsed = monotonic() - sent_at
        debug = logger.isEnabledFor(logging.DEBUG)
        if not (debug or self.hooks.on_response):
            return None
        info = self.info
        request_id = request_id_of(response.headers)
        if request_id is not None:
            request_id = redact_text(request_id, self._secrets)
        if debug:
            logger.debug(
                "%s %s -> %d after %.3fs (attempt %d, request id %s)",
                info.method,
                info.url,
                response.status_code,
                elapsed,
                info.attempt,
                request_id,
            )
            _time_body(response, BodyTimer(info, sent_at, self._attempts.started))
        if not self.hooks.on_response:
            return None
        headers = public_headers(response.headers, self._secrets)
        return ResponseInfo(info, response.status_code, headers, elapsed, request_id)


def _time_body(response: httpx.Response, timer: BodyTimer) -> None:
    """Wrap the response's byte stream so that its first bytes and its close are timed
    (only while DEBUG is on: it adds a generator step per network read)."""
    stream = response.stream
    if isinstance(stream, httpx.SyncByteStream):
        response.stream = _TimedSyncBody(stream, timer)
    elif isinstance(stream, httpx.AsyncByteStream):
        response.stream = _TimedAsyncBody(stream, timer)


class _TimedSyncBody(httpx.SyncByteStream):
    """A response body that notes its first bytes, its end and its close (see BodyTimer)."""

    def __init__(self, stream: httpx.SyncByteStream, timer: BodyTimer) -> None:
        self._stream = stream
        self._timer = timer

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._stream)
        for chunk in chunks:
            self._timer.first = monotonic()
            yield chunk
            break
        yield from chunks  # the rest, delegated: no line of this generator runs per chunk
        self._timer.ended = True

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._timer.closed(monotonic())


class _TimedAsyncBody(httpx.AsyncByteStream):
    """The asyncio twin of _TimedSyncBody."""

    def __init__(self, stream: httpx.AsyncByteStream, timer: BodyTimer) -> None:
        self._stream = stream
        self._timer = timer

    async def __aiter__(self) -> AsyncIterator[bytes]:
        timer = self._timer
        async for chunk in self._stream:
            if timer.first is None:
                timer.first = monotonic()
            yield chunk
        timer.ended = True

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            self._timer.closed(monotonic())
