"""The API key never shows up in a repr, an error or a log line, even when the server
echoes it back."""

from __future__ import annotations

import logging

import pytest

from llm_connector import (
    AuthenticationError,
    LLMError,
    RateLimitError,
    StreamDecodeError,
)
from llm_connector.types import ChatRequest, Message
from tests.support.backends import Backend, MakeApi, SleepLog
from tests.support.script import CHAT, chunk, error_body, error_reply, json_reply, sse

SECRET = "sk-secret-XYZ0123456789abcdefSECRETSECRET"
OTHER_SECRET = "sk-other-4242424242424242OTHER"
REQUEST = ChatRequest("gpt-test").add_message(Message.user("Hi"))


def exposures(err: LLMError, secret: str) -> list[str]:
    """Where ``secret`` shows in an error (empty when nowhere)."""
    places = {
        "str": str(err),
        "repr": repr(err),
        "message": err.message,
        "args": repr(err.args),
        "body": str(getattr(err, "body", "")),
        "frame": str(getattr(err, "frame", "")),
        "headers": repr(getattr(err, "headers", "")),
        "request_id": str(getattr(err, "request_id", "")),
    }
    return [name for name, text in places.items() if secret in text]


def logged(caplog: pytest.LogCaptureFixture, logger: str = "") -> str:
    """Every captured record (of ``logger`` and its children, if given), with its args."""
    return "\n".join(
        f"{r.name} {r.levelname} {r.getMessage()} {r.args!r}"
        for r in caplog.records
        if r.name == logger or r.name.startswith(logger + ".") or not logger
    )


async def test_key_echoed_in_error_bodies_is_redacted_everywhere(
    make_api: MakeApi,
    backend: Backend,
    sleeps: SleepLog,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    backend.script.on(
        CHAT,
        error_reply(500, f"upstream rejected {SECRET}", headers=[("retry-after", "0")]),
        error_reply(
            401,
            f"Incorrect API key provided: {SECRET}. Sent header: Bearer {SECRET}",
            code="invalid_api_key",
            # A debugging proxy echoing the request's credentials in response headers.
            headers=[("x-echo-authorization", f"Bearer {SECRET}"), ("x-request-id", SECRET)],
        ),
    )
    api = make_api(api_key=SECRET, max_retries=2)

    with pytest.raises(AuthenticationError) as caught:
        await api.chat(REQUEST)

    err = caught.value
    assert backend.script.hits() == 2  # one retry happened, and was logged
    assert sleeps == [0.0]
    assert exposures(err, SECRET) == []
    # "Bearer <key>" is a secret of its own (the whole header value).
    assert err.message == "Incorrect API key provided: ***. Sent header: ***"
    assert err.headers["x-echo-authorization"] == "***"
    assert err.request_id == "***"
    assert SECRET not in repr(api.client)
    # (httpcore's own DEBUG log quotes response headers, echoed key and all: not ours.)
    log = logged(caplog, "llm_connector")
    assert SECRET not in log
    # The retry and both answers were logged (so the check above looked at something).
    assert log.count("llm_connector DEBUG POST") == 2
    assert "llm_connector INFO retrying POST" in log
    assert "upstream rejected ***" in log


async def test_per_request_key_and_key_headers_are_redacted(
    make_api: MakeApi, backend: Backend
) -> None:
    backend.script.on(CHAT, error_reply(403, f"key {OTHER_SECRET} and header {SECRET} not allowed"))
    api = make_api(api_key="sk-client-default-key", headers={"X-Api-Key": SECRET})

    with pytest.raises(LLMError) as caught:
        await api.chat(REQUEST.with_api_key(OTHER_SECRET))

    assert exposures(caught.value, OTHER_SECRET) == []
    assert exposures(caught.value, SECRET) == []
    assert caught.value.message == "key *** and header *** not allowed"


async def test_key_echoed_in_a_stream_error_is_redacted(
    make_api: MakeApi, backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    backend.script.on(
        CHAT,
        sse(
            chunk("Some text"),
            error_body(f"quota exceeded for {SECRET}", error_type="rate_limit_error"),
            done=False,
        ),
    )
    api = make_api(api_key=SECRET)

    stream = await api.stream(REQUEST)
    with pytest.raises(RateLimitError) as caught:
        await stream.collect()

    assert exposures(caught.value, SECRET) == []
    assert caught.value.message == "quota exceeded for ***"
    assert caught.value.partial is not None
    assert caught.value.partial.content == "Some text"
    # No logger at all, httpx and httpcore included, shows the key the client sent.
    assert SECRET not in logged(caplog)
    assert "httpx INFO HTTP Request: POST" in logged(caplog)


async def test_key_echoed_in_a_200_json_error_on_a_stream_is_redacted(
    make_api: MakeApi, backend: Backend
) -> None:
    body = error_body(f"bad key {SECRET}", error_type="authentication_error")
    backend.script.on(CHAT, json_reply(body))
    api = make_api(api_key=SECRET)

    stream = await api.stream(REQUEST)
    with pytest.raises(AuthenticationError) as caught:
        await stream.collect()

    assert exposures(caught.value, SECRET) == []


async def test_key_echoed_in_an_undecodable_frame_is_redacted(
    make_api: MakeApi, backend: Backend
) -> None:
    backend.script.on(CHAT, sse(chunk("x"), f"garbage {SECRET}", done=False))
    api = make_api(api_key=SECRET)

    stream = await api.stream(REQUEST)
    with pytest.raises(StreamDecodeError) as caught:
        await stream.collect()

    assert exposures(caught.value, SECRET) == []
    assert caught.value.frame == "garbage ***"


async def test_key_echoed_in_a_non_stream_200_error_is_redacted(
    make_api: MakeApi, backend: Backend
) -> None:
    backend.script.on(CHAT, json_reply(error_body(f"nope {SECRET}", error_type="server_error")))
    api = make_api(api_key=SECRET, max_retries=0)

    with pytest.raises(LLMError) as caught:
        await api.chat(REQUEST)

    assert exposures(caught.value, SECRET) == []
