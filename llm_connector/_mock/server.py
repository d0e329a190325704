"""The mock server: scripted replies, answered in one provider's wire format."""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeAlias

import httpx

from llm_connector._mock.reply import DEFAULT_REPLIES, MockReply, resolve

Wire: TypeAlias = Literal["openai", "anthropic", "google", "ollama"]

#: Where a mock client of each wire points; any host works, as nothing leaves the process.
MOCK_BASE_URLS: Mapping[str, str] = {
    "openai": "https://mock.llm-connector.invalid/v1",
    "anthropic": "https://mock.llm-connector.invalid",
    "google": "https://mock.llm-connector.invalid/v1beta",
    "ollama": "https://mock.llm-connector.invalid",
}


class MockServer:
    """A scripted LLM server living inside httpx, speaking one provider's wire format
    (``provider``: "openai", "anthropic", "google" or "ollama").

    Replies are used in order, one per chat request; the last repeats. ``requests``
    holds every JSON body received, for tests to assert on.
    """

    def __init__(
        self,
        replies: str | MockReply | Sequence[str | MockReply] | None = None,
        *,
        model: str = "mock-model",
        provider: Wire = "openai",
        embedding_dimensions: int = 8,
    ) -> None:
        if replies is None:
            replies = DEFAULT_REPLIES
        elif isinstance(replies, (str, MockReply)):
            replies = (replies,)
        self._replies = [MockReply.text(r) if isinstance(r, str) else r for r in replies]
        if not self._replies:
            raise ValueError("MockServer needs at least one reply")
        if provider not in MOCK_BASE_URLS:
            raise ValueError(f"the mock speaks {sorted(MOCK_BASE_URLS)}, not {provider!r}")
        self.model = model
        self.provider: Wire = provider
        self.embedding_dimensions = embedding_dimensions
        self.requests: list[dict[str, Any]] = []
        self._served = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return MOCK_BASE_URLS[self.provider]

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one HTTP request (the MockTransport handler)."""
        body: dict[str, Any] = json.loads(request.content) if request.content else {}
        with self._lock:
            self.requests.append(body)
        return _WIRES[self.provider](self, request, body)

    # -- what the wire modules share ----------------------------------------------------

    def next_reply(self, last_user_text: str) -> MockReply:
        with self._lock:
            reply = self._replies[min(self._served, len(self._replies) - 1)]
            self._served += 1
        return resolve(reply, last_user_text)

    def next_id(self) -> int:
        return next(self._ids)

    def vector(self, text: str) -> list[float]:
        """A deterministic vector from the text's hash."""
        digest = hashlib.sha256(text.encode()).digest()
        return [round(b / 127.5 - 1.0, 6) for b in digest[: self.embedding_dimensions]]


# -- responses ---------------------------------------------------------------------------


def json_response(
    status: int, body: Mapping[str, Any] | Sequence[Any], headers: Mapping[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def sse_response(events: Sequence[tuple[str | None, str]], separator: str = "\n") -> httpx.Response:
    """An SSE body, one HTTP chunk per event as servers flush them. ``events`` are
    (event name or None, data); ``separator`` is the line ending ("\\r\\n" for Gemini)."""
    chunks = []
    for name, data in events:
        head = f"event: {name}{separator}" if name else ""
        chunks.append(f"{head}data: {data}{separator}{separator}".encode())
    headers = {"content-type": "text/event-stream; charset=utf-8"}
    return httpx.Response(200, headers=headers, stream=_Chunked(chunks))


def ndjson_response(lines: Sequence[Mapping[str, Any]]) -> httpx.Response:
    """An NDJSON body (Ollama), one HTTP chunk per line."""
    chunks = [json.dumps(line).encode() + b"\n" for line in lines]
    headers = {"content-type": "application/x-ndjson"}
    return httpx.Response(200, headers=headers, stream=_Chunked(chunks))


def retry_after_headers(reply: MockReply) -> dict[str, str]:
    return {} if reply.retry_after is None else {"retry-after": f"{reply.retry_after:g}"}


class _Chunked(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body delivered as separate chunks, to sync and async clients alike."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


Handler: TypeAlias = Callable[[MockServer, httpx.Request, dict[str, Any]], httpx.Response]


# Each wire's module (the "google" provider speaks Gemini's wire).
_WIRE_MODULES: Mapping[str, str] = {
    "openai": "openai_wire",
    "anthropic": "anthropic_wire",
    "google": "gemini_wire",
    "ollama": "ollama_wire",
}


def _dispatch(wire: str) -> Handler:
    def handle(server: MockServer, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        # The wire modules import this one; importing them here, on first use, keeps the
        # import graph acyclic and loads only the wire in use.
        import importlib

        module = importlib.import_module(f"llm_connector._mock.{_WIRE_MODULES[wire]}")
        answer: Handler = module.handle
        return answer(server, request, body)

    return handle


_WIRES: Mapping[str, Handler] = {wire: _dispatch(wire) for wire in MOCK_BASE_URLS}
