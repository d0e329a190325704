"""What both shells know of httpx, and nothing else does: the pool's size and the
User-Agent, an attempt's httpx timeouts, how httpx's exceptions read as the driver's
transport failures, the socket under a response (which the watchdog shuts down), and the
body timers of the DEBUG log. No decision is made here (see calls/driver.py)."""

from __future__ import annotations

import platform
from collections.abc import AsyncIterator, Iterator
from time import monotonic
from typing import TYPE_CHECKING, Any

import httpx

from llm_connector._version import __version__
from llm_connector.calls.steps import StreamEnd, TransportFailure
from llm_connector.errors import LLMError
from llm_connector.shells.deadlines import Watch, Watchdog, shutdown

if TYPE_CHECKING:
    from llm_connector.calls.attempt_log import BodyTimer
    from llm_connector.calls.limits import PhaseLimits
    from llm_connector.calls.steps import Deadlines, Phase

__all__ = [
    "POOL_LIMITS",
    "USER_AGENT",
    "httpx_timeout",
    "read_end",
    "read_failure",
    "time_body",
    "transport_failure",
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


def transport_failure(exc: httpx.TransportError) -> TransportFailure:
    """``exc`` in the driver's terms. ``RemoteProtocolError`` before an answer is httpx's
    "Server disconnected without sending a response": a pooled keep-alive connection the
    server had already closed (llama.cpp, for one, closes the connection after every
    streamed answer without a "Connection: close")."""
    phase: Phase | None = None
    if isinstance(exc, httpx.TimeoutException):
        phase = next((p for cls, p in _PHASES if isinstance(exc, cls)), "read")
    return TransportFailure(exc, phase=phase, stale=isinstance(exc, httpx.RemoteProtocolError))


def read_failure(exc: httpx.TransportError, watch: Watch, deadlines: Deadlines) -> TransportFailure:
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
    if isinstance(cut, httpx.TransportError):
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


def time_body(response: httpx.Response, timer: BodyTimer) -> None:
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
