"""Spans and metrics of the OpenTelemetry GenAI conventions, through the opentelemetry API.

:class:`Telemetry` is an ``Observe`` (calls/observer.py): the call driver asks it for one
:class:`SpanObserver` per chat, Responses or embeddings call, and tells that observer
when the call begins, each retry, the first content of a stream, and how the call ended.
The observer turns that into one span of kind CLIENT named ``{operation} {model}``
(https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/) and the histograms
``gen_ai.client.operation.duration``, ``gen_ai.client.token.usage`` and, for streams,
``gen_ai.client.operation.time_to_first_chunk``
(https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-metrics/). What the values
are lives in ``attributes.py``.

The span is started with the context current when the call begins as its parent, and is
not made current itself: a call's steps run across the caller's iterations of a stream,
on whatever thread or task iterates, where a context token could not be detached
reliably.

Telemetry never fails a call: an exception inside an observer (an exporter bug) is logged
on ``llm_connector`` and the call goes on, as a hook's would.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from time import perf_counter
from typing import TYPE_CHECKING, Concatenate, ParamSpec

from opentelemetry import metrics, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from llm_connector._version import __version__
from llm_connector.errors import LLMError
from llm_connector.telemetry import attributes as a

if TYPE_CHECKING:
    from llm_connector.calls.hooks import RetryInfo
from llm_connector.calls.observer import CallStart

__all__ = ["SpanObserver", "Telemetry"]

logger = logging.getLogger("llm_connector")

# The convention's advised bucket boundaries: seconds for the durations, tokens for usage.
_DURATION_BUCKETS = (
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
)  # fmt: skip
_TOKEN_BUCKETS = (
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216,
    67108864,
)  # fmt: skip

#: The span event of a retried attempt (the conventions name none; ours, namespaced).
RETRY_EVENT = "llm_connector.retry"
#: Set on the span of a stream the caller closed (or dropped) before its end.
CLOSED_EARLY = "llm_connector.stream.closed_early"
#: error.type of a whole call abandoned unfinished (its task cancelled, interrupted).
CANCELLED = "cancelled"

_P = ParamSpec("_P")


def _quiet(
    method: Callable[Concatenate[SpanObserver, _P], None],
) -> Callable[Concatenate[SpanObserver, _P], None]:
    """An observer method that logs its own failure instead of raising into the call."""

    def quiet(self: SpanObserver, /, *args: _P.args, **kwargs: _P.kwargs) -> None:
        try:
            method(self, *args, **kwargs)
        except Exception:
            logger.exception("telemetry failed in %s; the call goes on", method.__name__)

    return quiet


class Telemetry:
    """The instrumentation of a client or of every client (``llm_connector.instrument``).
    ``capture_content``: record the messages sent and received (see docs/observability.md)."""

    def __init__(
        self,
        *,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
        capture_content: bool = False,
    ) -> None:
        self.capture_content = capture_content
        self.tracer = trace.get_tracer(
            "llm_connector", __version__, tracer_provider, schema_url=a.SCHEMA_URL
        )
        meter = metrics.get_meter(
            "llm_connector", __version__, meter_provider, schema_url=a.SCHEMA_URL
        )
        self.duration = meter.create_histogram(
            "gen_ai.client.operation.duration",
            unit="s",
            description="GenAI operation duration",
            explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
        )
        self.token_usage = meter.create_histogram(
            "gen_ai.client.token.usage",
            unit="{token}",
            description="Number of input and output tokens used",
            explicit_bucket_boundaries_advisory=_TOKEN_BUCKETS,
        )
        self.time_to_first_chunk = meter.create_histogram(
            "gen_ai.client.operation.time_to_first_chunk",
            unit="s",
            description="Time to receive the first chunk of a streamed response",
            explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
        )

    def __call__(self, start: CallStart) -> SpanObserver:
        return SpanObserver(self, start)

    def __repr__(self) -> str:
        return f"Telemetry(capture_content={self.capture_content})"


class SpanObserver:
    """One call's span and metrics (see the module docstring)."""

    __slots__ = ("_attributes", "_done", "_first_chunk", "_span", "_start", "_started", "_tel")

    def __init__(self, telemetry: Telemetry, start: CallStart) -> None:
        self._tel = telemetry
        self._start = start
        self._span: trace.Span | None = None
        self._attributes: a.Attributes = {}
        self._started = 0.0
        self._first_chunk: float | None = None
        self._done = False

    @_quiet
    def began(self) -> None:
        start = self._start
        self._attributes = attributes = a.request_attributes(start)
        content = a.input_messages(start.request) if self._tel.capture_content else {}
        name = f"{start.operation} {start.model}" if start.model else start.operation
        self._started = perf_counter()
        self._span = self._tel.tracer.start_span(
            name, kind=SpanKind.CLIENT, attributes={**attributes, **content}
        )

    @_quiet
    def retrying(self, info: RetryInfo) -> None:
        if self._span is None:
            return
        event: a.Attributes = {
            "llm_connector.retry.attempt": info.attempt,
            "llm_connector.retry.wait": info.wait,
            a.ERROR_TYPE: info.error_class.__name__,
        }
        if info.status_code is not None:
            event["http.response.status_code"] = info.status_code
        self._span.add_event(RETRY_EVENT, event)

    @_quiet
    def first_content(self) -> None:
        if self._first_chunk is None:
            self._first_chunk = perf_counter() - self._started

    @_quiet
    def ended(self, answer: object) -> None:
        self._finish(answer, None)

    @_quiet
    def closed(self, answer: object | None) -> None:
        if self._span is not None:
            self._span.set_attribute(CLOSED_EARLY, True)
        self._finish(answer, None)

    @_quiet
    def failed(self, error: BaseException) -> None:
        if isinstance(error, GeneratorExit):
            self._finish(None, CANCELLED, "the call was abandoned before it ended")
            return
        partial = error.partial if isinstance(error, LLMError) else None
        # An LLMError's message is scrubbed of the call's secrets (calls/redact.py).
        message = str(error) if isinstance(error, LLMError) else type(error).__name__
        self._finish(partial, type(error).__name__, message)

    def _finish(self, answer: object | None, error_type: str | None, message: str = "") -> None:
        span = self._span
        if self._done or span is None:
            return
        self._done = True
        duration = perf_counter() - self._started
        answered = a.answer_attributes(answer) if answer is not None else {}
        if self._tel.capture_content and answer is not None and error_type is None:
            span.set_attributes(a.output_messages(answer))
        if error_type is not None:
            answered[a.ERROR_TYPE] = error_type
            span.set_status(Status(StatusCode.ERROR, message))
        if self._first_chunk is not None:
            answered[a.TIME_TO_FIRST_CHUNK] = self._first_chunk
        span.set_attributes(answered)
        tel = self._tel
        measured = a.metric_attributes({**self._attributes, **answered})
        tel.duration.record(duration, measured)
        for kind, count in a.token_counts(answered):
            tel.token_usage.record(count, {**measured, a.TOKEN_TYPE: kind})
        if self._start.stream and self._first_chunk is not None:
            tel.time_to_first_chunk.record(self._first_chunk, measured)
        span.end()
