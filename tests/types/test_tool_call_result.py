"""``ToolCall.result``: the tool message answering a call, by the call's own id."""

from __future__ import annotations

from llm_connector.types import Message, ToolCall

CALL = ToolCall.create("call_7", "get_weather", {"city": "Paris"})


def test_result_answers_the_call_by_its_id() -> None:
    message = CALL.result('{"temperature_c": 14}')
    assert message == Message.tool('{"temperature_c": 14}', "call_7")
    assert message.role == "tool"
    assert message.content == '{"temperature_c": 14}'
    assert message.tool_call_id == "call_7"
    assert message.name is None


def test_result_passes_the_name() -> None:
    message = CALL.result("14 C", name="get_weather")
    assert message == Message.tool("14 C", "call_7", name="get_weather")
