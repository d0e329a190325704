"""Error answers: each HTTP status raises its class carrying everything the server said."""

from __future__ import annotations

import email.utils
import json
from datetime import datetime, timedelta, timezone

import pytest

from llm_connector import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OverloadedError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from llm_connector.types import ChatRequest, EmbedRequest, Message
from tests.support.backends import Backend
from tests.support.facade import Api
from tests.support.script import CHAT, EMBEDDINGS, MODELS, error_body, error_reply, json_reply

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Hi"))

STATUS_CLASSES = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (503, InternalServerError),
    (529, OverloadedError),
]


async def call(api: Api, kind: str) -> object:
    """Make one call of ``kind``; the stream call raises on open (sync: at chat_stream(),
    async: at await), before any iteration."""
    if kind == "chat":
        return await api.chat(REQUEST)
    return await api.stream(REQUEST)


@pytest.mark.parametrize("kind", ["chat", "stream"])
@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
async def test_status_raises_its_class_with_every_detail(
    api: Api, backend: Backend, status: int, cls: type[APIStatusError], kind: str
) -> None:
    body = error_body(
        f"problem {status}", error_type="some_error_type", code="some_code", param="messages"
    )
    backend.script.on(CHAT, json_reply(body, status, headers=[("x-request-id", f"req_{status}")]))

    with pytest.raises(APIStatusError) as caught:
        await call(api, kind)

    err = caught.value
    assert type(err) is cls
    assert err.status_code == status
    assert err.error_type == "some_error_type"
    assert err.code == "some_code"
    assert err.param == "messages"
    assert err.message == f"problem {status}"
    assert err.request_id == f"req_{status}"
    assert err.retry_after is None
    assert err.body is not None
    assert json.loads(err.body) == body
    assert err.in_stream is False
    assert err.partial is None
    assert (err.method, err.url) == ("POST", f"{backend.base_url}/chat/completions")
    assert str(err) == (
        f"Error code: {status}, type: some_error_type, code: some_code - problem {status}"
        f" (POST {backend.base_url}/chat/completions; request id: req_{status})"
    )
    assert backend.script.hits() == 1  # max_retries=0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([("retry-after", "7")], 7.0),
        ([("retry-after", "0.5")], 0.5),
        ([("retry-after-ms", "1500")], 1.5),
        ([("retry-after-ms", "250"), ("retry-after", "9")], 0.25),
        ([("retry-after", "soon")], None),
        ([("retry-after", "-3")], None),
    ],
)
async def test_retry_after_header(
    api: Api, backend: Backend, headers: list[tuple[str, str]], expected: float | None
) -> None:
    backend.script.on(
        CHAT, error_reply(429, "slow down", error_type="rate_limit_error", headers=headers)
    )
    with pytest.raises(RateLimitError) as caught:
        await api.chat(REQUEST)
    assert caught.value.retry_after == expected


async def test_retry_after_http_date(api: Api, backend: Backend) -> None:
    when = datetime.now(timezone.utc) + timedelta(seconds=30)
    date = email.utils.format_datetime(when, usegmt=True)
    backend.script.on(CHAT, error_reply(503, "busy", headers=[("retry-after", date)]))

    with pytest.raises(InternalServerError) as caught:
        await api.chat(REQUEST)

    # The date has one-second resolution and a little time passes; 30 s give or take 2.
    assert caught.value.retry_after is not None
    assert 28.0 <= caught.value.retry_after <= 30.0


async def test_error_from_models_and_embed(api: Api, backend: Backend) -> None:
    backend.script.on(MODELS, error_reply(401, "bad key", error_type="invalid_request_error"))
    backend.script.on(EMBEDDINGS, error_reply(404, "no such model", code="model_not_found"))

    with pytest.raises(AuthenticationError) as caught_models:
        await api.models()
    with pytest.raises(NotFoundError) as caught_embed:
        await api.embed(EmbedRequest("emb", "text"))

    assert caught_models.value.message == "bad key"
    assert caught_embed.value.code == "model_not_found"


async def test_non_json_error_body(api: Api, backend: Backend) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    backend.script.on(CHAT, json_reply(page, 502, content_type="text/html"))

    with pytest.raises(InternalServerError) as caught:
        await api.chat(REQUEST)

    assert caught.value.status_code == 502
    assert "502 Bad Gateway" in caught.value.message  # (how much of the page: the codec's call)
    assert caught.value.body == page
    assert caught.value.error_type is None


async def test_empty_error_body(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, json_reply("", 500))
    with pytest.raises(InternalServerError) as caught:
        await api.chat(REQUEST)
    assert caught.value.message == "HTTP 500"


async def test_unlisted_status_is_the_base_class(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, error_reply(418, "teapot"))
    with pytest.raises(APIStatusError) as caught:
        await api.chat(REQUEST)
    assert type(caught.value) is APIStatusError
    assert caught.value.status_code == 418


async def test_fastapi_style_detail_body(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, json_reply({"detail": "Model not loaded"}, 404))
    with pytest.raises(NotFoundError) as caught:
        await api.chat(REQUEST)
    assert caught.value.message == "Model not loaded"
