"""``client.count_tokens(request)`` on every provider with an endpoint for it: the request
each sends (the one chat would send: system prompt, tools and images included), through
each protocol's mock wire on both clients, and the providers without one refused before
anything is sent, naming the provider.

The mock counts one token a word piece of every text it is sent.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import attrs
import httpx
import pytest

from llm_connector import AsyncClient, Client, MockServer, UnsupportedFeatureError
from llm_connector.codecs.contract import Endpoint
from llm_connector.providers.table import PROVIDERS, provider
from llm_connector.types import ChatRequest, ImagePart, Message, TextPart, Tool

_TOOL = Tool("lookup", "Look a word up.", {"type": "object", "properties": {}})
_PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 8).decode()
_REQUEST = ChatRequest(
    "mock-model",
    [
        Message.system("Be brief.").with_cache(),
        Message.user([TextPart("What is this word?"), ImagePart.from_base64(_PNG, "image/png")]),
    ],
).with_tools([_TOOL], cache=True)
_WORDS = 2 + 4  # "Be brief." + "What is this word?" (the mock counts texts only)


def _body(spec_body: bytes | None) -> Any:
    assert spec_body is not None
    return json.loads(spec_body)


# -- the request each provider is sent -------------------------------------------------------


def test_openai_counts_through_responses_input_tokens() -> None:
    codec = provider("openai").codec()
    spec = codec.build_count_tokens(
        _REQUEST.with_model("gpt-5.1"), Endpoint("https://api.openai.com/v1", "sk-test")
    )
    assert (spec.method, spec.url) == ("POST", "https://api.openai.com/v1/responses/input_tokens")
    assert spec.headers["Authorization"] == "Bearer sk-test"
    body = _body(spec.body)
    assert body["model"] == "gpt-5.1"
    assert body["input"][0] == {"type": "message", "role": "system", "content": "Be brief."}
    assert [part["type"] for part in body["input"][1]["content"]] == ["input_text", "input_image"]
    assert body["tools"][0]["name"] == "lookup"
    # Only the fields /responses/input_tokens takes.
    assert set(body) <= {"model", "input", "tools", "tool_choice", "parallel_tool_calls"}


def test_llamacpp_counts_through_its_anthropic_endpoint() -> None:
    codec = provider("llamacpp").codec()
    spec = codec.build_count_tokens(
        _REQUEST.with_model("any"), Endpoint("http://127.0.0.1:8080/v1", "sk-local")
    )
    assert spec.url == "http://127.0.0.1:8080/v1/messages/count_tokens"
    assert spec.headers["Authorization"] == "Bearer sk-local"
    assert "x-api-key" not in {name.lower() for name in spec.headers}
    body = _body(spec.body)
    assert body["system"] == [
        {"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}
    ]
    assert body["tools"][0]["name"] == "lookup"
    assert "max_tokens" not in body  # count_tokens takes no output settings


def test_gemini_counts_the_whole_generate_content_request() -> None:
    codec = provider("google").codec()
    endpoint = Endpoint(
        "https://generativelanguage.googleapis.com/v1beta", "g-key", "x-goog-api-key"
    )
    spec = codec.build_count_tokens(_REQUEST.with_model("gemini-2.5-flash"), endpoint)
    assert spec.url == (
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:countTokens"
    )
    inner = _body(spec.body)["generateContentRequest"]
    assert inner["model"] == "models/gemini-2.5-flash"
    assert inner["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
    assert inner["tools"][0]["functionDeclarations"][0]["name"] == "lookup"
    assert inner["contents"][0]["parts"][1]["inlineData"]["mimeType"] == "image/png"


def test_bedrock_counts_the_converse_request() -> None:
    codec = provider("bedrock").codec()
    endpoint = Endpoint(
        "https://bedrock-runtime.us-east-1.amazonaws.com", "bedrock-api-key", "aws-sigv4"
    )
    model = "anthropic.claude-3-7-sonnet-20250219-v1:0"
    spec = codec.build_count_tokens(_REQUEST.with_model(model), endpoint)
    assert spec.url == (
        "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
        "anthropic.claude-3-7-sonnet-20250219-v1%3A0/count-tokens"
    )
    converse = _body(spec.body)["input"]["converse"]
    assert set(converse) == {"messages", "system", "toolConfig"}
    assert converse["system"] == [{"text": "Be brief."}, {"cachePoint": {"type": "default"}}]
    assert converse["toolConfig"]["tools"][-1] == {"cachePoint": {"type": "default"}}


# -- through each protocol's mock, on both clients --------------------------------------------

#: provider -> (the route counted, its constructor's arguments besides the transport)
_MOCKED = {
    "openai": "POST /v1/responses/input_tokens",
    "google": "POST /v1beta/models/mock-model:countTokens",
    "bedrock": "POST /model/mock-model/count-tokens",
    "anthropic": "POST /v1/messages/count_tokens",
    "llamacpp": "POST /v1/messages/count_tokens",
}


def _constructor_args(name: str, server: MockServer) -> tuple[str, dict[str, Any]]:
    target, key, _ = server.client_row()
    if name == "openai":  # the real OpenAI row (the mock's own client goes through "mock")
        return "openai", {"api_key": "sk-test", "base_url": server.base_url}
    if name == "llamacpp":
        return "openai_compatible", {"name": "llamacpp", "base_url": server.base_url}
    if name == "bedrock":
        return "bedrock", {"api_key": key, "base_url": server.base_url}
    return target, {"api_key": key, "base_url": server.base_url}


@pytest.mark.parametrize("name", sorted(_MOCKED))
def test_blocking_count_tokens_through_the_mock(name: Any) -> None:
    server = MockServer("unused", provider=name)
    constructor, args = _constructor_args(name, server)
    with httpx.Client(transport=server.transport()) as http:
        client = getattr(Client, constructor)(http_client=http, **args)
        assert client.count_tokens(_REQUEST) == _WORDS
    assert server.routes == [_MOCKED[name]]


@pytest.mark.parametrize("name", sorted(_MOCKED))
async def test_asyncio_count_tokens_through_the_mock(name: Any) -> None:
    server = MockServer("unused", provider=name)
    constructor, args = _constructor_args(name, server)
    async with httpx.AsyncClient(transport=server.transport()) as http:
        client = getattr(AsyncClient, constructor)(http_client=http, **args)
        assert await client.count_tokens(_REQUEST) == _WORDS
    assert server.routes == [_MOCKED[name]]


def test_the_offline_mock_counts_too() -> None:
    with Client.mock("unused") as client:
        assert client.count_tokens(ChatRequest("m", [Message.user("three short words")])) == 3


# -- providers without an endpoint -----------------------------------------------------------

_WITHOUT = sorted(
    name
    for name, row in PROVIDERS.items()
    if not row.capabilities.count_tokens and row.mock is not None
)


@pytest.mark.parametrize("name", _WITHOUT)
async def test_the_rest_refuse_naming_the_provider(name: Any) -> None:
    server = MockServer("unused", provider=name)
    async with AsyncClient.mock(server) as client:
        with pytest.raises(UnsupportedFeatureError) as caught:
            await client.count_tokens(_REQUEST)
    assert f"mock ({name}) has no token counting" in str(caught.value)
    assert server.routes == []


def test_openai_counts_without_what_the_endpoint_does_not_take() -> None:
    request = (
        _REQUEST.with_model("gpt-5.1")
        .with_max_tokens(100)
        .with_temperature(0.5)
        .with_reasoning_effort("low")
        .with_prompt_cache_key("tenant-1")
    )
    request = attrs.evolve(request, extra_body={"truncation": "auto", "store": False})
    spec = (
        provider("openai")
        .codec()
        .build_count_tokens(request, Endpoint("https://api.openai.com/v1", "sk-test"))
    )
    body = _body(spec.body)
    assert body["reasoning"] == {"effort": "low"}
    assert body["truncation"] == "auto"
    for left_out in ("max_output_tokens", "temperature", "prompt_cache_key", "store"):
        assert left_out not in body
