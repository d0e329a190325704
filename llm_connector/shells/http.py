"""What both shells know of httpx, and nothing else does: the pool's size and the
User-Agent, an attempt's httpx timeouts, how httpx's exceptions read as the driver's
transport failures, the socket under a response (which the watchdog shuts down), and the
body timers of the DEBUG log. No decision is made here (see calls/driver.py)."""

from __future__ import annotations

import platform
import sys
from collections.abc import AsyncIterator, Iterator
from time import monotonic
from types import FrameType
from typing import TYPE_CHECKING, Any

import httpx

from llm_connector._version import __version__
from llm_connector.calls.steps import StreamEnd, TransportFailure
from llm_connector.errors import LLMError
from llm_connector.shells.deadlines import Watch, Watchdog, shutdown

if TYPE_CHECKING:
    from llm_connector.calls.attempt_log import BodyTimer
    from llm_connector.calls.limits import PhaseLimits
    from llm_connector.calls.steps import Deadlines, Phase, Send
    from llm_connector.types._timeout import TimeoutKind

__all__ = [
    "HTTPX_ERRORS",
    "POOL_LIMITS",
    "USER_AGENT",
    "HeadWatch",
    "answered",
    "build_request",
    "head_failure",
    "httpx_timeout",
    "read_end",
    "read_failure",
    "time_body",
    "transport_failure",
    "unread",
    "watch_body",
]

USER_AGENT = (
    f"llm-connector/{__version__} (Python {platform.python_version()}; httpx {httpx.__version__})"
)

#: The connection pool's size. httpx's default (100) would queue the 101st concurrent
#: stream of a client behind the others for as long as they last (minutes, for LLM
#: answers); the official OpenAI and Anthropic SDKs allow 1000.
POOL_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)

# httpx's timeout exceptions by the phase of an attempt they belong to.
_PHASES: tuple[tuple[type[httpx.TimeoutException], Phase], ...] = (
    (httpx.ConnectTimeout, "connect"),
    (httpx.ReadTimeout, "read"),
    (httpx.WriteTimeout, "write"),
    (httpx.PoolTimeout, "pool"),
)


def httpx_timeout(limits: PhaseLimits) -> httpx.Timeout:
    """httpx's timeouts for one attempt (the wait for a pooled connection counts toward
    the first event, like the wait for the response)."""
    return httpx.Timeout(
        connect=limits.connect, read=limits.read, write=limits.write, pool=limits.read
    )


#: Every exception httpx raises on the paths the shells use, caught there and made a
#: TransportFailure (then an LLMError) by ``transport_failure``: the whole ``HTTPError``
#: tree (transport failures, ``DecodingError``, ``TooManyRedirects``), ``InvalidURL``,
#: ``CookieConflict`` and the ``StreamError`` tree (a body read twice, or after a close).
#: tests/reliability/test_httpx_errors.py walks httpx's exports to hold this complete.
HTTPX_ERRORS: tuple[type[Exception], ...] = (
    httpx.HTTPError,
    httpx.InvalidURL,
    httpx.CookieConflict,
    httpx.StreamError,
)


def transport_failure(exc: Exception) -> TransportFailure:
    """``exc`` (one of ``HTTPX_ERRORS``) in the driver's terms. ``RemoteProtocolError``
    before an answer is httpx's "Server disconnected without sending a response": a pooled
    keep-alive connection the server had already closed (llama.cpp, for one, closes the
    connection after every streamed answer without a "Connection: close")."""
    if isinstance(exc, httpx.DecodingError):
        return TransportFailure(exc, kind="decode")
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        # What the transport refused to send: the same request would fail again.
        return TransportFailure(exc, kind="request")
    phase: Phase | None = None
    if isinstance(exc, httpx.TimeoutException):
        phase = next((p for cls, p in _PHASES if isinstance(exc, cls)), "read")
    return TransportFailure(exc, phase=phase, stale=isinstance(exc, httpx.RemoteProtocolError))


