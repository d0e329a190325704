"""The five wires of the hostile-server tests (tests/reliability/test_hostile*.py): OpenAI
chat completions, the Responses API, Anthropic Messages, Gemini and Ollama, each as a
client of a loopback server (tests/support/loopback.py) and as the answers such a server
sends when it behaves.

Those answers are the package's mock server's (``llm_connector._mock``, the provider's wire
format), recorded once per wire through the real client on an ``httpx.MockTransport``; a
test then serves them from the loopback server as they are, or bent on purpose (dripped,
cut, bloated, corrupted, redirected).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from llm_connector import AsyncClient, Client, MockServer
from llm_connector.responses import ResponsesRequest
from llm_connector.types import ChatRequest, Message
from tests.support.facade import Mode
from tests.support.script import Reply

#: The key every hostile-test client sends (and the servers must never see elsewhere).
KEY = "sk-hostile-0123456789abcdef"
#: The answer the mock servers give (long enough for a stream of several chunks).
ANSWER = "Hostile servers meet a careful client, chunk by chunk."

Kind = Literal["stream", "whole"]


@dataclass(frozen=True)
class HostileWire:
    """One wire: how its client is built on a server's origin, where it posts, what header
    carries its key, and how one call of each kind is made."""

    name: str
    #: The MockServer provider whose answers the server sends.
    provider: str
    key_header: str
    #: The path a stream and a whole call post to (Gemini's differ).
    stream_path: str
    whole_path: str

    def client(self, mode: Mode, origin: str, **options: Any) -> Client | AsyncClient:
        cls: Any = Client if mode == "sync" else AsyncClient
        options.setdefault("max_retries", 0)
        if self.name in ("openai_chat", "responses"):
            return cls.openai_compatible(api_key=KEY, base_url=f"{origin}/v1", **options)  # type: ignore[no-any-return]
        if self.name == "anthropic":
            return cls.anthropic(KEY, origin, **options)  # type: ignore[no-any-return]
        if self.name == "gemini":
            return cls.google(KEY, f"{origin}/v1beta", **options)  # type: ignore[no-any-return]
        return cls.ollama(origin, KEY, **options)  # type: ignore[no-any-return]

    def path(self, kind: Kind) -> str:
        return self.stream_path if kind == "stream" else self.whole_path


WIRES: tuple[HostileWire, ...] = (
    HostileWire(
        "openai_chat",
        "openai",
        "authorization",
        "/v1/chat/completions",
        "/v1/chat/completions",
    ),
    HostileWire("responses", "openai", "authorization", "/v1/responses", "/v1/responses"),
    HostileWire("anthropic", "anthropic", "x-api-key", "/v1/messages", "/v1/messages"),
    HostileWire(
        "gemini",
        "google",
        "x-goog-api-key",
        "/v1beta/models/test-model:streamGenerateContent",
        "/v1beta/models/test-model:generateContent",
    ),
    HostileWire("ollama", "ollama", "authorization", "/api/chat", "/api/chat"),
)
WIRE_IDS = [wire.name for wire in WIRES]

CHAT = ChatRequest("test-model").add_message(Message.user("Tell me"))
RESPONSES = ResponsesRequest(model="test-model", input="Tell me")


def request_for(wire: HostileWire) -> ChatRequest | ResponsesRequest:
    return RESPONSES if wire.name == "responses" else CHAT


async def call(client: Client | AsyncClient, wire: HostileWire, kind: Kind) -> str:
    """One call of ``kind`` on ``client``, read to its end: the answer's text. Errors raise
    as the caller would see them."""
    request = request_for(wire)
    if isinstance(client, AsyncClient):
        if wire.name == "responses":
            assert isinstance(request, ResponsesRequest)
            if kind == "whole":
                return (await client.invoke_responses(request)).output_text
            async with client.invoke_responses_stream(request) as events:
                async for _ in events:
                    pass
                return (await events.final_response()).output_text
        assert isinstance(request, ChatRequest)
        if kind == "whole":
            return (await client.chat(request)).content
        async with client.chat_stream(request) as stream:
            async for _ in stream:
                pass
            return (await stream.final_response()).content
    if wire.name == "responses":
        assert isinstance(request, ResponsesRequest)
        if kind == "whole":
            return client.invoke_responses(request).output_text
        with client.invoke_responses_stream(request) as events:
            for _ in events:
                pass
            return events.final_response().output_text
    assert isinstance(request, ChatRequest)
    if kind == "whole":
        return client.chat(request).content
    with client.chat_stream(request) as chat_stream:
        for _ in chat_stream:
            pass
        return chat_stream.final_response().content


@dataclass(frozen=True)
class Recorded:
    """A well-behaved server's answer to one call: what a hostile one bends."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def reply(self, *chunks: bytes, extra_headers: Mapping[str, str] | None = None) -> Reply:
        """This answer as a loopback reply: its body as ``chunks`` (default: whole)."""
        headers = (*self.headers, *(extra_headers or {}).items())
        return Reply(self.status, headers, chunks or (self.body,))


@functools.cache
def recorded(wire: HostileWire, kind: Kind) -> Recorded:
    """The mock server's answer to ``wire``'s call of ``kind``, recorded through the
    blocking client (once per process)."""
    server = MockServer(ANSWER, provider=wire.provider, responses_api=wire.name == "responses")  # type: ignore[arg-type]
    seen: list[Recorded] = []

    def handle(request: httpx.Request) -> httpx.Response:
        answer = server.handle(request)
        body = answer.read()
        # The loopback server frames the body itself (chunked), and nothing is encoded.
        headers = tuple(
            (name, value)
            for name, value in answer.headers.items()
            if name.lower() not in ("content-length", "transfer-encoding", "content-encoding")
        )
        seen.append(Recorded(answer.status_code, headers, body))
        return httpx.Response(answer.status_code, headers=headers, content=body)

    http = httpx.Client(transport=httpx.MockTransport(handle))
    client = wire.client("sync", "http://recording.test", http_client=http)
    text = _sync_result(call(client, wire, kind))
    http.close()
    assert text == ANSWER, (wire.name, kind, text)
    assert len(seen) == 1
    return seen[0]


def _sync_result(coroutine: Any) -> str:
    """The value of a coroutine that never awaits (``call`` on a blocking client), run to
    its end here: the caller may be inside a running event loop."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return str(done.value)
    raise AssertionError("a blocking client's call awaited something")
