"""How long a call may wait: the public :class:`Timeout` value (pure).

httpx's own timeouts work at the byte level: its read timeout is reset by any byte, so an
SSE keep-alive comment every few seconds keeps a stream that never sends an event alive
forever, and it has no notion of a first event or of a deadline for the whole call. These
four are what a caller of an LLM API means by "how long may this take"; the shells enforce
them (the connect and first-response waits through httpx, the waits between stream events
and the deadline through a watchdog, see ``shells/deadlines.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal, Protocol, TypeAlias

import attrs

from llm_connector.errors import RequestValidationError
from llm_connector.types._value import FrozenValue

#: Which wait ran out; ``APITimeoutError.timeout_kind`` is one of these.
TimeoutKind: TypeAlias = Literal["connect", "first_event", "idle", "total"]


class PhaseTimeouts(Protocol):
    """What ``httpx.Timeout`` looks like (read without importing httpx here)."""

    @property
    def connect(self) -> float | None: ...

    @property
    def read(self) -> float | None: ...

    @property
    def write(self) -> float | None: ...

    @property
    def pool(self) -> float | None: ...


def _seconds(field: str) -> Callable[[object, object, float | None], None]:
    def check(_: object, __: object, value: float | None) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RequestValidationError(
                f"timeout.{field}", f"must be a number of seconds or None, got {value!r}"
            )
        if not value > 0 or math.isinf(value):
            raise RequestValidationError(
                f"timeout.{field}",
                f"must be a positive, finite number of seconds (or None for no limit), "
                f"got {value!r}",
            )

    return check


@attrs.frozen(repr=False, eq=False)
class Timeout(FrozenValue):
    """How long a call may wait, in seconds. ``None`` lifts that limit.

    Every limit has a finite default, so no call can hang forever:

    ``connect`` (10 s)
        To open a connection (TCP and TLS). A reachable API connects in well under a
        second; ten seconds covers a slow TLS handshake across the world.
    ``first_event`` (600 s)
        From sending the request to the first content of the answer: the first text,
        reasoning or tool-call fragment of a stream, or the whole response of a call that
        does not stream (including the wait for a free pooled connection). Reasoning models
        think for minutes before their first token at high effort; ten minutes is what the
        official OpenAI and Anthropic SDKs allow.
    ``idle`` (300 s)
        The longest silence between two stream events once content has begun (SSE comments
        do not count as events; keep-alive events such as Anthropic's ``ping`` do), and the
        longest stall while sending the request. Time the caller spends between reading two
        chunks is not counted. Tokens normally come many times a second; five minutes
        leaves room for a provider running a server-side tool mid-answer.
    ``total`` (3600 s)
        The whole call: every attempt, the waits between retries, and reading the answer to
        its end. An hour covers the longest answers (128k output tokens at 40 tokens/s).

    A client's ``timeout=`` also takes a number, meaning that many seconds for each of
    ``connect``, ``first_event`` and ``idle`` (like httpx's and the OpenAI SDK's
    ``timeout=``), with ``total`` at its default or the number, whichever is longer; and an
    ``httpx.Timeout``, whose ``connect`` is ``connect`` and whose ``read`` is both
    ``first_event`` and ``idle``. A request's ``with_timeout`` takes the same values.

    When a limit runs out the call raises ``APITimeoutError`` whose ``timeout_kind`` names it
    (``"connect"``, ``"first_event"``, ``"idle"`` or ``"total"``), with what arrived before
    it on ``.partial``.
    """

    connect: float | None = attrs.field(default=10.0, validator=_seconds("connect"))
    first_event: float | None = attrs.field(default=600.0, validator=_seconds("first_event"))
    idle: float | None = attrs.field(default=300.0, validator=_seconds("idle"))
    total: float | None = attrs.field(default=3600.0, validator=_seconds("total"))

    @classmethod
    def of(cls, value: Timeout | float | PhaseTimeouts | None) -> Timeout:
        """A ``Timeout`` from what ``timeout=`` accepts (see the class docstring); None is
        the default."""
        if value is None:
            return DEFAULT_TIMEOUT
        if isinstance(value, Timeout):
            return value
        if isinstance(value, bool):
            raise RequestValidationError("timeout", f"expected seconds or a Timeout, got {value!r}")
        if isinstance(value, (int, float)):
            seconds = float(value)
            total = DEFAULT_TIMEOUT.total
            return cls(seconds, seconds, seconds, max(seconds, total) if total else None)
        if all(hasattr(value, phase) for phase in ("connect", "read", "write", "pool")):
            return cls(value.connect, value.read, value.read, DEFAULT_TIMEOUT.total)
        raise RequestValidationError(
            "timeout",
            f"expected seconds, a llm_connector.Timeout or an httpx.Timeout, "
            f"got {type(value).__name__}",
        )


DEFAULT_TIMEOUT = Timeout()
