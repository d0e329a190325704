"""What the call driver asks a shell to do, and what the shell answers (plain values).

The driver (``driver.py``, ``streaming.py``) is a generator: it yields a step, the shell
does it with its HTTP client and sends back the outcome, and so on until the driver
returns the call's answer or raises its error. Only these steps touch the network, the
clock's sleep or user callbacks; everything they are for is decided by the driver, once,
for both shells (docs/architecture.md, "One call driver").

Plain slotted classes rather than attrs: a call makes a handful of them, and an attrs
class costs import time (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Generic,
    Literal,
    Protocol,
    TypeAlias,
    TypeVar,
    cast,
)

if TYPE_CHECKING:
    from llm_connector.calls.hooks import Callbacks, HookInfo
    from llm_connector.calls.limits import PhaseLimits
    from llm_connector.codecs.contract import Frame, RequestSpec
    from llm_connector.errors import LLMError
    from llm_connector.types._timeout import TimeoutKind

__all__ = [
    "CLIENT_STEPS",
    "WHOLE_RESPONSE",
    "Close",
    "Collector",
    "Deadlines",
    "Deliver",
    "Notify",
    "Progress",
    "ReadBody",
    "ReadStream",
    "Response",
    "Send",
    "Sleep",
    "Step",
    "Stepper",
    "Steps",
    "StreamEnd",
    "TimeBody",
    "TransportFailure",
]

_T = TypeVar("_T")


class Response(Protocol):
    """What the driver reads of a response a shell opened (``httpx.Response`` is one)."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...


class Progress(Protocol):
    """What a deadline asks of the answer being read: has content reached the caller yet?
    (Until then the ``first_event`` limit applies, from then on ``idle``.)"""

    @property
    def delivered(self) -> bool: ...


class Collector(Protocol):
    """What reads a body whole from its raw bytes (``codecs/framing/content.BodyCollector``)."""

    def feed(self, raw: bytes) -> None: ...

    def finish(self) -> bytes: ...


class _WholeResponse:
    """The progress of a response read whole: only the deadline of the call applies."""

    delivered = False


WHOLE_RESPONSE: Progress = _WholeResponse()


#: Which of the transport's own timeouts ran out (httpx's phases).
Phase: TypeAlias = Literal["connect", "read", "write", "pool"]
#: What a TransportFailure is a failure of (see there).
FailureKind: TypeAlias = Literal["transport", "decode", "request"]


class TransportFailure:
    """No (whole) HTTP answer: what the shell saw, in the driver's terms. ``cause`` is the
    transport's exception, kept as the ``__cause__`` of the error the driver raises."""

    __slots__ = ("cause", "fired", "kind", "phase", "stale")

    def __init__(
        self,
        cause: BaseException,
        *,
        phase: Phase | None = None,
        stale: bool = False,
        fired: TimeoutKind | None = None,
        kind: FailureKind = "transport",
    ) -> None:
        self.cause = cause
        #: For a timeout of the transport: the phase it belongs to (None: not a timeout).
        self.phase = phase
        #: The server closed a pooled connection before answering (see retry.py).
        self.stale = stale
        #: The deadline the watchdog found passed while the answer was read, if any.
        self.fired = fired
        #: What failed: the connection ("transport"), the decoding of the body the server
        #: sent ("decode"), or the request itself, which the transport could not send
        #: ("request": an URL it cannot parse, say).
        self.kind = kind


class Deadlines:
    """The limits while an answer is read: a stream's event limits and the call's deadline
    (monotonic seconds; None: no such limit), for the shell's watchdog; ``stream_read`` is
    the transport's byte-level read timeout meanwhile (a backstop, see timeout.py)."""

    __slots__ = ("first", "idle", "progress", "stream_read", "total")

    def __init__(
        self,
        progress: Progress,
        *,
        first: float | None,
        idle: float | None,
        total: float | None,
        stream_read: float | None = None,
    ) -> None:
        self.progress = progress
        self.first = first
        self.idle = idle
        self.total = total
        self.stream_read = stream_read


class Send:
    """Send ``spec`` with the transport timeouts of ``limits``, and wait for the response's
    status line and headers within ``deadlines`` (the transport's read timeout restarts
    with every byte, so a head dripped byte by byte would outlast it). Never follow a
    redirect: the driver decides (calls/redirects.py). Outcome: the response, open, or a
    :class:`TransportFailure`."""

    verb: ClassVar[str] = "send"
    __slots__ = ("deadlines", "limits", "spec")

    def __init__(self, spec: RequestSpec, limits: PhaseLimits, deadlines: Deadlines) -> None:
        self.spec = spec
        self.limits = limits
        self.deadlines = deadlines


