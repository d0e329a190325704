"""Bad input is refused before anything is sent, naming the field: what Anthropic (or a
dialect: LongCat, Vertex AI) would reject.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from llm_connector.codecs.anthropic.codec import AnthropicCodec
from llm_connector.codecs.anthropic.dialect import (
    ANTHROPIC_DIALECT,
)
from llm_connector.errors import RequestValidationError
from llm_connector.providers.dialects import LONGCAT_DIALECT, VERTEX_DIALECT
from llm_connector.types import (
    ChatRequest,
    DocumentPart,
    ImagePart,
    Message,
    ResponseFormat,
    TextPart,
    Tool,
    ToolCall,
    ToolChoice,
)
from tests.support.anthropic_requests import CODEC, ENDPOINT, PDF, PNG, VERTEX

# -- refused before sending --------------------------------------------------------------------


def check_refused(request: ChatRequest, field: str, *, codec: AnthropicCodec = CODEC) -> None:
    with pytest.raises(RequestValidationError) as caught:
        codec.build_chat(request, ENDPOINT, stream=False)
    assert caught.value.field == field


def user(*parts: Any) -> list[Message]:
    return [Message.user(list(parts))]


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (ChatRequest("c", [Message.user("Hi")], temperature=1.5), "temperature"),
        (ChatRequest("c", [Message.user("Hi")], thinking_budget=512), "thinking_budget"),
        (
            ChatRequest(
                "c",
                [Message.user("Hi")],
                tools=[Tool.function("f")],
                tool_choice=ToolChoice.required(),
                thinking_budget=2048,
            ),
            "tool_choice",
        ),
        (
            ChatRequest(
                "c",
                [Message.user("Hi")],
                tools=[Tool.function("f")],
                tool_choice=ToolChoice.function("f"),
                reasoning_effort="low",
            ),
            "tool_choice",
        ),
        (
            ChatRequest("c", [Message.user("Hi")], response_format=ResponseFormat.json_object()),
            "response_format",
        ),
        (ChatRequest("c", [Message.user("")]), "messages[0].content"),
        (ChatRequest("c", [Message.system("only a system prompt")]), "messages"),
        (
            ChatRequest(
                "c",
                [Message.user("Hi"), Message.assistant([ImagePart.from_base64(PNG, "image/png")])],
            ),
            "messages[1].content[0]",
        ),
        (
            ChatRequest("c", user(ImagePart.from_base64(PNG, "image/bmp"))),
            "messages[0].content[0].media_type",
        ),
        (
            ChatRequest("c", user(DocumentPart.from_base64(PDF, "application/msword"))),
            "messages[0].content[0].media_type",
        ),
        (
            ChatRequest("c", user(DocumentPart.from_url("https://x/y.txt", "text/plain"))),
            "messages[0].content[0]",
        ),
        (
            ChatRequest(
                "c",
                user(DocumentPart.from_base64(base64.b64encode(b"\xff").decode(), "text/plain")),
            ),
            "messages[0].content[0]",
        ),
        (
            ChatRequest(
                "c",
                [Message("system", [ImagePart.from_base64(PNG, "image/png")]), Message.user("Hi")],
            ),
            "messages[0].content[0]",
        ),
        (
            ChatRequest(
                "c",
                [
                    Message.user("Hi"),
                    Message.assistant(tool_calls=[ToolCall.create("t", "f", "[1]")]),
                ],
                tools=[Tool.function("f")],
            ),
            "messages[1].tool_calls[0].function.arguments",
        ),
        (ChatRequest("", [Message.user("Hi")]), "model"),
    ],
)
def test_bad_input_is_refused_naming_the_field(request_: ChatRequest, field: str) -> None:
    check_refused(request_, field)


def test_longcat_takes_text_only() -> None:
    # "Text input only": https://longcat.chat/platform/docs/api/messages.html
    codec = AnthropicCodec(LONGCAT_DIALECT)
    check_refused(
        ChatRequest("c", user(TextPart("x"), ImagePart.from_base64(PNG, "image/png"))),
        "messages[0].content[1]",
        codec=codec,
    )
    check_refused(
        ChatRequest("c", user(DocumentPart.from_base64(PDF))), "messages[0].content[0]", codec=codec
    )


def test_vertex_takes_no_url_sources_and_no_file_ids() -> None:
    codec = AnthropicCodec(VERTEX_DIALECT)
    check_refused(
        ChatRequest("c", user(ImagePart.from_url("https://x/cat.png"))),
        "messages[0].content[0]",
        codec=codec,
    )
    check_refused(
        ChatRequest("c", user(DocumentPart.from_url("https://x/a.pdf"))),
        "messages[0].content[0]",
        codec=codec,
    )
    check_refused(
        ChatRequest("c", user(DocumentPart.from_file_id("file_1"))),
        "messages[0].content[0]",
        codec=codec,
    )
    # Inline data is fine.
    inline = ChatRequest("c", user(ImagePart.from_base64(PNG, "image/png")))
    assert codec.build_chat(inline, VERTEX, stream=False).body


def test_the_anthropic_dialect_is_the_default() -> None:
    assert CODEC.dialect is ANTHROPIC_DIALECT
    assert AnthropicCodec().name == "anthropic"
