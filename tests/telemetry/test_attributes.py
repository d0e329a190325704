"""The mapping of a call's values to the conventions' attributes (pure, no SDK)."""

from __future__ import annotations

import json

import pytest

from llm_connector.calls.observer import CallStart
from llm_connector.responses import ResponsesRequest
from llm_connector.telemetry import attributes as a
from llm_connector.types import ChatRequest, EmbedRequest, Message, ToolCall


def start(provider: str, request: object = None, *, client: str | None = None) -> CallStart:
    return CallStart(
        "chat", provider, client or provider, "m", "api.example.com", 8443, False, request
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("openai", "openai"),
        ("azure_openai", "azure.ai.openai"),
        ("anthropic", "anthropic"),
        ("anthropic_vertex", "gcp.vertex_ai"),
        ("google", "gcp.gemini"),
        ("bedrock", "aws.bedrock"),
        ("deepseek", "deepseek"),
        ("groq", "groq"),
        ("mistral", "mistral_ai"),
        ("xai", "x_ai"),
        ("moonshot", "moonshot"),  # no well-known value: the row's name
    ],
)
def test_provider_names(row: str, expected: str) -> None:
    assert a.provider_name(start(row)) == expected


def test_an_openai_compatible_service_is_named_by_the_client() -> None:
    assert a.provider_name(start("openai_compatible", client="together")) == "together"


def test_request_attributes_leave_out_what_was_not_asked() -> None:
    assert a.request_attributes(start("openai", ChatRequest("m"))) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "m",
        "server.address": "api.example.com",
        "server.port": 8443,
    }


def test_embeddings_request_attributes() -> None:
    found = a.request_attributes(start("openai", EmbedRequest("m", "x", encoding_format="float")))
    assert found["gen_ai.request.encoding_formats"] == ("float",)
    assert "gen_ai.embeddings.dimension.count" not in found


def test_chat_content_in_the_conventions_shape() -> None:
    call = ToolCall.create("call_1", "get_weather", {"city": "Paris"})
    request = (
        ChatRequest("m")
        .add_message(Message.developer("Be brief."))
        .add_message(Message.user("Weather?"))
        .add_message(Message.assistant(tool_calls=[call]))
        .add_message(Message.tool("sunny", "call_1"))
    )
    found = a.input_messages(request)
    assert json.loads(str(found["gen_ai.system_instructions"])) == [
        {"type": "text", "content": "Be brief."}
    ]
    assert json.loads(str(found["gen_ai.input.messages"])) == [
        {"role": "user", "parts": [{"type": "text", "content": "Weather?"}]},
        {
            "role": "assistant",
            "parts": [
                {
                    "type": "tool_call",
                    "id": "call_1",
                    "name": "get_weather",
                    "arguments": '{"city": "Paris"}',
                }
            ],
        },
        {
            "role": "tool",
            "parts": [{"type": "tool_call_response", "id": "call_1", "response": "sunny"}],
        },
    ]


def test_responses_content() -> None:
    request = ResponsesRequest("m", input="Weather?", instructions="Be brief.")
    found = a.input_messages(request)
    assert json.loads(str(found["gen_ai.input.messages"])) == [
        {"role": "user", "parts": [{"type": "text", "content": "Weather?"}]}
    ]
    assert json.loads(str(found["gen_ai.system_instructions"])) == [
        {"type": "text", "content": "Be brief."}
    ]


def test_nothing_known_of_an_unknown_answer() -> None:
    assert a.answer_attributes(object()) == {}
    assert a.output_messages(object()) == {}
    assert a.input_messages(object()) == {}
