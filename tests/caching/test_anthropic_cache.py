"""Cache breakpoints as Anthropic's ``cache_control``, on each kind of block, and the limits
checked before sending (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching).

Every body is validated against Anthropic's published schema (the autouse fixture).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_connector.codecs.anthropic.codec import AnthropicCodec
from llm_connector.errors import RequestValidationError
from llm_connector.providers.dialects import LONGCAT_DIALECT, VERTEX_DIALECT
from llm_connector.types import (
    ChatRequest,
    DocumentPart,
    ImagePart,
    Message,
    TextPart,
    Tool,
    ToolCall,
)
from tests.support.anthropic_requests import CODEC, ENDPOINT, PDF, PNG, WEATHER, body
from tests.support.schemas import validated_request_bodies  # noqa: F401  (autouse)

_MODEL = "claude-sonnet-4-5"
_EPHEMERAL = {"type": "ephemeral"}
_LONG_DOC = "The whole of a long reference text. " * 4


def _request(*messages: Message, **fields: Any) -> ChatRequest:
    return ChatRequest(_MODEL, messages, max_tokens=64, **fields)


def test_a_cached_system_prompt_is_a_text_block_with_cache_control() -> None:
    request = _request(Message.system(_LONG_DOC).with_cache(), Message.user("Sum it up."))
    assert body(request)["system"] == [
        {"type": "text", "text": _LONG_DOC, "cache_control": _EPHEMERAL}
    ]
    # Without a breakpoint the system prompt stays a string.
    assert body(_request(Message.system("Be brief."), Message.user("Hi")))["system"] == "Be brief."


def test_a_cached_system_part_and_a_one_hour_lifetime() -> None:
    system = Message("system", [TextPart(_LONG_DOC).with_cache("1h"), TextPart("Be brief.")])
    request = _request(system, Message.user("Sum it up."))
    assert body(request)["system"] == [
        {"type": "text", "text": _LONG_DOC, "cache_control": {"type": "ephemeral", "ttl": "1h"}},
        {"type": "text", "text": "Be brief."},
    ]


def test_a_cached_message_marks_its_last_block() -> None:
    request = _request(
        Message.user([TextPart(_LONG_DOC), TextPart("First question?")]).with_cache("5m"),
        Message.assistant("An answer."),
        Message.user("Second question?"),
    )
    assert body(request)["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": _LONG_DOC},
                {
                    "type": "text",
                    "text": "First question?",
                    "cache_control": {"type": "ephemeral", "ttl": "5m"},
                },
            ],
        },
        {"role": "assistant", "content": "An answer."},
        {"role": "user", "content": "Second question?"},
    ]


def test_a_cached_text_message_becomes_a_block() -> None:
    request = _request(Message.user(_LONG_DOC).with_cache())
    assert body(request)["messages"] == [
        {
            "role": "user",
            "content": [{"type": "text", "text": _LONG_DOC, "cache_control": _EPHEMERAL}],
        }
    ]


def test_cached_images_and_documents() -> None:
    image = ImagePart.from_base64(PNG, "image/png").with_cache()
    document = DocumentPart.from_base64(PDF).with_cache("1h")
    request = _request(Message.user([document, image, TextPart("Compare them.")]))
    content = body(request)["messages"][0]["content"]
    assert content[0]["cache_control"] == {"type": "ephemeral", "ttl": "1h"}
    assert content[0]["type"] == "document"
    assert content[1]["cache_control"] == _EPHEMERAL
    assert content[1]["type"] == "image"
    assert "cache_control" not in content[2]


def test_a_cached_tool_result() -> None:
    call = ToolCall.create("toolu_1", "get_weather", {"location": "Paris"})
    request = _request(
        Message.user("Weather in Paris?"),
        Message.assistant(tool_calls=[call]),
        Message.tool('{"temp": 21}', "toolu_1").with_cache(),
        tools=[WEATHER],
    )
    result = body(request)["messages"][2]["content"][0]
    assert result == {
        "type": "tool_result",
        "tool_use_id": "toolu_1",
        "content": '{"temp": 21}',
        "cache_control": _EPHEMERAL,
    }


def test_the_tool_list_is_cached_on_its_last_tool() -> None:
    other = Tool("lookup", "Look a word up.", {"type": "object", "properties": {}})
    request = _request(Message.user("Hi")).with_tools([WEATHER, other], cache=True)
    tools = body(request)["tools"]
    assert "cache_control" not in tools[0]
    assert tools[1] == {
        "name": "lookup",
        "description": "Look a word up.",
        "input_schema": {"type": "object", "properties": {}},
        "cache_control": _EPHEMERAL,
    }


def test_every_kind_at_once_in_cache_order() -> None:
    request = _request(
        Message.system(_LONG_DOC).with_cache("1h"),
        Message.user([ImagePart.from_base64(PNG, "image/png").with_cache(), TextPart("Hi")]),
        Message.assistant("Hello."),
        Message.user("And now?").with_cache(),
    ).with_tools([WEATHER], cache="1h")
    built = body(request)
    assert built["tools"][0]["cache_control"] == {"type": "ephemeral", "ttl": "1h"}
    assert built["system"][0]["cache_control"] == {"type": "ephemeral", "ttl": "1h"}
    assert built["messages"][0]["content"][0]["cache_control"] == _EPHEMERAL
    assert built["messages"][2]["content"] == [
        {"type": "text", "text": "And now?", "cache_control": _EPHEMERAL}
    ]


@pytest.mark.parametrize("dialect", [VERTEX_DIALECT, LONGCAT_DIALECT], ids=["vertex", "longcat"])
def test_vertex_and_longcat_take_the_same_cache_control(dialect: Any) -> None:
    request = _request(Message.system(_LONG_DOC).with_cache("1h"), Message.user("Hi"))
    got = body(attrs_model(request, dialect), codec=AnthropicCodec(dialect))
    assert got["system"] == [
        {"type": "text", "text": _LONG_DOC, "cache_control": {"type": "ephemeral", "ttl": "1h"}}
    ]


def attrs_model(request: ChatRequest, dialect: Any) -> ChatRequest:
    # Vertex names models with an @ version.
    return (
        request.with_model("claude-sonnet-4-5@20250929") if dialect is VERTEX_DIALECT else request
    )


# -- limits, before sending ----------------------------------------------------------------------


def test_a_fifth_breakpoint_is_refused_naming_it() -> None:
    messages = [Message.user(f"Part {i}").with_cache() for i in range(5)]
    with pytest.raises(RequestValidationError) as caught:
        body(_request(*messages))
    assert caught.value.field == "messages[4].cache"
    assert "at most 4" in str(caught.value)


def test_four_breakpoints_are_allowed() -> None:
    request = _request(
        Message.system("System.").with_cache(),
        *[Message.user(f"Part {i}").with_cache() for i in range(2)],
    ).with_tools([WEATHER], cache=True)
    assert len(body(request)["tools"]) == 1


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (
            _request(Message.system("S").with_cache("10m"), Message.user("Hi")),
            "messages[0].cache.ttl",
        ),
        (
            _request(Message.user([TextPart("a").with_cache("24h")])),
            "messages[0].content[0].cache.ttl",
        ),
        (_request(Message.user("Hi")).with_tools([WEATHER], cache="2h"), "tools_cache.ttl"),
        # A longer lifetime after a shorter one (tools, then system, then messages).
        (
            _request(Message.system("S").with_cache(), Message.user("Hi").with_cache("1h")),
            "messages[1].cache.ttl",
        ),
        (
            _request(Message.system("S").with_cache("1h"), Message.user("Hi")).with_tools(
                [WEATHER], cache=True
            ),
            "messages[0].cache.ttl",
        ),
        (
            _request(Message.user([TextPart("").with_cache(), TextPart("Hi")])),
            "messages[0].content[0].cache",
        ),
    ],
)
def test_what_anthropic_would_refuse_is_refused_before_sending(
    request_: ChatRequest, field: str
) -> None:
    with pytest.raises(RequestValidationError) as caught:
        body(request_)
    assert caught.value.field == field


def test_count_tokens_counts_the_body_with_its_breakpoints() -> None:
    request = _request(Message.system(_LONG_DOC).with_cache(), Message.user("Hi"))
    spec = CODEC.build_count_tokens(request, ENDPOINT)
    assert spec.body is not None
    assert json.loads(spec.body)["system"][0]["cache_control"] == _EPHEMERAL
