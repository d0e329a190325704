"""Every provider row has a working mock: ``Client.mock(provider=row.name)`` and
``AsyncClient.mock(...)`` answer in that provider's wire, at its path, and the provider's
real codec reads back exactly what the scripted reply says.

The rows come from the provider table itself, so a row added without a working mock fails
here. A row is asked for what its capabilities promise: ``models()`` only where
``capabilities.models``, ``embed()`` only where ``capabilities.embeddings``,
``count_tokens()`` only where ``capabilities.count_tokens``, reasoning only where
``capabilities.reasoning``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import cast, get_args

import pytest

from llm_connector import AsyncClient, Client, MockReply, MockServer, RateLimitError
from llm_connector._mock.server import Wire
from llm_connector.codecs.anthropic.dialect import AnthropicDialect
from llm_connector.providers.spec import ProviderSpec
from llm_connector.providers.table import PROVIDERS
from llm_connector.types import ChatRequest, ChatResponse, EmbedRequest, Message, Tool
from tests.support.facade import Api, Mode, client_class, wrap

TEXT = "It is sunny in Paris."
THOUGHT = "Let me think it over."
WEATHER = Tool.function("get_weather", "Weather", {"type": "object", "properties": {}})
REQUEST = ChatRequest("mock-model").add_message(Message.user("hello there"))
# The wires whose tool calls carry the id the reply gave (Gemini's and Ollama's have none:
# the codec names them).
CALL_IDS = {"openai", "anthropic", "dashscope", "hunyuan"}


def rows(capability: str | None = None) -> list[pytest.ParameterSet]:
    """Every row of the table (with the capability, when one is named)."""
    return [
        pytest.param(row, id=row.name)
        for row in PROVIDERS.values()
        if capability is None or getattr(row.capabilities, capability)
    ]


ROWS = pytest.mark.parametrize("row", rows())
MODES = pytest.mark.parametrize("mode", ["sync", "async"])


def provider(row: ProviderSpec) -> Wire:
    assert row.name in get_args(Wire), f"{row.name} is not a mock provider"
    return cast("Wire", row.name)


@contextlib.asynccontextmanager
async def mock_api(mode: Mode, row: ProviderSpec, reply: MockReply) -> AsyncIterator[Api]:
    """A mock client of ``row`` (its one reply answers every request), closed afterwards."""
    api = wrap(client_class(mode).mock(reply, provider=provider(row)))
    try:
        yield api
    finally:
        await api.close()


def chat_route(row: ProviderSpec, *, stream: bool) -> str:
    """Where a chat request of the row's codec goes, under the row's mock path."""
    assert row.mock is not None
    base, wire = row.mock.path, row.mock.wire
    if wire == "anthropic" and isinstance(row.dialect, AnthropicDialect) and row.dialect.vertex:
        return f"POST {base}/mock-model:{'streamRawPredict' if stream else 'rawPredict'}"
    gemini = "streamGenerateContent" if stream else "generateContent"
    return {
        "openai": f"POST {base}/chat/completions",
        "anthropic": f"POST {base}/v1/messages",
        "gemini": f"POST {base}/models/mock-model:{gemini}",
        "ollama": f"POST {base}/api/chat",
        "dashscope": f"POST {base}/services/aigc/text-generation/generation",
        "hunyuan": "POST /",
        "bedrock": f"POST {base}/model/mock-model/{'converse-stream' if stream else 'converse'}",
    }[wire]


def route(row: ProviderSpec, of: dict[str, str]) -> str:
    """``of[wire]`` (a method and path under the base path) under the row's mock path."""
    assert row.mock is not None
    return of[row.mock.wire].replace(" ", f" {row.mock.path}", 1)


async def both_ways(api: Api, request: ChatRequest) -> tuple[ChatResponse, ChatResponse, str, str]:
    """The answer read whole, then streamed; and the text and reasoning the chunks carried."""
    whole = await api.chat(request)
    stream = await api.stream(request)
    chunks = await stream.collect()
    streamed = await stream.final_response()
    text = "".join(c.content for c in chunks if c.content)
    reasoning = "".join(c.reasoning_content or "" for c in chunks)
    return whole, streamed, text, reasoning


def test_wire_lists_exactly_the_rows_with_a_mock() -> None:
    names = get_args(Wire)
    assert len(names) == len(set(names))
    assert set(names) == {row.name for row in PROVIDERS.values() if row.mock is not None}


