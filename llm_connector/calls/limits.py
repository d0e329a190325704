"""What one call may take (pure): its retries, and each attempt's transport timeouts.

Retry decisions: given an attempt and what went wrong, wait how long, or give up. The
shells do the sleeping; this module only decides. Retried: connection failures and
timeouts, and the statuses providers use for transient trouble (408, 409, 429, 500, 502,
503, 504, and Anthropic's 529), whether sent as an HTTP status or in-band (an error event
or a JSON error body in an HTTP 200) before any content of the answer; a stream that breaks
before its first content is retried too. A server's ``x-should-retry`` header overrides the
status rule, and its ``retry-after-ms`` / ``Retry-After`` wait is honoured up to a cap; a
longer requested wait raises at once (with ``retry_after`` on the error) rather than
blocking. Nothing is retried once content reached the caller (``StreamCore`` decides that),
nor past the call's ``total`` deadline.

Each attempt's transport timeouts (:func:`phase_limits`) are the caller's ``Timeout``
(``types/_timeout.py``) cut to what is left of the call's deadline.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping

import attrs

from llm_connector.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    IncompleteStreamError,
    LLMError,
)
from llm_connector.types._timeout import Timeout, TimeoutKind
from llm_connector.types._value import FrozenValue

RETRYABLE_STATUSES: frozenset[int] = frozenset({408, 409, 429, 500, 502, 503, 504, 529})
DEFAULT_MAX_RETRIES = 2


def parse_retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the server asked us to wait: ``retry-after-ms``, else ``Retry-After``.

    ``Retry-After`` is either seconds or an HTTP date (RFC 9110 section 10.2.3); ``now`` is
    the current Unix time, passed in so this stays pure. Unparseable values are ignored.
    """
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            millis = float(value)
        except ValueError:
            pass
        else:
            if millis >= 0:
                return millis / 1000.0
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        return max(0.0, when.timestamp() - now)
    return seconds if seconds >= 0 else None


@attrs.frozen(repr=False, eq=False)
class RetryPolicy(FrozenValue):
    """Exponential backoff with jitter; ``max_retries`` retries after the first attempt."""

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = 0.5
    max_delay: float = 8.0
    #: The longest server-requested wait we sleep through; above it we raise at once.
    max_server_wait: float = 60.0
    #: Up to this fraction of a computed backoff is taken off at random.
    jitter: float = 0.25

    def backoff(self, attempt: int, rand: float) -> float:
        """The wait before retry number ``attempt + 1`` (``rand`` is uniform in [0, 1))."""
        delay = min(self.initial_delay * (2.0**attempt), self.max_delay)
        return delay * (1.0 - self.jitter * rand)

    def after_status(
        self,
        attempt: int,
        status_code: int,
        headers: Mapping[str, str],
        retry_after: float | None,
        rand: float,
    ) -> float | None:
        """Seconds to wait before retrying a failed status, or None to give up."""
        if attempt >= self.max_retries:
            return None
        should = headers.get("x-should-retry")
        if should == "false":
            return None
        if should != "true" and status_code not in RETRYABLE_STATUSES:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_server_wait else None
        return self.backoff(attempt, rand)

    def after_connection_error(
        self, attempt: int, rand: float, *, stale_connection: bool = False
    ) -> float | None:
        """Seconds to wait before retrying a connection failure or timeout, or None.

        ``stale_connection``: the server closed the (pooled) connection before answering,
        as keep-alive servers do when they drop idle or used connections without saying
        so. The first such retry goes out at once on a fresh connection; if it happens
        again, the server is in trouble and the backoff applies.
        """
        if attempt >= self.max_retries:
            return None
        if stale_connection and attempt == 0:
            return 0.0
        return self.backoff(attempt, rand)


def retry_delay(
    policy: RetryPolicy, attempt: int, error: LLMError, rand: float, *, stale: bool = False
) -> float | None:
    """Seconds to wait before retrying after ``error``, or None to raise it.

    ``stale``: the error is a pooled connection the server had already closed (see
    :meth:`RetryPolicy.after_connection_error`). A stream whose connection broke
    (``IncompleteStreamError.connection_lost``) is retried like a connection failure; one
    the server ended early is not (it said it was done: asking again would most likely
    get the same), nor a frame that cannot be decoded, nor a timeout of the whole call.
    """
    if isinstance(error, APIStatusError):
        return policy.after_status(
            attempt, error.status_code, error.headers, error.retry_after, rand
        )
    if isinstance(error, APITimeoutError) and error.timeout_kind == "total":
        return None
    if isinstance(error, APIConnectionError) or (
        isinstance(error, IncompleteStreamError) and error.connection_lost
    ):
        return policy.after_connection_error(attempt, rand, stale_connection=stale)
    return None


