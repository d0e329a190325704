"""Both clients on the other dialects (LongCat, Vertex AI), a thinking + tool-use
conversation whose second turn sends the signed reasoning back, and the constructors' use
of the environment and the official endpoints."""

from __future__ import annotations

import httpx
import pytest

from llm_connector import AsyncClient, Client
from llm_connector.types import ChatRequest, Message, ReasoningBlock
from tests.support.anthropic_clients import (
    KEY,
    MESSAGES,
    REQUEST,
    WEATHER,
    Factory,
    sse_reply,
    transcript_reply,
)
from tests.support.anthropic_oracle import DATA, expected_file
from tests.support.backends import Backend
from tests.support.facade import Mode, wrap
from tests.support.mock_backend import MockBackend
from tests.support.script import Reply, json_reply

# -- other dialects ------------------------------------------------------------------------------


async def test_longcat_authenticates_with_a_bearer_token(make: Factory, backend: Backend) -> None:
    backend.script.on(
        "/anthropic/v1/messages", json_reply((DATA / "nonstream-text.json").read_text())
    )
    api = make("longcat_anthropic", base_url=backend.origin + "/anthropic")
    assert (await api.chat(REQUEST)).content.startswith("Sure, here's a joke")
    (sent,) = backend.requests
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert "x-api-key" not in sent.headers


# text-basic is api.anthropic.com's; the vertex-* transcripts were recorded from Vertex AI's
# streamRawPredict (tests/data/anthropic/MANIFEST.md).
@pytest.mark.parametrize(
    "name", ["text-basic", "vertex-claude37-text", "vertex-claude37-text-then-tool-use"]
)
async def test_vertex_streams_from_stream_raw_predict(
    name: str, mode: Mode, backend: Backend
) -> None:
    models = "/v1/projects/p/locations/us-east5/publishers/anthropic/models"
    backend.script.on(f"{models}/claude-sonnet-4@20250514:streamRawPredict", transcript_reply(name))
    cls = Client if mode == "sync" else AsyncClient
    if isinstance(backend, MockBackend):
        client = cls(
            "anthropic_vertex", "ya29.tok", backend.origin + models, _transport=backend.transport
        )
    else:
        client = cls.anthropic_vertex("p", "us-east5", "ya29.tok", base_url=backend.origin + models)
    api = wrap(client)
    try:
        stream = await api.stream(ChatRequest("claude-sonnet-4@20250514", [Message.user("Hi")]))
        await stream.collect()
        expected = expected_file(DATA / f"{name}.sse")
        final = await stream.final_response()
        assert final.content == expected["content"]
        assert [(c.id, c.function.arguments) for c in final.tool_calls] == [
            (t["id"], t["arguments"]) for t in expected["tool_calls"]
        ]
    finally:
        await api.close()
    (sent,) = backend.requests
    assert sent.headers["authorization"] == "Bearer ya29.tok"
    assert sent.json()["anthropic_version"] == "vertex-2023-10-16" and "model" not in sent.json()


# -- a thinking + tool-use conversation ----------------------------------------------------------


def first_turn() -> Reply:
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_a",
            "model": "claude-x",
            "usage": {"input_tokens": 50, "output_tokens": 1},
        },
    }
    thinking = {"type": "thinking", "thinking": "", "signature": ""}
    tool = {"type": "tool_use", "id": "toolu_9", "name": "get_weather", "input": {}}
    return sse_reply(
        start,
        {"type": "content_block_start", "index": 0, "content_block": thinking},
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "thinking_delta", "thinking": "Need the "},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "thinking_delta", "thinking": "weather tool."},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "signature_delta", "signature": "EqQBCkYIBhgC"},
        },
        {"type": "content_block_stop", "index": 0},
        {
            "type": "content_block_start",
            "index": 1,
            "content_block": {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va"},
        },
        {"type": "content_block_stop", "index": 1},
        {"type": "content_block_start", "index": 2, "content_block": {"type": "text", "text": ""}},
        {
            "type": "content_block_delta",
            "index": 2,
            "delta": {"type": "text_delta", "text": "Checking."},
        },
        {"type": "content_block_stop", "index": 2},
        {"type": "content_block_start", "index": 3, "content_block": tool},
        {
            "type": "content_block_delta",
            "index": 3,
            "delta": {"type": "input_json_delta", "partial_json": '{"city": '},
        },
        {
            "type": "content_block_delta",
            "index": 3,
            "delta": {"type": "input_json_delta", "partial_json": '"Paris"}'},
        },
        {"type": "content_block_stop", "index": 3},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use"},
            "usage": {"output_tokens": 30},
        },
        {"type": "message_stop"},
    )


