"""OpenAI chat request encoding: every ChatRequest field onto its documented wire field.

Wire reference: https://platform.openai.com/docs/api-reference/chat/create
"""

from __future__ import annotations

import json
import logging
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
from llm_connector.errors import RequestValidationError
from llm_connector.providers.dialects import AZURE_OPENAI
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
    ("dialect", "max_field", "user_field"),
    [
        # OpenAI deprecated ``user`` for ``safety_identifier``; compatible servers keep ``user``.
        (OPENAI_DIALECT, "max_completion_tokens", "safety_identifier"),
        (COMPATIBLE_DIALECT, "max_tokens", "user"),
    ],
)
def test_scalar_sampling_fields(dialect: OpenAIDialect, max_field: str, user_field: str) -> None:
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
        **{user_field: "user-123"},
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


# -- end-user ids: user, safety_identifier, prompt_cache_key --------------------------------
# OpenAI marks ``user`` deprecated in favour of ``safety_identifier`` and ``prompt_cache_key``:
# https://platform.openai.com/docs/api-reference/chat/create#chat-create-user

IDS = ChatRequest("m", [HI]).with_safety_identifier("sid-1").with_prompt_cache_key("pck-1")


@pytest.mark.parametrize("dialect", [OPENAI_DIALECT, AZURE_OPENAI], ids=["openai", "azure"])
def test_openai_and_azure_take_safety_identifier_and_prompt_cache_key(
    dialect: OpenAIDialect,
) -> None:
    assert body(IDS, dialect) == minimal(safety_identifier="sid-1", prompt_cache_key="pck-1")


@pytest.mark.parametrize("dialect", [OPENAI_DIALECT, AZURE_OPENAI], ids=["openai", "azure"])
def test_openai_and_azure_send_user_as_safety_identifier(dialect: OpenAIDialect) -> None:
    request = ChatRequest("m", [HI]).with_user("u-1").with_prompt_cache_key("pck-1")
    assert body(request, dialect) == minimal(safety_identifier="u-1", prompt_cache_key="pck-1")


def test_an_explicit_safety_identifier_wins_over_user(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="llm_connector")
    assert body(IDS.with_user("u-1")) == minimal(
        safety_identifier="sid-1", prompt_cache_key="pck-1"
    )
    lines = [r.getMessage() for r in caplog.records if "not sending" in r.getMessage()]
    assert lines == ["openai: not sending ['user'] (safety_identifier replaces it)"]


def test_a_user_too_long_for_safety_identifier_is_refused_before_sending() -> None:
    request = ChatRequest("m", [HI]).with_user("u" * 65)
    with pytest.raises(RequestValidationError) as caught:
        body(request)
    assert caught.value.field == "user"
    assert "64" in str(caught.value) and "u" * 65 not in str(caught.value)
    assert body(ChatRequest("m", [HI]).with_user("u" * 64)) == minimal(safety_identifier="u" * 64)


def test_compatible_servers_keep_user_and_are_not_sent_the_newer_ids(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="llm_connector")
    assert body(IDS.with_user("u-1"), COMPATIBLE_DIALECT) == minimal(user="u-1")
    lines = [r.getMessage() for r in caplog.records if "not sending" in r.getMessage()]
    assert lines == [
        "openai_compatible: not sending ['safety_identifier', 'prompt_cache_key']"
        " (the provider does not document it)"
    ]
    # Names only: the ids are the caller's users'.
    assert all("sid-1" not in r.getMessage() for r in caplog.records)


def test_extra_body_still_sends_an_id_a_dialect_leaves_out() -> None:
    request = IDS.with_extra_body({"safety_identifier": "sid-2"})
    assert body(request, COMPATIBLE_DIALECT) == minimal(safety_identifier="sid-2")
