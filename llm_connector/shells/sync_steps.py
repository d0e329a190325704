"""The blocking shell's hands: the driver's steps done with an ``httpx.Client`` (I/O only;
what the steps are for is decided in calls/driver.py).

It never touches an event loop, so it works in scripts and inside a running loop (Jupyter).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from llm_connector.calls import steps as s
from llm_connector.calls.hooks import fire
from llm_connector.shells import http
from llm_connector.shells.deadlines import THREAD_WATCHDOG

if TYPE_CHECKING:
    from llm_connector.calls.streaming import StreamRun

__all__ = ["SyncSteps", "sleep"]

_T = TypeVar("_T")


def sleep(seconds: float) -> None:
    time.sleep(seconds)


class SyncSteps:
    """Does the steps of a client's calls with its ``httpx.Client``."""

    __slots__ = ("_client", "_does")

    def __init__(self, client: httpx.Client) -> None:
        self._client = client
        self._does: dict[type[Any], Callable[[Any], object]] = {
            kind: getattr(self, kind.verb) for kind in s.CLIENT_STEPS
        }

    def run(self, steps: s.Steps[_T]) -> _T:
        """Do ``steps`` to their end: the call's answer (or its error, raised)."""
        stepper = s.Stepper(steps)
        step = stepper.next()
        while step is not None:
            step = stepper.next(self.do(step))
        return cast(_T, stepper.value)

    def start(self, run: StreamRun[Any, Any]) -> s.Step:
        """Do a stream's steps until the request was answered: the first step of reading
        the answer (the stream object goes on from there)."""
        step = run.steps.send(None)
        while not run.opened:
            step = run.steps.send(self.do(step))
        return step

    def do(self, step: s.Step) -> object:
        return self._does[type(step)](step)

    def send(self, step: s.Send) -> httpx.Response | s.TransportFailure:
        spec = step.spec
        timeout = http.httpx_timeout(step.limits)
        request = self._client.build_request(
            spec.method, spec.url, headers=spec.headers, content=spec.body, timeout=timeout
        )
        try:
            return self._client.send(request, stream=True)
        except httpx.TransportError as exc:
            return http.transport_failure(exc)

    def read_body(self, step: s.ReadBody) -> bytes | s.TransportFailure:
        response = cast(httpx.Response, step.response)
        watch = http.watch_body(THREAD_WATCHDOG, response, step.deadlines)
        try:
            return response.read()
        except httpx.TransportError as exc:
            return http.read_failure(exc, watch, step.deadlines)
        finally:
            watch.cancel()
            response.close()

    def notify(self, step: s.Notify) -> None:
        try:
            fire(step.callbacks, step.info)
        except BaseException:
            # A KeyboardInterrupt (a hook's Exception is logged, never raised).
            if step.response is not None:
                cast(httpx.Response, step.response).close()
            raise

    def time_body(self, step: s.TimeBody) -> None:
        http.time_body(cast(httpx.Response, step.response), step.timer)

    def sleep(self, step: s.Sleep) -> None:
        sleep(step.seconds)

    def close(self, step: s.Close) -> None:
        cast(httpx.Response, step.response).close()
