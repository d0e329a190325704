"""What the telemetry tests read: the OpenTelemetry SDK's in-memory span exporter and
metric reader behind one client's instrumentation, and the spans and data points they
hold as plain values."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import HistogramDataPoint, InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from llm_connector import AsyncClient, Client, instrument
from llm_connector.telemetry.otel import Telemetry

__all__ = ["PROTOCOL_PROVIDERS", "Capture", "Point", "attributes_of", "one_per_protocol"]

#: One mock provider per wire the mock speaks (and the Responses API: see ``responses``),
#: so that every protocol's codec makes a span.
PROTOCOL_PROVIDERS = {
    "openai": "openai",
    "anthropic": "anthropic",
    "gemini": "google",
    "ollama": "ollama",
    "dashscope": "aliyun",
    "hunyuan": "tencent",
    "bedrock": "bedrock",
}


def one_per_protocol() -> list[str]:
    return list(PROTOCOL_PROVIDERS.values())


@attrs.frozen
class Point:
    """A histogram data point: its attributes, count and sum."""

    attributes: Mapping[str, Any]
    count: int
    sum: float


class Capture:
    """An SDK tracer and meter provider with in-memory exporters; ``instrument(client)``
    points one client at them."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])

    def instrument(
        self, client: Client | AsyncClient | None = None, *, capture_content: bool = False
    ) -> Telemetry:
        return instrument(
            client,
            tracer_provider=self.tracer_provider,
            meter_provider=self.meter_provider,
            capture_content=capture_content,
        )

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def span(self) -> ReadableSpan:
        """The one span finished so far."""
        spans = self.spans()
        assert len(spans) == 1, [s.name for s in spans]
        return spans[0]

    def points(self, metric: str) -> list[Point]:
        return list(self._points(metric))

    def _points(self, metric: str) -> Iterator[Point]:
        data = self.reader.get_metrics_data()
        if data is None:
            return
        for resource in data.resource_metrics:
            for scope in resource.scope_metrics:
                for found in scope.metrics:
                    if found.name != metric:
                        continue
                    for point in found.data.data_points:
                        assert isinstance(point, HistogramDataPoint)
                        yield Point(dict(point.attributes or {}), point.count, point.sum)

    def shutdown(self) -> None:
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()


def attributes_of(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})
