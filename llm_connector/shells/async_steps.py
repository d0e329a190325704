"""The asyncio shell's hands: the driver's steps done with an ``httpx.AsyncClient`` (I/O
only; what the steps are for is decided in calls/driver.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from llm_connector.calls.hooks import afire
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
from llm_connector.shells.deadlines import LoopWatchdog, Watchdog
from llm_connector.shells.http import (
    httpx_timeout,
    read_failure,
    time_body,
    transport_failure,
    watch_body,
)

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
    import asyncio

    return LoopWatchdog(asyncio.get_running_loop())


class AsyncSteps:
    """Does the steps of a client's calls with its ``httpx.AsyncClient``."""

    __slots__ = ("_does", "_http")

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http
        # The steps a stream hands items out with (ReadStream, Deliver) are its own.
        self._does: dict[type[Any], Callable[[Any], Awaitable[object]]] = {
            Send: self._send,
            ReadBody: self._read_body,
            Notify: self._notify,
            TimeBody: self._time_body,
            Sleep: self._sleep,
            Close: self._close,
        }

    async def run(self, steps: Steps[_T]) -> _T:
        """Do ``steps`` to their end: the call's answer (or its error, raised)."""
        outcome: object = None
        while True:
            try:
                step = steps.send(outcome)
            except StopIteration as done:
                return cast(_T, done.value)
            outcome = await self.do(step)

    async def start(self, run: StreamRun[Any, Any]) -> Step:
        """Do a stream's steps until the request was answered: the first step of reading
        the answer (the stream object goes on from there)."""
        steps = run.steps
        step = steps.send(None)
        while not run.opened:
            step = steps.send(await self.do(step))
        return step

    def do(self, step: Step) -> Awaitable[object]:
        return self._does[type(step)](step)

    async def _send(self, step: Send) -> httpx.Response | TransportFailure:
        spec = step.spec
        request = self._http.build_request(
            spec.method,
            spec.url,
            headers=spec.headers,
            content=spec.body,
            timeout=httpx_timeout(step.limits),
        )
        try:
            return await self._http.send(request, stream=True)
        except httpx.TransportError as exc:
            return transport_failure(exc)

    async def _read_body(self, step: ReadBody) -> bytes | TransportFailure:
        response = cast(httpx.Response, step.response)
        watch = watch_body(watchdog(), response, step.deadlines)
        try:
            return await response.aread()
        except httpx.TransportError as exc:
            return read_failure(exc, watch, step.deadlines)
        finally:
            watch.cancel()
            await response.aclose()

    async def _notify(self, step: Notify) -> None:
        try:
            await afire(step.callbacks, step.info)
        except BaseException:
            # A cancellation (a hook's Exception is logged, never raised).
            if step.response is not None:
                await cast(httpx.Response, step.response).aclose()
            raise

    async def _time_body(self, step: TimeBody) -> None:
        time_body(cast(httpx.Response, step.response), step.timer)

    async def _sleep(self, step: Sleep) -> None:
        await sleep(step.seconds)

    async def _close(self, step: Close) -> None:
        await cast(httpx.Response, step.response).aclose()
