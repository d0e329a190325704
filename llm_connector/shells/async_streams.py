"""The asyncio shell's I/O: AsyncSteps, which does a call's steps with an
``httpx.AsyncClient``, and the streams an ``AsyncClient`` returns (AsyncChatStream,
AsyncResponsesStream, and the awaitable contexts around them), which go on with their
call's steps as the caller iterates. The blocking shell's module, awaited."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from time import monotonic
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import httpx

from llm_connector.calls import steps as s
from llm_connector.calls.hooks import afire
from llm_connector.calls.stream_core import AnswerT, ItemT
from llm_connector.errors import LLMError
from llm_connector.shells import http
from llm_connector.shells.deadlines import LimitPassed, LoopWatchdog, Watchdog
from llm_connector.shells.stream_base import ChatOutput, StreamBase

if TYPE_CHECKING:
    from llm_connector.calls.streaming import StreamRun

    # Some are named only in quoted base classes, which ruff does not read: none of these
    # types loads with the package (the chat answers' load with the first stream).
    from llm_connector.responses import ResponsesResponse, ResponsesStreamEvent  # noqa: F401
    from llm_connector.types import ChatResponse, StreamingResponse  # noqa: F401

__all__ = [
    "AsyncChatStream",
    "AsyncChatStreamContext",
    "AsyncResponsesStream",
    "AsyncResponsesStreamContext",
    "AsyncSteps",
    "sleep",
    "watchdog",
]

#: What ends the reading of a stream's body early (see http.read_end).
_READ_ERRORS: tuple[type[Exception], ...] = (*http.HTTPX_ERRORS, LLMError, LimitPassed)

_S = TypeVar("_S", bound="_AsyncStream[Any, Any]")
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
        try:
            step = stepper.next()
            while step is not None:
                step = stepper.next(await self.do(step))
        except BaseException:
            # A step interrupted (KeyboardInterrupt, a cancelled task): the driver hears
            # it now (an observed call ends its span), not when the steps are collected.
            steps.close()
            raise
        return cast(_T, stepper.value)

    async def start(self, run: StreamRun[Any, Any]) -> s.Step:
        """Do a stream's steps until the request was answered (see SyncSteps.start)."""
        try:
            step = run.steps.send(None)
            while not run.opened:
                step = run.steps.send(await self.do(step))
        except BaseException:
            run.steps.close()  # as in run(): interrupted while the request was sent
            raise
        return step

    def do(self, step: s.Step) -> Awaitable[object]:
        return self._does[type(step)](step)

    async def send(self, step: s.Send) -> httpx.Response | s.TransportFailure:
        head = http.HeadWatch(watchdog(), step.deadlines, awaited=True)
        try:
            request = http.build_request(self._client, step, head)
            response = await self._client.send(request, stream=True, follow_redirects=False)
        except http.HTTPX_ERRORS as exc:
            return http.head_failure(exc, head.done())
        finally:
            fired = head.done()  # also when interrupted: no watch outlives its request
        answered = http.answered(response, fired)
        if isinstance(answered, s.TransportFailure):
            await response.aclose()
        return answered

    async def read_body(self, step: s.ReadBody) -> bytes | s.TransportFailure | LLMError:
        response = cast(httpx.Response, step.response)
        watch = http.watch_body(watchdog(), response, step.deadlines)
        collector = step.collector
        try:
            async for raw in response.aiter_raw():
                collector.feed(raw)
            return collector.finish()
        except http.HTTPX_ERRORS as exc:
            return http.read_failure(exc, watch, step.deadlines)
        except LLMError as exc:  # too large, or undecodable
            return exc
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
        http.time_body(cast(httpx.Response, step.response), step.timer, awaited=True)

    async def sleep(self, step: s.Sleep) -> None:
        await sleep(step.seconds)

    async def close(self, step: s.Close) -> None:
        await cast(httpx.Response, step.response).aclose()


