"""End-to-end: both clients speaking Anthropic's Messages protocol to llama.cpp's real
``/v1/messages`` server.

llama.cpp takes the key as ``x-api-key`` (what ``Client.anthropic`` sends) or as a Bearer
token (what ``Client.longcat_anthropic`` sends); both are exercised. Its quirks (see
../shared/e2e/README.md) are tolerated here and never relied on by the codec: the thinking
block's ``signature_delta`` is ``""`` and comes after the text block opened, ``tool_use``
starts without ``input``, errors come in OpenAI's shape.
"""

from __future__ import annotations

from typing import Any

import pytest

from llm_connector import AsyncClient, AuthenticationError, Client, InternalServerError
from llm_connector.types import ChatRequest, Message, ReasoningBlock, ToolChoice
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


async def count_tokens(client: AnyClient, request: ChatRequest) -> int:
    if isinstance(client, AsyncClient):
        return await client.count_tokens(request)
    return client.count_tokens(request)


def greeting(max_tokens: int = 12) -> ChatRequest:
    return (
        ChatRequest(MODEL)
        .add_message(Message.system("You are a friendly assistant."))
        .add_message(Message.user("Say hello in one short sentence."))
        .with_max_tokens(max_tokens)
        .with_temperature(0.0)
    )


async def test_streamed_answer(anthropic_client: AnyClient) -> None:
    chunks, final = await stream(anthropic_client, greeting(12))
    text = "".join(c.content for c in chunks)
    assert text and text == final.content
    # Greedy decoding: the streamed answer is the non-streamed one.
    whole = await chat(anthropic_client, greeting(12))
    assert whole.content == text
    assert final.finish_reason in ("stop", "length")
    assert final.choices[0].native_finish_reason in ("end_turn", "max_tokens")
    # Usage once, on the last chunk; input counts cache reads (llama.cpp reuses its cache).
    assert [c for c in chunks if c.usage is not None] == [chunks[-1]]
    usage = final.usage
    assert usage is not None and whole.usage is not None
    # The same prompt, so the same total input, however much of it came from the cache.
    assert (usage.prompt_tokens, usage.completion_tokens) == (
        whole.usage.prompt_tokens,
        whole.usage.completion_tokens,
    )
    assert usage.cached_tokens is not None and usage.cache_creation_tokens is None
    assert usage.prompt_tokens > 0 and 0 < usage.completion_tokens <= 12
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert chunks[0].choices[0].delta.role == "assistant"
    assert len({c.id for c in chunks}) == 1 and final.id == chunks[0].id != ""


async def test_max_tokens_stops_with_length(anthropic_client: AnyClient) -> None:
    request = (
        ChatRequest(MODEL)
        .add_message(Message.user("Write a long story about a dragon and a castle."))
        .with_max_tokens(5)
        .with_temperature(0.0)
    )
    _, final = await stream(anthropic_client, request)
    assert (final.finish_reason, final.choices[0].native_finish_reason) == ("length", "max_tokens")
    assert final.usage is not None and final.usage.completion_tokens == 5


async def test_streamed_thinking_answer_and_its_signed_blocks_go_back(
    anthropic_reasoning_client: AnyClient,
) -> None:
    request = (
        ChatRequest(MODEL)
        .add_message(Message.user("Explain why the sky is blue."))
        .with_max_tokens(40)
        .with_temperature(0.0)
    )
    chunks, final = await stream(anthropic_reasoning_client, request)
    kinds = [
        "reasoning" if c.reasoning_content else "content"
        for c in chunks
        if c.reasoning_content or c.content
    ]
    assert kinds[0] == "reasoning" and "content" in kinds
    assert kinds == sorted(kinds, key=lambda k: k != "reasoning")
    reasoning = "".join(c.reasoning_content or "" for c in chunks)
    assert final.reasoning_content == reasoning and final.content
    # llama.cpp signs its thinking block with "", after the text block opened; the block
    # is kept whole, with the signature as sent.
    signatures = [c.choices[0].delta.reasoning_signature for c in chunks if c.choices]
    assert [s for s in signatures if s is not None] == [""]
    assert final.message is not None
    assert final.message.reasoning_blocks == (ReasoningBlock(reasoning, ""),)
    # The next turn sends the thinking block back; the server takes it.
    follow_up = request.add_message(final.message).add_message(Message.user("Thanks!"))
    answer = await chat(anthropic_reasoning_client, follow_up.with_max_tokens(20))
    assert answer.finish_reason in ("stop", "length")


