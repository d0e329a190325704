"""Request mapping: each rule from a neutral ChatRequest to an Anthropic Messages body,
pinned to the part of the API reference it follows
(https://platform.claude.com/docs/en/api/messages).
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from llm_connector.types import (
    ChatRequest,
    DocumentPart,
    ImagePart,
    Message,
    ReasoningBlock,
    ResponseFormat,
    TextPart,
    Tool,
    ToolCall,
    ToolChoice,
)
from tests.support.anthropic_requests import PDF, PNG, TIME, WEATHER, body, spec
from tests.support.schemas import validated_request_bodies  # noqa: F401  (autouse)

# -- messages --------------------------------------------------------------------------------


def test_system_messages_become_the_system_field_and_same_roles_merge() -> None:
    request = ChatRequest(
        "claude-x",
        [
            Message.system("Be brief."),
            Message.user("Hi"),
            Message.user([TextPart("there"), TextPart("")]),
            Message.developer("Answer in French."),
            Message.assistant("Bonjour"),
            Message.assistant(""),  # nothing to send back
            Message.assistant("!"),
            Message.user("Ça va ?"),
        ],
    )
    sent = body(request)
    assert sent["system"] == [
        {"type": "text", "text": "Be brief."},
        {"type": "text", "text": "Answer in French."},
    ]
    assert sent["messages"] == [
        {
            "role": "user",
            "content": [{"type": "text", "text": "Hi"}, {"type": "text", "text": "there"}],
        },
        {
            "role": "assistant",
            "content": [{"type": "text", "text": "Bonjour"}, {"type": "text", "text": "!"}],
        },
        {"role": "user", "content": "Ça va ?"},
    ]
    assert body(ChatRequest("c", [Message.system("One."), Message.user("Hi")]))["system"] == "One."


def test_tool_results_are_tool_result_blocks_first_in_the_user_turn() -> None:
    calls = [
        ToolCall.create("toolu_1", "get_weather", {"location": "Paris"}),
        ToolCall.create("toolu_2", "get_time", ""),
    ]
    request = ChatRequest(
        "claude-x",
        [
            Message.user("Weather and time in Paris?"),
            Message.assistant("Let me look.", tool_calls=calls),
            Message.tool('{"temp": 21}', "toolu_1"),
            Message(
                "tool",
                [TextPart("12:00"), ImagePart.from_base64(PNG, "image/png")],
                tool_call_id="toolu_2",
            ),
            Message.user("Thanks"),
            Message.tool("", "toolu_3"),
        ],
        tools=[WEATHER, TIME],
    )
    assert body(request)["messages"][1:] == [
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Let me look."},
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "get_weather",
                    "input": {"location": "Paris"},
                },
                {"type": "tool_use", "id": "toolu_2", "name": "get_time", "input": {}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": '{"temp": 21}'},
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_2",
                    "content": [
                        {"type": "text", "text": "12:00"},
                        {
                            "type": "image",
                            "source": {"type": "base64", "media_type": "image/png", "data": PNG},
                        },
                    ],
                },
                {"type": "tool_result", "tool_use_id": "toolu_3"},
                {"type": "text", "text": "Thanks"},
            ],
        },
    ]


def test_signed_reasoning_goes_back_first_and_verbatim() -> None:
    # https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
    assistant = Message.assistant(
        "I'll check.",
        tool_calls=[ToolCall.create("toolu_1", "get_weather", '{"location": "Paris"}')],
        reasoning_content="Think A.Think B.",
        reasoning_blocks=[
            ReasoningBlock("Think A.", "sig-A"),
            ReasoningBlock(redacted="REDACTED=="),
            ReasoningBlock("Think B.", ""),
            ReasoningBlock("unsigned tail"),
        ],
    )
    request = ChatRequest("claude-x", [Message.user("Weather?"), assistant], tools=[WEATHER])
    assert body(request)["messages"][1]["content"] == [
        {"type": "thinking", "thinking": "Think A.", "signature": "sig-A"},
        {"type": "redacted_thinking", "data": "REDACTED=="},
        {"type": "thinking", "thinking": "Think B.", "signature": ""},
        {"type": "text", "text": "I'll check."},
        {
            "type": "tool_use",
            "id": "toolu_1",
            "name": "get_weather",
            "input": {"location": "Paris"},
        },
    ]
    # Reasoning another provider returned (no blocks, no signature) is not sent.
    other = Message.assistant("4", reasoning_content="2+2 is 4")
    assert body(ChatRequest("c", [Message.user("2+2?"), other]))["messages"][1] == {
        "role": "assistant",
        "content": "4",
    }


def test_images_and_documents() -> None:
    # https://platform.claude.com/docs/en/build-with-claude/vision and .../pdf-support
    request = ChatRequest(
        "claude-x",
        [
            Message.user(
                [
                    TextPart("Compare:"),
                    ImagePart.from_base64(PNG, "image/png"),
                    ImagePart.from_url("https://example.com/cat.jpg"),
                    DocumentPart.from_base64(PDF, filename="report.pdf"),
                    DocumentPart.from_url("https://example.com/paper.pdf"),
                    DocumentPart.from_base64(
                        base64.b64encode("héllo".encode()).decode(), "text/plain"
                    ),
                ]
            )
        ],
    )
    assert body(request)["messages"][0]["content"] == [
        {"type": "text", "text": "Compare:"},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
        {
            "type": "document",
            "source": {"type": "base64", "media_type": "application/pdf", "data": PDF},
            "title": "report.pdf",
        },
        {"type": "document", "source": {"type": "url", "url": "https://example.com/paper.pdf"}},
        {
            "type": "document",
            "source": {"type": "text", "media_type": "text/plain", "data": "héllo"},
        },
    ]
    assert "anthropic-beta" not in spec(request).headers


def test_tools_tool_choice_and_parallel_calls() -> None:
    strict = Tool.function("f", None, {"type": "object"}, strict=True)
    base = ChatRequest("claude-x", [Message.user("Hi")], tools=[strict])
    assert body(base)["tools"] == [
        {"name": "f", "input_schema": {"type": "object"}, "strict": True}
    ]
    assert "tool_choice" not in body(base)
    cases = [
        (ToolChoice.auto(), None, {"type": "auto"}),
        (ToolChoice.required(), None, {"type": "any"}),
        (ToolChoice.function("f"), None, {"type": "tool", "name": "f"}),
        (ToolChoice.none(), None, {"type": "none"}),
        (None, False, {"type": "auto", "disable_parallel_tool_use": True}),
        (ToolChoice.required(), False, {"type": "any", "disable_parallel_tool_use": True}),
        (ToolChoice.none(), False, {"type": "none"}),
        (ToolChoice.auto(), True, {"type": "auto"}),
    ]
    for choice, parallel, want in cases:
        request = ChatRequest(
            "claude-x",
            [Message.user("Hi")],
            tools=[strict],
            tool_choice=choice,
            parallel_tool_calls=parallel,
        )
        assert body(request)["tool_choice"] == want, (choice, parallel)


def test_sampling_stop_user_and_dropped_fields() -> None:
    request = ChatRequest(
        "claude-x",
        [Message.user("Hi")],
        temperature=0.5,
        top_p=0.9,
        top_k=40,
        max_tokens=100,
        stop=["END", "STOP"],
        user="user-123",
        seed=7,
        presence_penalty=0.5,
        frequency_penalty=0.5,
    )
    assert body(request) == {
        "model": "claude-x",
        "max_tokens": 100,
        "messages": [{"role": "user", "content": "Hi"}],
        "temperature": 0.5,
        "top_p": 0.9,
        "top_k": 40,
        "stop_sequences": ["END", "STOP"],
        "metadata": {"user_id": "user-123"},
    }


def test_json_schema_response_format_is_structured_output() -> None:
    # https://platform.claude.com/docs/en/build-with-claude/structured-outputs
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    request = ChatRequest(
        "claude-x", [Message.user("Hi")], response_format=ResponseFormat.json_schema("x", schema)
    )
    assert body(request)["output_config"] == {"format": {"type": "json_schema", "schema": schema}}
    assert "output_config" not in body(request.with_response_format(ResponseFormat.text()))


@pytest.mark.parametrize(
    ("effort", "budget", "thinking"),
    [
        (None, None, None),
        ("none", None, {"type": "disabled"}),
        ("minimal", None, {"type": "enabled", "budget_tokens": 1024}),
        ("low", None, {"type": "enabled", "budget_tokens": 1024}),
        ("medium", None, {"type": "enabled", "budget_tokens": 8192}),
        ("high", None, {"type": "enabled", "budget_tokens": 16384}),
        ("xhigh", None, {"type": "enabled", "budget_tokens": 32768}),
        (None, 0, {"type": "disabled"}),
        (None, 2000, {"type": "enabled", "budget_tokens": 2000}),
        ("high", 3000, {"type": "enabled", "budget_tokens": 3000}),  # the budget wins
    ],
)
def test_thinking_from_budget_or_effort_and_the_default_max_tokens(
    effort: Any, budget: int | None, thinking: dict[str, Any] | None
) -> None:
    request = ChatRequest(
        "claude-x", [Message.user("Hi")], reasoning_effort=effort, thinking_budget=budget
    )
    sent = body(request)
    assert sent.get("thinking") == thinking
    spent = thinking.get("budget_tokens", 0) if thinking else 0
    # The default leaves 4096 tokens for the answer after the thinking budget.
    assert sent["max_tokens"] == 4096 + spent
    assert body(request.with_max_tokens(50_000))["max_tokens"] == 50_000
