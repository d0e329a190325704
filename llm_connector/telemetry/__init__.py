"""OpenTelemetry spans and metrics for llm_connector's calls (the ``otel`` extra).

    pip install "llm-connector[otel]"

    import llm_connector

    llm_connector.instrument()          # every client, with the global providers
    llm_connector.instrument(client)    # or one client

Each chat, Responses API and embeddings call then makes one span and the metrics of the
OpenTelemetry GenAI semantic conventions (v1.41.0; docs/observability.md lists them).
Nothing of this package, and nothing of opentelemetry, loads before ``instrument`` is
called; an uninstrumented call costs one ``is None`` test and nothing per chunk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llm_connector.calls.observing import OBSERVING
from llm_connector.errors import RequestValidationError

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import TracerProvider

    from llm_connector.shells.base import ShellBase
    from llm_connector.telemetry.otel import Telemetry

__all__ = ["CAPTURE_CONTENT_VARIABLE", "instrument", "uninstrument"]

#: The conventions' switch for recording message content, read when ``capture_content``
#: is not given: "true" (or SPAN_ONLY, SPAN_AND_EVENT) records it.
CAPTURE_CONTENT_VARIABLE = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
_CAPTURE_ON = frozenset({"true", "1", "yes", "span_only", "span_and_event"})


def instrument(
    client: ShellBase[Any, Any] | None = None,
    *,
    tracer_provider: TracerProvider | None = None,
    meter_provider: MeterProvider | None = None,
    capture_content: bool | None = None,
) -> Telemetry:
    """Trace and measure calls with OpenTelemetry: those of ``client`` (a ``Client`` or an
    ``AsyncClient``), or of every client without its own instrumentation when ``client``
    is None. Calling it again replaces the earlier instrumentation.

    ``tracer_provider`` and ``meter_provider`` default to OpenTelemetry's global ones.
    ``capture_content``: record the messages sent and received on the spans
    (``gen_ai.input.messages``, ``gen_ai.output.messages``, ``gen_ai.system_instructions``);
    None follows ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` (off unless
    "true"). Keys, credential headers and signatures are never recorded.

    Raises ``ImportError`` when opentelemetry-api is not installed (the ``otel`` extra).
    """
    from llm_connector.shells.base import ShellBase

    if client is not None and not isinstance(client, ShellBase):
        raise RequestValidationError(
            "client", f"expected a Client or an AsyncClient, got {type(client).__name__}"
        )
    try:
        from llm_connector.telemetry.otel import Telemetry
    except ImportError as exc:  # pragma: no cover - the extra is installed in the tests
        raise ImportError(
            'llm_connector.instrument needs opentelemetry-api: pip install "llm-connector[otel]"'
        ) from exc
    if capture_content is None:
        capture_content = _capture_from_environment()
    telemetry = Telemetry(
        tracer_provider=tracer_provider,
        meter_provider=meter_provider,
        capture_content=capture_content,
    )
    if client is None:
        OBSERVING.current = telemetry
    else:
        client._driver.observe = telemetry
    return telemetry


def uninstrument(client: ShellBase[Any, Any] | None = None) -> None:
    """Stop instrumenting ``client`` (it then follows the global instrumentation, if
    any), or, when None, every client without its own."""
    if client is None:
        OBSERVING.current = None
    else:
        client._driver.observe = None


def _capture_from_environment() -> bool:
    from llm_connector.providers.environment import env_value

    value = env_value((CAPTURE_CONTENT_VARIABLE,))
    return value is not None and value.strip().lower() in _CAPTURE_ON
