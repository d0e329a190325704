"""OpenAI chat request encoding: every ChatRequest field onto its documented wire field.

Wire reference: https://platform.openai.com/docs/api-reference/chat/create
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest

from llm_connector.codecs.contract import Endpoint
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.codecs.openai_chat.dialect import (
    COMPATIBLE_DIALECT,
    OPENAI_DIALECT,
    OpenAIDialect,
)
from llm_connector.types import ChatRequest, Message, ResponseFormat, Tool, ToolChoice
from tests.support.schemas import validated_request_bodies  # noqa: F401  (autouse)

ENDPOINT = Endpoint(base_url="https://api.openai.com/v1", api_key="sk-test")
HI = Message.user("Hi")
HI_WIRE = {"role": "user", "content": "Hi"}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
    "additionalProperties": False,
}


def body(
    request: ChatRequest, dialect: OpenAIDialect = OPENAI_DIALECT, *, stream: bool = False
) -> dict[str, Any]:
    spec = OpenAIChatCodec(dialect).build_chat(request, ENDPOINT, stream=stream)
    assert spec.body is not None
    value = json.loads(spec.body)
    assert isinstance(value, dict)
    return value


def minimal(**fields: Any) -> dict[str, Any]:
    """The wire body of a one-message request to model "m", plus ``fields``."""
    return {"model": "m", "messages": [HI_WIRE], **fields}


def test_minimal_request() -> None:
    assert body(ChatRequest("m", [HI])) == minimal()


@pytest.mark.parametrize(
    ("dialect", "max_field"),
    [(OPENAI_DIALECT, "max_completion_tokens"), (COMPATIBLE_DIALECT, "max_tokens")],
)
def test_scalar_sampling_fields(dialect: OpenAIDialect, max_field: str) -> None:
    request = ChatRequest(
        "m",
        [HI],
        temperature=0.7,
        top_p=0.9,
        max_tokens=128,
        stop="END",
        seed=42,
        presence_penalty=0.5,
        frequency_penalty=-0.25,
        user="user-123",
    )
    assert body(request, dialect) == minimal(
        temperature=0.7,
        top_p=0.9,
        **{max_field: 128},
        stop=["END"],  # always a list on the wire
        seed=42,
        presence_penalty=0.5,
        frequency_penalty=-0.25,
        user="user-123",
    )


def test_zero_values_are_sent_not_dropped() -> None:
    request = ChatRequest("m", [HI], temperature=0.0, top_p=0.0, seed=0, presence_penalty=0.0)
    assert body(request) == minimal(temperature=0.0, top_p=0.0, seed=0, presence_penalty=0.0)


def test_stop_sequences_keep_their_order() -> None:
    assert body(ChatRequest("m", [HI]).with_stop(["b", "a"])) == minimal(stop=["b", "a"])


def test_tools_with_description_parameters_and_strict() -> None:
    request = ChatRequest(
        "m",
        [HI],
        tools=[
            Tool.function("get_weather", "Weather for a city", SCHEMA, strict=True),
            Tool.function("ping"),
        ],
        parallel_tool_calls=False,
    )
    assert body(request) == minimal(
        tools=[
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Weather for a city",
                    "parameters": SCHEMA,
                    "strict": True,
                },
            },
            {
                "type": "function",
                # No description key at all, and an empty parameter list as a schema.
                "function": {"name": "ping", "parameters": {"type": "object", "properties": {}}},
            },
        ],
        parallel_tool_calls=False,
    )


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        (ToolChoice.auto(), "auto"),
        (ToolChoice.none(), "none"),
        (ToolChoice.required(), "required"),
        (
            ToolChoice.function("get_weather"),
            {"type": "function", "function": {"name": "get_weather"}},
        ),
    ],
)
def test_tool_choice_forms(choice: ToolChoice, wire: str | dict[str, Any]) -> None:
    tool = Tool.function("get_weather", "w", SCHEMA)
    request = ChatRequest("m", [HI], tools=[tool], tool_choice=choice)
    assert body(request)["tool_choice"] == wire


@pytest.mark.parametrize(
    ("fmt", "wire"),
    [
        (ResponseFormat.text(), {"type": "text"}),
        (ResponseFormat.json_object(), {"type": "json_object"}),
        (
            ResponseFormat.json_schema("weather", SCHEMA, description="A forecast"),
            {
                "type": "json_schema",
                "json_schema": {
                    "name": "weather",
                    "schema": SCHEMA,
                    "strict": True,
                    "description": "A forecast",
                },
            },
        ),
        (
            ResponseFormat.json_schema("weather", SCHEMA, strict=None),
            {"type": "json_schema", "json_schema": {"name": "weather", "schema": SCHEMA}},
        ),
        (
            ResponseFormat.json_schema("weather", SCHEMA, strict=False),
            {
                "type": "json_schema",
                "json_schema": {"name": "weather", "schema": SCHEMA, "strict": False},
            },
        ),
    ],
)
def test_response_format(fmt: ResponseFormat, wire: dict[str, Any]) -> None:
    assert body(ChatRequest("m", [HI], response_format=fmt)) == minimal(response_format=wire)


def test_openai_shaped_response_format_goes_out_as_given() -> None:
    wire = {
        "type": "json_schema",
        "json_schema": {"name": "weather", "description": "d", "schema": SCHEMA, "strict": True},
    }
    assert body(ChatRequest("m", [HI]).with_response_format(wire))["response_format"] == wire


@pytest.mark.parametrize("effort", ["none", "minimal", "low", "medium", "high", "xhigh"])
def test_reasoning_effort_is_sent_as_is(effort: Any) -> None:
    assert body(ChatRequest("m", [HI], reasoning_effort=effort)) == minimal(reasoning_effort=effort)


@pytest.mark.parametrize(
    ("budget", "effort"),
    [
        # Documented mapping: 0 is none, up to 1024 low, up to 8192 medium, more is high.
        (0, "none"),
        (1, "low"),
        (1024, "low"),
        (1025, "medium"),
        (8192, "medium"),
        (8193, "high"),
        (32000, "high"),
    ],
)
def test_thinking_budget_maps_onto_reasoning_effort(budget: int, effort: str) -> None:
    assert body(ChatRequest("m", [HI], thinking_budget=budget)) == minimal(reasoning_effort=effort)


def test_explicit_reasoning_effort_wins_over_a_budget() -> None:
    request = ChatRequest("m", [HI], reasoning_effort="minimal", thinking_budget=20000)
    assert body(request) == minimal(reasoning_effort="minimal")


def test_stream_asks_for_usage() -> None:
    assert body(ChatRequest("m", [HI]), stream=True) == minimal(
        stream=True, stream_options={"include_usage": True}
    )


def test_stream_without_usage_knob() -> None:
    dialect = attrs.evolve(COMPATIBLE_DIALECT, stream_usage=False)
    assert body(ChatRequest("m", [HI]), dialect, stream=True) == minimal(stream=True)


def test_the_stream_argument_decides_not_the_request_field() -> None:
    # The client passes stream= by method (chat vs chat_stream); the field is ignored.
    assert body(ChatRequest("m", [HI], stream=True), stream=False) == minimal()


def test_extra_body_is_merged_last_and_wins() -> None:
    request = ChatRequest("m", [HI], temperature=0.2, max_tokens=5).with_extra_body(
        {
            "temperature": 1.0,
            "stream_options": {"include_usage": False},
            "logprobs": True,
            "metadata": {"run": "42"},
        }
    )
    assert body(request, stream=True) == minimal(
        temperature=1.0,
        max_completion_tokens=5,
        stream=True,
        stream_options={"include_usage": False},
        logprobs=True,
        metadata={"run": "42"},
    )


def test_non_ascii_text_is_sent_as_utf8() -> None:
    request = ChatRequest("m", [Message.user("Grüße, 世界 🌍")])
    spec = OpenAIChatCodec().build_chat(request, ENDPOINT, stream=False)
    assert spec.body is not None
    assert "Grüße, 世界 🌍".encode() in spec.body
    assert json.loads(spec.body)["messages"] == [{"role": "user", "content": "Grüße, 世界 🌍"}]


def test_top_k_goes_only_to_servers_that_take_it() -> None:
    request = ChatRequest("m", [HI]).with_top_k(40)
    # vLLM, llama.cpp and most compatible servers sample with top_k...
    assert body(request, COMPATIBLE_DIALECT)["top_k"] == 40
    # ...but OpenAI has no such parameter and rejects unknown ones.
    assert "top_k" not in body(request, OPENAI_DIALECT)
