"""Trace LLM calls with OpenTelemetry: a span per call and the GenAI metrics.

    pip install "llm-connector[otel]" opentelemetry-sdk
    python examples/tracing.py             # a summary of what was recorded
    python examples/tracing.py --console   # every span and metric, by the SDK's console
                                           # exporters (with their times and ids)

With ``ANTHROPIC_API_KEY`` set it asks Anthropic; without, the offline mock answers in
Anthropic's wire format, overloaded once first, so the span shows a retry. In an
application, give ``instrument()`` nothing: it uses the global providers your
OpenTelemetry setup installed (an OTLP exporter to a collector, say).
"""

from __future__ import annotations

import os
import sys

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    HistogramDataPoint,
    InMemoryMetricReader,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import llm_connector
from llm_connector import Client, MockReply
from llm_connector.types import ChatRequest, Message

MODEL = "claude-haiku-4-5"


def make_client() -> Client:
    if os.environ.get("ANTHROPIC_API_KEY"):
        return Client.anthropic()
    print("(no ANTHROPIC_API_KEY: the offline mock answers)\n", file=sys.stderr)
    replies: list[str | MockReply] = [
        MockReply.error(529, "Overloaded", retry_after=0),
        "Paris.",
        "Deep blue, then gold at sunset.",
    ]
    return Client.mock(replies, provider="anthropic", model=MODEL, max_retries=2)


def main(console: bool) -> None:
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    reader: MetricReader = InMemoryMetricReader()
    if console:
        tracer_provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
        reader = PeriodicExportingMetricReader(ConsoleMetricExporter())
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    meter_provider = MeterProvider(metric_readers=[reader])
    # Every client from here on; instrument(client) would do one. Content is recorded
    # only when asked (or OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true).
    llm_connector.instrument(
        tracer_provider=tracer_provider, meter_provider=meter_provider, capture_content=False
    )

    with make_client() as client:
        question = ChatRequest(MODEL, max_tokens=100, temperature=0.2)
        question = question.add_message(Message.user("Capital of France, in one word?"))
        print(client.chat(question).content)
        question = ChatRequest(MODEL, max_tokens=100).add_message(
            Message.user("The colours of the sea, in a few words?")
        )
        with client.chat_stream(question) as stream:
            print("".join(chunk.get_content() or "" for chunk in stream))

    if console:
        meter_provider.shutdown()  # the console exporter prints the metrics now
        return
    for span in spans.get_finished_spans():
        attributes = dict(span.attributes or {})
        print(f"span {span.name!r} ({span.kind.name})")
        for key in sorted(attributes):
            if key != "gen_ai.response.time_to_first_chunk":  # a time: not the same twice
                print(f"  {key} = {attributes[key]!r}")
        if "gen_ai.response.time_to_first_chunk" in attributes:
            print("  gen_ai.response.time_to_first_chunk = (seconds)")
        for event in span.events:
            print(f"  event {event.name}")
            for key, value in sorted(dict(event.attributes or {}).items()):
                print(f"    {key} = {value!r}")
    assert isinstance(reader, InMemoryMetricReader)
    data = reader.get_metrics_data()
    for resource in data.resource_metrics if data else ():
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                for point in metric.data.data_points:
                    assert isinstance(point, HistogramDataPoint)
                    labels = dict(point.attributes or {})
                    kind = labels.get("gen_ai.token.type")
                    shown = f" {kind}" if kind else ""
                    value = f"sum {point.sum:g}" if kind else f"{point.count} recorded"
                    print(f"metric {metric.name} ({metric.unit}){shown}: {value}")


if __name__ == "__main__":
    main("--console" in sys.argv[1:])
