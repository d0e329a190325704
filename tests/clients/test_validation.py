"""Values that cannot go into an HTTP request are refused before anything is sent, naming
the field and never repeating a key."""

from __future__ import annotations

import pytest

from llm_connector import RequestValidationError
from llm_connector.types import ChatRequest, Message
from tests.support.backends import API_KEY, MakeApi
from tests.support.facade import Mode, client_class
from tests.support.loopback import LoopbackServer
from tests.support.script import CHAT, completion, json_reply

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Hi"))
KEY = "sk-secret-KEY-0123456789"
# A key read from a file keeps its newline; a CRLF .env file leaves a carriage return.
BAD_KEYS = [KEY + "\n", KEY + "\r", " " + KEY, KEY + "\r\nX-Injected: 1", "sk-secrét-KEY"]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_unsendable_key_in_constructor(mode: Mode, server: LoopbackServer, key: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        client_class(mode).openai(key, server.base_url)
    assert caught.value.field == "api_key"
    assert "secr" not in str(caught.value)
    assert server.requests == []


def test_unsendable_key_from_env(
    mode: Mode, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY + "\r")
    with pytest.raises(RequestValidationError) as caught:
        client_class(mode).openai(base_url=server.base_url)
    assert caught.value.field == "api_key"
    assert KEY not in str(caught.value)


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_unsendable_key_per_request(
    make_api: MakeApi, server: LoopbackServer, key: str
) -> None:
    api = make_api(server, max_retries=2)
    with pytest.raises(RequestValidationError) as caught:
        await api.chat(REQUEST.with_api_key(key))
    assert caught.value.field == "api_key"
    assert "secr" not in repr(caught.value)
    assert server.requests == []


async def test_unsendable_header_per_request(make_api: MakeApi, server: LoopbackServer) -> None:
    api = make_api(server)
    with pytest.raises(RequestValidationError) as caught:
        await api.chat(REQUEST.with_header("X-Trace", "abc\ndef"))
    assert caught.value.field == "extra_headers['X-Trace']"
    assert "'\\n' at position 3" in caught.value.message
    assert server.requests == []


def test_unsendable_header_in_constructor(mode: Mode, server: LoopbackServer) -> None:
    cls = client_class(mode)
    with pytest.raises(RequestValidationError) as caught:
        cls.openai(API_KEY, server.base_url, headers={"X-Team": "red\r\n"})
    assert caught.value.field == "headers['X-Team']"
    with pytest.raises(RequestValidationError) as bad_name:
        cls.openai(API_KEY, server.base_url, headers={"Bad Name": "x"})
    assert bad_name.value.field == "headers"


def test_secret_header_value_is_not_shown(mode: Mode, server: LoopbackServer) -> None:
    with pytest.raises(RequestValidationError) as caught:
        client_class(mode).openai(API_KEY, server.base_url, headers={"X-Api-Key": KEY + "\n"})
    assert caught.value.field == "headers['X-Api-Key']"
    assert KEY not in str(caught.value)
    assert "\\n" not in str(caught.value)


@pytest.mark.parametrize("url", ["localhost:8080/v1", "ftp://example.com/v1", "/v1", "http://"])
def test_base_url_must_be_http(mode: Mode, url: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        client_class(mode).openai(API_KEY, url)
    assert caught.value.field == "base_url"


async def test_per_request_base_url_must_be_http(make_api: MakeApi, server: LoopbackServer) -> None:
    api = make_api(server, max_retries=2)
    with pytest.raises(RequestValidationError) as caught:
        await api.chat(REQUEST.with_base_url("127.0.0.1:1234/v1"))
    assert caught.value.field == "base_url"
    assert server.requests == []


async def test_tab_in_a_header_value_is_fine(make_api: MakeApi, server: LoopbackServer) -> None:
    server.script.on(CHAT, json_reply(completion("ok")))
    api = make_api(server)
    assert (await api.chat(REQUEST.with_header("X-Note", "a\tb"))).content == "ok"
    assert server.requests[0].headers["x-note"] == "a\tb"
