"""OpenAI chat request encoding: messages, multimodal parts and tool turns.

Wire reference: https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
PDF input: https://platform.openai.com/docs/guides/pdf-files
"""

from __future__ import annotations

import base64
import json
from typing import Any

import attrs
import pytest

from llm_connector.codecs.contract import Endpoint
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.codecs.openai_chat.dialect import COMPATIBLE_DIALECT, OpenAIDialect
from llm_connector.errors import RequestValidationError
from llm_connector.types import (
    ChatRequest,
    DocumentPart,
    ImagePart,
    Message,
    TextPart,
    ToolCall,
)
from tests.support.schemas import validated_request_bodies  # noqa: F401  (autouse)

ENDPOINT = Endpoint(base_url="https://api.openai.com/v1", api_key="sk-test")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
PNG_B64 = base64.b64encode(PNG).decode("ascii")
PDF_B64 = base64.b64encode(b"%PDF-1.4\n").decode("ascii")
CALL = ToolCall.create("call_1", "get_weather", '{"city":"Oslo"}')
CALL_WIRE = {
    "id": "call_1",
    "type": "function",
    "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'},
}


def messages(*turns: Message, dialect: OpenAIDialect = COMPATIBLE_DIALECT) -> list[Any]:
    spec = OpenAIChatCodec(dialect).build_chat(ChatRequest("m", turns), ENDPOINT, stream=False)
    assert spec.body is not None
    wire = json.loads(spec.body)["messages"]
    assert isinstance(wire, list)
    return wire


def test_roles_and_plain_text() -> None:
    assert messages(
        Message.system("Be brief."),
        Message.developer("Answer in French."),
        Message.user("Hi", name="alice"),
        Message.assistant("Bonjour"),
    ) == [
        {"role": "system", "content": "Be brief."},
        {"role": "developer", "content": "Answer in French."},
        {"role": "user", "content": "Hi", "name": "alice"},
        {"role": "assistant", "content": "Bonjour"},
    ]


def test_assistant_name_is_sent() -> None:
    assert messages(Message.user("Hi"), Message("assistant", "Yo", name="bot")) == [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Yo", "name": "bot"},
    ]


def test_image_parts() -> None:
    turn = Message.user(
        [
            TextPart("Compare these."),
            ImagePart.from_url("https://example.com/a.jpg"),
            ImagePart.from_url("https://example.com/b.jpg", detail="low"),
            ImagePart.from_bytes(PNG, detail="high"),
            ImagePart.from_url(f"data:image/png;base64,{PNG_B64}"),
        ]
    )
    assert messages(turn) == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Compare these."},
                {"type": "image_url", "image_url": {"url": "https://example.com/a.jpg"}},
                {
                    "type": "image_url",
                    "image_url": {"url": "https://example.com/b.jpg", "detail": "low"},
                },
                {
                    "type": "image_url",
                    "image_url": {"url": f"data:image/png;base64,{PNG_B64}", "detail": "high"},
                },
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}},
            ],
        }
    ]


def test_document_parts() -> None:
    turn = Message.user(
        [
            TextPart("Summarise."),
            DocumentPart.from_base64(PDF_B64, filename="report.pdf"),
            DocumentPart.from_base64(PDF_B64),
            DocumentPart.from_file_id("file-abc123"),
        ]
    )
    assert messages(turn) == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Summarise."},
                {
                    "type": "file",
                    "file": {
                        "file_data": f"data:application/pdf;base64,{PDF_B64}",
                        "filename": "report.pdf",
                    },
                },
                {
                    "type": "file",
                    # OpenAI wants a filename beside file_data; we supply a neutral one.
                    "file": {
                        "file_data": f"data:application/pdf;base64,{PDF_B64}",
                        "filename": "document.pdf",
                    },
                },
                {"type": "file", "file": {"file_id": "file-abc123"}},
            ],
        }
    ]


