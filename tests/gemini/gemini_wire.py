"""The byte-path harness of tests/wire (wire_support.py), aimed at the Gemini codec.

wire_support's own ``drive`` talks to an OpenAI-compatible client and checks for
``/chat/completions``; this module keeps its pieces (the independent SSE splitter, the
chunked bodies, the mock server, the collectors a user's loop stands for, the outcomes)
and only swaps the client and the URL: ``Client.google`` and
``{base}/models/{model}:streamGenerateContent?alt=sse``. Retries are off: each chunking is
one answer, and what a user sees of it is the decoding, not the retry policy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx

from llm_connector import AsyncClient, Client
from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.gemini.codec import GeminiCodec
from llm_connector.errors import LLMError
from llm_connector.types import StreamingResponse
from tests.wire.wire_support import (
    REQUEST,
    ErrorSummary,
    Mode,
    Outcome,
    Server,
    Sink,
    _collect_async,
    _collect_sync,
    sse_events,
)

BASE_URL = "http://testserver/v1beta"
#: Where the client sends wire_support.REQUEST (model "test-model") to stream.
STREAM_URL = f"{BASE_URL}/models/{REQUEST.model}:streamGenerateContent?alt=sse"
API_KEY = "gemini-test-key"


def frame_outcome(body: bytes) -> Outcome:
    """The frame-level reference for a body: its events (split by wire_support's own SSE
    splitter, not httpx-sse) fed to the Gemini codec through StreamCore."""
    core = StreamCore(GeminiCodec())
    chunks: list[StreamingResponse] = []
    try:
        for event in sse_events(body):
            chunks.extend(core.feed(event.frame))
        chunks.extend(core.finish())
        return Outcome(tuple(chunks), core.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(chunks), None, ErrorSummary.of(exc))


def _drive_sync(chunkings: Sequence[Sequence[bytes]], sink: Sink, server: Server) -> None:
    server.pending = iter(chunkings)
    with httpx.Client(transport=httpx.MockTransport(server.handler)) as http:
        client = Client.google(API_KEY, BASE_URL, http_client=http, max_retries=0)
        for i in range(len(chunkings)):
            sink(i, _collect_sync(client))


def _drive_async(chunkings: Sequence[Sequence[bytes]], sink: Sink, server: Server) -> None:
    async def main() -> None:
        server.pending = iter(chunkings)
        async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as http:
            client = AsyncClient.google(API_KEY, BASE_URL, http_client=http, max_retries=0)
            for i in range(len(chunkings)):
                sink(i, await _collect_async(client))

    asyncio.run(main())


def drive(
    mode: Mode,
    chunkings: Sequence[Sequence[bytes]],
    sink: Sink,
    content_type: str = "text/event-stream",
) -> None:
    """Serve each chunking once, in order, through one Gemini client of the given kind."""
    server = Server(content_type)
    (_drive_sync if mode == "sync" else _drive_async)(chunkings, sink, server)
    assert server.urls == [STREAM_URL] * len(chunkings)


def run(mode: Mode, chunkings: Sequence[Sequence[bytes]], **server: str) -> list[Outcome]:
    outcomes: list[Outcome] = []
    drive(mode, chunkings, lambda _, outcome: outcomes.append(outcome), **server)
    return outcomes


def mismatches(mode: Mode, chunkings: Sequence[Sequence[bytes]], expected: Outcome) -> list[int]:
    bad: list[int] = []
    drive(mode, chunkings, lambda i, outcome: None if outcome == expected else bad.append(i))
    return bad
