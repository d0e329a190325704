"""Fault injection over a real loopback HTTP server, every case with both clients.

Each test scripts what the server does wrong and asserts exactly what the caller sees:
the whole answer when the fault is survivable, else the typed error with everything that
arrived on ``.partial``. After each test, no connection is left checked out of the
client's pool (the ``make_api`` fixture checks). Retry waits are recorded, not slept.
"""

from __future__ import annotations

import json
from dataclasses import replace

import httpx
import pytest

from llm_connector import (
    APIConnectionError,
    BadRequestError,
    IncompleteStreamError,
    InternalServerError,
    OverloadedError,
    RateLimitError,
    StreamDecodeError,
)
from llm_connector.calls.limits import RetryPolicy
from llm_connector.errors import MAX_FRAME_EXCERPT
from llm_connector.types import ChatRequest, Message
from tests.support.backends import MakeApi, SleepLog
from tests.support.facade import Api
from tests.support.loopback import LoopbackServer, unused_port
from tests.support.script import (
    CHAT,
    Reply,
    chunk,
    comment,
    error_body,
    error_reply,
    gzipped,
    interleaved,
    json_reply,
    sse,
    text_stream,
    with_bom,
)
from tests.support.streams import collect, read_until_error

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Tell me"))
PIECES = ("Once", " upon", " a time", " — fin ✓")
ANSWER = "".join(PIECES)
POLICY = RetryPolicy()


async def assert_intact(api: Api, server: LoopbackServer, reply: Reply) -> None:
    """The faulty reply gives exactly what the plain one does, chunk for chunk."""
    server.script.on(CHAT, text_stream(*PIECES))
    plain_chunks, plain = await collect(api, REQUEST)
    server.script.on(CHAT, reply)
    chunks, final = await collect(api, REQUEST)
    assert chunks == plain_chunks
    assert final == plain
    assert final.content == ANSWER
    assert final.finish_reason == "stop"


def backoff(attempt: int) -> tuple[float, float]:
    return POLICY.backoff(attempt, 1.0), POLICY.backoff(attempt, 0.0)


# -- the connection closes mid-stream ------------------------------------------------------


@pytest.mark.parametrize("mid_chunk", [False, True], ids=["between-chunks", "mid-chunk"])
async def test_close_mid_stream_after_content_raises_with_the_partial(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog, mid_chunk: bool
) -> None:
    api = make_api(max_retries=2)
    reply = replace(text_stream(*PIECES), drop_after=3, drop_mid_chunk=mid_chunk)
    server.script.on(CHAT, reply, text_stream("never asked for"))

    texts, err = await read_until_error(await api.stream(REQUEST))

    assert texts == ["", "Once", " upon"]
    assert type(err) is IncompleteStreamError
    assert err.connection_lost is True
    assert isinstance(err.__cause__, httpx.RemoteProtocolError)
    assert err.partial is not None
    assert err.partial.content == "Once upon"
    # Content reached the caller: a retry would repeat it.
    assert server.script.hits() == 1
    assert sleeps == []


