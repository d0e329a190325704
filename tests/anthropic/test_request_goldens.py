"""Request goldens: the request bodies recorded beside the transcripts
(tests/data/anthropic/*.request.json, sent by other SDKs to the real API) rebuilt from
neutral requests; then the URL, headers and framing of each dialect.

https://platform.claude.com/docs/en/api/messages
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from llm_connector.codecs.anthropic.codec import AnthropicCodec
from llm_connector.codecs.anthropic.dialect import AnthropicDialect
from llm_connector.codecs.contract import Endpoint, RequestSpec
from llm_connector.errors import UnsupportedFeatureError
from llm_connector.providers.dialects import LONGCAT_DIALECT, VERTEX_DIALECT
from llm_connector.types import ChatRequest, DocumentPart, Message, TextPart, Tool
from tests.support.anthropic_requests import (
    CODEC,
    ENDPOINT,
    TIME,
    VERTEX,
    WEATHER,
    as_blocks,
    body,
    recorded,
    spec,
)
from tests.support.schemas import validated_request_bodies  # noqa: F401  (autouse)

# -- goldens: the recorded request bodies -------------------------------------------------------


def test_golden_nonstream_text() -> None:
    request = ChatRequest(
        "claude-3-opus-20240229",
        [Message.user("Tell me a joke about OpenTelemetry")],
        max_tokens=1024,
    )
    assert body(request) == recorded("nonstream-text")


def test_golden_nonstream_tool_use() -> None:
    request = ChatRequest(
        "claude-3-5-sonnet-20240620",
        [
            Message.user(
                "What is the weather like right now in New York? Also what time is it there now?"
            )
        ],
        max_tokens=1024,
        tools=[WEATHER, TIME],
    )
    assert body(request) == recorded("nonstream-tool-use")


def test_golden_text_then_tool_use_stream() -> None:
    request = ChatRequest(
        "claude-3-5-sonnet-20240620",
        [Message.user("What is the weather and current time in San Francisco?")],
        max_tokens=1024,
        tools=[WEATHER, TIME],
    )
    assert body(request, stream=True) == recorded("text-then-tool-use")


def test_golden_text_basic_and_tools_with_empty_description() -> None:
    request = ChatRequest(
        "claude-sonnet-4-5",
        [Message.user("Two names for a pet pelican, be brief")],
        max_tokens=8192,
        temperature=1.0,
    )
    assert as_blocks(body(request, stream=True)) == as_blocks(recorded("text-basic"))
    pelican = Tool.function("pelican_name_generator", "", {"properties": {}, "type": "object"})
    request = ChatRequest(
        "claude-haiku-4-5-20251001",
        [Message.user("Two names for a pet pelican")],
        max_tokens=8192,
        temperature=1.0,
        tools=[pelican],
    )
    assert as_blocks(body(request, stream=True)) == as_blocks(recorded("tool-use-input-json-delta"))


def test_golden_thinking_budget() -> None:
    request = ChatRequest(
        "claude-sonnet-4-0",
        [Message.user("How do I cross the street?")],
        max_tokens=4096,
        thinking_budget=1024,
    )
    assert as_blocks(body(request, stream=True)) == as_blocks(recorded("thinking-signature"))


def test_golden_extra_body_reaches_what_the_neutral_request_has_no_word_for() -> None:
    # Adaptive thinking and the effort setting of newer models, through extra_body.
    request = ChatRequest(
        "claude-opus-4-6",
        [Message.user("Two names for a pet pelican, be brief")],
        max_tokens=8192,
        temperature=1.0,
        extra_body={"thinking": {"type": "adaptive"}},
    )
    assert as_blocks(body(request, stream=True)) == as_blocks(recorded("adaptive-thinking"))
    request = ChatRequest(
        "claude-opus-4-6",
        [Message.user("What is 2+2?")],
        max_tokens=4096,
        extra_body={"output_config": {"effort": "xhigh"}, "stream": False},
    )
    assert as_blocks(body(request)) == as_blocks(recorded("error-400-invalid-request"))


def test_golden_count_tokens() -> None:
    request = ChatRequest(
        "claude-does-not-exist", [Message.user("hello")], max_tokens=5, temperature=0.5
    )
    built = CODEC.build_count_tokens(request, ENDPOINT)
    assert (built.method, built.url) == (
        "POST",
        "https://api.anthropic.com/v1/messages/count_tokens",
    )
    assert built.body is not None
    assert as_blocks(json.loads(built.body)) == as_blocks(recorded("error-404-not-found"))


# -- URL, headers, framing -------------------------------------------------------------------


def test_url_headers_and_framing() -> None:
    request = ChatRequest("claude-x", [Message.user("Hi")])
    streamed = spec(request, stream=True)
    assert (streamed.method, streamed.url, streamed.framing) == (
        "POST",
        "https://api.anthropic.com/v1/messages",
        "sse",
    )
    assert dict(streamed.headers) == {
        "Content-Type": "application/json",
        "Accept": "text/event-stream",
        "anthropic-version": "2023-06-01",
        "x-api-key": "sk-ant-key",
    }
    assert json.loads(streamed.body or b"")["stream"] is True
    whole = spec(request)
    assert (whole.framing, whole.headers["Accept"]) == ("json", "application/json")
    assert "stream" not in json.loads(whole.body or b"")
    # Compact UTF-8 JSON.
    assert whole.body == (
        b'{"model":"claude-x","max_tokens":4096,"messages":[{"role":"user","content":"Hi"}]}'
    )


def test_longcat_sends_a_bearer_token() -> None:
    endpoint = Endpoint("https://api.longcat.chat/anthropic", "lc-key", "bearer")
    built = AnthropicCodec(LONGCAT_DIALECT).build_chat(
        ChatRequest("LongCat-Flash-Chat", [Message.user("Hi")]), endpoint, stream=False
    )
    assert built.url == "https://api.longcat.chat/anthropic/v1/messages"
    assert built.headers["Authorization"] == "Bearer lc-key"
    assert "x-api-key" not in built.headers


@pytest.mark.parametrize(("stream", "verb"), [(False, "rawPredict"), (True, "streamRawPredict")])
def test_vertex_puts_the_model_in_the_url_and_the_version_in_the_body(
    stream: bool, verb: str
) -> None:
    # https://platform.claude.com/docs/en/build-with-claude/claude-on-vertex-ai
    codec = AnthropicCodec(VERTEX_DIALECT)
    request = ChatRequest("claude-sonnet-4@20250514", [Message.user("Hi")], max_tokens=10)
    built = codec.build_chat(request, VERTEX, stream=stream)
    assert built.url == f"{VERTEX.base_url}/claude-sonnet-4@20250514:{verb}"
    sent = json.loads(built.body or b"")
    assert sent == {
        "anthropic_version": "vertex-2023-10-16",
        "max_tokens": 10,
        "messages": [{"role": "user", "content": "Hi"}],
        **({"stream": True} if stream else {}),
    }
    assert built.headers["Authorization"] == "Bearer ya29.token"
    assert "anthropic-version" not in built.headers
    counted = codec.build_count_tokens(request, VERTEX)
    assert counted.url == f"{VERTEX.base_url}/count-tokens:rawPredict"
    assert json.loads(counted.body or b"") == {
        "anthropic_version": "vertex-2023-10-16",
        "model": "claude-sonnet-4@20250514",
        "messages": [{"role": "user", "content": "Hi"}],
    }


def test_models_pages_after_the_last_id() -> None:
    # https://platform.claude.com/docs/en/api/models/list
    first = CODEC.build_models(ENDPOINT)
    assert (first.method, first.url) == ("GET", "https://api.anthropic.com/v1/models?limit=1000")
    assert first.headers["x-api-key"] == "sk-ant-key" and first.body is None
    assert CODEC.build_models(ENDPOINT, "claude 3/x").url.endswith(
        "?limit=1000&after_id=claude%203%2Fx"
    )


OPERATIONS: dict[str, Callable[[AnthropicCodec], RequestSpec]] = {
    "model listing": lambda codec: codec.build_models(ENDPOINT),
    "token counting": lambda codec: codec.build_count_tokens(
        ChatRequest("m", [Message.user("x")]), ENDPOINT
    ),
}


@pytest.mark.parametrize(
    ("dialect", "operation"),
    [
        (LONGCAT_DIALECT, "model listing"),
        (LONGCAT_DIALECT, "token counting"),
        (VERTEX_DIALECT, "model listing"),
    ],
)
def test_operations_a_dialect_lacks_are_refused(dialect: AnthropicDialect, operation: str) -> None:
    codec = AnthropicCodec(dialect)
    with pytest.raises(
        UnsupportedFeatureError, match=f"{dialect.name} protocol has no {operation}"
    ):
        OPERATIONS[operation](codec)


def test_caller_headers_win_and_beta_headers_are_combined() -> None:
    request = (
        ChatRequest(
            "claude-x", [Message.user([TextPart("see"), DocumentPart.from_file_id("file_1")])]
        )
        .with_header("Anthropic-Beta", "interleaved-thinking-2025-05-14")
        .with_header("anthropic-version", "2099-01-01")
    )
    endpoint = Endpoint(ENDPOINT.base_url, "k", "x-api-key", request.extra_headers)
    built = CODEC.build_chat(request, endpoint, stream=False)
    assert built.headers["anthropic-version"] == "2099-01-01"
    assert built.headers["Anthropic-Beta"] == "interleaved-thinking-2025-05-14,files-api-2025-04-14"
    assert "anthropic-beta" not in built.headers
    sent = json.loads(built.body or b"")
    assert sent["messages"][0]["content"][1] == {
        "type": "document",
        "source": {"type": "file", "file_id": "file_1"},
    }
