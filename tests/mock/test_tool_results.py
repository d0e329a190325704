"""A tool message must answer a tool call: the mock, as the real servers do, refuses one
whose id matches no call of an earlier assistant message, with the provider's 400 naming
the field; ``ToolCall.result`` answers by the call's own id, so a loop built with it passes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from llm_connector import BadRequestError, MockReply, MockServer
from llm_connector._mock.server import Wire
from llm_connector.types import ChatRequest, Message, Tool
from tests.support.facade import Api, Mode, client_class, wrap

WEATHER = Tool.function("get_weather", "Weather", {"type": "object", "properties": {}})
QUESTION = ChatRequest("mock-model").add_message(Message.user("Weather?")).with_tools([WEATHER])
RESULT = '{"temperature_c": 14}'

#: What each wire answers when the tool message's id is the result text (the two strings
#: of Message.tool swapped): (message, param, code).
REFUSALS: dict[Wire, tuple[str, str | None, str | None]] = {
    "openai": (
        f"Invalid parameter: 'tool_call_id' of '{RESULT}' not found in 'tool_calls' of an "
        "earlier assistant message.",
        "messages.[2].tool_call_id",
        None,
    ),
    "deepseek": (
        f"Invalid parameter: 'tool_call_id' of '{RESULT}' not found in 'tool_calls' of an "
        "earlier assistant message.",
        "messages.[2].tool_call_id",
        None,
    ),
    "anthropic": (
        "messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: "
        f"{RESULT}. Each `tool_result` block must have a corresponding `tool_use` block in "
        "an earlier message.",
        None,
        None,
    ),
    "aliyun": (
        f"messages[2].tool_call_id: '{RESULT}' answers no earlier tool call",
        None,
        "InvalidParameter",
    ),
    "tencent": (
        f"Messages[2].ToolCallId: '{RESULT}' answers no earlier tool call",
        None,
        "InvalidParameter",
    ),
}
WIRES = list(REFUSALS)
MODES = pytest.mark.parametrize("mode", ["sync", "async"])

MakeApi = Callable[[MockServer], Api]


@pytest.fixture
async def make_api(mode: Mode) -> AsyncIterator[MakeApi]:
    made: list[Api] = []

    def make(server: MockServer) -> Api:
        api = wrap(client_class(mode).mock(server))
        made.append(api)
        return api

    yield make
    for api in made:
        await api.close()


def script(wire: Wire) -> MockServer:
    return MockServer(
        [
            MockReply.tool_call("get_weather", {"city": "Paris"}, id="call_1"),
            "Take a raincoat.",
        ],
        provider=wire,
    )


@MODES
@pytest.mark.parametrize("wire", WIRES)
async def test_a_two_turn_loop_with_call_result_is_answered(make_api: MakeApi, wire: Wire) -> None:
    server = script(wire)
    api = make_api(server)
    first = await api.chat(QUESTION)
    assert first.message is not None
    (call,) = first.tool_calls
    assert call.id == "call_1"
    followup = QUESTION.add_message(first.message).add_message(call.result(RESULT))
    stream = await api.stream(followup)
    assert (await stream.final_response()).content == "Take a raincoat."
    assert len(server.requests) == 2


@MODES
@pytest.mark.parametrize("wire", WIRES)
async def test_swapped_tool_message_strings_are_refused_naming_the_field(
    make_api: MakeApi, wire: Wire
) -> None:
    server = script(wire)
    api = make_api(server)
    first = await api.chat(QUESTION)
    assert first.message is not None
    (call,) = first.tool_calls
    swapped = QUESTION.add_message(first.message).add_message(Message.tool(call.id, RESULT))

    async def streamed(request: ChatRequest) -> object:
        return await (await api.stream(request)).final_response()

    for ask in (api.chat, streamed):
        with pytest.raises(BadRequestError) as info:
            await ask(swapped)
        message, param, code = REFUSALS[wire]
        assert info.value.status_code == 400
        assert info.value.message == message
        assert info.value.param == param
        assert info.value.code == code
    # The refusals used no scripted reply: the answer comes next.
    followup = QUESTION.add_message(first.message).add_message(call.result(RESULT))
    assert (await api.chat(followup)).content == "Take a raincoat."


def responses_post(server: MockServer, items: list[dict[str, Any]]) -> httpx.Response:
    body = {"model": "mock-model", "input": items}
    request = httpx.Request("POST", f"{server.base_url}/responses", json=body)
    return server.handle(request)


def test_responses_refuses_a_function_call_output_that_answers_no_call() -> None:
    server = MockServer(["answered"], responses_api=True)
    question = {"role": "user", "content": "Weather?"}
    call = {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{}"}
    refused = responses_post(
        server, [question, call, {"type": "function_call_output", "call_id": RESULT, "output": "x"}]
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "error": {
            "message": f"No tool call found for function call output with call_id {RESULT}.",
            "type": "invalid_request_error",
            "param": "input.[2].call_id",
            "code": None,
        }
    }
    answered = responses_post(
        server,
        [question, call, {"type": "function_call_output", "call_id": "call_1", "output": RESULT}],
    )
    assert answered.status_code == 200
    assert json.loads(answered.content)["output"][0]["content"][0]["text"] == "answered"
