"""Round trips through the Bedrock mock on both clients: text, tools and signed
reasoning sent back, mid-stream errors, a refused signature, the Responses API."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from llm_connector import AsyncClient, Client, MockServer
from llm_connector._mock import MockReply
from llm_connector.errors import PermissionDeniedError, RateLimitError
from llm_connector.types import ChatRequest, Message, Tool

MODEL = "us.amazon.nova-micro-v1:0"
HI = ChatRequest(MODEL, [Message.user("hi")])


WEATHER = Tool("get_weather", "Weather.", {"type": "object", "properties": {}})


def _turns(server: MockServer) -> Iterator[list[dict[str, Any]]]:
    for body in server.requests:
        yield body["messages"]


def test_text_tools_and_reasoning_round_trip_on_both_clients() -> None:
    replies = [
        MockReply.tool_call("get_weather", {"city": "Paris"}, reasoning="I should look it up."),
        MockReply.text("It is sunny."),
    ]

    def conversation(answer: Any) -> ChatRequest:
        (call,) = answer.tool_calls
        return (
            HI.with_tools([WEATHER])
            .add_message(answer.message)
            .add_message(Message.tool('{"sky": "clear"}', call.id))
        )

    server = MockServer(replies * 2, provider="bedrock")
    client = Client.mock(server)
    stream = client.chat_stream(HI.with_tools([WEATHER]))
    list(stream)
    first = stream.final_response()
    assert client.chat(conversation(first)).content == "It is sunny."

    async def main() -> None:
        async with AsyncClient.mock(server) as api:
            answer = await api.chat(HI.with_tools([WEATHER]))
            streamed = await api.chat_stream(conversation(answer))
            async for _ in streamed:
                pass
            assert (await streamed.final_response()).content == "It is sunny."

    asyncio.run(main())
    # Both second turns sent the signed reasoning, the tool use and its JSON result back.
    for turns in list(_turns(server))[1::2]:
        assistant, result = turns[1], turns[2]
        assert assistant["content"][0] == {
            "reasoningContent": {
                "reasoningText": {
                    "text": "I should look it up.",
                    "signature": "bW9jay1iZWRyb2NrLXNpZ25hdHVyZQ==",
                }
            }
        }
        assert assistant["content"][1]["toolUse"]["input"] == {"city": "Paris"}
        assert result["content"][0]["toolResult"]["content"] == [{"json": {"sky": "clear"}}]


def test_the_mock_refuses_a_bad_signature() -> None:
    server = MockServer("hi", provider="bedrock")
    row, _, _ = server.client_row()
    client = Client.bedrock(
        "us-east-1",
        access_key_id="AKIDMOCKLLMCONNECTOR",
        secret_access_key="not-the-mock-secret",
        base_url=server.base_url,
        http_client=httpx.Client(transport=server.transport()),
        max_retries=0,
    )
    with pytest.raises(PermissionDeniedError, match="signature"):
        client.chat(HI)
    assert row == "bedrock"


def test_mid_stream_errors_through_the_mock() -> None:
    reply = MockReply.error(429, "Too many tokens", partial_content="Partial answer")
    client = Client.mock(reply, provider="bedrock")
    with pytest.raises(RateLimitError) as caught:
        list(client.chat_stream(HI))
    partial = caught.value.partial
    assert caught.value.in_stream and partial is not None and partial.content == "Partial answer"
    with pytest.raises(RateLimitError) as http_error:
        Client.mock(MockReply.error(429, "slow"), provider="bedrock").chat(HI)
    assert http_error.value.error_type == "ThrottlingException"
    assert http_error.value.request_id


def test_the_responses_api_through_converse() -> None:
    from llm_connector.responses import ResponsesRequest

    server = MockServer(MockReply.text("Bonjour"), provider="bedrock")
    client = Client.mock(server)
    assert client.invoke_responses(ResponsesRequest(model=MODEL, input="hi")).output_text == (
        "Bonjour"
    )
    stream = client.invoke_responses_stream(ResponsesRequest(model=MODEL, input="hi", stream=True))
    list(stream)
    assert stream.final_response().output_text == "Bonjour"
    assert server.routes == [
        "POST /model/us.amazon.nova-micro-v1:0/converse",
        "POST /model/us.amazon.nova-micro-v1:0/converse-stream",
    ]
