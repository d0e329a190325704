"""Shared values of the request-mapping tests: an endpoint, a codec, tools, helpers."""

from __future__ import annotations

import base64
import json
from typing import Any

from llm_connector.codecs.anthropic.codec import AnthropicCodec
from llm_connector.codecs.contract import Endpoint, RequestSpec
from llm_connector.types import ChatRequest, Tool
from tests.support.anthropic_oracle import DATA

ENDPOINT = Endpoint("https://api.anthropic.com", "sk-ant-key", "x-api-key")
CODEC = AnthropicCodec()
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 8).decode()
PDF = base64.b64encode(b"%PDF-1.4 tiny").decode()


def spec(
    request: ChatRequest, *, stream: bool = False, codec: AnthropicCodec = CODEC
) -> RequestSpec:
    return codec.build_chat(request, ENDPOINT, stream=stream)


def body(request: ChatRequest, **options: Any) -> dict[str, Any]:
    built = spec(request, **options).body
    assert built is not None
    result: dict[str, Any] = json.loads(built)
    return result


def recorded(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((DATA / f"{name}.request.json").read_text())
    return result


def as_blocks(value: dict[str, Any]) -> dict[str, Any]:
    """A body with every string message content written as one text block (both forms are
    the same request to Anthropic; the SDKs that recorded these bodies differ in which)."""
    messages = [
        {**m, "content": [{"type": "text", "text": m["content"]}]}
        if isinstance(m["content"], str)
        else {**m, "content": [dict(sorted(b.items())) for b in m["content"]]}
        for m in value["messages"]
    ]
    return {**value, "messages": messages}


WEATHER = Tool.function(
    "get_weather",
    "Get the current weather in a given location",
    {
        "type": "object",
        "properties": {
            "location": {
                "type": "string",
                "description": "The city and state, e.g. San Francisco, CA",
            },
            "unit": {
                "type": "string",
                "enum": ["celsius", "fahrenheit"],
                "description": "The unit of temperature, either 'celsius' or 'fahrenheit'",
            },
        },
        "required": ["location"],
    },
)
TIME = Tool.function(
    "get_time",
    "Get the current time in a given time zone",
    {
        "type": "object",
        "properties": {
            "timezone": {
                "type": "string",
                "description": "The IANA time zone name, e.g. America/Los_Angeles",
            }
        },
        "required": ["timezone"],
    },
)


VERTEX = Endpoint(
    "https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/anthropic/models",
    "ya29.token",
    "bearer",
)
