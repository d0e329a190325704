"""No key in any captured output: failing requests of every kind run with every logger at
DEBUG, each error is printed with its full traceback (causes included) and logged, the
objects involved are printed with repr(); then stdout, stderr and every log record are
searched for each secret the client was given.

The servers here echo the secrets back in their bodies (as real APIs do in "Incorrect API
key provided: sk-..."), not in their response headers: httpcore's own DEBUG log prints
response headers as received, which no client can redact (tests/clients/test_secrets.py
shows that llm_connector's errors are redacted even then).
"""

from __future__ import annotations

import io
import logging
import traceback
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace

import pytest

from llm_connector import LLMError, Timeout
from llm_connector.types import ChatRequest, Message
from tests.support.backends import MakeApi, SleepLog
from tests.support.facade import Api
from tests.support.loopback import LoopbackServer, unanswered_port, unused_port
from tests.support.script import (
    CHAT,
    chunk,
    error_body,
    error_reply,
    json_reply,
    sse,
    text_stream,
)
from tests.support.streams import read_until_error

# Built, not written out, so that no source line a traceback prints holds one.
KEY = "sk-" + "scan" * 6 + "KEY"
REQUEST_KEY = "sk-" + "other" * 5 + "REQ"
HEADER_KEY = "hk-" + "azure" * 5 + "HDR"
SECRETS = (KEY, REQUEST_KEY, HEADER_KEY)

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Hi"))


@pytest.fixture
def all_logs() -> Iterator[io.StringIO]:
    """Every logger (httpx, httpcore, asyncio, llm_connector) at DEBUG into one buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def echoing(text: str, key: str = KEY) -> str:
    """An error message quoting the credentials sent: the request's key (the client's,
    unless the request has its own; the client's is redacted even then) and the header."""
    return f"{text}: Incorrect API key provided: {key} / {KEY} / {HEADER_KEY}"


def report(error: LLMError, *objects: object) -> None:
    """What an application does with an error: print it whole, log it, show the objects."""
    print("".join(traceback.format_exception(error)))
    logging.getLogger("app").error("request failed: %s", error, exc_info=error)
    print(repr(error), str(error), error.args, getattr(error, "body", None))
    for obj in objects:
        print(repr(obj))


Scenario = Callable[[Api, LoopbackServer], Awaitable[LLMError]]


async def status_errors_after_retries(api: Api, server: LoopbackServer) -> LLMError:
    server.script.on(
        CHAT,
        error_reply(500, echoing("upstream"), headers=[("retry-after", "0")]),
        error_reply(401, echoing("auth"), code="invalid_api_key"),
    )
    with pytest.raises(LLMError) as caught:
        await api.chat(REQUEST)
    return caught.value


async def rate_limited_stream(api: Api, server: LoopbackServer) -> LLMError:
    server.script.on(CHAT, error_reply(429, echoing("slow down", REQUEST_KEY)))
    with pytest.raises(LLMError) as caught:
        await api.stream(REQUEST.with_api_key(REQUEST_KEY))
    return caught.value


async def error_in_a_200(api: Api, server: LoopbackServer) -> LLMError:
    body = error_body(echoing("in band", REQUEST_KEY), "server_error")
    server.script.on(CHAT, json_reply(body))
    with pytest.raises(LLMError) as caught:
        await api.chat(REQUEST.with_header("x-api-key", REQUEST_KEY))
    return caught.value


async def error_event_after_content(api: Api, server: LoopbackServer) -> LLMError:
    error = error_body(echoing("overloaded"), error_type="overloaded_error")
    server.script.on(CHAT, sse(chunk("Hi"), error, done=False))
    return (await read_until_error(await api.stream(REQUEST)))[1]


async def error_event_before_content(api: Api, server: LoopbackServer) -> LLMError:
    error = error_body(echoing("rate"), error_type="rate_limit_error")
    server.script.on(CHAT, sse(chunk("", role="assistant"), error, done=False))
    return (await read_until_error(await api.stream(REQUEST)))[1]


async def undecodable_frame(api: Api, server: LoopbackServer) -> LLMError:
    server.script.on(CHAT, sse(chunk("Hi"), "{" + echoing("garbage"), done=False))
    return (await read_until_error(await api.stream(REQUEST)))[1]


async def dropped_mid_stream(api: Api, server: LoopbackServer) -> LLMError:
    server.script.on(CHAT, replace(text_stream("a", "b"), drop_after=2, drop_mid_chunk=True))
    return (await read_until_error(await api.stream(REQUEST)))[1]


async def idle_timeout(api: Api, server: LoopbackServer) -> LLMError:
    server.script.on(CHAT, replace(text_stream("a", "b"), pauses=((2, 30.0),)))
    request = REQUEST.with_timeout(Timeout(idle=0.1))
    return (await read_until_error(await api.stream(request)))[1]


async def wrong_content_type(api: Api, server: LoopbackServer) -> LLMError:
    server.script.on(CHAT, json_reply(echoing("<html>"), content_type="text/html"))
    return (await read_until_error(await api.stream(REQUEST)))[1]


async def connection_refused(api: Api, server: LoopbackServer) -> LLMError:
    request = REQUEST.with_base_url(f"http://127.0.0.1:{unused_port()}/v1")
    with pytest.raises(LLMError) as caught:
        await api.stream(request)
    return caught.value


async def connect_timeout(api: Api, server: LoopbackServer) -> LLMError:
    with unanswered_port() as port:
        request = REQUEST.with_base_url(f"http://127.0.0.1:{port}/v1")
        with pytest.raises(LLMError) as caught:
            await api.chat(request.with_timeout(Timeout(connect=0.1)))
    return caught.value


SCENARIOS: tuple[Scenario, ...] = (
    status_errors_after_retries,
    rate_limited_stream,
    error_in_a_200,
    error_event_after_content,
    error_event_before_content,
    undecodable_frame,
    dropped_mid_stream,
    idle_timeout,
    wrong_content_type,
    connection_refused,
    connect_timeout,
)


async def test_no_secret_in_any_captured_output(
    make_api: MakeApi,
    server: LoopbackServer,
    sleeps: SleepLog,
    all_logs: io.StringIO,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    api = make_api(api_key=KEY, headers={"api-key": HEADER_KEY}, max_retries=1)
    errors = []
    for scenario in SCENARIOS:
        error = await scenario(api, server)
        report(error, api.client, REQUEST.with_api_key(REQUEST_KEY), error.partial)
        errors.append(type(error).__name__)

    out, err = capfd.readouterr()
    captured = {
        "stdout": out,
        "stderr": err,
        "logs": all_logs.getvalue(),
        "caplog": caplog.text + "\n".join(repr(r.args) for r in caplog.records),
    }
    for where, text in captured.items():
        for secret in SECRETS:
            assert secret not in text, f"a secret in {where}"
    # The scan looked at something: every scenario failed and was reported and logged,
    # and the secrets went out to the server and came back in the bodies.
    assert len(errors) == len(SCENARIOS)
    assert captured["stdout"].count("Traceback (most recent call last)") >= len(SCENARIOS)
    assert "llm_connector INFO retrying POST" in captured["logs"]
    assert "httpcore.http11 DEBUG receive_response_body" in captured["logs"]
    assert "Incorrect API key provided: *** / *** / ***" in captured["stdout"]
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert server.requests[0].headers["api-key"] == HEADER_KEY
