"""End-to-end: both clients against llama.cpp's real OpenAI-compatible server.

The model is tiny (SmolLM2-135M), so the tests assert what the protocol guarantees (shapes,
usage arithmetic, finish reasons, tool-call assembly, stream == non-stream under greedy
decoding), not what the model says. See ../shared/e2e/README.md for the server's quirks.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_connector import (
    AsyncClient,
    AuthenticationError,
    Client,
    InternalServerError,
    ResponseFormat,
)
from llm_connector.types import (
    ChatRequest,
    ChatResponse,
    EmbedRequest,
    EmbedResponse,
    Message,
    ToolChoice,
)
from tests.support.llama import (
    API_KEY,
    MODEL,
    WEATHER_TOOL,
    AnyClient,
    LlamaServer,
    chat,
    models,
    stream,
)


async def embed(client: AnyClient, request: EmbedRequest) -> EmbedResponse:
    if isinstance(client, AsyncClient):
        return await client.embed(request)
    return client.embed(request)


def greeting(max_tokens: int = 12) -> ChatRequest:
    # temperature 0 makes llama.cpp decode greedily, so two identical requests agree.
    return (
        ChatRequest(MODEL)
        .add_message(Message.user("Say hello in one short sentence."))
        .with_max_tokens(max_tokens)
        .with_temperature(0.0)
    )


def assert_usage_adds_up(response: ChatResponse, max_tokens: int) -> None:
    usage = response.usage
    assert usage is not None
    assert usage.prompt_tokens > 0
    assert 0 < usage.completion_tokens <= max_tokens
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


async def test_chat_non_stream(chat_client: AnyClient) -> None:
    response = await chat(chat_client, greeting(12))
    assert response.id.startswith("chatcmpl-")
    assert response.model == MODEL
    assert len(response.choices) == 1
    assert response.content.strip()
    assert response.message is not None and response.message.role == "assistant"
    assert response.finish_reason in ("stop", "length")
    assert_usage_adds_up(response, 12)
    if response.finish_reason == "length":
        assert response.usage is not None and response.usage.completion_tokens == 12


async def test_stream_with_usage_matches_non_stream(chat_client: AnyClient) -> None:
    chunks, final = await stream(chat_client, greeting(12))
    text = "".join(chunk.content for chunk in chunks)
    assert text and text == final.content
    # Greedy decoding: the streamed answer is the non-streamed one, token for token.
    assert text == (await chat(chat_client, greeting(12))).content
    # include_usage is on by default: the last chunk carries usage and no choices.
    assert chunks[-1].choices == () and chunks[-1].usage is not None
    assert final.usage == chunks[-1].usage
    assert_usage_adds_up(final, 12)
    assert [c.finish_reason for c in chunks if c.finish_reason] == [final.finish_reason]
    assert len({c.id for c in chunks}) == 1 and final.id == chunks[0].id


async def test_max_tokens_stops_with_length(chat_client: AnyClient) -> None:
    request = (
        ChatRequest(MODEL)
        .add_message(Message.user("Write a long story about a dragon and a castle."))
        .with_max_tokens(5)
        .with_temperature(0.0)
    )
    chunks, final = await stream(chat_client, request)
    assert final.finish_reason == "length"
    assert final.usage is not None and final.usage.completion_tokens == 5
    # llama.cpp sends one content delta per generated token.
    assert sum(1 for c in chunks if c.get_content()) <= 5


def tool_request() -> ChatRequest:
    # The 135M model reaches a tool call only when the assistant turn is prefilled with the
    # opening tag; the stop string makes it one call with finish_reason "tool_calls".
    return (
        ChatRequest(MODEL)
        .add_message(Message.user("What is the weather in Paris? Use the get_weather tool."))
        .add_message(Message.assistant("<tool_call>\n"))
        .with_tools([WEATHER_TOOL])
        .with_tool_choice(ToolChoice.required())
        .with_stop(["</tool_call>"])
        .with_temperature(0.0)
        .with_max_tokens(64)
    )


async def test_streamed_tool_call(chat_client: AnyClient) -> None:
    chunks, final = await stream(chat_client, tool_request())
    deltas = [d for c in chunks for d in c.tool_calls]
    assert deltas, "the server streamed no tool-call deltas"
    first = deltas[0]
    assert first.index == 0 and first.id and first.function.name == "get_weather"
    assert all(d.index == 0 for d in deltas)
    assert all(d.id is None for d in deltas[1:])
    streamed_arguments = "".join(d.function.arguments for d in deltas)

    assert final.finish_reason == "tool_calls"
    assert len(final.tool_calls) == 1
    call = final.tool_calls[0]
    assert call.id == first.id and call.function.name == "get_weather"
    assert call.function.arguments == streamed_arguments
    arguments: Any = call.parse_arguments()
    assert isinstance(arguments, dict) and isinstance(arguments.get("city"), str)
    assert final.content == ""


async def test_tool_result_round_trip(chat_client: AnyClient) -> None:
    """The accumulated assistant turn and a tool result are valid input for the next turn."""
    _, first = await stream(chat_client, tool_request())
    assert first.message is not None
    call = first.tool_calls[0]
    follow_up = (
        ChatRequest(MODEL)
        .add_message(Message.user("What is the weather in Paris?"))
        .add_message(first.message)
        .add_message(Message.tool('{"temperature_c": 21, "sky": "clear"}', call.id))
        .with_tools([WEATHER_TOOL])
        .with_max_tokens(16)
        .with_temperature(0.0)
    )
    response = await chat(chat_client, follow_up)
    assert response.finish_reason in ("stop", "length")
    assert_usage_adds_up(response, 16)


async def test_json_schema_response_format(chat_client: AnyClient) -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 12}},
        "required": ["name"],
        "additionalProperties": False,
    }
    request = (
        ChatRequest(MODEL)
        .add_message(Message.user("Give me a name for a cat as JSON."))
        .with_response_format(ResponseFormat.json_schema("cat", schema))
        .with_max_tokens(40)
        .with_temperature(0.0)
    )
    response = await chat(chat_client, request)
    value = json.loads(response.content)
    assert isinstance(value, dict) and set(value) == {"name"} and isinstance(value["name"], str)


async def test_in_band_error_mid_stream(chat_client: AnyClient) -> None:
    """Without ``tool_choice: required`` this server starts the prefilled call, then fails
    inside the 200 stream with ``{"error": {"code": 500, ...}}``: the typed error is raised
    and carries the tool-call fragment that arrived before it."""
    request = tool_request().with_tool_choice(ToolChoice.auto()).with_stop([])
    with pytest.raises(InternalServerError) as caught:
        await stream(chat_client, request)
    error = caught.value
    assert error.status_code == 500 and error.in_stream
    assert error.error_type == "server_error"
    assert "does not match the expected" in error.message
    partial = error.partial
    assert partial is not None and partial.finish_reason is None
    assert [c.function.name for c in partial.tool_calls] == ["get_weather"]
    assert partial.tool_calls[0].function.arguments.startswith("{")


async def test_models(chat_client: AnyClient) -> None:
    listed = await models(chat_client)
    assert [m.id for m in listed] == [MODEL]
    assert listed[0].owned_by == "llamacpp"


async def test_wrong_key_is_401(mode: str, tools_server: LlamaServer) -> None:
    wrong = "sk-wrong-key-9876543210"
    request = greeting(4)
    clients: list[AnyClient] = [
        Client.openai_compatible(wrong, tools_server.base_url),
        AsyncClient.openai_compatible(wrong, tools_server.base_url),
    ]
    client = clients[0] if mode == "sync" else clients[1]
    try:
        for call in (chat, stream):
            with pytest.raises(AuthenticationError) as caught:
                await call(client, request)
            error = caught.value
            assert error.status_code == 401
            assert error.message == "Invalid API Key"
            assert error.error_type == "authentication_error"
            for text in (str(error), repr(error), error.body or "", repr(client)):
                assert wrong not in text and API_KEY not in text
    finally:
        sync_client, async_client = clients
        assert isinstance(sync_client, Client) and isinstance(async_client, AsyncClient)
        sync_client.close()
        await async_client.aclose()


async def test_reasoning_stream(reasoning_client: AnyClient) -> None:
    request = (
        ChatRequest(MODEL)
        .add_message(Message.user("Explain why the sky is blue."))
        .with_max_tokens(40)
        .with_temperature(0.0)
    )
    chunks, final = await stream(reasoning_client, request)
    kinds = [
        "reasoning" if c.reasoning_content else "content"
        for c in chunks
        if c.reasoning_content or c.content
    ]
    # Reasoning streams first, then the answer; the two never interleave.
    assert kinds[0] == "reasoning" and "content" in kinds
    assert kinds == sorted(kinds, key=lambda k: k != "reasoning")
    assert final.reasoning_content == "".join(c.reasoning_content or "" for c in chunks)
    assert final.content == "".join(c.content for c in chunks)
    assert final.reasoning_content and final.content


async def test_reasoning_effort_none_turns_reasoning_off(reasoning_client: AnyClient) -> None:
    request = (
        ChatRequest(MODEL)
        .add_message(Message.user("What is 2+2?"))
        .with_max_tokens(20)
        .with_temperature(0.0)
        .with_reasoning_effort("none")
    )
    chunks, final = await stream(reasoning_client, request)
    assert all(c.reasoning_content is None for c in chunks)
    assert final.reasoning_content is None and final.content


async def test_embeddings(embed_client: AnyClient) -> None:
    texts = ["hello", "a completely different sentence"]
    floats = await embed(embed_client, EmbedRequest(MODEL, texts))
    assert [e.index for e in floats.data] == [0, 1]
    vectors = floats.embeddings
    assert len(vectors[0]) == len(vectors[1]) == 576  # SmolLM2-135M's hidden size
    assert vectors[0] != vectors[1]
    assert floats.usage is not None and floats.usage.prompt_tokens > 0
    # The base64 encoding carries the same float32 values.
    packed = await embed(embed_client, EmbedRequest(MODEL, texts, encoding_format="base64"))
    assert packed.embeddings == vectors