async def test_close_before_the_first_content_is_retried_transparently(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    api = make_api(max_retries=2)
    # The headers and the role-only chunk arrive, then the connection drops.
    server.script.on(CHAT, replace(text_stream(*PIECES), drop_after=1), text_stream(*PIECES))

    chunks, final = await collect(api, REQUEST)

    assert [c.content for c in chunks] == ["", *PIECES, "", ""]
    assert final.content == ANSWER
    assert server.script.hits() == 2
    assert server.count("server_dropped") == 1
    (slept,) = sleeps
    assert backoff(0)[0] <= slept <= backoff(0)[1]


# -- transient statuses, then success ----------------------------------------------------


@pytest.mark.parametrize(
    ("first", "slept"),
    [
        pytest.param(
            error_reply(429, "slow down", headers=[("retry-after", "3")]), 3.0, id="429-retry-after"
        ),
        pytest.param(
            error_reply(429, "slow down", headers=[("retry-after-ms", "1500")]),
            1.5,
            id="429-retry-after-ms",
        ),
        pytest.param(error_reply(529, "Overloaded", error_type="overloaded_error"), None, id="529"),
        pytest.param(error_reply(500, "oops", error_type="server_error"), None, id="500"),
    ],
)
async def test_transient_status_then_success(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog, first: Reply, slept: float | None
) -> None:
    api = make_api(max_retries=2)
    server.script.on(CHAT, first, text_stream(*PIECES))

    chunks, final = await collect(api, REQUEST)

    assert final.content == ANSWER
    assert chunks[0].content == ""
    assert server.script.hits() == 2
    if slept is not None:
        assert sleeps == [slept]
    else:
        assert len(sleeps) == 1
        assert backoff(0)[0] <= sleeps[0] <= backoff(0)[1]


async def test_retry_after_as_an_http_date(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    api = make_api(max_retries=1)
    server.script.on(
        CHAT,
        error_reply(429, "later", headers=[("retry-after", "Fri, 01 Jan 2100 00:00:00 GMT")]),
        text_stream(*PIECES),
    )
    # Decades away: above the cap, raised at once with the wait on the error.
    with pytest.raises(RateLimitError) as caught:
        await api.stream(REQUEST)
    assert caught.value.retry_after is not None
    assert caught.value.retry_after > POLICY.max_server_wait
    assert sleeps == []
    assert server.script.hits() == 1


async def test_retry_budget_exhausted_raises_the_last_error(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    api = make_api(max_retries=2)
    server.script.on(
        CHAT,
        error_reply(503, "down 1"),
        error_reply(502, "down 2"),
        error_reply(500, "down 3", error_type="server_error"),
        text_stream("too late"),
    )

    with pytest.raises(InternalServerError) as caught:
        await api.stream(REQUEST)

    assert (caught.value.status_code, caught.value.message) == (500, "down 3")
    assert server.script.hits() == 3
    assert len(sleeps) == 2


async def test_the_budget_is_shared_by_statuses_and_streams_that_fail_early(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    # A 503 (retried by the send), then a stream that drops before content (retried by
    # the stream), then one more that drops: two retries were allowed, both are spent.
    api = make_api(max_retries=2)
    early_drop = replace(text_stream(*PIECES), drop_after=1)
    server.script.on(CHAT, error_reply(503, "busy"), early_drop, early_drop, text_stream("late"))

    texts, err = await read_until_error(await api.stream(REQUEST))

    # The chunk held back from the last attempt is handed out before its error.
    assert texts == [""]
    assert type(err) is IncompleteStreamError
    assert err.connection_lost is True
    assert server.script.hits() == 3
    assert len(sleeps) == 2


# -- an error where an event stream was expected ----------------------------------------


async def test_http_200_with_an_error_body_raises_the_typed_error(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    api = make_api(max_retries=2)
    body = error_body("model 'x' does not exist", error_type="invalid_request_error", param="model")
    server.script.on(CHAT, json_reply(body, headers=[("x-request-id", "req_200")]))

    texts, err = await read_until_error(await api.stream(REQUEST))

    assert texts == []
    assert type(err) is BadRequestError
    assert (err.status_code, err.param, err.in_stream) == (400, "model", True)
    assert err.request_id == "req_200"
    assert err.partial is not None
    assert server.script.hits() == 1  # a 400 is not retried
    assert sleeps == []


@pytest.mark.parametrize(
    "error",
    [
        error_body("Overloaded", error_type="overloaded_error"),
        error_body("Rate limit reached", error_type="rate_limit_error"),
        {"error": {"message": "upstream failed", "code": 502}},
    ],
    ids=["overloaded", "rate-limit", "code-502"],
)
@pytest.mark.parametrize("how", ["json-body", "first-event", "after-role-chunk"])
async def test_an_in_band_transient_error_before_content_is_retried(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog, error: dict[str, object], how: str
) -> None:
    api = make_api(max_retries=2)
    failing = {
        "json-body": json_reply(error),
        "first-event": sse(error, done=False),
        "after-role-chunk": sse(chunk("", role="assistant"), error, done=False),
    }[how]
    server.script.on(CHAT, failing, text_stream(*PIECES))

    chunks, final = await collect(api, REQUEST)

    assert [c.content for c in chunks] == ["", *PIECES, "", ""]
    assert final.content == ANSWER
    assert server.script.hits() == 2
    assert len(sleeps) == 1


async def test_an_in_band_error_after_content_is_not_retried(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    api = make_api(max_retries=2)
    overloaded = error_body("Overloaded", error_type="overloaded_error")
    server.script.on(
        CHAT, sse(chunk("", role="assistant"), chunk("Once"), overloaded, done=False), text_stream()
    )

    texts, err = await read_until_error(await api.stream(REQUEST))

    assert texts == ["", "Once"]
    assert type(err) is OverloadedError
    assert err.partial is not None
    assert err.partial.content == "Once"
    assert server.script.hits() == 1
    assert sleeps == []


async def test_invalid_json_in_a_frame(make_api: MakeApi, server: LoopbackServer) -> None:
    api = make_api(max_retries=2)
    garbage = "{" + "x" * 5000
    server.script.on(CHAT, sse(chunk("", role="assistant"), chunk("Once"), garbage, done=False))

    texts, err = await read_until_error(await api.stream(REQUEST))

    assert texts == ["", "Once"]
    assert type(err) is StreamDecodeError
    assert err.frame == garbage[:MAX_FRAME_EXCERPT] + f"... ({len(garbage)} characters)"
    assert err.partial is not None
    assert err.partial.content == "Once"
    assert server.script.hits() == 1  # a frame that cannot be decoded is not retried


async def test_invalid_json_before_content_is_not_retried(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    api = make_api(max_retries=2)
    server.script.on(CHAT, sse(chunk("", role="assistant"), "{nope", done=False), text_stream())

    texts, err = await read_until_error(await api.stream(REQUEST))

    # The held-back role chunk is handed out before the error, as without retries.
    assert texts == [""]
    assert type(err) is StreamDecodeError
    assert err.frame == "{nope"
    assert server.script.hits() == 1
    assert sleeps == []


@pytest.mark.parametrize("content_type", ["text/plain", "text/html; charset=utf-8", None])
async def test_wrong_content_type(
    make_api: MakeApi, server: LoopbackServer, content_type: str | None
) -> None:
    api = make_api(max_retries=2)
    reply = text_stream(*PIECES)
    headers = () if content_type is None else (("content-type", content_type),)
    server.script.on(CHAT, replace(reply, headers=headers))

    texts, err = await read_until_error(await api.stream(REQUEST))

    assert texts == []
    assert type(err) is StreamDecodeError
    shown = repr((content_type or "none").lower())
    assert err.message == f"expected a text/event-stream response, got content-type {shown}"
    assert server.script.hits() == 1


# -- byte-level variations that must change nothing ---------------------------------------


async def test_gzip_encoded_stream(make_api: MakeApi, server: LoopbackServer) -> None:
    await assert_intact(make_api(), server, gzipped(text_stream(*PIECES)))


async def test_one_event_over_a_mebibyte(make_api: MakeApi, server: LoopbackServer) -> None:
    api = make_api()
    big = "".join(f"{n:07d}é" for n in range(1 << 17))  # 8 characters, 9 bytes each
    assert len(big.encode()) > 1 << 20
    server.script.on(CHAT, text_stream("start ", big, " end"))

    chunks, final = await collect(api, REQUEST)

    assert [c.content for c in chunks] == ["", "start ", big, " end", "", ""]
    assert final.content == f"start {big} end"


@pytest.mark.parametrize("eol", ["\r\n", "\r"], ids=["CRLF", "CR-only"])
async def test_line_endings(make_api: MakeApi, server: LoopbackServer, eol: str) -> None:
    reply = text_stream(*PIECES)
    reply = replace(reply, chunks=tuple(c.replace(b"\n", eol.encode()) for c in reply.chunks))
    await assert_intact(make_api(), server, reply)


async def test_utf8_byte_order_mark(make_api: MakeApi, server: LoopbackServer) -> None:
    # Left in the text, the mark makes the first line's field "\ufeffdata": the first event
    # (the role chunk here) would be dropped without a word.
    await assert_intact(make_api(), server, with_bom(text_stream(*PIECES)))


def raw_utf8(reply: Reply) -> Reply:
    """``reply`` with its JSON written as UTF-8 rather than ASCII ``\\u`` escapes."""
    chunks = []
    for data in reply.chunks:
        text = data.decode().removeprefix("data: ").removesuffix("\n\n")
        if text != "[DONE]":
            text = json.dumps(json.loads(text), ensure_ascii=False)
        chunks.append(f"data: {text}\n\n".encode())
    return replace(reply, chunks=tuple(chunks))


async def test_utf8_whatever_charset_the_header_names(
    make_api: MakeApi, server: LoopbackServer
) -> None:
    reply = raw_utf8(text_stream(*PIECES))
    assert "✓".encode() in b"".join(reply.chunks)
    headers = (("content-type", "text/event-stream; charset=iso-8859-1"),)
    await assert_intact(make_api(), server, replace(reply, headers=headers))


async def test_comment_lines(make_api: MakeApi, server: LoopbackServer) -> None:
    reply = interleaved(text_stream(*PIECES), comment("OPENROUTER PROCESSING"))
    await assert_intact(make_api(), server, reply)


async def test_connection_refused(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    port = unused_port()
    api = make_api(server, base_url=f"http://127.0.0.1:{port}/v1", max_retries=2)

    with pytest.raises(APIConnectionError) as caught:
        await api.stream(REQUEST)

    assert type(caught.value) is APIConnectionError
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert caught.value.message.startswith(
        f"connection error on POST http://127.0.0.1:{port}/v1/chat/completions:"
    )
    assert len(sleeps) == 2
