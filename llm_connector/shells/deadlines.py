"""Deadlines while a response is read: the first content, the gaps between events, the
whole call (see :class:`~llm_connector.Timeout`).

A :class:`Watch` holds the deadlines of one response. A watchdog wakes when the earliest of
them could pass, asks the watch (a pure rule, :meth:`Watch.expired`) and, when one has
passed, marks the watch with its kind and shuts the response's socket down: the read
blocked on it fails at once, and the shell raises ``APITimeoutError`` naming the kind.
``shutdown()`` is what wakes a ``recv`` blocked in another thread; closing the descriptor
does not (on Linux). Where there is no socket to shut down (``httpx.MockTransport``, or
HTTP/2, whose socket other requests share), the shells check :attr:`Watch.fired` between
frames.

Keeping the deadlines costs a stream one clock read and two attribute stores per frame: a
watch is scheduled for the earliest moment a deadline *could* pass, and when the watchdog
wakes and finds it has not, it schedules the watch again for the new earliest moment.

The blocking client's watchdog is one daemon thread, started on first use and shared by
every client; it sleeps while nothing is watched. The asyncio client's watches are timers
on the running event loop.

A watch is cancelled before its response is closed, and firing and cancelling exclude each
other, so a connection handed back to the pool is never shut down. One window remains: when
the last byte of a body is read, httpx hands the connection back before the shell can
cancel the watch (microseconds). A deadline passing in exactly that window shuts down an
idle pooled connection; the pool drops it when it next looks, and a request that picked it
up meanwhile fails before any answer and is retried at once (a stale connection).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import math
import os
import socket
import ssl
import threading
from collections.abc import Callable
from time import monotonic
from typing import Any, Protocol

from llm_connector.calls.steps import WHOLE_RESPONSE, Progress
from llm_connector.types._timeout import TimeoutKind

#: After this many cancelled watches (and once they are half the heap), the heap is rebuilt
#: without them, so streams that end long before their deadlines leave nothing behind.
_COMPACT_AFTER = 256


class _Socket(Protocol):
    def shutdown(self, how: int, /) -> None: ...


class _Timer(Protocol):
    def cancel(self) -> None: ...


class _Loop(Protocol):
    def call_later(self, delay: float, callback: Callable[..., object], *args: Any) -> _Timer: ...


class _Watchdog(Protocol):
    def cancel(self, watch: Watch) -> None: ...

    def abort(self, watch: Watch) -> None: ...


class Watchdog(_Watchdog, Protocol):
    """What the shells use: ``ThreadWatchdog`` or ``LoopWatchdog``."""

    def watch(
        self,
        progress: Progress,
        sock: _Socket | None,
        *,
        first: float | None,
        idle: float | None,
        total: float | None,
    ) -> Watch: ...


class LimitPassed(Exception):
    """Raised by a stream's read loop when it finds a limit passed where no socket could be
    cut (``Watch.fired`` is set): the loop ends as if the connection had been cut."""


def shutdown(sock: _Socket | None) -> None:
    """Shut a socket down for reading and writing; errors (already closed) are ignored."""
    if sock is None:
        return
    with contextlib.suppress(OSError, ValueError):
        if isinstance(sock, ssl.SSLSocket):
            # SSLSocket.shutdown() also drops the TLS state a reader in another thread is
            # using; the plain socket's shutdown() wakes that reader with an EOF instead.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        else:
            sock.shutdown(socket.SHUT_RDWR)


class Watch:
    """The deadlines of one response being read (monotonic seconds; None: no such limit).

    The shell keeps :attr:`since` current: the moment it began waiting for the next frame,
    or None while it decodes a frame and while the caller holds a chunk (that time is not
    idle time; and content that begins during a decode never finds a stale stamp).
    """

    __slots__ = (
        "_dog",
        "_first",
        "_idle",
        "_progress",
        "_sock",
        "_total",
        "done",
        "fired",
        "since",
        "timer",
    )

    def __init__(
        self,
        dog: _Watchdog,
        progress: Progress,
        sock: _Socket | None,
        *,
        now: float,
        first: float | None,
        idle: float | None,
        total: float | None,
    ) -> None:
        self._dog = dog
        self._progress = progress
        self._sock = sock
        self._first = first
        self._idle = idle
        self._total = total
        self.since: float | None = now
        #: Which deadline passed, once one has.
        self.fired: TimeoutKind | None = None
        #: True once the response is finished with (the watch no longer acts).
        self.done = False
        self.timer: _Timer | None = None

    def expired(self, now: float) -> TimeoutKind | None:
        """The deadline that has passed at ``now``, if any."""
        if self._total is not None and now >= self._total:
            return "total"
        if not self._progress.delivered:
            if self._first is not None and now >= self._first:
                return "first_event"
        elif self._idle is not None and self.since is not None and now >= self.since + self._idle:
            return "idle"
        return None

    def due(self, now: float) -> float | None:
        """The earliest moment a deadline could pass, as things stand at ``now``: content
        may begin, and the caller may hand back a chunk, at any moment from now on."""
        delivered = self._progress.delivered
        due = self._total
        if not delivered and self._first is not None:
            due = self._first if due is None else min(due, self._first)
        if self._idle is not None:
            since = self.since if delivered and self.since is not None else now
            due = since + self._idle if due is None else min(due, since + self._idle)
        return due

    def fire(self, kind: TimeoutKind) -> None:
        """Mark the watch and cut the connection (called by a watchdog)."""
        self.fired = kind
        shutdown(self._sock)

    def abort(self) -> None:
        """Cut the connection now, if the response is still being read: ``close()`` from
        another thread or task wakes the reader this way."""
        self._dog.abort(self)

    def cancel(self) -> None:
        """The response is finished with: nothing fires from now on. Call it before the
        response is closed (a connection back in the pool must never be shut down)."""
        if not self.done:
            self._dog.cancel(self)

    def _release(self) -> None:
        # A cancelled watch may wait in a heap until its due time: it keeps nothing alive.
        self.done = True
        self._sock = None
        self._progress = WHOLE_RESPONSE


class _WatchdogBase:
    """What both watchdogs do when a response is to be watched: make its Watch and
    schedule it (``_schedule``: on the thread's heap, or as a timer on the event loop)."""

    __slots__ = ()

    def watch(
        self,
        progress: Progress,
        sock: _Socket | None,
        *,
        first: float | None,
        idle: float | None,
        total: float | None,
    ) -> Watch:
        now = monotonic()
        watch = Watch(self, progress, sock, now=now, first=first, idle=idle, total=total)
        self._schedule(watch, now)
        return watch

    def _schedule(self, watch: Watch, now: float) -> None:
        raise NotImplementedError

    def cancel(self, watch: Watch) -> None:
        raise NotImplementedError

    def abort(self, watch: Watch) -> None:
        raise NotImplementedError


class ThreadWatchdog(_WatchdogBase):
    """The blocking client's watchdog: one daemon thread with a heap of watches."""

    def __init__(self, name: str = "llm_connector-watchdog") -> None:
        self._name = name
        self._reset()

    def _reset(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, Watch]] = []
        self._order = itertools.count()
        self._cancelled = 0
        self._closing = False
        self._thread: threading.Thread | None = None
        #: When the thread will next look at the heap by itself (inf: only when woken).
        self._wakes_at = math.inf

    def close(self) -> None:
        """Stop the thread (what is still watched is no longer); the next watch starts it
        again."""
        with self._cond:
            thread, self._thread = self._thread, None
            self._closing = True
            self._cond.notify()
        if thread is not None:
            thread.join()
        with self._cond:
            self._closing = False

    def _schedule(self, watch: Watch, now: float) -> None:
        due = watch.due(now)
        if due is not None:
            with self._cond:
                heapq.heappush(self._heap, (due, next(self._order), watch))
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                    self._thread.start()
                elif due < self._wakes_at:
                    # Only a deadline earlier than the thread's next look needs it awake.
                    # Waking it for every stream cost a thread switch each time (about
                    # 30 us of a request's wall time on two busy cores, docs/performance.md):
                    # the usual new watch is due after the thread's next look (its limits
                    # are as long as the last stream's), and a look finding nothing due
                    # just waits again.
                    self._cond.notify()

    def cancel(self, watch: Watch) -> None:
        with self._cond:
            if watch.done:
                return
            watch._release()
            heap = self._heap
            while heap and heap[0][2].done:
                heapq.heappop(heap)
            self._cancelled += 1
            if self._cancelled >= _COMPACT_AFTER and 2 * self._cancelled >= len(heap):
                heap[:] = [entry for entry in heap if not entry[2].done]
                heapq.heapify(heap)
                self._cancelled = 0

    def abort(self, watch: Watch) -> None:
        # Under the lock, so the socket cannot be shut down after cancel() handed the
        # connection back to the pool.
        with self._cond:
            if not watch.done:
                shutdown(watch._sock)

    @property
    def watching(self) -> int:
        """How many watches are live (for tests)."""
        with self._cond:
            return sum(1 for entry in self._heap if not entry[2].done)

    def _run(self) -> None:
        with self._cond:
            heap = self._heap
            while not self._closing:
                while heap and heap[0][2].done:
                    heapq.heappop(heap)
                if not heap:
                    self._wakes_at = math.inf
                    self._cond.wait()
                    continue
                now = monotonic()
                if heap[0][0] > now:
                    self._wakes_at = heap[0][0]
                    self._cond.wait(heap[0][0] - now)
                    continue
                self._wakes_at = now
                watch = heapq.heappop(heap)[2]
                kind = watch.expired(now)
                if kind is not None:
                    watch.fire(kind)
                    continue
                due = watch.due(now)
                if due is not None:
                    heapq.heappush(heap, (max(due, now + 0.001), next(self._order), watch))


class LoopWatchdog(_WatchdogBase):
    """The asyncio client's watchdog: a timer on the event loop per watch."""

    __slots__ = ("_loop",)

    def __init__(self, loop: _Loop) -> None:
        self._loop = loop

    def _schedule(self, watch: Watch, now: float) -> None:
        due = watch.due(now)
        if due is not None:
            watch.timer = self._loop.call_later(max(due - now, 0.001), self._check, watch)

    def _check(self, watch: Watch) -> None:
        if watch.done:
            return
        now = monotonic()
        kind = watch.expired(now)
        if kind is not None:
            watch.fire(kind)
        else:
            self._schedule(watch, now)

    def cancel(self, watch: Watch) -> None:
        if watch.timer is not None:
            watch.timer.cancel()
            watch.timer = None
        watch._release()

    def abort(self, watch: Watch) -> None:
        if not watch.done:
            shutdown(watch._sock)


#: The one watchdog thread of the blocking clients.
THREAD_WATCHDOG = ThreadWatchdog()

if hasattr(os, "register_at_fork"):
    # A child process has no watchdog thread (and maybe a lock held by it at the fork).
    os.register_at_fork(after_in_child=THREAD_WATCHDOG._reset)
