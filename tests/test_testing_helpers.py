"""llm_connector.testing: replaying recorded transcripts through real clients, and
recording traffic into transcripts that replay to the same answers."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import httpx
import pytest

from llm_connector import AsyncClient, Client, MockReply, MockServer, RateLimitError
from llm_connector._mock import MOCK_BASE_URLS
from llm_connector.testing import (
    Recording,
    RecordingTransport,
    ReplayTransport,
    replaying_async_http_client,
    replaying_http_client,
)
from llm_connector.types import ChatRequest, Message

DATA = Path(__file__).parent / "data"
REQUEST = ChatRequest("claude-sonnet-4-5").add_message(Message.user("Name two dogs."))


def test_a_corpus_transcript_replays_through_a_real_client() -> None:
    expected = json.loads((DATA / "anthropic" / "text-basic.expected.json").read_text())
    with replaying_http_client(DATA / "anthropic" / "text-basic.sse") as http:
        client = Client.anthropic("test-key", http_client=http)
        answer = client.chat_stream(REQUEST).final_response()
    assert answer.content == expected["content"]
    assert answer.finish_reason == expected["finish_reason"]


async def test_a_corpus_transcript_replays_through_an_async_client() -> None:
    expected = json.loads((DATA / "anthropic" / "text-basic.expected.json").read_text())
    async with replaying_async_http_client(DATA / "anthropic" / "text-basic.sse") as http:
        client = AsyncClient.anthropic("test-key", http_client=http)
        answer = await (await client.chat_stream(REQUEST)).final_response()
    assert answer.content == expected["content"]


def test_replaying_past_the_last_recording_is_a_test_failure() -> None:
    transport = ReplayTransport([Recording(b'{"models": []}')])
    with httpx.Client(transport=transport) as http:
        http.get("http://x/api/tags")
        with pytest.raises(AssertionError, match="request 2"):
            http.get("http://x/api/tags")
    assert [(m, u) for m, u, _ in transport.requests] == [("GET", "http://x/api/tags")]


def test_recorded_traffic_replays_to_the_same_answers(tmp_path: Path) -> None:
    # The "network" is the offline mock speaking Anthropic's wire; the recording sits
    # between it and a real client, exactly where it would sit in front of the real API.
    server = MockServer(
        [MockReply.reasoning("Two good names.", "Rex and Fido."), MockReply.text("Fine.")],
        provider="anthropic",
    )
    key = "sk-ant-must-not-be-saved-0123456789"
    base = MOCK_BASE_URLS["anthropic"]
    with httpx.Client(transport=RecordingTransport(tmp_path, server.transport())) as http:
        client = Client.anthropic(key, base, http_client=http, max_retries=0)
        streamed = client.chat_stream(REQUEST).final_response()
        whole = client.chat(REQUEST)

    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "0001.meta.json",
        "0001.request.json",
        "0001.sse",
        "0002.json",
        "0002.meta.json",
        "0002.request.json",
    ]
    assert (
        json.loads((tmp_path / "0001.meta.json").read_text())["content_type"] == "text/event-stream"
    )
    assert json.loads((tmp_path / "0001.request.json").read_text())["stream"] is True
    for path in tmp_path.iterdir():
        assert key not in path.read_text()

    with replaying_http_client(tmp_path) as http:
        replayed = Client.anthropic("other-key", base, http_client=http)
        assert replayed.chat_stream(REQUEST).final_response() == streamed
        assert replayed.chat(REQUEST) == whole
    assert streamed.content == "Rex and Fido."
    assert streamed.message is not None
    assert streamed.message.reasoning_blocks[0].signature  # the signature survives


def test_a_compressed_body_is_saved_as_sent_and_replays_decoded(tmp_path: Path) -> None:
    tags = json.dumps({"models": [{"name": "llama3.2", "model": "llama3.2"}]}).encode()

    def gzipped(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json", "content-encoding": "gzip"}
        return httpx.Response(200, headers=headers, content=gzip.compress(tags))

    with httpx.Client(transport=RecordingTransport(tmp_path, httpx.MockTransport(gzipped))) as http:
        recorded = Client.ollama("http://ollama.test", http_client=http).models()
    assert gzip.decompress((tmp_path / "0001.json").read_bytes()) == tags
    with replaying_http_client(tmp_path) as http:
        assert Client.ollama("http://ollama.test", http_client=http).models() == recorded
    assert [m.id for m in recorded] == ["llama3.2"]


def test_a_recorded_error_replays_as_the_same_typed_error(tmp_path: Path) -> None:
    server = MockServer([MockReply.error(429, "slow down")], provider="anthropic")
    base = MOCK_BASE_URLS["anthropic"]
    with httpx.Client(transport=RecordingTransport(tmp_path, server.transport())) as http:
        client = Client.anthropic("k", base, http_client=http, max_retries=0)
        with pytest.raises(RateLimitError) as first:
            client.chat(REQUEST)
    with replaying_http_client(tmp_path) as http:
        client = Client.anthropic("k", base, http_client=http, max_retries=0)
        with pytest.raises(RateLimitError) as second:
            client.chat(REQUEST)
    assert (
        str(second.value)
        == str(first.value)
        == f"Error code: 429, type: rate_limit_error - slow down (POST {base}/v1/messages)"
    )
