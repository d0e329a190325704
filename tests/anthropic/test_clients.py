"""Both clients speaking Anthropic's protocol to a scripted server (real loopback HTTP and
MockTransport): chat, streams, error statuses, retries, models and token counting."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_connector import AuthenticationError, BadRequestError, OverloadedError, RateLimitError
from llm_connector.types import Model, Usage
from tests.support.anthropic_clients import (
    KEY,
    MESSAGES,
    REQUEST,
    WEATHER,
    Factory,
    count_tokens,
    sse_reply,
    transcript_reply,
)
from tests.support.anthropic_oracle import DATA
from tests.support.backends import Backend, SleepLog
from tests.support.script import json_reply

# -- chat and streams --------------------------------------------------------------------


async def test_chat_sends_the_anthropic_headers_and_parses_the_message(
    make: Factory, backend: Backend
) -> None:
    backend.script.on(
        MESSAGES,
        json_reply(
            (DATA / "nonstream-tool-use.json").read_text(), headers=[("request-id", "req_1")]
        ),
    )
    api = make()
    response = await api.chat(REQUEST)
    assert [c.name for c in response.tool_calls] == ["get_weather", "get_time"]
    assert response.usage == Usage(514, 152, 666)
    (sent,) = backend.requests
    assert (sent.method, sent.path) == ("POST", MESSAGES)
    assert sent.headers["x-api-key"] == KEY
    assert "authorization" not in sent.headers
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert sent.json() == {
        "model": "claude-x",
        "max_tokens": 4096,
        "messages": [{"role": "user", "content": "Hi"}],
    }


@pytest.mark.parametrize("name", ["text-then-tool-use", "thinking-signature"])
async def test_stream_a_recorded_transcript(make: Factory, backend: Backend, name: str) -> None:
    backend.script.on(MESSAGES, transcript_reply(name))
    stream = await make().stream(REQUEST)
    chunks = await stream.collect()
    final = await stream.final_response()
    expected = json.loads((DATA / f"{name}.expected.json").read_text())
    assert len(chunks) == expected["chunks"]
    assert final.content == "".join(c.content for c in chunks) == expected["content"]
    assert [c.id for c in final.tool_calls] == [t["id"] for t in expected["tool_calls"]]
    assert [c for c in chunks if c.usage] == [chunks[-1]]
    body = backend.requests[0].json()
    assert body["stream"] is True
    assert backend.requests[0].headers["accept"] == "text/event-stream"


async def test_an_error_event_mid_stream_raises_with_what_arrived(
    make: Factory, backend: Backend
) -> None:
    start = {
        "type": "message_start",
        "message": {"id": "m", "model": "c", "usage": {"input_tokens": 1}},
    }
    backend.script.on(
        MESSAGES,
        sse_reply(
            start,
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": "Half an"},
            },
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
        ),
    )
    stream = await make().stream(REQUEST)
    with pytest.raises(OverloadedError) as caught:
        await stream.collect()
    assert caught.value.in_stream and caught.value.status_code == 529
    assert caught.value.partial is not None and caught.value.partial.content == "Half an"


# -- error statuses ------------------------------------------------------------------------


async def test_error_bodies_raise_typed_errors(make: Factory, backend: Backend) -> None:
    # https://platform.claude.com/docs/en/api/errors
    overloaded = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    backend.script.on(
        MESSAGES,
        json_reply(overloaded, 529),
        json_reply(
            (DATA / "error-400-invalid-request.json").read_text(),
            400,
            [("request-id", "req_011Ca7")],
        ),
        json_reply(
            {
                "type": "error",
                "error": {"type": "authentication_error", "message": "invalid x-api-key"},
            },
            401,
        ),
    )
    api = make()
    with pytest.raises(OverloadedError) as overload:
        await api.chat(REQUEST)
    assert (overload.value.status_code, overload.value.error_type) == (529, "overloaded_error")
    with pytest.raises(BadRequestError) as bad:
        await api.stream(REQUEST)
    assert bad.value.message.startswith("This model does not support effort level 'xhigh'.")
    assert bad.value.request_id == "req_011Ca7"
    with pytest.raises(AuthenticationError) as auth:
        await api.chat(REQUEST)
    for text in (str(auth.value), repr(auth.value), auth.value.body or ""):
        assert KEY not in text


async def test_error_body_request_id_when_no_header_has_one(
    make: Factory, backend: Backend
) -> None:
    # Anthropic's error bodies carry request_id at top level
    # (https://platform.claude.com/docs/en/api/errors): it is read when the request-id
    # header is missing (a proxy that drops it); the header wins when both are there.
    recorded = (DATA / "error-400-invalid-request.json").read_text()
    backend.script.on(
        MESSAGES,
        json_reply(recorded, 400),
        json_reply(recorded, 400, [("request-id", "req_header")]),
    )
    api = make()
    with pytest.raises(BadRequestError) as without_header:
        await api.chat(REQUEST)
    assert without_header.value.request_id == "req_011Ca7jT9AHpgXgdv8igm4z9"
    with pytest.raises(BadRequestError) as with_header:
        await api.chat(REQUEST)
    assert with_header.value.request_id == "req_header"


async def test_overloaded_and_rate_limited_answers_are_retried(
    make: Factory, backend: Backend, sleeps: SleepLog
) -> None:
    backend.script.on(
        MESSAGES,
        json_reply(
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, 529
        ),
        json_reply(
            {"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}},
            429,
            [("retry-after", "2")],
        ),
        json_reply((DATA / "nonstream-text.json").read_text()),
    )
    response = await make(max_retries=2).chat(REQUEST)
    assert response.finish_reason == "stop"
    assert len(sleeps) == 2 and sleeps[1] == 2.0
    backend.script.on(
        MESSAGES,
        json_reply(
            {"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}}, 429
        ),
    )
    with pytest.raises(RateLimitError):
        await make().chat(REQUEST)


# -- models and token counting -------------------------------------------------------------


async def test_models_follow_the_pages(make: Factory, backend: Backend) -> None:
    def page(ids: list[str], more: bool) -> dict[str, Any]:
        data = [{"type": "model", "id": i, "display_name": i.upper()} for i in ids]
        return {"data": data, "has_more": more, "first_id": ids[0], "last_id": ids[-1]}

    backend.script.on(
        "/v1/models", json_reply(page(["a", "b"], True)), json_reply(page(["c"], False))
    )
    listed = await make().models()
    assert listed == [
        Model("a", display_name="A"),
        Model("b", display_name="B"),
        Model("c", display_name="C"),
    ]
    assert [r.query for r in backend.requests] == ["limit=1000", "limit=1000&after_id=b"]
    assert all(r.headers["x-api-key"] == KEY for r in backend.requests)


async def test_count_tokens(make: Factory, backend: Backend) -> None:
    backend.script.on("/v1/messages/count_tokens", json_reply({"input_tokens": 14}))
    request = REQUEST.with_tools([WEATHER]).with_max_tokens(10).with_temperature(0.3)
    assert await count_tokens(make(), request) == 14
    (sent,) = backend.requests
    assert sent.json() == {
        "model": "claude-x",
        "messages": [{"role": "user", "content": "Hi"}],
        "tools": [
            {
                "name": "get_weather",
                "description": "Weather for a city",
                "input_schema": WEATHER.parameters,
            }
        ],
    }
