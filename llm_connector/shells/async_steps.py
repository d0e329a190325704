"""The asyncio shell's hands: the driver's steps done with an ``httpx.AsyncClient`` (I/O
only; what the steps are for is decided in calls/driver.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from llm_connector.calls import steps as s
from llm_connector.calls.hooks import afire
from llm_connector.shells import http
from llm_connector.shells.deadlines import LoopWatchdog, Watchdog

if TYPE_CHECKING:
    from llm_connector.calls.streaming import StreamRun

__all__ = ["AsyncSteps", "sleep", "watchdog"]

_T = TypeVar("_T")

# asyncio is imported on first use: it costs ~30 ms of import time, a blocking-only program
# never needs it, and an async program has it loaded already.


async def sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


def watchdog() -> Watchdog:
    """The watchdog of the running event loop: a timer on it per watch."""
    import asyncio

    return LoopWatchdog(asyncio.get_running_loop())


class AsyncSteps:
    """Does the steps of a client's calls with its ``httpx.AsyncClient``."""

    __slots__ = ("_client", "_does")

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client
        self._does: dict[type[Any], Callable[[Any], Awaitable[object]]] = {
            kind: getattr(self, kind.verb) for kind in s.CLIENT_STEPS
        }

    async def run(self, steps: s.Steps[_T]) -> _T:
        """Do ``steps`` to their end: the call's answer (or its error, raised)."""
        stepper = s.Stepper(steps)
        step = stepper.next()
        while step is not None:
            step = stepper.next(await self.do(step))
        return cast(_T, stepper.value)

    async def start(self, run: StreamRun[Any, Any]) -> s.Step:
        """Do a stream's steps until the request was answered (see SyncSteps.start)."""
        step = run.steps.send(None)
        while not run.opened:
            step = run.steps.send(await self.do(step))
        return step

    def do(self, step: s.Step) -> Awaitable[object]:
        return self._does[type(step)](step)

    async def send(self, step: s.Send) -> httpx.Response | s.TransportFailure:
        spec = step.spec
        timeout = http.httpx_timeout(step.limits)
        request = self._client.build_request(
            spec.method, spec.url, headers=spec.headers, content=spec.body, timeout=timeout
        )
        try:
            return await self._client.send(request, stream=True)
        except httpx.TransportError as exc:
            return http.transport_failure(exc)

    async def read_body(self, step: s.ReadBody) -> bytes | s.TransportFailure:
        response = cast(httpx.Response, step.response)
        watch = http.watch_body(watchdog(), response, step.deadlines)
        try:
            return await response.aread()
        except httpx.TransportError as exc:
            return http.read_failure(exc, watch, step.deadlines)
        finally:
            watch.cancel()
            await response.aclose()

    async def notify(self, step: s.Notify) -> None:
        try:
            await afire(step.callbacks, step.info)
        except BaseException:
            # A cancellation (a hook's Exception is logged, never raised).
            if step.response is not None:
                await cast(httpx.Response, step.response).aclose()
            raise

    async def time_body(self, step: s.TimeBody) -> None:
        http.time_body(cast(httpx.Response, step.response), step.timer)

    async def sleep(self, step: s.Sleep) -> None:
        await sleep(step.seconds)

    async def close(self, step: s.Close) -> None:
        await cast(httpx.Response, step.response).aclose()