@ROWS
def test_every_row_has_a_mock(row: ProviderSpec) -> None:
    assert row.mock is not None
    assert MockServer(provider=provider(row)).base_url.endswith(row.mock.path or ".invalid")


@MODES
@ROWS
async def test_text(row: ProviderSpec, mode: Mode) -> None:
    reply = MockReply.text(TEXT)
    server = MockServer(reply, provider=provider(row))
    api = wrap(client_class(mode).mock(server))
    try:
        whole, streamed, text, reasoning = await both_ways(api, REQUEST)
    finally:
        await api.close()
    for answer in (whole, streamed):
        assert (answer.content, answer.reasoning_content, answer.tool_calls) == (TEXT, None, ())
        assert answer.finish_reason == "stop"
    assert (text, reasoning) == (TEXT, "")
    assert server.routes == [chat_route(row, stream=False), chat_route(row, stream=True)]


@MODES
@ROWS
async def test_tool_call(row: ProviderSpec, mode: Mode) -> None:
    reply = MockReply.tool_call("get_weather", {"city": "Paris", "days": 2}, id="call_1")
    async with mock_api(mode, row, reply) as api:
        whole, streamed, text, _ = await both_ways(api, REQUEST.with_tools([WEATHER]))
    assert row.mock is not None
    for answer in (whole, streamed):
        (call,) = answer.tool_calls
        assert call.function.name == "get_weather"
        assert call.parse_arguments() == {"city": "Paris", "days": 2}
        if row.mock.wire in CALL_IDS:
            assert call.id == "call_1"
        assert answer.finish_reason == "tool_calls"
    assert text == ""


@MODES
@pytest.mark.parametrize("row", rows("reasoning"))
async def test_reasoning(row: ProviderSpec, mode: Mode) -> None:
    async with mock_api(mode, row, MockReply.reasoning(THOUGHT, TEXT)) as api:
        whole, streamed, text, reasoning = await both_ways(api, REQUEST)
    for answer in (whole, streamed):
        assert (answer.reasoning_content, answer.content) == (THOUGHT, TEXT)
    assert (reasoning, text) == (THOUGHT, TEXT)


@MODES
@ROWS
async def test_error(row: ProviderSpec, mode: Mode) -> None:
    async with mock_api(mode, row, MockReply.error(429, "slow down")) as api:
        with pytest.raises(RateLimitError) as whole:
            await api.chat(REQUEST)
        with pytest.raises(RateLimitError) as streamed:
            await (await api.stream(REQUEST)).final_response()
    for caught in (whole, streamed):
        assert (caught.value.message, caught.value.status_code) == ("slow down", 429)


@MODES
@pytest.mark.parametrize("row", rows("models"))
async def test_models(row: ProviderSpec, mode: Mode) -> None:
    server = MockServer(provider=provider(row))
    api = wrap(client_class(mode).mock(server))
    try:
        models = await api.models()
    finally:
        await api.close()
    assert [m.id for m in models] == ["mock-model"]
    paths = {"openai": "GET /models", "anthropic": "GET /v1/models", "gemini": "GET /models"}
    assert server.routes == [route(row, {**paths, "ollama": "GET /api/tags"})]


@MODES
@pytest.mark.parametrize("row", rows("embeddings"))
async def test_embed(row: ProviderSpec, mode: Mode) -> None:
    server = MockServer(provider=provider(row))
    api = wrap(client_class(mode).mock(server))
    try:
        answer = await api.embed(EmbedRequest("mock-model", ["hello", "world"]))
    finally:
        await api.close()
    assert answer.embeddings == [server.vector("hello"), server.vector("world")]
    assert len(answer.embeddings[0]) == 8
    paths = {
        "openai": "POST /embeddings",
        "gemini": "POST /models/mock-model:batchEmbedContents",
        "ollama": "POST /api/embed",
    }
    assert server.routes == [route(row, paths)]


@MODES
@pytest.mark.parametrize("row", rows("count_tokens"))
async def test_count_tokens(row: ProviderSpec, mode: Mode) -> None:
    async with mock_api(mode, row, MockReply.text(TEXT)) as api:
        client = api.client
        if isinstance(client, Client):
            tokens = client.count_tokens(REQUEST)
        else:
            assert isinstance(client, AsyncClient)
            tokens = await client.count_tokens(REQUEST)
    assert tokens == 2  # "hello there": the mock counts one token a word
