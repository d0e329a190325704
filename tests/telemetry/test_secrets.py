"""No key, credential or signature reaches telemetry: not in a span's attributes (message
content captured), its events, its status, nor the metrics' attributes; for every
protocol, with an answer that succeeds and one whose error message echoes the key."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest

from llm_connector import Client, MockReply
from llm_connector.types import ChatRequest, Message, ToolCall
from tests.support.otel_capture import Capture, one_per_protocol

KEY = "sk-telemetry-SECRET-5f2a9c"
SIGNATURE = "sig-THOUGHT-7d1e"
# The history carries a tool call with a thought signature (Gemini's): content, but the
# signature is the provider's opaque token and stays out.
CALL = ToolCall.create("call_1", "get_weather", {"city": "Paris"})


def values(capture: Capture) -> Iterator[str]:
    """Every string telemetry recorded, as text."""
    for span in capture.spans():
        yield span.name
        yield str(span.status.description)
        yield repr(dict(span.attributes or {}))
        for event in span.events:
            yield repr(dict(event.attributes or {}))
    for metric in (
        "gen_ai.client.operation.duration",
        "gen_ai.client.token.usage",
        "gen_ai.client.operation.time_to_first_chunk",
    ):
        for point in capture.points(metric):
            yield repr(point.attributes)


SIGNING = ("bedrock", "tencent")


@pytest.mark.parametrize("provider", [p for p in one_per_protocol() if p not in SIGNING])
def test_no_key_in_any_attribute(capture: Capture, provider: str) -> None:
    client = Client.mock(
        ["Fine.", MockReply.error(400, f"bad key {KEY}")],
        provider=provider,  # type: ignore[arg-type]
    )
    capture.instrument(client, capture_content=True)
    history = Message.assistant(tool_calls=[_signed(CALL)])
    request = (
        ChatRequest("mock-model", api_key=KEY)
        .add_message(Message.user("Weather?"))
        .add_message(history)
        .add_message(Message.tool("sunny", "call_1"))
    )
    client.chat(request)
    with pytest.raises(Exception, match="bad key"):
        list(client.chat_stream(request))
    assert len(capture.spans()) == 2
    recorded = "\n".join(values(capture))
    assert "sunny" in recorded  # content was captured...
    assert KEY not in recorded  # ...and no key with it
    assert SIGNATURE not in recorded


@pytest.mark.parametrize("provider", SIGNING)
def test_no_signing_credentials_in_any_attribute(capture: Capture, provider: str) -> None:
    # These mocks check the request's signature (SigV4, TC3) with their own credentials.
    client = Client.mock("Fine.", provider=provider)  # type: ignore[arg-type]
    capture.instrument(client, capture_content=True)
    client.chat(ChatRequest("mock-model").add_message(Message.user("Weather?")))
    key = client._driver.settings.api_key
    assert key
    recorded = "\n".join(values(capture))
    for part in key.split(":"):
        assert part not in recorded


def _signed(call: ToolCall) -> ToolCall:
    return attrs.evolve(call, thought_signature=SIGNATURE)
