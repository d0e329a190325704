"""A streamed call from its first request to its last item (pure; see ``driver.py``).

``StreamRun.steps`` sends the request (a Responses API call that finds no ``/responses``
goes to chat completions instead), then reads the answer: it asks the shell to frame the
body's network reads with the codec's frame reader (``codecs/framing``), feed each frame to
the stream's core (``stream_core.py``) and hand out the items that come of it. Should the
reading fail before the first content of the answer reached the caller, the request is
sent again, within the call's retries and deadline, and the caller sees one clean answer;
after that, the failure is raised with what arrived on ``.partial``.

A shell runs ``steps`` until ``opened`` (the request was answered), then wraps the run in
its stream object, which goes on from there as the caller iterates: reading the answer,
and any error it carries, belongs to the iteration.

An observed stream (its call has an observer: calls/hooks.py) runs inside
``_observed``, a ``try`` around all its steps: however the stream ends (read to its end,
failed, closed by the caller, dropped and collected, its task cancelled, all of which
close this generator), the observer hears it once. The first content is reported by the
core, once; nothing is added per chunk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, cast

from llm_connector.calls.failures import body_framing, gave_up, stream_error
from llm_connector.calls.limits import phase_limits
from llm_connector.calls.steps import (
    Close,
    Deadlines,
    Deliver,
    ReadBody,
    ReadStream,
    Sleep,
    StreamEnd,
    TransportFailure,
)
from llm_connector.calls.stream_core import AnswerT, BaseStreamCore, ItemT
from llm_connector.codecs.framing import frame_reader
from llm_connector.codecs.framing.content import (
    BodyCollector,
    BodyDecoder,
    close_raw_frames,
    raw_frames,
)
from llm_connector.errors import APIStatusError, LLMError

if TYPE_CHECKING:
    from llm_connector.calls.driver import CallDriver
    from llm_connector.calls.limits import Attempts
    from llm_connector.calls.observer import CallObserver
    from llm_connector.calls.prepare import PreparedCall
    from llm_connector.calls.responses_route import ResponsesCall
    from llm_connector.calls.steps import Response, Steps
    from llm_connector.calls.stream_core import StreamSource

__all__ = ["StreamRun"]


class StreamRun(Generic[ItemT, AnswerT]):
    """One streamed call (see the module docstring). ``core`` and ``response`` are those of
    the answer being read, once the request was answered."""

    def __init__(
        self,
        driver: CallDriver,
        call: PreparedCall,
        source: StreamSource[ItemT, AnswerT],
        responses: ResponsesCall | None = None,
        *,
        held: bool = False,
    ) -> None:
        self._driver = driver
        #: Hold back what comes before the first content whatever the retries left, and
        #: give none of it out when the call fails before content: a member of a fallback
        #: chain, whose next member then answers from the start (calls/fallback.py).
        self.held = held
        #: A structured answer's value travels as ``{"value": ...}`` (a typed
        #: response_format whose type is not an object): ``partial_output`` unwraps it.
        self.output_wrapped = False
        self._call = call
        self._source = source
        #: The Responses API call this stream stands for, whose fallback applies.
        self._responses = responses
        self.core: BaseStreamCore[ItemT, AnswerT] | None = None
        self.response: Response | None = None
        #: True once the request was answered (the steps from then on read the answer).
        self.opened = False
        observer = call.observer
        self.steps: Steps[None] = self._run() if observer is None else self._observed(observer)

    def _observed(self, observer: CallObserver) -> Steps[None]:
        """The run's steps, telling ``observer`` how they end (see the module docstring)."""
        observer.began()
        try:
            yield from self._run()
        except GeneratorExit:
            observer.closed(self._so_far())
            raise
        except BaseException as exc:
            observer.failed(exc)
            raise
        core = self.core
        if core is not None and core.closed:  # closed from another thread or task
            observer.closed(self._so_far())
        else:
            observer.ended(self._so_far())

    def _so_far(self) -> object | None:
        core = self.core
        return None if core is None else core.snapshot()

    def _run(self) -> Steps[None]:
        call, attempts, response = yield from self._open()
        driver = self._driver
        core = self.core = BaseStreamCore(self._source, call.secrets)
        if call.observer is not None:
            core.on_content = call.observer.first_content
        self.response = response
        self.opened = True
        while True:
            error = yield from self._read(call, attempts, response, core)
            if error is None:
                return
            delay = driver.retry_wait(attempts, error) if core.retryable else None
            if delay is None:
                held = core.take_held()
                if held and not self.held:
                    yield Deliver(held)
                raise gave_up(error, attempts, driver.clock.now())
            yield from driver.retrying(call, attempts, error, delay, stream=True)
            yield Sleep(delay)
            core.restart()
            try:
                answer = yield from driver.send(call, attempts, stream=True)
            except LLMError as exc:
                raise core.interrupted(exc) from None
            response = answer.response
            if core.closed:  # closed from another thread or task while it was sent
                yield Close(response)
                return

    def _open(self) -> Steps[tuple[PreparedCall, Attempts, Response]]:
        """Send the request; a Responses API call whose server has no ``/responses`` is
        sent again through chat completions."""
        driver, call = self._driver, self._call
        attempts = call.attempts(driver.clock.now())
        try:
            answer = yield from driver.send(call, attempts, stream=True)
        except APIStatusError as exc:
            fallback = None
            if self._responses is not None:
                fallback = driver.settings.responses_fallback(self._responses, exc)
            if fallback is None:
                raise
            self._responses = fallback
            self._source = cast("StreamSource[ItemT, AnswerT]", fallback.source)
            call = self._call = fallback.call
            attempts = call.attempts(driver.clock.now())
            answer = yield from driver.send(call, attempts, stream=True)
        return call, attempts, answer.response

    def _read(
        self,
        call: PreparedCall,
        attempts: Attempts,
        response: Response,
        core: BaseStreamCore[ItemT, AnswerT],
    ) -> Steps[LLMError | None]:
        """Read one answer to its end: None when it ended well (or the caller closed the
        stream), else the error it failed with."""
        self.response = response
        core.hold = self.held or attempts.can_retry()
        headers = response.headers
        deadlines = self._deadlines(call, attempts, core)
        limits = call.size_limits
        encoding = headers.get("content-encoding")
        try:
            framing = body_framing(call.spec.framing, headers)
            if framing == "json":
                collector = BodyCollector(encoding, limits.max_body_bytes)
            else:
                decoder = BodyDecoder(encoding, stream=True)
        except LLMError as exc:
            yield Close(response)
            return stream_error(exc, core, call, headers)
        failed: LLMError | TransportFailure | StreamEnd | None = None
        if framing == "json":
            body = yield ReadBody(response, deadlines, collector)
            if isinstance(body, (TransportFailure, LLMError)):
                failed = body
            else:
                try:
                    items = core.feed_whole_body(cast(bytes, body))
                except LLMError as exc:
                    failed = exc
        else:
            reader = frame_reader(framing, limits.max_event_bytes)
            read = ReadStream(response, raw_frames(reader, decoder), core.feed, deadlines)
            yield read
            end = read.end
            assert end is not None, "the shell reports how the reading ended"
            if not end.ended:
                return None if core.closed else stream_error(end, core, call, headers)
            try:
                # A last line without its line end; the end of the compressed data.
                for frame in close_raw_frames(reader, decoder):
                    items = core.feed(frame)
                    if items:
                        yield Deliver(items)
                items = core.finish()
            except LLMError as exc:
                # A deadline that cut the connection is what made the answer end short.
                failed = StreamEnd(error=exc, fired=end.fired)
        if failed is not None:
            return None if core.closed else stream_error(failed, core, call, headers)
        if items:
            yield Deliver(items)
        return None

    def _deadlines(
        self, call: PreparedCall, attempts: Attempts, core: BaseStreamCore[ItemT, AnswerT]
    ) -> Deadlines:
        """A stream's event limits and the call's deadline, from now; and the transport's
        read timeout for the body: a backstop no shorter than the event limits, which the
        watchdog keeps (the head's ``first_event`` wait would otherwise apply to every read)."""
        timeout = call.timeout
        now = self._driver.clock.now()
        first = None if timeout.first_event is None else attempts.sent_at + timeout.first_event
        stream_read = phase_limits(timeout, attempts.remaining(now)).stream_read
        return Deadlines(
            core, first=first, idle=timeout.idle, total=attempts.deadline, stream_read=stream_read
        )
