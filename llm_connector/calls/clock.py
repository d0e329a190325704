"""The time and the chance a call driver reads, passed in rather than read by it, so that
a test can fix them (the parity test fixes the jitter to compare the waits both shells
are asked for)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

__all__ = ["SYSTEM_CLOCK", "Clock"]


class Clock:
    """``now()``: monotonic seconds (deadlines); ``wall()``: Unix time (``Retry-After``
    dates, request signing); ``jitter()``: uniform in [0, 1) (retry backoff)."""

    __slots__ = ("jitter", "now", "wall")

    def __init__(
        self,
        now: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.now = now
        self.wall = wall
        self.jitter = jitter


SYSTEM_CLOCK = Clock()