class _AsyncStream(StreamBase[AsyncSteps, ItemT, AnswerT]):
    """A streamed answer; see AsyncChatStream."""

    _chunks: AsyncGenerator[ItemT, None]

    async def _generate(self, step: Any) -> AsyncGenerator[ItemT, None]:
        """The call's steps from the first answer on (see the blocking stream's)."""
        steps, hand_out, do = self._run.steps, self._hand_out, self._steps.do
        while True:
            items = hand_out.get(type(step))
            outcome = None
            if items is None:
                outcome = await do(step)
            else:
                async for item in items(step):
                    yield item
            try:
                step = steps.send(outcome)
            except StopIteration:
                return

    async def _deliver(self, step: s.Deliver) -> AsyncIterator[ItemT]:
        for item in step.items:
            yield item

    async def _read(self, step: s.ReadStream) -> AsyncGenerator[ItemT, None]:
        """Read the body as the blocking stream does, with the event loop's watchdog."""
        response = cast(httpx.Response, step.response)
        self._watch = watch = http.watch_body(watchdog(), response, step.deadlines)
        read, feed = step.frames, step.feed
        try:
            async for data in response.aiter_raw():
                # Idle time is counted as the blocking stream counts it (see there).
                since, watch.since = watch.since, None
                for frame in read(data):
                    since = None  # a frame came: the wait for one ended
                    for item in feed(frame):
                        yield item
                    if watch.fired:  # a limit ran out where there is no socket to cut
                        raise LimitPassed
                watch.since = monotonic() if since is None else since
            step.end = http.read_end(None, watch, step.deadlines)
        except _READ_ERRORS as exc:
            step.end = http.read_end(exc, watch, step.deadlines)
        finally:
            watch.cancel()  # before the close: a connection back in the pool is never cut
            await response.aclose()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        # A fresh async generator per loop: when the loop is left early, asyncio finalizes
        # it on the next turn of the loop, and its ``finally`` closes the connection.
        try:
            async for chunk in self._chunks:
                yield chunk
        finally:
            await self.aclose()

    async def __anext__(self) -> ItemT:
        return await self._chunks.__anext__()

    async def aclose(self) -> None:
        """As :meth:`ChatStream.close <llm_connector.ChatStream.close>`, from any task."""
        running = bool(getattr(self._chunks, "ag_running", False))
        self._closing(running)
        # RuntimeError "asynchronous generator is already running": another task is
        # reading; the cut connection ends its read, and then its loop.
        with contextlib.suppress(RuntimeError):
            await self._chunks.aclose()
        if not running:
            self._run.steps.close()
        if self._run.response is not None:
            await self.response.aclose()

    async def final_response(self) -> AnswerT:
        """As :meth:`ChatStream.final_response <llm_connector.ChatStream.final_response>`."""
        async for _ in self._chunks:
            pass
        return self._core.final_response()

    async def __aenter__(self: _S) -> _S:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class AsyncChatStream(ChatOutput, _AsyncStream["StreamingResponse", "ChatResponse"]):
    """A streamed answer: ``async for`` it for ``StreamingResponse`` chunks.

    Leaving the loop early closes the connection (on the next turn of the event loop);
    so do ``aclose()``, leaving ``async with``, and cancelling the task. Retries before the
    first content, and errors, are those of :class:`~llm_connector.ChatStream`; errors
    carry ``.partial`` the same way.
    """


class AsyncResponsesStream(_AsyncStream["ResponsesStreamEvent", "ResponsesResponse"]):
    """A streamed Responses API answer: ``async for`` it for ``ResponsesStreamEvent``s.

    The async twin of :class:`~llm_connector.ResponsesStream`: the same events, errors,
    ``final_response()`` and ``snapshot()``; closing is that of :class:`AsyncChatStream`.
    """

    def snapshot(self) -> ResponsesResponse:
        """The answer as accumulated so far (never raises; ``status`` says how far)."""
        return self._core.snapshot()


class _Closable(Protocol):
    async def aclose(self) -> None: ...


#: A stream of a client, or of a fallback chain (shells/async_fallback.py).
_StreamT = TypeVar("_StreamT", bound=_Closable)


class AsyncStreamContext(Awaitable[_StreamT]):
    """What the streaming calls return: await it for the stream, or use it as
    ``async with`` to have the stream closed on exit."""

    def __init__(self, start: Callable[[], Awaitable[_StreamT]]) -> None:
        self._start = start
        self._stream: _StreamT | None = None

    def __await__(self) -> Generator[Any, None, _StreamT]:
        return self._start().__await__()

    async def __aenter__(self) -> _StreamT:
        self._stream = await self._start()
        return self._stream

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            await self._stream.aclose()


class AsyncChatStreamContext(AsyncStreamContext[AsyncChatStream]):
    """What ``AsyncClient.chat_stream`` returns: await it for the stream, or use it as
    ``async with`` to have the stream closed on exit."""


class AsyncResponsesStreamContext(AsyncStreamContext[AsyncResponsesStream]):
    """What ``AsyncClient.invoke_responses_stream`` returns: await it for the stream, or
    use it as ``async with`` to have the stream closed on exit."""