def build_request(
    client: httpx.Client | httpx.AsyncClient, step: Send, head: HeadWatch
) -> httpx.Request:
    """The httpx request for a Send step, traced for its head's deadlines."""
    spec = step.spec
    return client.build_request(
        spec.method,
        spec.url,
        headers=spec.headers,
        content=spec.body,
        timeout=httpx_timeout(step.limits),
        extensions=head.extensions,
    )


def answered(
    response: httpx.Response, fired: TimeoutKind | None
) -> httpx.Response | TransportFailure:
    """What a Send step's response comes to: the response (ready to be read raw), or, when
    a deadline passed just as its head arrived (its cut broke the connection), the failure;
    the shell then closes the response."""
    if fired is not None:
        return head_failure(None, fired)
    return unread(response) if response.is_stream_consumed else response


def unread(response: httpx.Response) -> httpx.Response:
    """A response whose body a transport already read (``httpx.MockTransport`` answering
    with ``content=``: httpx reads, and decodes, such a body when it is built) as one not
    yet read, since the shells read raw bytes: the same body, already decoded, so without
    its Content-Encoding."""
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in ("content-encoding", "content-length")
    ]
    return httpx.Response(
        response.status_code,
        headers=headers,
        stream=httpx.ByteStream(response.content),
        request=response.request,
        extensions=response.extensions,
    )


def head_failure(exc: Exception | None, fired: TimeoutKind | None) -> TransportFailure:
    """The failure of a request whose response head did not arrive: ``exc`` (None when
    the head arrived just as a deadline passed), and the deadline that cut it, if any."""
    failure = transport_failure(exc) if exc is not None else TransportFailure(TimeoutError())
    failure.fired = fired
    return failure


def read_failure(exc: Exception, watch: Watch, deadlines: Deadlines) -> TransportFailure:
    """The failure of reading a body, with the deadline that cut it, if one did: the
    watchdog's; for a stream's body also one found passed when the transport's own read
    timeout (the backstop) fired first."""
    failure = transport_failure(exc)
    failure.fired = watch.fired
    if failure.fired is None and deadlines.stream_read is not None and failure.phase is not None:
        failure.fired = watch.expired(monotonic())
    return failure


def read_end(cut: BaseException | None, watch: Watch, deadlines: Deadlines) -> StreamEnd:
    """How the reading of a stream's body ended: at the end of the body (``cut`` None), or
    cut short by a failure of the transport, by an error of the stream itself (a
    decoder's, carrying what arrived), or by a limit found passed between reads
    (``LimitPassed``); each with the deadline the watchdog had found passed, if any."""
    if cut is None:
        return StreamEnd(ended=True, fired=watch.fired)
    if isinstance(cut, LLMError):
        return StreamEnd(error=cut, fired=watch.fired)
    if isinstance(cut, HTTPX_ERRORS):
        return StreamEnd(failure=read_failure(cut, watch, deadlines))
    return StreamEnd(fired=watch.fired)  # LimitPassed


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


class HeadWatch:
    """The deadlines of a request while it is sent and its response head awaited.

    httpx's read timeout restarts with every byte, so a server dripping its status line
    and headers one byte at a time would hold the call past every limit. The watchdog
    watches the head too, and cuts the connection when a deadline passes; the connection
    is the one httpcore picked from its pool (new or reused), learned from httpcore's
    ``trace`` extension when the request's headers are about to be written: the
    ``http11.send_request_headers.started`` event comes from inside the HTTP/1.1
    connection's ``handle_request``, a few frames up. (HTTP/2 shares its socket between
    requests and is never cut; there httpx's read timeout is the only limit on the head.)
    A deadline that passes before the connection is known cuts it as soon as it is.

    Only ``extensions`` (the trace) and ``done()`` are used by the shells.
    """

    __slots__ = ("_cut", "_stream", "extensions", "watch")

    def __init__(self, dog: Watchdog, deadlines: Deadlines, *, awaited: bool) -> None:
        self._stream: Any = None
        self._cut = False
        self.extensions = {"trace": self._atrace if awaited else self._trace}
        self.watch = dog.watch(
            deadlines.progress, self, first=deadlines.first, idle=None, total=deadlines.total
        )

    def shutdown(self, how: int, /) -> None:
        # The watchdog's cut (it only ever asks for SHUT_RDWR).
        self._cut = True
        if self._stream is not None:
            shutdown(_stream_socket(self._stream))

    def _trace(self, event: str, info: object) -> None:
        if event == "http11.send_request_headers.started":
            self._stream = _connection_stream()
            if self._cut and self._stream is not None:
                shutdown(_stream_socket(self._stream))

    async def _atrace(self, event: str, info: object) -> None:
        self._trace(event, info)

    def done(self) -> TimeoutKind | None:
        """The head arrived, or the request failed: stop watching. Returns the deadline
        that passed meanwhile, if one did (its cut may have broken the connection)."""
        self.watch.cancel()
        self._stream = None
        return self.watch.fired