async def test_thinking_and_tool_use_round_trip_their_signatures(
    make: Factory, backend: Backend
) -> None:
    # https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
    backend.script.on(
        MESSAGES, first_turn(), json_reply((DATA / "nonstream-text.json").read_text())
    )
    api = make()
    question = ChatRequest(
        "claude-x", [Message.user("Weather in Paris?")], tools=[WEATHER], thinking_budget=2048
    )
    stream = await api.stream(question)
    await stream.collect()
    first = await stream.final_response()
    assert first.finish_reason == "tool_calls" and first.message is not None
    assert first.message.reasoning_blocks == (
        ReasoningBlock("Need the weather tool.", "EqQBCkYIBhgC"),
        ReasoningBlock(redacted="EmwKAhgBEgy3va"),
    )
    call = first.tool_calls[0]
    follow_up = question.add_message(first.message).add_message(
        Message.tool('{"temp_c": 21}', call.id)
    )
    await api.chat(follow_up)
    second = backend.requests[1].json()
    assert second["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert second["messages"] == [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": [
                {
                    "type": "thinking",
                    "thinking": "Need the weather tool.",
                    "signature": "EqQBCkYIBhgC",
                },
                {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va"},
                {"type": "text", "text": "Checking."},
                {
                    "type": "tool_use",
                    "id": "toolu_9",
                    "name": "get_weather",
                    "input": {"city": "Paris"},
                },
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_9", "content": '{"temp_c": 21}'}
            ],
        },
    ]


# -- constructors --------------------------------------------------------------------------------


def capture(seen: list[httpx.Request], body: bytes) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    return httpx.MockTransport(handle)


def test_constructors_use_the_environment_and_the_official_endpoints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = (DATA / "nonstream-text.json").read_bytes()
    seen: list[httpx.Request] = []
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env")
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    monkeypatch.setenv("LONGCAT_API_KEY", "lc-env")
    with httpx.Client(transport=capture(seen, body)) as http:
        anthropic = Client.anthropic(http_client=http)
        assert anthropic.base_url == "https://api.anthropic.com"
        assert "sk-ant-env" not in repr(anthropic)
        anthropic.chat(REQUEST)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", "https://proxy.example/anthropic/")
        Client.anthropic("sk-explicit", http_client=http).chat(REQUEST)
        Client.longcat_anthropic(http_client=http).chat(REQUEST)
        Client.anthropic_vertex("proj", "europe-west1", "ya29.t", http_client=http).chat(
            REQUEST.with_model("claude-opus-4@20250514")
        )
    assert [
        (str(r.url), r.headers.get("x-api-key"), r.headers.get("authorization")) for r in seen
    ] == [
        ("https://api.anthropic.com/v1/messages", "sk-ant-env", None),
        ("https://proxy.example/anthropic/v1/messages", "sk-explicit", None),
        ("https://api.longcat.chat/anthropic/v1/messages", None, "Bearer lc-env"),
        (
            "https://europe-west1-aiplatform.googleapis.com/v1/projects/proj/locations/europe-west1"
            "/publishers/anthropic/models/claude-opus-4@20250514:rawPredict",
            None,
            "Bearer ya29.t",
        ),
    ]


async def test_the_async_constructors_send_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    body = (DATA / "nonstream-text.json").read_bytes()
    seen: list[httpx.Request] = []
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env")
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    async with httpx.AsyncClient(transport=capture(seen, body)) as http:
        await AsyncClient.anthropic(http_client=http).chat(REQUEST)
        await AsyncClient.longcat_anthropic("lc", http_client=http).chat(REQUEST)
    assert [(str(r.url), r.headers.get("x-api-key")) for r in seen] == [
        ("https://api.anthropic.com/v1/messages", "sk-ant-env"),
        ("https://api.longcat.chat/anthropic/v1/messages", None),
    ]