def tool_request() -> ChatRequest:
    # The 135M model reaches a call only with the assistant turn prefilled; the stop string
    # makes it one call (see the e2e README).
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


async def test_streamed_tool_use(anthropic_client: AnyClient) -> None:
    chunks, final = await stream(anthropic_client, tool_request())
    deltas = [d for c in chunks for d in c.tool_calls]
    assert deltas, "the server streamed no tool_use"
    first = deltas[0]
    assert (first.index, first.function.name, first.type) == (0, "get_weather", "function")
    assert first.id
    assert all(d.index == 0 and d.id is None for d in deltas[1:])
    assert (final.finish_reason, final.choices[0].native_finish_reason) == (
        "tool_calls",
        "tool_use",
    )
    (call,) = final.tool_calls
    assert call.id == first.id
    assert call.function.arguments == "".join(d.function.arguments for d in deltas)
    arguments: Any = call.parse_arguments()
    assert isinstance(arguments, dict) and isinstance(arguments.get("city"), str)
    # The tool result goes back as a tool_result block; the server answers.
    assert final.message is not None
    follow_up = (
        ChatRequest(MODEL)
        .add_message(Message.user("What is the weather in Paris?"))
        .add_message(final.message)
        .add_message(Message.tool('{"temperature_c": 21, "sky": "clear"}', call.id))
        .with_tools([WEATHER_TOOL])
        .with_max_tokens(16)
        .with_temperature(0.0)
    )
    answer = await chat(anthropic_client, follow_up)
    assert answer.finish_reason in ("stop", "length") and answer.usage is not None


async def test_an_error_mid_stream_is_raised_with_the_partial_call(
    anthropic_client: AnyClient,
) -> None:
    """Without ``tool_choice`` and the stop string this server starts the prefilled call,
    then fails inside the 200 stream with an ``event: error`` in OpenAI's shape."""
    request = tool_request().with_tool_choice(ToolChoice.auto()).with_stop([])
    with pytest.raises(InternalServerError) as caught:
        await stream(anthropic_client, request)
    error = caught.value
    assert (error.status_code, error.error_type, error.in_stream) == (500, "server_error", True)
    assert "does not match the expected" in error.message
    partial = error.partial
    assert partial is not None and partial.finish_reason is None
    assert [c.function.name for c in partial.tool_calls] == ["get_weather"]


async def test_count_tokens(anthropic_client: AnyClient) -> None:
    plain = ChatRequest(MODEL).add_message(Message.user("What is the weather in Paris?"))
    counted = await count_tokens(anthropic_client, plain)
    with_tools = await count_tokens(anthropic_client, plain.with_tools([WEATHER_TOOL]))
    assert 0 < counted < with_tools


async def test_models(anthropic_client: AnyClient) -> None:
    assert [m.id for m in await models(anthropic_client)] == [MODEL]


async def test_bearer_auth_works_too(mode: str, tools_server: LlamaServer) -> None:
    origin = f"http://127.0.0.1:{tools_server.port}"
    if mode == "sync":
        with Client.longcat_anthropic(API_KEY, origin) as client:
            response = client.chat(greeting(4))
    else:
        async with AsyncClient.longcat_anthropic(API_KEY, origin) as aclient:
            response = await aclient.chat(greeting(4))
    assert response.content and response.usage is not None


async def test_wrong_key_is_401(mode: str, tools_server: LlamaServer) -> None:
    wrong = "sk-ant-wrong-key-9876543210"
    origin = f"http://127.0.0.1:{tools_server.port}"
    sync_client = Client.anthropic(wrong, origin)
    async_client = AsyncClient.anthropic(wrong, origin)
    client: AnyClient = sync_client if mode == "sync" else async_client
    try:
        for call in (chat, stream, count_tokens):
            with pytest.raises(AuthenticationError) as caught:
                await call(client, greeting(4))
            error = caught.value
            assert (error.status_code, error.message) == (401, "Invalid API Key")
            assert error.error_type == "authentication_error"
            for text in (str(error), repr(error), error.body or "", repr(client)):
                assert wrong not in text and API_KEY not in text
    finally:
        sync_client.close()
        await async_client.aclose()