def test_document_by_url_is_rejected_naming_the_part() -> None:
    turn = Message.user([TextPart("Read"), DocumentPart.from_url("https://example.com/a.pdf")])
    with pytest.raises(RequestValidationError) as info:
        messages(Message.system("s"), turn)
    assert info.value.field == "messages[1].content[1]"


@pytest.mark.parametrize("role", ["system", "developer", "assistant", "tool"])
def test_images_outside_user_messages_are_rejected(role: Any) -> None:
    turn = Message(role, [TextPart("x"), ImagePart.from_url("https://example.com/a.png")])
    if role == "tool":
        turn = attrs.evolve(turn, tool_call_id="call_1")
    with pytest.raises(RequestValidationError) as info:
        messages(Message.user("Hi"), turn)
    assert info.value.field == "messages[1].content[1]"


def test_text_only_parts_in_system_message() -> None:
    assert messages(Message("system", [TextPart("a"), TextPart("b")])) == [
        {
            "role": "system",
            "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
        }
    ]


def test_assistant_tool_call_turns() -> None:
    second = ToolCall.create("call_2", "get_time", {"tz": "UTC"})
    assert messages(
        Message.user("Weather and time in Oslo?"),
        Message.assistant(tool_calls=[CALL, second]),
        Message.tool("Sunny", "call_1"),
        Message.tool("12:00", "call_2"),
        Message.assistant("", tool_calls=[CALL]),
        Message.assistant("Let me check.", tool_calls=[CALL]),
        Message.assistant(None),
    ) == [
        {"role": "user", "content": "Weather and time in Oslo?"},
        # An explicit null beside tool calls (OpenAI: content is optional with tool_calls).
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                CALL_WIRE,
                {
                    "id": "call_2",
                    "type": "function",
                    "function": {"name": "get_time", "arguments": '{"tz": "UTC"}'},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "Sunny"},
        {"role": "tool", "tool_call_id": "call_2", "content": "12:00"},
        {"role": "assistant", "content": None, "tool_calls": [CALL_WIRE]},
        {"role": "assistant", "content": "Let me check.", "tool_calls": [CALL_WIRE]},
        # Without tool calls an assistant turn always has a content string.
        {"role": "assistant", "content": ""},
    ]


def test_empty_tool_result_is_an_empty_string() -> None:
    wire = messages(
        Message.user("Hi"), Message.assistant(tool_calls=[CALL]), Message.tool("", "call_1")
    )
    assert wire[2] == {"role": "tool", "tool_call_id": "call_1", "content": ""}


def test_tool_result_name_is_not_sent() -> None:
    # OpenAI's tool message has no "name" (only the legacy function role had one).
    wire = messages(
        Message.user("Hi"),
        Message.assistant(tool_calls=[CALL]),
        Message.tool("Sunny", "call_1", name="get_weather"),
    )
    assert wire[2] == {"role": "tool", "tool_call_id": "call_1", "content": "Sunny"}


def test_reasoning_content_is_sent_back_only_when_the_dialect_asks() -> None:
    turns = (
        Message.user("Hi"),
        Message.assistant("Hello", reasoning_content="Greet back."),
        Message.assistant(tool_calls=[CALL], reasoning_content="Need weather."),
        Message.tool("Sunny", "call_1"),
    )
    plain = messages(*turns)
    assert plain[1] == {"role": "assistant", "content": "Hello"}
    assert plain[2] == {"role": "assistant", "content": None, "tool_calls": [CALL_WIRE]}

    deepseek = messages(*turns, dialect=OpenAIDialect(reasoning_round_trip="always"))
    assert deepseek[1] == {
        "role": "assistant",
        "content": "Hello",
        "reasoning_content": "Greet back.",
    }
    assert deepseek[2] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [CALL_WIRE],
        "reasoning_content": "Need weather.",
    }
    assert deepseek[3] == {"role": "tool", "tool_call_id": "call_1", "content": "Sunny"}
