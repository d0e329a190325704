"""Streams that fail before their first content are sent again, within the call's retry
budget and deadline; the caller sees one clean answer. What is not retried, and where the
budget comes from. (The fault cases themselves are in test_faults.py.)"""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from llm_connector import (
    BadRequestError,
    IncompleteStreamError,
    OverloadedError,
    Timeout,
)
from llm_connector.types import ChatRequest, Message
from tests.support.backends import Backend, MakeApi, SleepLog
from tests.support.loopback import LoopbackServer
from tests.support.script import (
    CHAT,
    chunk,
    completion,
    error_body,
    json_reply,
    sse,
    text_stream,
)
from tests.support.streams import collect, read_until_error

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Hi"))
EARLY_DROP = replace(text_stream("lost"), drop_after=1)


async def test_through_either_transport(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    api = make_api(backend, max_retries=1)
    backend.script.on(CHAT, EARLY_DROP, text_stream("kept"))

    chunks, final = await collect(api, REQUEST)

    assert [c.content for c in chunks] == ["", "kept", "", ""]
    assert final.content == "kept"
    assert backend.script.hits() == 2
    assert len(sleeps) == 1


async def test_a_stream_the_server_ends_early_is_not_retried(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    # A clean end of the body before any content: the server said it was done, and asking
    # again would most likely get the same.
    api = make_api(max_retries=2)
    server.script.on(CHAT, sse(chunk("", role="assistant"), done=False), text_stream("no"))

    texts, err = await read_until_error(await api.stream(REQUEST))

    assert texts == [""]
    assert type(err) is IncompleteStreamError
    assert err.connection_lost is False
    assert server.script.hits() == 1
    assert sleeps == []


async def test_a_request_sets_its_own_retries(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    api = make_api(max_retries=0)
    server.script.on(CHAT, EARLY_DROP, text_stream("kept"))
    chunks, _ = await collect(api, REQUEST.with_max_retries(1))
    assert [c.content for c in chunks] == ["", "kept", "", ""]

    api = make_api(max_retries=3)
    server.script.on(CHAT, EARLY_DROP, text_stream("unused"))
    texts, err = await read_until_error(await api.stream(REQUEST.with_max_retries(0)))
    assert texts == [""]
    assert type(err) is IncompleteStreamError
    assert len(sleeps) == 1  # the first request's retry only


async def test_no_retry_waits_past_the_deadline(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    # The backoff (0.375 s or more) would end after the 0.3 s deadline: raise now instead.
    api = make_api(timeout=Timeout(total=0.3), max_retries=2)
    server.script.on(CHAT, EARLY_DROP, text_stream("too late"))

    texts, err = await read_until_error(await api.stream(REQUEST))

    assert texts == [""]
    assert type(err) is IncompleteStreamError
    assert server.script.hits() == 1
    assert sleeps == []


async def test_the_retry_is_logged_without_the_key(
    make_api: MakeApi,
    server: LoopbackServer,
    sleeps: SleepLog,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="llm_connector")
    key = "sk-retry-log-secret-0123456789"
    api = make_api(api_key=key, max_retries=1)
    overloaded = error_body(f"Overloaded (key {key})", error_type="overloaded_error")
    server.script.on(CHAT, sse(overloaded, done=False), text_stream("fine"))

    _, final = await collect(api, REQUEST)

    assert final.content == "fine"
    (record,) = [r for r in caplog.records if r.name == "llm_connector" and "retrying" in r.message]
    assert record.getMessage() == (
        f"retrying POST {server.base_url}/chat/completions in {sleeps[0]:.2f}s after: "
        "Error code: 529, type: overloaded_error - Overloaded (key ***)"
        f" (POST {server.base_url}/chat/completions)"
    )


@pytest.mark.parametrize(
    ("body", "retried"),
    [
        (error_body("Overloaded", error_type="overloaded_error"), True),
        (error_body("bad", error_type="invalid_request_error"), False),
    ],
    ids=["overloaded", "bad-request"],
)
async def test_a_whole_answer_that_is_an_error_in_a_200(
    make_api: MakeApi,
    server: LoopbackServer,
    sleeps: SleepLog,
    body: dict[str, object],
    retried: bool,
) -> None:
    api = make_api(max_retries=2)
    server.script.on(CHAT, json_reply(body), json_reply(completion("whole")))

    if retried:
        assert (await api.chat(REQUEST)).content == "whole"
        assert server.script.hits() == 2
        assert len(sleeps) == 1
    else:
        with pytest.raises(BadRequestError) as caught:
            await api.chat(REQUEST)
        assert caught.value.in_stream is True
        assert server.script.hits() == 1


async def test_an_in_band_error_on_every_attempt_raises_the_last(
    make_api: MakeApi, server: LoopbackServer, sleeps: SleepLog
) -> None:
    api = make_api(max_retries=2)
    overloaded = sse(
        chunk("", role="assistant"),
        error_body("Overloaded", error_type="overloaded_error"),
        done=False,
        headers=[("x-request-id", "req_last")],
    )
    server.script.on(CHAT, overloaded)

    texts, err = await read_until_error(await api.stream(REQUEST))

    assert texts == [""]  # the last attempt's held-back chunk, then its error
    assert type(err) is OverloadedError
    assert err.request_id == "req_last"
    assert err.partial is not None
    assert server.script.hits() == 3
    assert len(sleeps) == 2