class ReadBody:
    """Read the open ``response``'s raw bytes to its end within ``deadlines``, feeding each
    read to ``collector`` (which undoes the Content-Encoding within the size limit), then
    close it. Outcome: the collector's body, a :class:`TransportFailure`, or the
    collector's error (an ``LLMError``: too large, or undecodable)."""

    verb: ClassVar[str] = "read_body"
    __slots__ = ("collector", "deadlines", "response")

    def __init__(self, response: Response, deadlines: Deadlines, collector: Collector) -> None:
        self.response = response
        self.deadlines = deadlines
        self.collector = collector


class StreamEnd:
    """How the reading of a stream's body ended: at the end of the body (``ended``), or by
    a failure of the transport, an error of the stream itself (``error``: a decoder's,
    carrying what arrived), or a deadline found passed between reads. ``fired``: the
    deadline the watchdog had found passed by then, if any (it cut the connection, so an
    answer that then turns out cut short is reported as that timeout)."""

    __slots__ = ("ended", "error", "failure", "fired")

    def __init__(
        self,
        *,
        ended: bool = False,
        failure: TransportFailure | None = None,
        error: LLMError | None = None,
        fired: TimeoutKind | None = None,
    ) -> None:
        self.ended = ended
        self.failure = failure
        self.error = error
        self.fired = fired


class ReadStream:
    """Read the open ``response``'s raw body within ``deadlines``: frame each network read
    with ``frames`` (which undoes the Content-Encoding first) and ``feed`` each frame,
    handing the items it returns to the caller as they come (one frame at a time: what the
    caller has not taken is not yet decoded); then close the response. The shell sets
    ``end`` before the driver goes on."""

    verb: ClassVar[str] = "read_stream"
    __slots__ = ("deadlines", "end", "feed", "frames", "response")

    def __init__(
        self,
        response: Response,
        frames: Callable[[bytes], Iterable[Frame]],
        feed: Callable[[Frame], list[Any]],
        deadlines: Deadlines,
    ) -> None:
        self.response = response
        self.frames = frames
        self.feed = feed
        self.deadlines = deadlines
        self.end: StreamEnd | None = None


class Deliver:
    """Hand ``items`` to the caller (a stream's items that did not come with a read: held
    ones, those the end of the body completed, an answer that came as one JSON body)."""

    verb: ClassVar[str] = "deliver"
    __slots__ = ("items",)

    def __init__(self, items: list[Any]) -> None:
        self.items = items


class Notify:
    """Run ``callbacks`` on ``info`` (hooks). Should that be interrupted (a
    ``KeyboardInterrupt``, a cancellation), close ``response`` first."""

    verb: ClassVar[str] = "notify"
    __slots__ = ("callbacks", "info", "response")

    def __init__(
        self, callbacks: Callbacks, info: HookInfo, response: Response | None = None
    ) -> None:
        self.callbacks = callbacks
        self.info = info
        self.response = response


class TimeBody:
    """Time the body of ``response`` for the DEBUG log: note its first bytes, its end and
    its close on ``timer`` (see attempt_log.BodyTimer). Asked only while DEBUG is on."""

    verb: ClassVar[str] = "time_body"
    __slots__ = ("response", "timer")

    def __init__(self, response: Response, timer: Any) -> None:
        self.response = response
        self.timer = timer


class Sleep:
    """Wait ``seconds`` (before a retry)."""

    verb: ClassVar[str] = "sleep"
    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class Close:
    """Close ``response`` without reading the rest of it."""

    verb: ClassVar[str] = "close"
    __slots__ = ("response",)

    def __init__(self, response: Response) -> None:
        self.response = response


Step: TypeAlias = Send | ReadBody | ReadStream | Deliver | Notify | TimeBody | Sleep | Close
#: A driver: yields steps, is sent their outcomes, returns the call's answer.
Steps: TypeAlias = Generator[Step, object, _T]

#: The steps a client's step executor does, each with the method its ``verb`` names (a
#: stream hands items out with the other two, ReadStream and Deliver).
CLIENT_STEPS: tuple[type[Step], ...] = (Send, ReadBody, Notify, TimeBody, Sleep, Close)


class Stepper(Generic[_T]):
    """Steps a driver: ``next(outcome)`` sends the outcome of the last step and returns the
    next step, or None once the driver returned (its answer is then ``value``). An error
    the driver raises goes through."""

    __slots__ = ("_steps", "value")

    def __init__(self, steps: Steps[_T]) -> None:
        self._steps = steps
        self.value: _T | None = None

    def next(self, outcome: object = None) -> Step | None:
        try:
            return self._steps.send(outcome)
        except StopIteration as done:
            self.value = cast(_T, done.value)
            return None
