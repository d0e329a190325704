"""Errors that say what to do: a 404 on a base URL without its version segment says so;
an error that ends a call after retries says how many attempts it made and how long they
took. (Status errors naming the request: test_status_errors.py.)"""

from __future__ import annotations

import re

import pytest

from llm_connector import APIConnectionError, APITimeoutError, NotFoundError, Timeout
from llm_connector.calls.request_checks import not_found_hint
from llm_connector.providers import row as provider_row
from llm_connector.types import ChatRequest, Message
from tests.support.backends import MakeApi
from tests.support.loopback import LoopbackServer
from tests.support.script import CHAT, Reply, error_reply
from tests.support.streams import collect

COMPATIBLE = "OpenAI-compatible servers answer under /v1"
REQUEST = ChatRequest("gpt-test").add_message(Message.user("Tell me"))


async def test_a_404_on_a_base_url_without_a_version_says_so(
    make_api: MakeApi, server: LoopbackServer
) -> None:
    server.script.on("/chat/completions", error_reply(404, "Not Found"))
    api = make_api(server, base_url=server.origin, max_retries=0)

    with pytest.raises(NotFoundError) as caught:
        await api.chat(REQUEST)

    assert caught.value.message == (
        f"Not Found (the base URL {server.origin} has no version segment such as /v1: "
        "openai's is https://api.openai.com/v1)"
    )


@pytest.mark.parametrize(
    ("row", "base_url", "expected"),
    [
        (
            "openai_compatible",
            "http://localhost:8000",
            "OpenAI-compatible servers answer under /v1",
        ),
        ("zhipu", "https://proxy.example", "zhipu's is https://open.bigmodel.cn/api/paas/v4"),
        ("openai_compatible", "http://localhost:8000/v1", None),
        ("google", "https://proxy.example/v1beta", None),
        ("deepseek", "https://proxy.example", None),  # DeepSeek serves both forms
        ("anthropic", "https://proxy.example", None),  # its base URL has no version
        ("ollama", "http://localhost:11434", None),
    ],
)
def test_which_base_urls_get_the_hint(row: str, base_url: str, expected: str | None) -> None:
    hint = not_found_hint(base_url, provider_row(row))
    if expected is None:
        assert hint is None
    else:
        assert hint == f"the base URL {base_url} has no version segment such as /v1: {expected}"


async def test_a_404_on_a_versioned_base_url_is_the_providers_word(
    make_api: MakeApi, server: LoopbackServer
) -> None:
    server.script.on(CHAT, error_reply(404, "The model `gpt-test` does not exist"))
    api = make_api(server, max_retries=0)

    with pytest.raises(NotFoundError) as caught:
        await api.chat(REQUEST)

    assert caught.value.message == "The model `gpt-test` does not exist"


async def test_a_connection_error_after_retries_says_how_many_and_how_long(
    make_api: MakeApi, server: LoopbackServer, sleeps: list[float]
) -> None:
    server.script.on(CHAT, Reply(hang_up=True))
    api = make_api(server, max_retries=2)

    with pytest.raises(APIConnectionError) as caught:
        await api.chat(REQUEST)

    assert type(caught.value) is APIConnectionError
    assert re.fullmatch(
        rf"connection error on POST {re.escape(server.base_url)}/chat/completions: "
        r"RemoteProtocolError\(.*\) \(gave up after 3 attempts in \d+\.\d s\)",
        caught.value.message,
    )
    assert server.script.hits() == 3


async def test_a_timeout_after_retries_says_how_many_and_how_long(
    make_api: MakeApi, server: LoopbackServer, sleeps: list[float]
) -> None:
    server.script.on(CHAT, Reply(head_delay=30.0))
    api = make_api(server, max_retries=1, timeout=Timeout(first_event=0.3))

    with pytest.raises(APITimeoutError) as caught:
        await collect(api, REQUEST)

    assert caught.value.timeout_kind == "first_event"
    assert re.fullmatch(
        rf"first_event timeout \(0\.3 s\): no response on POST "
        rf"{re.escape(server.base_url)}/chat/completions "
        r"\(gave up after 2 attempts in 0\.[6-9] s\)",
        caught.value.message,
    )


async def test_one_attempt_says_nothing_more(make_api: MakeApi, server: LoopbackServer) -> None:
    server.script.on(CHAT, Reply(hang_up=True))
    api = make_api(server, max_retries=0)

    with pytest.raises(APIConnectionError) as caught:
        await api.chat(REQUEST)

    assert "gave up" not in caught.value.message
