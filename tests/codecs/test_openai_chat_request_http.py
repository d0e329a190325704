"""OpenAI chat request encoding: method, URL, headers and framing; models and embeddings.

Auth: https://platform.openai.com/docs/api-reference/authentication
Models: https://platform.openai.com/docs/api-reference/models/list
Embeddings: https://platform.openai.com/docs/api-reference/embeddings/create
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest

from llm_connector.codecs.contract import Endpoint, RequestSpec, merge_headers
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.codecs.openai_chat.dialect import COMPATIBLE_DIALECT, OPENAI_DIALECT
from llm_connector.types import ChatRequest, EmbedRequest, Message
from tests.support.schemas import validated_request_bodies  # noqa: F401  (autouse)

REQUEST = ChatRequest("gpt-4o", [Message.user("Hi")])
ENDPOINT = Endpoint(base_url="https://api.openai.com/v1", api_key="sk-test")
CODEC = OpenAIChatCodec(OPENAI_DIALECT)


def test_non_stream_spec() -> None:
    spec = CODEC.build_chat(REQUEST, ENDPOINT, stream=False)
    assert spec == RequestSpec(
        method="POST",
        url="https://api.openai.com/v1/chat/completions",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": "Bearer sk-test",
        },
        body=spec.body,
        framing="json",
    )
    assert spec.body is not None
    assert json.loads(spec.body) == {
        "model": "gpt-4o",
        "messages": [{"role": "user", "content": "Hi"}],
    }


def test_stream_spec() -> None:
    spec = CODEC.build_chat(REQUEST, ENDPOINT, stream=True)
    assert spec.method == "POST"
    assert spec.url == "https://api.openai.com/v1/chat/completions"
    assert spec.framing == "sse"
    assert dict(spec.headers) == {
        "Content-Type": "application/json",
        "Accept": "text/event-stream",
        "Authorization": "Bearer sk-test",
    }


def test_body_is_compact_utf8_json() -> None:
    spec = CODEC.build_chat(REQUEST, ENDPOINT, stream=False)
    assert spec.body == b'{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}'


@pytest.mark.parametrize(
    "base_url",
    ["https://api.openai.com/v1", "https://api.openai.com/v1/", "https://api.openai.com/v1//"],
)
def test_url_joining_with_and_without_trailing_slash(base_url: str) -> None:
    endpoint = Endpoint(base_url=base_url, api_key="k")
    assert CODEC.build_chat(REQUEST, endpoint, stream=False).url == (
        "https://api.openai.com/v1/chat/completions"
    )
    assert CODEC.build_models(endpoint).url == "https://api.openai.com/v1/models"
    assert CODEC.build_embed(EmbedRequest("e", "x"), endpoint).url == (
        "https://api.openai.com/v1/embeddings"
    )


def test_dialect_paths() -> None:
    # DeepSeek's beta endpoint, say, or a server mounted without /v1.
    dialect = attrs.evolve(COMPATIBLE_DIALECT, chat_path="/beta/chat/completions")
    spec = OpenAIChatCodec(dialect).build_chat(
        REQUEST, Endpoint("https://api.deepseek.com"), stream=False
    )
    assert spec.url == "https://api.deepseek.com/beta/chat/completions"


def test_no_key_means_no_authorization_header() -> None:
    spec = CODEC.build_chat(REQUEST, Endpoint("http://127.0.0.1:8080/v1"), stream=False)
    assert dict(spec.headers) == {"Content-Type": "application/json", "Accept": "application/json"}


@pytest.mark.parametrize(
    ("auth", "expected"),
    [
        ("bearer", {"Authorization": "Bearer sk-test"}),
        ("api-key", {"api-key": "sk-test"}),  # Azure OpenAI
        ("none", {}),
    ],
)
def test_auth_styles(auth: Any, expected: dict[str, str]) -> None:
    endpoint = Endpoint("https://x/v1", api_key="sk-test", auth=auth)
    headers = dict(CODEC.build_chat(REQUEST, endpoint, stream=False).headers)
    assert headers == {"Content-Type": "application/json", "Accept": "application/json", **expected}


def test_endpoint_headers_are_added_and_override() -> None:
    endpoint = Endpoint(
        "https://openrouter.ai/api/v1",
        api_key="sk-test",
        headers={"X-Title": "my app", "Accept": "application/x-ndjson", "User-Agent": "ua/1"},
    )
    assert dict(CODEC.build_chat(REQUEST, endpoint, stream=True).headers) == {
        "Content-Type": "application/json",
        "Accept": "application/x-ndjson",
        "Authorization": "Bearer sk-test",
        "X-Title": "my app",
        "User-Agent": "ua/1",
    }


def test_header_override_ignores_the_case_of_the_name() -> None:
    # HTTP header names are case-insensitive: one Authorization goes out, the caller's.
    endpoint = Endpoint(
        "https://x/v1",
        api_key="sk-test",
        headers={"authorization": "Bearer sk-other", "content-type": "application/json; v=2"},
    )
    assert dict(CODEC.build_chat(REQUEST, endpoint, stream=False).headers) == {
        "Accept": "application/json",
        "authorization": "Bearer sk-other",
        "content-type": "application/json; v=2",
    }


def test_merge_headers() -> None:
    assert merge_headers({"A": "1", "B": "1"}, {"b": "2", "C": "2"}, {"c": "3"}) == {
        "A": "1",
        "b": "2",
        "c": "3",
    }
    # Within one layer too: the later spelling wins.
    assert merge_headers({"User-Agent": "a", "user-agent": "b"}) == {"user-agent": "b"}
    assert merge_headers() == {}


def test_build_models() -> None:
    endpoint = Endpoint("https://api.openai.com/v1/", api_key="sk-test", headers={"X-A": "1"})
    assert CODEC.build_models(endpoint) == RequestSpec(
        method="GET",
        url="https://api.openai.com/v1/models",
        headers={"Accept": "application/json", "Authorization": "Bearer sk-test", "X-A": "1"},
        body=None,
        framing="json",
    )


def test_build_embed_full() -> None:
    request = EmbedRequest(
        "text-embedding-3-small",
        ["first text", "second text"],
        dimensions=256,
        encoding_format="float",
        user="user-1",
        extra_body={"dimensions": 512, "custom": True},
    )
    spec = CODEC.build_embed(request, ENDPOINT)
    assert spec.method == "POST"
    assert spec.url == "https://api.openai.com/v1/embeddings"
    assert spec.framing == "json"
    assert dict(spec.headers) == {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Authorization": "Bearer sk-test",
    }
    assert spec.body is not None
    assert json.loads(spec.body) == {
        "model": "text-embedding-3-small",
        "input": ["first text", "second text"],
        # extra_body is merged last and wins.
        "dimensions": 512,
        "encoding_format": "float",
        "user": "user-1",
        "custom": True,
    }


def test_build_embed_single_text_is_a_list() -> None:
    spec = CODEC.build_embed(EmbedRequest("e", "hello", encoding_format="base64"), ENDPOINT)
    assert spec.body is not None
    assert json.loads(spec.body) == {"model": "e", "input": ["hello"], "encoding_format": "base64"}
