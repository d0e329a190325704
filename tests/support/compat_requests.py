"""Capturing what a client really sends: the httpx request that reaches the transport, for
``Client`` and ``AsyncClient`` alike. The transport answers with a small valid body in the
provider's wire, so the call completes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from llm_connector import AsyncClient, Client
from llm_connector.types import ChatRequest, Message, Tool, ToolCall, ToolChoice
from tests.support.facade import Mode

OPENAI_ANSWER = {
    "id": "x",
    "model": "m",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}
    ],
}
DASHSCOPE_ANSWER = {
    "output": {
        "choices": [{"message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]
    },
    "request_id": "x",
}
HUNYUAN_ANSWER = {
    "Response": {
        "Choices": [{"Message": {"Role": "assistant", "Content": "ok"}, "FinishReason": "stop"}],
        "Id": "x",
        "RequestId": "x",
    }
}

# Headers httpx adds on its own; the goldens are about what the codec and client send.
_TRANSPORT_HEADERS = {"host", "accept-encoding", "connection", "content-length", "user-agent"}


def sent(
    make: Any, request: ChatRequest, mode: Mode, *, stream: bool = False, answer: Any = None
) -> httpx.Request:
    """The request ``make(cls, http_client)``'s client sends for ``request``."""
    captured: list[httpx.Request] = []
    body = json.dumps(answer if answer is not None else OPENAI_ANSWER).encode()

    def handle(req: httpx.Request) -> httpx.Response:
        captured.append(req)
        return httpx.Response(200, headers={"content-type": "application/json"}, content=body)

    transport = httpx.MockTransport(handle)
    if mode == "sync":
        with httpx.Client(transport=transport) as http:
            client = make(Client, http)
            if stream:
                client.chat_stream(request).final_response()
            else:
                client.chat(request)
    else:

        async def main() -> None:
            async with httpx.AsyncClient(transport=transport) as http:
                client = make(AsyncClient, http)
                if stream:
                    await (await client.chat_stream(request)).final_response()
                else:
                    await client.chat(request)

        asyncio.run(main())
    (req,) = captured
    return req


def headers_of(request: httpx.Request) -> dict[str, str]:
    return {k: v for k, v in request.headers.items() if k not in _TRANSPORT_HEADERS}


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


WEATHER = Tool.function(
    "get_weather",
    "Current weather for a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)
WEATHER_WIRE = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}

#: The request every golden starts from.
BASIC = (
    ChatRequest("model-x")
    .add_message(Message.system("Be brief."))
    .add_message(Message.user("Weather in Paris?"))
    .with_tools([WEATHER])
    .with_tool_choice(ToolChoice.auto())
    .with_temperature(0.5)
    .with_max_tokens(256)
)
BASIC_MESSAGES = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Weather in Paris?"},
]

CALL = ToolCall.create("call_1", "get_weather", '{"city":"Paris"}')
CALL_WIRE = {
    "id": "call_1",
    "type": "function",
    "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
}

#: Two user turns: the first with a tool call (reasoning on both assistant messages), the
#: second a plain answer with reasoning, then a third question.
CONVERSATION = ChatRequest(
    "model-x",
    [
        Message.user("Weather in Paris?"),
        Message.assistant(tool_calls=[CALL], reasoning_content="Need the tool."),
        Message.tool("Sunny, 21 C", "call_1"),
        Message.assistant("Sunny and 21 C.", reasoning_content="The tool said so."),
        Message.user("And tomorrow?"),
        Message.assistant("Probably sunny.", reasoning_content="No tool this time."),
        Message.user("Thanks!"),
    ],
)


def assistant_reasoning(body: Any) -> list[str | None]:
    """The reasoning_content sent with each assistant message, in order."""
    return [m.get("reasoning_content") for m in body["messages"] if m["role"] == "assistant"]
