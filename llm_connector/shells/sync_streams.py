"""The blocking shell's I/O: SyncSteps, which does a call's steps with an ``httpx.Client``,
and the streams a ``Client`` returns (ChatStream, ResponsesStream), which go on with their
call's steps (calls/streaming.py) as the caller iterates: reading the body and handing out
the items. What the steps are for is decided in calls/driver.py.

It never touches an event loop, so it works in scripts and inside a running loop (Jupyter).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Generator, Iterator
from time import monotonic
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from llm_connector.calls import steps as s
from llm_connector.calls.hooks import fire
from llm_connector.calls.stream_core import AnswerT, ItemT
from llm_connector.errors import LLMError
from llm_connector.shells import http
from llm_connector.shells.deadlines import THREAD_WATCHDOG, LimitPassed
from llm_connector.shells.stream_base import ChatOutput, StreamBase

if TYPE_CHECKING:
    from llm_connector.calls.streaming import StreamRun

    # Some are named only in quoted base classes, which ruff does not read: none of these
    # types loads with the package (the chat answers' load with the first stream).
    from llm_connector.responses import ResponsesResponse, ResponsesStreamEvent  # noqa: F401
    from llm_connector.types import ChatResponse, StreamingResponse  # noqa: F401

__all__ = ["ChatStream", "ResponsesStream", "SyncSteps", "sleep"]

#: What ends the reading of a stream's body early (see http.read_end).
_READ_ERRORS: tuple[type[Exception], ...] = (*http.HTTPX_ERRORS, LLMError, LimitPassed)

_S = TypeVar("_S", bound="_Stream[Any, Any]")
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
        try:
            step = stepper.next()
            while step is not None:
                step = stepper.next(self.do(step))
        except BaseException:
            # A step interrupted (KeyboardInterrupt, a cancelled task): the driver hears
            # it now (an observed call ends its span), not when the steps are collected.
            steps.close()
            raise
        return cast(_T, stepper.value)

    def start(self, run: StreamRun[Any, Any]) -> s.Step:
        """Do a stream's steps until the request was answered: the first step of reading
        the answer (the stream object goes on from there)."""
        try:
            step = run.steps.send(None)
            while not run.opened:
                step = run.steps.send(self.do(step))
        except BaseException:
            run.steps.close()  # as in run(): interrupted while the request was sent
            raise
        return step

    def do(self, step: s.Step) -> object:
        return self._does[type(step)](step)

    def send(self, step: s.Send) -> httpx.Response | s.TransportFailure:
        head = http.HeadWatch(THREAD_WATCHDOG, step.deadlines, awaited=False)
        try:
            request = http.build_request(self._client, step, head)
            response = self._client.send(request, stream=True, follow_redirects=False)
        except http.HTTPX_ERRORS as exc:
            return http.head_failure(exc, head.done())
        finally:
            fired = head.done()  # also when interrupted: no watch outlives its request
        answered = http.answered(response, fired)
        if isinstance(answered, s.TransportFailure):
            response.close()
        return answered

    def read_body(self, step: s.ReadBody) -> bytes | s.TransportFailure | LLMError:
        response = cast(httpx.Response, step.response)
        watch = http.watch_body(THREAD_WATCHDOG, response, step.deadlines)
        collector = step.collector
        try:
            for raw in response.iter_raw():
                collector.feed(raw)
            return collector.finish()
        except http.HTTPX_ERRORS as exc:
            return http.read_failure(exc, watch, step.deadlines)
        except LLMError as exc:  # too large, or undecodable
            return exc
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
        http.time_body(cast(httpx.Response, step.response), step.timer, awaited=False)

    def sleep(self, step: s.Sleep) -> None:
        sleep(step.seconds)

    def close(self, step: s.Close) -> None:
        cast(httpx.Response, step.response).close()


class _Stream(StreamBase[SyncSteps, ItemT, AnswerT]):
    """A streamed answer; see ChatStream."""

    _chunks: Generator[ItemT, None, None]

    def _generate(self, step: Any) -> Generator[ItemT, None, None]:
        """The call's steps from the first answer on: those that hand items out are this
        stream's, the others the client's."""
        steps, hand_out, do = self._run.steps, self._hand_out, self._steps.do
        while True:
            items = hand_out.get(type(step))
            if items is None:
                outcome = do(step)
            else:
                yield from items(step)
                outcome = None
            try:
                step = steps.send(outcome)
            except StopIteration:
                return

    def _deliver(self, step: s.Deliver) -> Iterator[ItemT]:
        return iter(step.items)

    def _read(self, step: s.ReadStream) -> Generator[ItemT, None, None]:
        """Read the body, framing each network read and feeding each frame to the stream's
        core, handing out the items as they come; set how the reading ended on ``step``."""
        response = cast(httpx.Response, step.response)
        self._watch = watch = http.watch_body(THREAD_WATCHDOG, response, step.deadlines)
        read, feed = step.frames, step.feed
        try:
            for data in response.iter_raw():
                # Not idle time while a read is decoded (content may begin in it, and the
                # watchdog must not then measure idle time from before it), nor while the
                # caller holds items; a read that completes no frame (an SSE comment, part
                # of an event) does not end the wait for the next event.
                since, watch.since = watch.since, None
                for frame in read(data):
                    since = None  # a frame came: the wait for one ended
                    if items := feed(frame):
                        if len(items) == 1:  # the usual frame; cheaper than yield from
                            yield items[0]
                        else:
                            yield from items
                    if watch.fired:  # a limit ran out where there is no socket to cut
                        raise LimitPassed
                watch.since = monotonic() if since is None else since
        except _READ_ERRORS as exc:
            cut: BaseException | None = exc
        else:
            cut = None
        finally:
            watch.cancel()  # before the close: a connection back in the pool is never cut
            response.close()
        step.end = http.read_end(cut, watch, step.deadlines)

    def __iter__(self) -> Iterator[ItemT]:
        # A fresh generator per loop: when the loop is left early, this generator is
        # dropped at once (reference counting), and its ``finally`` closes the connection.
        try:
            yield from self._chunks
        finally:
            self.close()

    def __next__(self) -> ItemT:
        return next(self._chunks)

    def close(self) -> None:
        """Stop reading and close the connection. Safe to call more than once, and from
        another thread while one iterates: its loop ends at once, quietly."""
        running = bool(getattr(self._chunks, "gi_running", False))
        self._closing(running)
        # ValueError "generator already executing": another thread is reading; the cut
        # connection ends its read, and then its loop.
        with contextlib.suppress(ValueError):
            self._chunks.close()
        if not running:
            self._run.steps.close()
        if self._run.response is not None:
            self.response.close()

    def final_response(self) -> AnswerT:
        """Read the rest of the stream and return the whole answer.

        Raises ``IncompleteStreamError`` (with ``.partial``) if the stream was closed, or
        ended, before the provider finished.
        """
        for _ in self._chunks:
            pass
        return self._core.final_response()

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class ChatStream(ChatOutput, _Stream["StreamingResponse", "ChatResponse"]):
    """A streamed answer: iterate it for ``StreamingResponse`` chunks.

    Leaving a ``for`` loop early (``break``, an exception) closes the HTTP connection at
    once; so does ``close()`` (from any thread) or leaving a ``with`` block.
    ``final_response()`` reads what is left and returns the accumulated ``ChatResponse``.

    A stream that fails before the first content of the answer (the connection breaks, or
    the provider sends a retryable error such as "overloaded") is sent again, within the
    client's retries, and the caller sees one clean answer; nothing is retried after that.

    Errors while iterating carry everything received so far in ``.partial``:
    ``IncompleteStreamError`` when the stream ends before the provider's terminal event,
    ``StreamDecodeError`` for an undecodable frame, the ``APIStatusError`` subclass of an
    error event, ``APITimeoutError`` when a limit of the client's ``Timeout`` runs out.
    """


class ResponsesStream(_Stream["ResponsesStreamEvent", "ResponsesResponse"]):
    """A streamed Responses API answer: iterate it for ``ResponsesStreamEvent``s.

    Every event the provider sends comes through, in order (those of unknown types too);
    after a fallback to chat completions, the synthesized events have the same types and
    shapes. ``final_response()`` reads what is left and returns the accumulated
    ``ResponsesResponse``; ``snapshot()`` is the answer so far. Closing, retries before
    the first content and deadlines are those of :class:`ChatStream`.

    An ``error`` or ``response.failed`` event is yielded, then its ``APIStatusError``
    subclass is raised; ``response.incomplete`` ends the stream normally (see the final
    response's ``status`` and ``incomplete_details``). Errors carry what arrived in
    ``.partial``, as a ``ChatResponse``; ``snapshot()`` has it as a ``ResponsesResponse``.
    """

    def snapshot(self) -> ResponsesResponse:
        """The answer as accumulated so far (never raises; ``status`` says how far)."""
        return self._core.snapshot()