def _connection_stream() -> Any:
    """The network stream of the httpcore HTTP/1.1 connection whose ``handle_request``
    called the trace (see HeadWatch); None if it is not found (an httpcore that calls its
    trace from elsewhere: the head is then bounded by httpx's read timeout alone, as
    before; tests/reliability/test_hostile_servers.py's dripped heads fail if that
    happens). Frames are told by their code's name first: reading a frame's locals builds
    a dict of them."""
    frame: FrameType | None = sys._getframe(2)
    for _ in range(8):
        if frame is None:
            return None
        if frame.f_code.co_name in _HANDLERS:
            owner = frame.f_locals.get("self")
            if type(owner).__name__ in _HTTP11_CONNECTIONS:
                return getattr(owner, "_network_stream", None)
        frame = frame.f_back
    return None


#: httpcore's HTTP/1.1 connection classes (whose socket is theirs alone), and the name of
#: their method that sends a request and reads its response head.
_HTTP11_CONNECTIONS = frozenset({"HTTP11Connection", "AsyncHTTP11Connection"})
_HANDLERS = frozenset({"handle_request", "handle_async_request"})


def _stream_socket(stream: Any) -> Any:
    try:
        return stream.get_extra_info("socket")
    except Exception:  # a stream that does not know the question
        return None


class _SocketOf:
    """The socket under a response, found only if the watchdog must shut it down: asking
    httpcore's asyncio stream for it costs about 10 us (anyio gathers all its socket's
    addresses to answer), and almost every response ends before any limit."""

    __slots__ = ("_response",)

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    def shutdown(self, how: int, /) -> None:
        # The watchdog only ever asks for SHUT_RDWR, which deadlines.shutdown() does.
        shutdown(response_socket(self._response))


def watch_body(dog: Watchdog, response: httpx.Response, deadlines: Deadlines) -> Watch:
    """Start the watchdog on a body about to be read. For a stream, httpx's read timeout
    (the wait for the response head) becomes the driver's byte-level backstop first: httpx
    takes it for the body's reads when the body is first read."""
    if deadlines.stream_read is not None:
        timeouts = response.request.extensions.get("timeout")
        if isinstance(timeouts, dict):
            timeouts["read"] = deadlines.stream_read
    return dog.watch(
        deadlines.progress,
        _SocketOf(response),
        first=deadlines.first,
        idle=deadlines.idle,
        total=deadlines.total,
    )


def time_body(response: httpx.Response, timer: BodyTimer, *, awaited: bool) -> None:
    """Wrap the response's byte stream so that its first bytes and its close are timed
    (only while DEBUG is on: it adds a generator step per network read). ``awaited``: for
    the asyncio shell (a stream may be both kinds, as ``httpx.ByteStream`` is)."""
    stream = response.stream
    if awaited and isinstance(stream, httpx.AsyncByteStream):
        response.stream = _TimedAsyncBody(stream, timer)
    elif not awaited and isinstance(stream, httpx.SyncByteStream):
        response.stream = _TimedSyncBody(stream, timer)


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
