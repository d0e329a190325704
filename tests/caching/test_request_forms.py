"""The cache settings of the providers without breakpoints: OpenAI's ``prompt_cache_key``
and ``prompt_cache_retention``, Gemini's ``cachedContent``, and a DEBUG line (never an
error) where breakpoints are not sent because the provider caches on its own.

Bodies of OpenAI and Gemini are validated against their published schemas (autouse).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from llm_connector.codecs.contract import Endpoint
from llm_connector.codecs.gemini.codec import GeminiCodec
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.codecs.openai_chat.dialect import OPENAI_DIALECT, OpenAIDialect
from llm_connector.errors import RequestValidationError
from llm_connector.providers.dialects import AZURE_OPENAI, DEEPSEEK, MOONSHOT
from llm_connector.providers.table import provider
from llm_connector.types import ChatRequest, Message, TextPart, Tool
from tests.support.schemas import validated_request_bodies  # noqa: F401  (autouse)

_ENDPOINT = Endpoint(base_url="https://api.openai.com/v1", api_key="sk-test")
_GEMINI = Endpoint(
    "https://generativelanguage.googleapis.com/v1beta", api_key="g-key", auth="x-goog-api-key"
)
_TOOL = Tool("lookup", "Look a word up.", {"type": "object", "properties": {}})


def _openai(request: ChatRequest, dialect: OpenAIDialect = OPENAI_DIALECT) -> dict[str, Any]:
    spec = OpenAIChatCodec(dialect).build_chat(request, _ENDPOINT, stream=False)
    assert spec.body is not None
    value: dict[str, Any] = json.loads(spec.body)
    return value


def _gemini(request: ChatRequest) -> dict[str, Any]:
    spec = GeminiCodec().build_chat(request, _GEMINI, stream=False)
    assert spec.body is not None
    value: dict[str, Any] = json.loads(spec.body)
    return value


def _cached_everywhere() -> ChatRequest:
    """One request with every kind of breakpoint."""
    return ChatRequest(
        "m",
        [
            Message.system("Long rules.").with_cache("1h"),
            Message.user([TextPart("A long text.").with_cache(), TextPart("Sum it up.")]),
        ],
    ).with_tools([_TOOL], cache="1h")


@pytest.mark.parametrize("dialect", [OPENAI_DIALECT, AZURE_OPENAI], ids=["openai", "azure"])
def test_openai_takes_the_key_and_the_retention(dialect: OpenAIDialect) -> None:
    request = (
        ChatRequest("gpt-5.1", [Message.user("Hi")])
        .with_prompt_cache_key("tenant-42")
        .with_prompt_cache_retention("24h")
    )
    assert _openai(request, dialect) == {
        "model": "gpt-5.1",
        "messages": [{"role": "user", "content": "Hi"}],
        "prompt_cache_key": "tenant-42",
        "prompt_cache_retention": "24h",
    }


def test_openai_sends_no_breakpoint_and_says_so_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="llm_connector"):
        sent = _openai(_cached_everywhere())
    assert "cache_control" not in json.dumps(sent)
    assert sent["messages"][0] == {"role": "system", "content": "Long rules."}
    assert any(
        "openai: not sending the cache breakpoints" in r.getMessage()
        and "tools_cache" in r.getMessage()
        for r in caplog.records
    )


@pytest.mark.parametrize("dialect", [DEEPSEEK, MOONSHOT], ids=["deepseek", "moonshot"])
def test_providers_that_cache_on_their_own_get_neither_breakpoints_nor_openai_fields(
    dialect: OpenAIDialect, caplog: pytest.LogCaptureFixture
) -> None:
    request = _cached_everywhere().with_prompt_cache_retention("in_memory")
    with caplog.at_level(logging.DEBUG, logger="llm_connector"):
        sent = _openai(request, dialect)
    assert "cache" not in json.dumps(sent)
    messages = [r.getMessage() for r in caplog.records]
    assert any("not sending the cache breakpoints" in m for m in messages)
    assert any("not sending ['prompt_cache_retention']" in m for m in messages)


def test_gemini_answers_from_a_named_cache() -> None:
    request = ChatRequest("gemini-2.5-flash", [Message.user("Sum up the document.")])
    sent = _gemini(request.with_cached_content("cachedContents/abc123"))
    assert sent == {
        "contents": [{"role": "user", "parts": [{"text": "Sum up the document."}]}],
        "cachedContent": "cachedContents/abc123",
    }


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (
            ChatRequest("gemini-2.5-flash", [Message.user("Hi"), Message.system("Rules.")]),
            "messages[1]",
        ),
        (ChatRequest("gemini-2.5-flash", [Message.user("Hi")], tools=[_TOOL]), "tools"),
    ],
)
def test_gemini_refuses_what_the_cache_already_holds(request_: ChatRequest, field: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        _gemini(request_.with_cached_content("cachedContents/abc123"))
    assert caught.value.field == field


def test_gemini_sends_no_breakpoint(caplog: pytest.LogCaptureFixture) -> None:
    request = _cached_everywhere().with_model("gemini-2.5-flash")
    with caplog.at_level(logging.DEBUG, logger="llm_connector"):
        sent = _gemini(request)
    assert "cache" not in json.dumps(sent).lower()
    assert any(
        "gemini: not sending the cache breakpoints" in r.getMessage() for r in caplog.records
    )


@pytest.mark.parametrize("name", ["ollama", "aliyun", "tencent"])
def test_the_other_native_protocols_send_no_breakpoint(name: str) -> None:
    row = provider(name)
    codec = row.codec()
    endpoint = Endpoint("https://example.com", api_key="id:key", auth=row.auth, timestamp=1.0)
    spec = codec.build_chat(_cached_everywhere(), endpoint, stream=False)
    assert spec.body is not None
    assert b"cache" not in spec.body.lower()


@pytest.mark.parametrize("name", ["openai", "deepseek", "anthropic", "bedrock", "ollama"])
def test_a_gemini_cache_reference_is_refused_elsewhere(name: str) -> None:
    # The cache holds the prompt the request leaves out: another provider would answer
    # without it.
    row = provider(name)
    request = ChatRequest("m", [Message.user("Hi")]).with_cached_content("cachedContents/abc")
    endpoint = Endpoint("https://example.com", api_key="k", auth=row.auth, timestamp=1.0)
    with pytest.raises(RequestValidationError) as caught:
        row.codec().build_chat(request, endpoint, stream=False)
    assert caught.value.field == "cached_content"


def test_the_responses_api_takes_the_key_and_the_retention() -> None:
    from llm_connector.codecs.openai_responses.codec import OpenAIResponsesCodec
    from llm_connector.responses import ResponsesRequest

    request = (
        ResponsesRequest(model="gpt-5.1", input="Hi")
        .with_prompt_cache_key("tenant-42")
        .with_prompt_cache_retention("24h")
    )
    spec = OpenAIResponsesCodec().build_responses(request, _ENDPOINT, stream=False)
    assert spec.body is not None
    assert json.loads(spec.body) == {
        "model": "gpt-5.1",
        "input": "Hi",
        "prompt_cache_key": "tenant-42",
        "prompt_cache_retention": "24h",
    }
    with pytest.raises(RequestValidationError, match=r"^prompt_cache_retention: unknown"):
        OpenAIResponsesCodec().build_responses(
            request.with_prompt_cache_retention("1h"),  # type: ignore[arg-type]
            _ENDPOINT,
            stream=False,
        )
