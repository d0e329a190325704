"""The blocking shell's hands: the driver's steps done with an ``httpx.Client`` (I/O only;
what the steps are for is decided in calls/driver.py).

It never touches an event loop, so it works in scripts and inside a running loop (Jupyter).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from llm_connector.calls.hooks import fire
from llm_connector.calls.steps import (
    Close,
    Notify,
    ReadBody,
    Send,
    Sleep,
    Step,
    Steps,
    TimeBody,
    TransportFailure,
)
from llm_connector.shells.deadlines import THREAD_WATCHDOG, Watchdog
from llm_connector.shells.http import (
    httpx_timeout,
    read_failure,
    time_body,
    transport_failure,
    watch_body,
)

if TYPE_CHECKING:
    from llm_connector.calls.streaming import StreamRun

__all__ = ["SyncSteps", "sleep", "watchdog"]

_T = TypeVar("_T")


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def watchdog() -> Watchdog:
    return THREAD_WATCHDOG


class SyncSteps:
    """Does the steps of a client's calls with its ``httpx.Client``."""

    __slots__ = ("_does", "_http")

    def __init__(self, http: httpx.Client) -> None:
        self._http = http
        # The steps a stream hands items out with (ReadStream, Deliver) are its own.
        self._does: dict[type[Any], Callable[[Any], object]] = {
            Send: self._send,
            ReadBody: self._read_body,
            Notify: self._notify,
            TimeBody: self._time_body,
            Sleep: self._sleep,
            Close: self._close,
        }

    def run(self, steps: Steps[_T]) -> _T:
        """Do ``steps`` to their end: the call's answer (or its error, raised)."""
        outcome: object = None
        while True:
            try:
                step = steps.send(outcome)
            except StopIteration as done:
                return cast(_T, done.value)
            outcome = self.do(step)

    def start(self, run: StreamRun[Any, Any]) -> Step:
        """Do a stream's steps until the request was answered: the first step of reading
        the answer (the stream object goes on from there)."""
        steps = run.steps
        step = steps.send(None)
        while not run.opened:
            step = steps.send(self.do(step))
        return step

    def do(self, step: Step) -> object:
        return self._does[type(step)](step)

    def _send(self, step: Send) -> httpx.Response | TransportFailure:
        spec = step.spec
        request = self._http.build_request(
            spec.method,
            spec.url,
            headers=spec.headers,
            content=spec.body,
            timeout=httpx_timeout(step.limits),
        )
        try:
            return self._http.send(request, stream=True)
        except httpx.TransportError as exc:
            return transport_failure(exc)

    def _read_body(self, step: ReadBody) -> bytes | TransportFailure:
        response = cast(httpx.Response, step.response)
        watch = watch_body(watchdog(), response, step.deadlines)
        try:
            return response.read()
        except httpx.TransportError as exc:
            return read_failure(exc, watch, step.deadlines)
        finally:
            watch.cancel()
            response.close()

    def _notify(self, step: Notify) -> None:
        try:
            fire(step.callbacks, step.info)
        except BaseException:
            # A KeyboardInterrupt (a hook's Exception is logged, never raised).
            if step.response is not None:
                cast(httpx.Response, step.response).close()
            raise

    def _time_body(self, step: TimeBody) -> None:
        time_body(cast(httpx.Response, step.response), step.timer)

    def _sleep(self, step: Sleep) -> None:
        sleep(step.seconds)

    def _close(self, step: Close) -> None:
        cast(httpx.Response, step.response).close()