class Attempts:
    """One call's retry budget and deadline, shared by the sending of the request and the
    stream that reads its answer (a stream that fails before its first content sends the
    request again from the same budget).

    ``started`` and ``now`` are ``time.monotonic()`` values passed in by the shells. A
    plain class: internal, and an attrs class costs import time (docs/performance.md).
    """

    __slots__ = ("policy", "retries", "sent_at", "started", "total")

    def __init__(self, policy: RetryPolicy, total: float | None, started: float) -> None:
        self.policy = policy
        #: The call's ``total`` limit in seconds (None: no deadline).
        self.total = total
        self.started = started
        #: Retries made so far.
        self.retries = 0
        #: When the latest attempt was sent (the ``first_event`` limit counts from there).
        self.sent_at = 0.0

    def __repr__(self) -> str:
        return (
            f"Attempts(retries={self.retries}, max_retries={self.policy.max_retries}, "
            f"total={self.total})"
        )

    @property
    def deadline(self) -> float | None:
        return None if self.total is None else self.started + self.total

    def remaining(self, now: float) -> float | None:
        """Seconds left before the deadline (None: no deadline)."""
        deadline = self.deadline
        return None if deadline is None else deadline - now

    def can_retry(self) -> bool:
        """Whether the budget allows another retry (a stream holds back its first chunks
        only then)."""
        return self.retries < self.policy.max_retries

    def next_delay(
        self, error: LLMError, rand: float, now: float, *, stale: bool = False
    ) -> float | None:
        """The wait before the next attempt after ``error`` (counting it as a retry), or
        None when the error is final: not retryable, the budget is spent, or the wait
        would run past the deadline."""
        delay = retry_delay(self.policy, self.retries, error, rand, stale=stale)
        if delay is None:
            return None
        remaining = self.remaining(now)
        if remaining is not None and delay >= remaining:
            return None
        self.retries += 1
        return delay


class PhaseLimits:
    """One attempt's limits for the transport's own timeouts, each already cut to what is
    left of the call's deadline, and which ``Timeout`` field each one stands for (so a
    transport timeout is reported as the limit the caller set).

    A plain class: internal, made once per attempt, and an attrs class costs import time
    (docs/performance.md)."""

    __slots__ = ("connect", "kinds", "read", "stream_read", "write")

    def __init__(
        self,
        connect: float | None,
        read: float | None,
        write: float | None,
        stream_read: float | None,
        kinds: dict[str, TimeoutKind],
    ) -> None:
        self.connect = connect
        #: The wait for the response head (and, for a response read whole, its body).
        self.read = read
        self.write = write
        #: The byte-level backstop while a stream's body is read (the event-level limits
        #: are the watchdog's): never shorter than the event-level limits.
        self.stream_read = stream_read
        self.kinds = kinds


def _cut(
    limit: float | None, kind: TimeoutKind, remaining: float | None
) -> tuple[float | None, TimeoutKind]:
    if remaining is not None and (limit is None or remaining < limit):
        return max(remaining, 0.001), "total"
    return limit, kind


def phase_limits(timeout: Timeout, remaining: float | None) -> PhaseLimits:
    """The transport timeouts for an attempt started with ``remaining`` seconds left of the
    call's ``total`` (None: no deadline)."""
    connect, connect_kind = _cut(timeout.connect, "connect", remaining)
    read, read_kind = _cut(timeout.first_event, "first_event", remaining)
    write, write_kind = _cut(timeout.idle, "idle", remaining)
    backstop: float | None = None
    if timeout.first_event is not None and timeout.idle is not None:
        backstop = max(timeout.first_event, timeout.idle)
    stream_read, _ = _cut(backstop, "idle", remaining)
    return PhaseLimits(
        connect,
        read,
        write,
        stream_read,
        {"connect": connect_kind, "read": read_kind, "write": write_kind, "pool": read_kind},
    )
