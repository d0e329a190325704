"""Cache breakpoints as Bedrock Converse ``cachePoint`` blocks, after the tools, system
blocks, content blocks and messages they end, and the limits checked before sending.

https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html;
https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CachePointBlock.html
(``type: default``, ``ttl: 5m | 1h``). Converse has no published JSON schema (see
tests/support/schemas.py): these goldens are written from those pages.
"""

from __future__ import annotations

import base64

import pytest

from llm_connector.codecs.bedrock.request import converse_body
from llm_connector.errors import RequestValidationError
from llm_connector.types import ChatRequest, ImagePart, Message, TextPart, Tool, ToolCall

_MODEL = "anthropic.claude-3-7-sonnet-20250219-v1:0"
_POINT = {"cachePoint": {"type": "default"}}
_HOUR = {"cachePoint": {"type": "default", "ttl": "1h"}}
_PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 8).decode()
_TOOL = Tool("lookup", "Look a word up.", {"type": "object", "properties": {}})


def _request(*messages: Message) -> ChatRequest:
    return ChatRequest(_MODEL, messages)


def test_a_cached_system_prompt() -> None:
    body = converse_body(_request(Message.system("Long rules.").with_cache(), Message.user("Hi")))
    assert body["system"] == [{"text": "Long rules."}, _POINT]


def test_a_cached_system_part_with_an_hour() -> None:
    system = Message("system", [TextPart("Long rules.").with_cache("1h"), TextPart("Be brief.")])
    body = converse_body(_request(system, Message.user("Hi")))
    assert body["system"] == [{"text": "Long rules."}, _HOUR, {"text": "Be brief."}]


def test_a_cached_message_and_a_cached_image() -> None:
    image = ImagePart.from_base64(_PNG, "image/png").with_cache("1h")
    body = converse_body(
        _request(
            Message.user([image, TextPart("What is it?")]),
            Message.assistant("A square."),
            Message.user("Sure?").with_cache(),
        )
    )
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"image": {"format": "png", "source": {"bytes": _PNG}}},
                _HOUR,
                {"text": "What is it?"},
            ],
        },
        {"role": "assistant", "content": [{"text": "A square."}]},
        {"role": "user", "content": [{"text": "Sure?"}, _POINT]},
    ]


def test_the_tools_are_cached_after_the_last() -> None:
    request = _request(Message.user("Hi")).with_tools([_TOOL], cache=True)
    assert converse_body(request)["toolConfig"]["tools"] == [
        {
            "toolSpec": {
                "name": "lookup",
                "description": "Look a word up.",
                "inputSchema": {"json": {"type": "object", "properties": {}}},
            }
        },
        _POINT,
    ]


def test_a_cached_tool_result_keeps_its_cache_point_when_moved_first() -> None:
    call = ToolCall.create("t1", "lookup", {})
    request = _request(
        Message.user("Look it up."),
        Message.assistant(tool_calls=[call]),
        Message.tool("found", "t1").with_cache(),
    ).with_tools([_TOOL])
    assert converse_body(request)["messages"][2] == {
        "role": "user",
        "content": [
            {"toolResult": {"toolUseId": "t1", "content": [{"text": "found"}]}},
            _POINT,
        ],
    }


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (_request(*[Message.user(f"{i}").with_cache() for i in range(5)]), "messages[4].cache"),
        (_request(Message.user("Hi").with_cache("30m")), "messages[0].cache.ttl"),
        (
            _request(Message.system("S").with_cache(), Message.user("Hi").with_cache("1h")),
            "messages[1].cache.ttl",
        ),
        (
            _request(
                Message.user("Hi"),
                Message.assistant(tool_calls=[ToolCall.create("t1", "lookup", {})]),
                Message("tool", [TextPart("found").with_cache()], tool_call_id="t1"),
            ).with_tools([_TOOL]),
            "messages[2].content[0].cache",
        ),
    ],
)
def test_what_bedrock_would_refuse_is_refused_before_sending(
    request_: ChatRequest, field: str
) -> None:
    with pytest.raises(RequestValidationError) as caught:
        converse_body(request_)
    assert caught.value.field == field
