"""Gemini's explicit caches: ``client.create_cache(request, ttl=...)`` and
``client.delete_cache(name)`` on both clients (https://ai.google.dev/api/caching), through
the Gemini mock, and refused on the providers without them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from llm_connector import (
    AsyncClient,
    Client,
    MockServer,
    RequestValidationError,
    UnsupportedFeatureError,
)
from llm_connector.codecs.contract import Endpoint
from llm_connector.codecs.gemini.codec import GeminiCodec
from llm_connector.types import ChatRequest, Message, Tool
from llm_connector.types._cached_content import CachedContent

_DOCUMENT = "A long reference text to answer many questions about."
_PROMPT = ChatRequest(
    "mock-model",
    [Message.system("Answer from the text."), Message.user(_DOCUMENT)],
    tools=[Tool("lookup", "Look a word up.", {"type": "object", "properties": {}})],
)
_ENDPOINT = Endpoint("https://generativelanguage.googleapis.com/v1beta", "g-key", "x-goog-api-key")
_MADE = CachedContent(
    "cachedContents/mock-cache",
    "models/mock-model",
    "2025-01-01T01:00:00Z",
    4 + 9,  # the system prompt and the document, one token a word
    "reference",
)


def test_the_create_request_holds_the_prompt_and_the_lifetime() -> None:
    spec = GeminiCodec().build_create_cache(
        _PROMPT.with_model("gemini-2.5-flash"), _ENDPOINT, ttl=300, display_name="reference"
    )
    assert (spec.method, spec.url) == (
        "POST",
        "https://generativelanguage.googleapis.com/v1beta/cachedContents",
    )
    assert spec.headers["x-goog-api-key"] == "g-key"
    assert spec.body is not None
    body = json.loads(spec.body)
    assert body == {
        "model": "models/gemini-2.5-flash",
        "contents": [{"role": "user", "parts": [{"text": _DOCUMENT}]}],
        "systemInstruction": {"parts": [{"text": "Answer from the text."}]},
        "tools": body["tools"],  # as chat sends them (tests/gemini)
        "ttl": "300s",
        "displayName": "reference",
    }
    assert body["tools"][0]["functionDeclarations"][0]["name"] == "lookup"


@pytest.mark.parametrize(("ttl", "wire"), [(3600, "3600s"), (1.5, "1.5s")])
def test_a_lifetime_is_a_duration(ttl: float, wire: str) -> None:
    spec = GeminiCodec().build_create_cache(_PROMPT, _ENDPOINT, ttl=ttl)
    assert spec.body is not None
    assert json.loads(spec.body)["ttl"] == wire


def test_the_delete_request() -> None:
    spec = GeminiCodec().build_delete_cache("cachedContents/abc-123", _ENDPOINT)
    assert (spec.method, spec.url, spec.body) == (
        "DELETE",
        "https://generativelanguage.googleapis.com/v1beta/cachedContents/abc-123",
        None,
    )


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.build_create_cache(_PROMPT, _ENDPOINT, ttl=0), "ttl"),
        (lambda c: c.build_create_cache(_PROMPT, _ENDPOINT, ttl=float("nan")), "ttl"),
        (
            lambda c: c.build_create_cache(
                _PROMPT.with_cached_content("cachedContents/x"), _ENDPOINT
            ),
            "cached_content",
        ),
        (lambda c: c.build_delete_cache("cachedContents/", _ENDPOINT), "name"),
        (lambda c: c.build_delete_cache("a/b", _ENDPOINT), "name"),
    ],
)
def test_bad_input_is_refused_before_sending(call: Any, field: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        call(GeminiCodec())
    assert caught.value.field == field


def test_blocking_create_answer_and_delete() -> None:
    server = MockServer("From the cache.", provider="google")
    with httpx.Client(transport=server.transport()) as http:
        client = Client.google("g-key", base_url=server.base_url, http_client=http)
        cache = client.create_cache(_PROMPT, ttl=3600, display_name="reference")
        assert cache == _MADE
        request = ChatRequest("mock-model", [Message.user("What is it about?")])
        answer = client.chat(request.with_cached_content(cache.name))
        client.delete_cache(cache.name)
    assert answer.content == "From the cache."
    assert server.requests[1]["cachedContent"] == "cachedContents/mock-cache"
    assert server.routes == [
        "POST /v1beta/cachedContents",
        "POST /v1beta/models/mock-model:generateContent",
        "DELETE /v1beta/cachedContents/mock-cache",
    ]


async def test_asyncio_create_and_delete() -> None:
    server = MockServer("unused", provider="google")
    async with httpx.AsyncClient(transport=server.transport()) as http:
        client = AsyncClient.google("g-key", base_url=server.base_url, http_client=http)
        cache = await client.create_cache(_PROMPT, ttl=3600, display_name="reference")
        await client.delete_cache(cache.name)
    assert cache == _MADE
    assert server.routes == [
        "POST /v1beta/cachedContents",
        "DELETE /v1beta/cachedContents/mock-cache",
    ]


def test_a_cache_needs_a_model() -> None:
    with Client.google("g-key") as client, pytest.raises(RequestValidationError) as caught:
        client.create_cache(_PROMPT.with_model(""))
    assert caught.value.field == "model"


@pytest.mark.parametrize("provider", ["openai", "anthropic", "bedrock"])
async def test_the_other_providers_have_no_explicit_caches(provider: Any) -> None:
    server = MockServer("unused", provider=provider)
    with Client.mock(server) as client:
        with pytest.raises(UnsupportedFeatureError, match="has no explicit caches"):
            client.create_cache(_PROMPT)
        with pytest.raises(UnsupportedFeatureError, match="has no explicit caches"):
            client.delete_cache("cachedContents/x")
    async with AsyncClient.mock(server) as aclient:
        with pytest.raises(UnsupportedFeatureError, match="has no explicit caches"):
            await aclient.create_cache(_PROMPT)
    assert server.routes == []
