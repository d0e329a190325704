"""repr() never shows an API key or a header value (names may show)."""

from __future__ import annotations

from llm_connector.codecs.contract import Endpoint, RequestSpec
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.types import ChatRequest, EmbedRequest, Message

KEY = "sk-proj-SECRET-1234567890"
HEADER_VALUE = "tok-HEADER-SECRET-987"
AUTH_VALUE = "Bearer sk-other-SECRET-555"


def test_chat_request_repr_hides_key_and_header_values() -> None:
    request = (
        ChatRequest("gpt-4o")
        .add_message(Message.user("Hi"))
        .with_api_key(KEY)
        .with_header("X-Custom-Token", HEADER_VALUE)
        .with_header("Authorization", AUTH_VALUE)
    )
    for text in (repr(request), str(request), repr(request.with_temperature(0.5))):
        assert KEY not in text
        assert HEADER_VALUE not in text
        assert AUTH_VALUE not in text
        assert "sk-" not in text
        # Names still show, so a reader can see what was set.
        assert "X-Custom-Token" in text
        assert "Authorization" in text
        assert "api_key='***'" in text
        assert "gpt-4o" in text


def test_chat_request_repr_without_key() -> None:
    assert "api_key=None" in repr(ChatRequest("m"))


def test_embed_request_repr_hides_secrets() -> None:
    request = EmbedRequest(
        "emb", ["a"], api_key=KEY, extra_headers={"X-Custom-Token": HEADER_VALUE}
    )
    text = repr(request)
    assert KEY not in text
    assert HEADER_VALUE not in text
    assert "X-Custom-Token" in text


def test_endpoint_repr_hides_secrets() -> None:
    endpoint = Endpoint(
        base_url="https://api.openai.com/v1",
        api_key=KEY,
        headers={"X-Custom-Token": HEADER_VALUE, "Authorization": AUTH_VALUE},
    )
    text = repr(endpoint)
    assert KEY not in text
    assert HEADER_VALUE not in text
    assert AUTH_VALUE not in text
    assert "X-Custom-Token" in text
    assert "https://api.openai.com/v1" in text


def test_request_spec_repr_hides_header_values() -> None:
    spec = OpenAIChatCodec().build_chat(
        ChatRequest("m", [Message.user("Hi")]),
        Endpoint(
            "https://api.openai.com/v1", api_key=KEY, headers={"X-Custom-Token": HEADER_VALUE}
        ),
        stream=False,
    )
    assert spec.headers["Authorization"] == f"Bearer {KEY}"  # the key is really in there
    text = repr(spec)
    assert KEY not in text
    assert HEADER_VALUE not in text
    assert "Authorization" in text
    assert "X-Custom-Token" in text


def test_hand_built_request_spec_repr() -> None:
    spec = RequestSpec("GET", "https://x/v1/models", {"api-key": KEY})
    assert KEY not in repr(spec)
    assert "api-key" in repr(spec)


def test_endpoint_and_spec_are_hashable_values() -> None:
    endpoint = Endpoint("https://x/v1", api_key=KEY, headers={"X-A": "1"})
    assert hash(endpoint) == hash(Endpoint("https://x/v1", api_key=KEY, headers={"X-A": "2"}))
    assert endpoint != Endpoint("https://x/v1", api_key=KEY, headers={"X-A": "2"})
    spec = RequestSpec("GET", "https://x/v1/models", {"Accept": "application/json"})
    assert isinstance(hash(spec), int)
