"""The API version a client of the Messages API speaks: the row's (ProviderSpec.api_version),
or the constructor's ``api_version=`` over it, in the ``anthropic-version`` header (or the
body's ``anthropic_version`` on Vertex AI) of every request; a request's own header still
wins for that request (docs/providers.md, "API versions")."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from llm_connector import AsyncClient, Client
from llm_connector.providers import row
from llm_connector.types import ChatRequest, Message
from tests.support.anthropic_oracle import DATA

REPLY = (DATA / "nonstream-text.json").read_bytes()
REQUEST = ChatRequest("claude-sonnet-4-20250514", [Message.user("Hi")])


class Recorder:
    """An httpx transport handler answering every request with one recorded message."""

    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        headers = {"content-type": "application/json"}
        if request.url.path.endswith("count_tokens") or "count-tokens" in request.url.path:
            return httpx.Response(200, headers=headers, json={"input_tokens": 3})
        return httpx.Response(200, headers=headers, content=REPLY)


def test_the_rows_say_their_version() -> None:
    assert row("anthropic").api_version == "2023-06-01"
    assert row("longcat_anthropic").api_version == "2023-06-01"
    assert row("anthropic_vertex").api_version == "vertex-2023-10-16"
    # Gemini's version is its base URL's path segment, not a row setting.
    assert row("google").api_version is None
    assert row("google").default_base_url == "https://generativelanguage.googleapis.com/v1beta"


@pytest.mark.parametrize(
    ("options", "version"),
    [({}, "2023-06-01"), ({"api_version": "2026-10-21"}, "2026-10-21")],
)
@pytest.mark.parametrize("provider", ["anthropic", "longcat_anthropic"])
def test_every_request_of_a_client_names_its_version(
    provider: str, options: dict[str, Any], version: str
) -> None:
    recorder = Recorder()
    with httpx.Client(transport=httpx.MockTransport(recorder)) as http:
        client = getattr(Client, provider)("k", "https://example.test", http_client=http, **options)
        client.chat(REQUEST)
        if provider == "anthropic":
            client.count_tokens(REQUEST)
    assert [r.headers["anthropic-version"] for r in recorder.sent] == [version] * len(recorder.sent)
    assert len(recorder.sent) == (2 if provider == "anthropic" else 1)


async def test_the_async_constructor_takes_the_version_too() -> None:
    recorder = Recorder()
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as http:
        client = AsyncClient.anthropic(
            "k", "https://example.test", http_client=http, api_version="2026-10-21"
        )
        await client.chat(REQUEST)
    assert recorder.sent[0].headers["anthropic-version"] == "2026-10-21"


def test_a_request_header_wins_over_the_client_version() -> None:
    recorder = Recorder()
    with httpx.Client(transport=httpx.MockTransport(recorder)) as http:
        client = Client.anthropic("k", "https://example.test", http_client=http, api_version="a")
        client.chat(REQUEST.with_header("anthropic-version", "b"))
        client.chat(REQUEST)
    assert [r.headers["anthropic-version"] for r in recorder.sent] == ["b", "a"]


@pytest.mark.parametrize(
    ("options", "version"),
    [({}, "vertex-2023-10-16"), ({"api_version": "vertex-2099-01-01"}, "vertex-2099-01-01")],
)
def test_vertex_names_its_version_in_the_body(options: dict[str, Any], version: str) -> None:
    recorder = Recorder()
    with httpx.Client(transport=httpx.MockTransport(recorder)) as http:
        client = Client.anthropic_vertex("p", "us-east5", "tok", http_client=http, **options)
        client.chat(REQUEST)
        client.count_tokens(REQUEST)
    bodies = [json.loads(r.content) for r in recorder.sent]
    assert [b["anthropic_version"] for b in bodies] == [version, version]
    assert all("anthropic-version" not in r.headers for r in recorder.sent)
