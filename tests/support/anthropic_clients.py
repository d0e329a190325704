"""Shared pieces of the Anthropic client tests: constants, SSE replies, and the call the
test facade has no method for (count_tokens)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from llm_connector import AsyncClient
from llm_connector.types import ChatRequest, Message, Tool
from tests.support.anthropic_oracle import DATA
from tests.support.facade import Api
from tests.support.script import SSE_HEADERS, Reply

KEY = "sk-ant-test-0001"
MESSAGES = "/v1/messages"
REQUEST = ChatRequest("claude-x").add_message(Message.user("Hi"))
WEATHER = Tool.function(
    "get_weather",
    "Weather for a city",
    {"type": "object", "properties": {"city": {"type": "string"}}},
)

Factory = Callable[..., Api]


async def count_tokens(api: Api, request: ChatRequest) -> int:
    client = api.client
    if isinstance(client, AsyncClient):
        return await client.count_tokens(request)
    return client.count_tokens(request)


def sse_reply(*events: dict[str, Any]) -> Reply:
    """One HTTP chunk per event, each named after its type."""
    chunks = tuple(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)
    return Reply(200, SSE_HEADERS, chunks)


def transcript_reply(name: str) -> Reply:
    """A recorded transcript, one HTTP chunk per event, as the server sent it."""
    body = (DATA / f"{name}.sse").read_bytes()
    return Reply(200, SSE_HEADERS, tuple(e + b"\n\n" for e in body.split(b"\n\n") if e))
