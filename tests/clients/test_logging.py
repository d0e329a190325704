"""The ``llm_connector`` logger on both clients: the request line, status, body timing and
retries of every attempt, at the documented levels, formatted lazily; and no secret in a
log record or a hook's value, with an API key and with Tencent Cloud's signed requests."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from llm_connector import AsyncClient, AuthenticationError, Client, RateLimitError
from llm_connector.types import ChatRequest, Message
from tests.support.backends import Backend, MakeApi, SleepLog
from tests.support.facade import Mode, wrap
from tests.support.hooks import Recorder
from tests.support.script import (
    CHAT,
    chunk,
    completion,
    endless_stream,
    error_body,
    error_reply,
    json_reply,
    sse,
    text_stream,
)

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Hi"))
SECONDS = r"\d+\.\d{3}s"


def lines(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    """(level, message) of every record of the ``llm_connector`` logger."""
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "llm_connector"]


def body_line(url: str, how: str = "ended") -> str:
    """The pattern of the DEBUG line logged when a response body is closed."""
    return (
        f"response to POST {re.escape(url)}: body {how} {SECONDS} after sending "
        f"\\(first bytes after ({SECONDS}|none); {SECONDS} since the call began\\)"
    )


def assert_lines(caplog: pytest.LogCaptureFixture, expected: list[tuple[str, str]]) -> None:
    """The logged lines match ``expected`` (level, regular expression), in order."""
    got = lines(caplog)
    assert len(got) == len(expected), got
    for (level, message), (want_level, pattern) in zip(got, expected, strict=True):
        assert level == want_level, message
        assert re.fullmatch(pattern, message), message


def status_line(url: str, status: int, attempt: int, request_id: str = "None") -> str:
    """The pattern of the DEBUG line logged when a response head arrives."""
    return (
        f"POST {re.escape(url)} -> {status} after {SECONDS} "
        f"\\(attempt {attempt}, request id {re.escape(request_id)}\\)"
    )


async def test_a_retried_call_logs_each_attempt(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="llm_connector")
    backend.script.on(
        CHAT,
        error_reply(500, "boom", error_type="server_error", headers=[("retry-after", "0")]),
        json_reply(completion("ok"), headers=[("x-request-id", "req-2")]),
    )
    api = make_api(max_retries=1)

    assert (await api.chat(REQUEST)).content == "ok"

    url = f"{backend.base_url}/chat/completions"
    assert sleeps == [0.0]
    boom = f"Error code: 500, type: server_error - boom (POST {url})"
    assert_lines(
        caplog,
        [
            ("DEBUG", re.escape(f"sending POST {url} (attempt 1)")),
            ("DEBUG", status_line(url, 500, 1)),
            ("DEBUG", body_line(url)),
            ("INFO", re.escape(f"retrying POST {url} in 0.00s after: {boom}")),
            ("DEBUG", re.escape(f"sending POST {url} (attempt 2)")),
            ("DEBUG", status_line(url, 200, 2, "req-2")),
            ("DEBUG", body_line(url)),
        ],
    )


async def test_a_stream_logs_when_its_body_ends_or_is_left(
    make_api: MakeApi, backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="llm_connector")
    backend.script.on(CHAT, text_stream("Hel", "lo"), endless_stream("and on"))
    api = make_api(max_retries=0)
    url = f"{backend.base_url}/chat/completions"

    await (await api.stream(REQUEST)).collect()
    assert_lines(
        caplog,
        [
            ("DEBUG", re.escape(f"sending POST {url} (attempt 1, streamed)")),
            ("DEBUG", status_line(url, 200, 1)),
            ("DEBUG", body_line(url)),
        ],
    )

    caplog.clear()
    await (await api.stream(REQUEST)).take_then_break(1)
    await api.settle()
    assert re.fullmatch(body_line(url, "closed early"), lines(caplog)[-1][1])


async def test_records_are_formatted_lazily_and_bodies_timed_only_at_debug(
    make_api: MakeApi, backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    backend.script.on(CHAT, text_stream("a"))
    api = make_api(max_retries=0)

    caplog.set_level(logging.INFO, logger="llm_connector")
    quiet = await api.stream(REQUEST)
    await quiet.collect()
    caplog.set_level(logging.DEBUG, logger="llm_connector")
    verbose = await api.stream(REQUEST)
    await verbose.collect()

    # Below DEBUG the response's byte stream is httpx's own: nothing runs per network read.
    assert "Timed" not in type(quiet.raw.response.stream).__name__
    assert "Timed" in type(verbose.raw.response.stream).__name__
    records = [r for r in caplog.records if r.name == "llm_connector"]
    assert len(records) == 3
    # Every message is a template and its arguments: formatted only by a handler.
    assert all("%" in str(r.msg) and r.args for r in records)


# -- no secret anywhere ---------------------------------------------------------------------

KEY = "sk-observe-secret-0123456789abcdefKEY"


def exposed(
    secrets: list[str], recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> Iterator[str]:
    """Where a secret shows: in a hook's value (its repr, its headers) or a log record of
    ``llm_connector`` (message, arguments, traceback)."""
    places = [repr(info) for _, info in recorder.events]
    places += [repr(dict(getattr(info, "headers", {}))) for _, info in recorder.events]
    for record in caplog.records:
        if record.name.startswith("llm_connector"):
            places += [record.getMessage(), repr(record.args), record.exc_text or ""]
    for place in places:
        for secret in secrets:
            if secret in place:
                yield f"{secret!r} in {place!r}"


async def test_no_key_in_hook_values_or_log_records(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    recorder = Recorder()
    echo = [("x-echo-authorization", f"Bearer {KEY}"), ("x-request-id", KEY), ("x-echo", KEY)]
    api = make_api(api_key=KEY, max_retries=1, hooks=recorder.hooks())
    backend.script.on(
        CHAT,
        error_reply(500, f"upstream rejected {KEY}", headers=[("retry-after", "0"), *echo]),
        error_reply(401, f"bad key {KEY}", headers=echo),
    )
    with pytest.raises(AuthenticationError):
        await api.chat(REQUEST)
    # A stream retried before its first content, then an error event after content.
    backend.script.on(
        CHAT,
        sse(error_body(f"overloaded for {KEY}", error_type="overloaded_error"), done=False),
        sse(chunk("x"), error_body(f"quota for {KEY}", error_type="rate_limit_error"), done=False),
    )
    stream = await api.stream(REQUEST)
    with pytest.raises(RateLimitError):
        await stream.collect()

    assert list(exposed([KEY], recorder, caplog)) == []
    # The scan looked at something: the key went out and came back, and was scrubbed.
    assert recorder.kinds() == ["request", "response", "retry", "request", "response"] * 2
    responses = recorder.infos("response")
    assert responses[0].headers["x-echo"] == "***"
    assert responses[0].request_id == "***"
    assert "x-echo-authorization" not in responses[0].headers
    url = f"{backend.base_url}/chat/completions"
    assert [r.message for r in recorder.infos("retry")] == [
        "Error code: 500, type: invalid_request_error - upstream rejected ***"
        f" (POST {url}; request id: ***)",
        f"Error code: 529, type: overloaded_error - overloaded for *** (POST {url})",
    ]
    assert any("upstream rejected ***" in m for _, m in lines(caplog))


SECRET_ID = "AKIDobservability0001"
SECRET_KEY = "Tencent-Observe-Secret-0123456789abcdef"


async def test_no_tencent_secret_key_or_signature_in_hook_values_or_log_records(
    mode: Mode, sleeps: SleepLog, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    recorder = Recorder()
    signed: list[str] = []

    def echo(request: httpx.Request) -> httpx.Response:
        # A server (or a debugging proxy) quoting the credentials back, every way it can.
        auth = request.headers["authorization"]
        signature = auth.rsplit("Signature=", 1)[1]
        signed.extend([auth, signature])
        headers = {"x-echo-authorization": auth, "x-echo-signature": signature}
        headers["x-request-id"] = SECRET_KEY
        if len(signed) == 2:
            error = {"Code": "RequestLimitExceeded", "Message": f"slow {SECRET_KEY} {signature}"}
            return httpx.Response(200, json={"Response": {"Error": error}}, headers=headers)
        error = {"Code": "AuthFailure.SignatureFailure", "Message": f"bad {SECRET_KEY} {auth}"}
        return httpx.Response(401, json={"Response": {"Error": error}}, headers=headers)

    transport = httpx.MockTransport(echo)
    http: Any = (httpx.Client if mode == "sync" else httpx.AsyncClient)(transport=transport)
    cls = Client if mode == "sync" else AsyncClient
    hooks = recorder.hooks()
    client = cls.tencent(SECRET_ID, SECRET_KEY, http_client=http, max_retries=1, hooks=hooks)

    with pytest.raises(AuthenticationError) as caught:
        await wrap(client).chat(ChatRequest("hunyuan-lite").add_message(Message.user("Hi")))
    if isinstance(http, httpx.AsyncClient):
        await http.aclose()
    else:
        http.close()

    assert recorder.kinds() == ["request", "response", "retry", "request", "response"]
    assert len(signed) == 4  # two requests (a retry is signed again: its signature is scrubbed too)
    assert list(exposed([SECRET_ID, SECRET_KEY, *signed], recorder, caplog)) == []
    assert SECRET_KEY not in str(caught.value)
    first_response = recorder.infos("response")[0]
    assert first_response.headers["x-echo-signature"] == "***"
    assert recorder.infos("retry")[0].message == (
        "Error code: 429, code: RequestLimitExceeded - slow *** ***"
        " (POST https://hunyuan.tencentcloudapi.com/; request id: ***)"
    )
