"""A tool result that reports a failure reaches the providers that have a field for it:
Anthropic's ``is_error``, Bedrock's ``status: "error"``; the others get the text alone."""

from __future__ import annotations

from typing import Any

import pytest

from llm_connector import Client, MockReply, MockServer
from llm_connector.types import ChatRequest, Message, ToolCall

CALL = ToolCall.create("call_1", "get_weather", {"city": "Atlantis"})


def conversation(error: bool) -> ChatRequest:
    return (
        ChatRequest("m")
        .add_message(Message.user("Weather in Atlantis?"))
        .add_message(Message.assistant(tool_calls=[CALL]))
        .add_message(CALL.result("no such city", error=error))
    )


def sent_result(provider: Any, error: bool) -> Any:
    server = MockServer(MockReply.text("Sorry."), provider=provider)
    Client.mock(server).chat(conversation(error))
    return server.requests[0]["messages"][-1]


@pytest.mark.parametrize("error", [True, False])
def test_anthropic_says_is_error(error: bool) -> None:
    [block] = sent_result("anthropic", error)["content"]
    expected = {"type": "tool_result", "tool_use_id": "call_1", "content": "no such city"}
    assert block == ({**expected, "is_error": True} if error else expected)


@pytest.mark.parametrize("error", [True, False])
def test_bedrock_says_status_error(error: bool) -> None:
    [block] = sent_result("bedrock", error)["content"]
    expected: dict[str, Any] = {"toolUseId": "call_1", "content": [{"text": "no such city"}]}
    assert block == {"toolResult": {**expected, "status": "error"} if error else expected}


def test_openai_has_no_field_for_it() -> None:
    assert sent_result("openai", True) == {
        "role": "tool",
        "tool_call_id": "call_1",
        "content": "no such city",
    }
    assert CALL.result("x", error=True) != CALL.result("x")
