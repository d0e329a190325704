"""Client.google and AsyncClient.google end to end: over a real loopback socket and over
httpx.MockTransport, sync and async, with recorded Gemini bodies."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from llm_connector import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from llm_connector.types import ChatRequest, EmbedRequest, Message, Model
from tests.support.answers import gemini_answer
from tests.support.backends import Backend
from tests.support.facade import Api
from tests.support.gemini_clients import API_KEY
from tests.support.gemini_oracle import DATA, expected_file, frames
from tests.support.script import Reply, json_reply

MODEL = "gemini-2.5-pro"
GENERATE = f"/v1/models/{MODEL}:generateContent"
STREAM = f"/v1/models/{MODEL}:streamGenerateContent"
REQUEST = ChatRequest(MODEL, [Message.user("How do I cross the street?")])
SSE = (("content-type", "text/event-stream"),)


def sse_reply(name: str) -> Reply:
    """A recorded transcript, one HTTP chunk per event, CRLFs as recorded."""
    body = (DATA / name).read_bytes()
    events = [e + b"\r\n\r\n" for e in body.split(b"\r\n\r\n") if e]
    assert b"".join(events) == body
    return Reply(200, SSE, tuple(events))


async def test_chat(gemini: Api, backend: Backend) -> None:
    path = DATA / "nonstream-generate-content.json"
    backend.script.on(GENERATE, json_reply(path.read_text("utf-8")))
    answer = await gemini.chat(REQUEST)
    assert gemini_answer(answer) == expected_file(path)
    (sent,) = backend.requests
    assert (sent.method, sent.path, sent.query) == ("POST", GENERATE, "")
    assert sent.headers["x-goog-api-key"] == API_KEY
    assert "authorization" not in sent.headers
    assert sent.json() == {
        "contents": [{"role": "user", "parts": [{"text": "How do I cross the street?"}]}]
    }


async def test_stream(gemini: Api, backend: Backend) -> None:
    path = DATA / "sse-thought-parts.sse"
    backend.script.on(STREAM, sse_reply(path.name))
    stream = await gemini.stream(REQUEST.with_reasoning_effort("high"))
    chunks = await stream.collect()
    expected = expected_file(path)
    assert len(chunks) == expected.pop("chunks")
    assert gemini_answer(await stream.final_response()) == expected
    (sent,) = backend.requests
    assert (sent.path, sent.query) == (STREAM, "alt=sse")
    assert sent.headers["accept"] == "text/event-stream"
    assert sent.json()["generationConfig"] == {
        "thinkingConfig": {"thinkingBudget": 24576, "includeThoughts": True}
    }


async def test_stream_in_odd_pieces(gemini: Api, backend: Backend) -> None:
    path = DATA / "sse-tool-call-gemini3-reconstructed.sse"
    body = path.read_bytes()
    cuts = [0, 1, 7, 100, 5000, body.index(b"\r\n\r\n") + 3, len(body) - 2, len(body)]
    pieces = tuple(body[a:b] for a, b in itertools.pairwise(cuts))
    backend.script.on(STREAM, Reply(200, SSE, pieces))
    stream = await gemini.stream(REQUEST)
    await stream.collect()
    expected = expected_file(path)
    expected.pop("chunks")
    assert gemini_answer(await stream.final_response()) == expected


async def test_the_signed_call_goes_back_on_the_next_turn(gemini: Api, backend: Backend) -> None:
    backend.script.on(STREAM, sse_reply("sse-tool-call-gemini3-reconstructed.sse"))
    backend.script.on(GENERATE, json_reply((DATA / "nonstream-generate-content.json").read_text()))
    stream = await gemini.stream(REQUEST)
    first = await stream.final_response()
    assert first.message is not None
    (call,) = first.tool_calls
    await gemini.chat(
        REQUEST.add_message(first.message).add_message(Message.tool("sunny", call.id))
    )
    model_turn, result_turn = backend.requests[1].json()["contents"][1:]
    (part,) = model_turn["parts"]
    assert part["thoughtSignature"] == call.thought_signature
    assert part["thoughtSignature"].startswith("EpEgCo4gAb4+9vvWwdN+")  # as recorded
    assert result_turn["parts"][0]["functionResponse"]["name"] == "weather"


async def test_an_error_event_mid_stream(gemini: Api, backend: Backend) -> None:
    first = frames(DATA / "sse-text-basic.sse")[0].data
    error = {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}
    backend.script.on(
        STREAM,
        Reply(
            200,
            SSE,
            (f"data: {first}\r\n\r\n".encode(), f"data: {json.dumps(error)}\r\n\r\n".encode()),
        ),
    )
    stream = await gemini.stream(REQUEST)
    with pytest.raises(InternalServerError) as caught:
        await stream.collect()
    assert caught.value.status_code == 503
    assert caught.value.partial is not None
    assert caught.value.partial.content == "The"


async def test_models_follow_the_page_token(gemini: Api, backend: Backend) -> None:
    backend.script.on(
        "/v1/models",
        json_reply(
            {
                "models": [{"name": "models/gemini-2.5-pro", "displayName": "Gemini 2.5 Pro"}],
                "nextPageToken": "p2",
            }
        ),
        json_reply({"models": [{"name": "models/text-embedding-004"}]}),
    )
    assert await gemini.models() == [
        Model("gemini-2.5-pro", display_name="Gemini 2.5 Pro"),
        Model("text-embedding-004"),
    ]
    assert [(r.method, r.query) for r in backend.requests] == [
        ("GET", "pageSize=1000"),
        ("GET", "pageSize=1000&pageToken=p2"),
    ]
    assert backend.requests[0].headers["x-goog-api-key"] == API_KEY


async def test_embed_one_and_many(gemini: Api, backend: Backend) -> None:
    backend.script.on(
        "/v1/models/text-embedding-004:embedContent",
        json_reply({"embedding": {"values": [0.5, 1]}}),
    )
    backend.script.on(
        "/v1/models/text-embedding-004:batchEmbedContents",
        json_reply({"embeddings": [{"values": [1]}, {"values": [2]}]}),
    )
    one = await gemini.embed(EmbedRequest("text-embedding-004", "a"))
    many = await gemini.embed(EmbedRequest("models/text-embedding-004", ["a", "b"]))
    assert (one.embeddings, many.embeddings) == ([[0.5, 1.0]], [[1.0], [2.0]])
    assert backend.requests[1].json()["requests"][1] == {
        "model": "models/text-embedding-004",
        "content": {"parts": [{"text": "b"}]},
    }


def google_error(code: int, status: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status, **extra}}


# https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
ERRORS = [
    (400, "INVALID_ARGUMENT", BadRequestError),
    (400, "FAILED_PRECONDITION", BadRequestError),
    (403, "PERMISSION_DENIED", PermissionDeniedError),
    (404, "NOT_FOUND", NotFoundError),
    (429, "RESOURCE_EXHAUSTED", RateLimitError),
    (500, "INTERNAL", InternalServerError),
    (503, "UNAVAILABLE", InternalServerError),
    (504, "DEADLINE_EXCEEDED", InternalServerError),
]


@pytest.mark.parametrize("kind", ["chat", "stream"])
@pytest.mark.parametrize(("status", "name", "cls"), ERRORS)
async def test_error_statuses(
    gemini: Api, backend: Backend, status: int, name: str, cls: type[APIStatusError], kind: str
) -> None:
    body = google_error(status, name, f"problem {name}")
    backend.script.on(GENERATE if kind == "chat" else STREAM, json_reply(body, status))
    with pytest.raises(cls) as caught:
        await (gemini.chat(REQUEST) if kind == "chat" else gemini.stream(REQUEST))
    error = caught.value
    assert type(error) is cls
    assert (error.status_code, error.error_type, error.code) == (status, name, status)
    assert error.message == f"problem {name}"
    assert error.in_stream is False


async def test_a_quota_error_names_its_reason(gemini: Api, backend: Backend) -> None:
    details = [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED"}
    ]
    backend.script.on(
        GENERATE, json_reply(google_error(429, "RESOURCE_EXHAUSTED", "quota", details=details), 429)
    )
    with pytest.raises(RateLimitError) as caught:
        await gemini.chat(REQUEST)
    assert (caught.value.error_type, caught.value.code) == (
        "RESOURCE_EXHAUSTED",
        "RATE_LIMIT_EXCEEDED",
    )


async def test_a_wrong_api_key_is_an_authentication_error(gemini: Api, backend: Backend) -> None:
    details = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}]
    body = google_error(
        400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", details=details
    )
    backend.script.on(GENERATE, json_reply(body, 400))
    with pytest.raises(AuthenticationError) as caught:
        await gemini.chat(REQUEST)
    # The class says what it is; the status is what the server sent.
    assert caught.value.status_code == 400
    assert caught.value.code == "API_KEY_INVALID"
