"""The call driver: everything a call decides, written once for both shells (pure).

Each operation of a client (``chat``, ``models``, ...) is a generator of steps
(``steps.py``): it prepares the request (bad input raises before the generator exists),
sends it, reads the answer, and on a failure decides whether and when to try again:
attempts and their backoff, ``Retry-After``, the deadlines of every phase, the hooks around
each attempt, and the fallback of a Responses API call to chat completions. The blocking
and the asyncio shell execute the steps with their own HTTP client and nothing else, so the
two clients behave the same by construction. Streamed calls go on in ``streaming.py``.

An observed call (``llm_connector.instrument``: spans and metrics) carries its observer on
its ``PreparedCall``; :func:`observed` tells it how a whole call ended, ``streaming.py``
how a stream did. Unobserved, a call costs one ``is None`` test more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast
from urllib.parse import urlsplit

import attrs

from llm_connector.calls.attempt_log import Attempt, retry_info
from llm_connector.calls.failures import (
    body_error,
    decoded,
    gave_up,
    note_unread_body,
    status_error,
    transport_error,
    unreadable,
)
from llm_connector.calls.limits import phase_limits
from llm_connector.calls.observing import OBSERVING
from llm_connector.calls.prepare import ignore_body
from llm_connector.calls.redirects import follow, is_redirect
from llm_connector.calls.steps import (
    WHOLE_RESPONSE,
    Close,
    Deadlines,
    Notify,
    ReadBody,
    Send,
    Sleep,
    TimeBody,
    TransportFailure,
)
from llm_connector.errors import APIConnectionError, APIStatusError, LLMError, ResponseDecodeError

if TYPE_CHECKING:
    from llm_connector.calls.clock import Clock
    from llm_connector.calls.hooks import HookSet
    from llm_connector.calls.limits import Attempts
    from llm_connector.calls.observer import CallObserver, Observe
    from llm_connector.calls.prepare import CallSettings, PreparedCall
    from llm_connector.calls.responses_route import ResponsesCall
    from llm_connector.calls.steps import Response, Steps
    from llm_connector.calls.streaming import StreamRun
    from llm_connector.responses import ResponsesRequest, ResponsesResponse, ResponsesStreamEvent
    from llm_connector.types import ChatRequest, ChatResponse, StreamingResponse
    from llm_connector.types._embedding import EmbedRequest, EmbedResponse
    from llm_connector.types._models import Model, ModelDetails, ModelPage

__all__ = ["MAX_MODEL_PAGES", "Answer", "CallDriver", "ModelPager", "observed"]

_T = TypeVar("_T")


class Answer:
    """A successful answer to an attempt: its response, and its body when it was read whole
    (None for a stream, whose response is still open)."""

    __slots__ = ("body", "response")

    def __init__(self, response: Response, body: bytes | None) -> None:
        self.response = response
        self.body = body


class CallDriver:
    """The calls of one client (see the module docstring). ``settings`` is what the client
    was built with; ``hooks`` its hooks as they are now; ``clock`` the time and jitter."""

    def __init__(self, settings: CallSettings, hooks: HookSet, clock: Clock) -> None:
        self.settings = settings
        self.hooks = hooks
        self.clock = clock
        #: This client's own observer factory (``instrument(client)``); None: the
        #: process's (``OBSERVING``), if any.
        self.observe: Observe | None = None

    # -- the operations ------------------------------------------------------------------

    def chat(self, request: ChatRequest) -> Steps[ChatResponse]:
        call = self.settings.prepare_chat(request, stream=False)
        observer = self._observer("chat", call, request, stream=False)
        if observer is None:
            return self.fetch(call, self.settings.codec.parse_chat)
        call = attrs.evolve(call, observer=observer)
        return observed(self.fetch(call, self.settings.codec.parse_chat), observer)

    def chat_stream(
        self, request: ChatRequest, *, held: bool = False
    ) -> StreamRun[StreamingResponse, ChatResponse]:
        """``held``: for a member of a fallback chain (see ``StreamRun``)."""
        from llm_connector.calls.stream_core import ChatSource
        from llm_connector.calls.streaming import StreamRun

        call = self.settings.prepare_chat(request, stream=True)
        observer = self._observer("chat", call, request, stream=True)
        if observer is not None:
            call = attrs.evolve(call, observer=observer)
        run = StreamRun(self, call, ChatSource(self.settings.codec), held=held)
        fmt = request.response_format
        run.output_wrapped = fmt is not None and fmt.wrapped
        return run

    def invoke_responses(self, request: ResponsesRequest) -> Steps[ResponsesResponse]:
        call = self.settings.prepare_responses(request, stream=False)
        observer = self._observer("chat", call.call, request, stream=False)
        if observer is None:
            return self._responses(call)
        call = attrs.evolve(call, call=attrs.evolve(call.call, observer=observer))
        return observed(self._responses(call), observer)

    def _responses(self, call: ResponsesCall) -> Steps[ResponsesResponse]:
        try:
            return (yield from self.fetch(call.call, call.parse))
        except APIStatusError as exc:
            fallback = self.settings.responses_fallback(call, exc)
            if fallback is None:
                raise
        return (yield from self.fetch(fallback.call, fallback.parse))

    def invoke_responses_stream(
        self, request: ResponsesRequest, *, held: bool = False
    ) -> StreamRun[ResponsesStreamEvent, ResponsesResponse]:
        from llm_connector.calls.streaming import StreamRun

        call = self.settings.prepare_responses(request, stream=True)
        observer = self._observer("chat", call.call, request, stream=True)
        if observer is not None:
            call = attrs.evolve(call, call=attrs.evolve(call.call, observer=observer))
        return StreamRun(self, call.call, call.source, call, held=held)

    def models(
        self, *, api_key: str | None = None, base_url: str | None = None
    ) -> Steps[list[Model]]:
        settings = self.settings
        pager = ModelPager(
            lambda token: settings.prepare_models(token, api_key=api_key, base_url=base_url)
        )
        parse = self.settings.codec.parse_models
        while (call := pager.next_call()) is not None:
            pager.add((yield from self.fetch(call, parse)))
        return pager.models

    def embed(self, request: EmbedRequest) -> Steps[EmbedResponse]:
        call = self.settings.prepare_embed(request)
        observer = self._observer("embeddings", call, request, stream=False)
        if observer is None:
            return self.fetch(call, self.settings.codec.parse_embed)
        call = attrs.evolve(call, observer=observer)
        return observed(self.fetch(call, self.settings.codec.parse_embed), observer)

    def count_tokens(self, request: ChatRequest) -> Steps[int]:
        call = self.settings.prepare_count_tokens(request)
        return self.fetch(call, self.settings.codec.parse_count_tokens)

    def pull_model(self, name: str) -> Steps[None]:
        codec = self.settings.codec
        call = self.settings.prepare_model_operation(codec.build_pull_model, name)
        return self.fetch(call, codec.parse_pull_model)

    def delete_model(self, name: str) -> Steps[None]:
        call = self.settings.prepare_model_operation(self.settings.codec.build_delete_model, name)
        return self.fetch(call, ignore_body)

    def show_model(self, name: str) -> Steps[ModelDetails]:
        call = self.settings.prepare_model_operation(self.settings.codec.build_show_model, name)
        return self.fetch(call, self.settings.parse_show_model(name))

    def _observer(
        self, operation: str, call: PreparedCall, request: object, *, stream: bool
    ) -> CallObserver | None:
        """The observer of a call about to begin, if this client or the process is
        instrumented (one attribute test each when not)."""
        observe = self.observe
        if observe is None:
            observe = OBSERVING.current
            if observe is None:
                return None
        url = urlsplit(call.spec.url)
        try:
            port = url.port
        except ValueError:
            port = None
        if port is None:
            port = {"https": 443, "http": 80}.get(url.scheme)
        settings = self.settings
        from llm_connector.calls.observer import CallStart  # an observed call: loaded now

        start = CallStart(
            operation,
            settings.row.name,
            settings.name,
            call.model,
            url.hostname,
            port,
            stream,
            request,
        )
        return observe(start)

    # -- attempts ------------------------------------------------------------------------

    def fetch(self, call: PreparedCall, parse: Callable[[bytes], _T]) -> Steps[_T]:
        """Send, read the whole answer and parse it, with retries. An error that a
        successful answer carries in its body (an HTTP 200 with an error object) is retried
        as the status it stands for would be."""
        attempts = call.attempts(self.clock.now())
        while True:
            answer = yield from self.send(call, attempts, stream=False)
            body = cast(bytes, answer.body)
            try:
                return decoded(call, parse, answer.response.headers, body)
            except APIStatusError as exc:
                error = exc
            delay = self.retry_wait(attempts, error)
            if delay is None:
                raise gave_up(error, attempts, self.clock.now())
            yield from self.retrying(call, attempts, error, delay, stream=False)
            yield Sleep(delay)

    def send(self, call: PreparedCall, attempts: Attempts, *, stream: bool) -> Steps[Answer]:
        """Send with retries from ``attempts``: the successful answer, read whole, or open
        when ``stream``. Each attempt runs the client's hooks; an error answer is read and
        becomes its typed error, which is retried or raised."""
        clock = self.clock
        redirects = 0
        while True:
            if attempts.retries and call.resign is not None:
                call = call.resigned(clock.wall())  # a retry is signed with its own time
            attempt = Attempt(self.settings.name, call, attempts, self.hooks.current, stream=stream)
            hooks = attempt.hooks
            if hooks.on_request:
                yield Notify(hooks.on_request, attempt.info)
            attempts.sent_at = now = clock.now()
            limits = phase_limits(call.timeout, attempts.remaining(now))
            sent = yield Send(call.spec, limits, head_deadlines(call, attempts, now))
            failure: TransportFailure | None = None
            if isinstance(sent, TransportFailure):
                failure = sent
                error: LLMError = transport_error(sent, call, limits)
            else:
                response = cast("Response", sent)
                info, timer = attempt.answered(response, clock.now())
                if timer is not None:
                    yield TimeBody(response, timer)
                if info is not None:
                    yield Notify(hooks.on_response, info, response)
                success = 200 <= response.status_code < 300
                if stream and success:
                    return Answer(response, None)
                body = yield from read_whole(call, response, attempts)
                if isinstance(body, TransportFailure):
                    failure = body
                    error = body_error(body, call, limits)
                elif isinstance(body, LLMError):
                    # Too large, or undecodable: no retry sends a different body.
                    if success:
                        raise unreadable(body, call, response)
                    error = status_error(call, response, b"", clock.wall())
                    note_unread_body(error, body)
                elif success:
                    return Answer(response, body)
                else:
                    error = status_error(call, response, body, clock.wall())
                    if is_redirect(response.status_code, response.headers):
                        followed = follow(call, response, error, redirects)
                        if not isinstance(followed, LLMError):
                            call, redirects = followed, redirects + 1
                            continue  # a redirect is not an attempt: no retry is spent
                        error = followed
            # A pooled connection the server had closed: see RetryPolicy.after_connection_error.
            stale = failure is not None and failure.stale and type(error) is APIConnectionError
            delay = self.retry_wait(attempts, error, stale=stale)
            if delay is None:
                raise gave_up(error, attempts, self.clock.now())
            yield from self.retrying(call, attempts, error, delay, stream=stream)
            yield Sleep(delay)

    def retry_wait(
        self, attempts: Attempts, error: LLMError, *, stale: bool = False
    ) -> float | None:
        """Seconds to wait before the next attempt after ``error`` (None: raise it)."""
        return attempts.next_delay(error, self.clock.jitter(), self.clock.now(), stale=stale)

    def retrying(
        self, call: PreparedCall, attempts: Attempts, error: LLMError, delay: float, *, stream: bool
    ) -> Steps[None]:
        """Log that the failed attempt is retried after ``delay`` seconds and tell the
        ``on_retry`` hooks (a stream that failed before its first content comes here too)."""
        info = retry_info(self.settings.name, call, attempts, error, delay, stream=stream)
        if call.observer is not None:
            call.observer.retrying(info)
        on_retry = self.hooks.current.on_retry
        if on_retry:
            yield Notify(on_retry, info)


def observed(steps: Steps[_T], observer: CallObserver) -> Steps[_T]:
    """``steps``, telling ``observer`` when they begin and how they end: with the answer,
    an error, or abandoned unfinished (closed: the shell's task was cancelled, or it was
    interrupted), exactly once."""
    observer.began()
    try:
        answer = yield from steps
    except BaseException as exc:  # GeneratorExit included: abandoned
        observer.failed(exc)
        raise
    observer.ended(answer)
    return answer


#: How long after a deadline the watchdog cuts a response head still arriving. A head
#: that does not come at all is ended by the transport's read timeout at the deadline,
#: which names its phase; the watchdog ends one that a drip of bytes keeps alive past it
#: (each byte restarts the transport's timeout), this much later.
HEAD_GRACE = 0.05


def read_whole(
    call: PreparedCall, response: Response, attempts: Attempts
) -> Steps[bytes | TransportFailure | LLMError]:
    """Read a response's body whole within the call's deadline and size limit, its
    Content-Encoding undone: the bytes, the transport's failure, or why it cannot be held
    (a ``ResponseTooLargeError``, an undecodable or unknown encoding)."""
    # Loaded with the first answer: a client is made without the framing package.
    from llm_connector.codecs.framing.content import BodyCollector

    try:
        collector = BodyCollector(
            response.headers.get("content-encoding"), call.size_limits.max_body_bytes
        )
    except LLMError as exc:
        yield Close(response)
        return exc
    deadlines = Deadlines(WHOLE_RESPONSE, first=None, idle=None, total=attempts.deadline)
    body = yield ReadBody(response, deadlines, collector)
    return cast("bytes | TransportFailure | LLMError", body)


def head_deadlines(call: PreparedCall, attempts: Attempts, sent_at: float) -> Deadlines:
    """The limits on the wait for a response head: ``first_event`` from the sending, and
    the call's deadline, each ``HEAD_GRACE`` later (see there)."""
    first_event, deadline = call.timeout.first_event, attempts.deadline
    return Deadlines(
        WHOLE_RESPONSE,
        first=None if first_event is None else sent_at + first_event + HEAD_GRACE,
        idle=None,
        total=None if deadline is None else deadline + HEAD_GRACE,
    )


#: A provider that pages its model list forever is broken; stop after this many pages.
MAX_MODEL_PAGES = 100


class ModelPager:
    """The state of a paged model listing: ``while (call := pager.next_call()) is not None:
    pager.add(<the page that call answers>)``."""

    def __init__(self, prepare: Callable[[str | None], PreparedCall]) -> None:
        self._prepare = prepare
        self._pages = 0
        self._token: str | None = None
        self._done = False
        self.models: list[Model] = []

    def next_call(self) -> PreparedCall | None:
        if self._done:
            return None
        if self._pages >= MAX_MODEL_PAGES:
            raise ResponseDecodeError(
                f"the model list had still more pages after {MAX_MODEL_PAGES}; giving up"
            )
        return self._prepare(self._token)

    def add(self, page: ModelPage) -> None:
        self._pages += 1
        self.models.extend(page.models)
        if page.next_page_token is None or page.next_page_token == self._token:
            self._done = True  # the last page (or a server repeating itself)
        self._token = page.next_page_token
