"""The byte path for Anthropic bodies: tests/wire/wire_support.py's harness (chunked bodies
through ``httpx.MockTransport`` to the real ``Client`` / ``AsyncClient``), driven through
``Client.anthropic`` and compared with the frame-level result of the Anthropic codec.

Only what is Anthropic's is here: the client constructor, the URL, and the frame-level
reference with this codec. The SSE splitter, the body chunker, the outcome types and the
collectors are wire_support's own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx

from llm_connector import AsyncClient, Client
from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.anthropic.codec import AnthropicCodec
from llm_connector.errors import LLMError
from llm_connector.types import StreamingResponse
from tests.wire.wire_support import (
    ErrorSummary,
    Mode,
    Outcome,
    Server,
    Sink,
    _collect_async,
    _collect_sync,
    sse_events,
)

ORIGIN = "http://anthropic.test"
MESSAGES_URL = f"{ORIGIN}/v1/messages"


def frame_outcome(body: bytes) -> Outcome:
    """The frame-level reference for a body: its events fed to this codec via StreamCore."""
    core = StreamCore(AnthropicCodec())
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
        client = Client.anthropic("sk-ant-test", ORIGIN, http_client=http, max_retries=0)
        for i in range(len(chunkings)):
            sink(i, _collect_sync(client))


def _drive_async(chunkings: Sequence[Sequence[bytes]], sink: Sink, server: Server) -> None:
    async def main() -> None:
        server.pending = iter(chunkings)
        async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as http:
            client = AsyncClient.anthropic("sk-ant-test", ORIGIN, http_client=http, max_retries=0)
            for i in range(len(chunkings)):
                sink(i, await _collect_async(client))

    asyncio.run(main())


def drive(
    mode: Mode,
    chunkings: Sequence[Sequence[bytes]],
    sink: Sink,
    content_type: str = "text/event-stream",
) -> None:
    """Serve each chunking once, in order, through one Anthropic client of ``mode``."""
    server = Server(content_type)
    (_drive_sync if mode == "sync" else _drive_async)(chunkings, sink, server)
    assert server.urls == [MESSAGES_URL] * len(chunkings)


def run(mode: Mode, chunkings: Sequence[Sequence[bytes]], **server: Any) -> list[Outcome]:
    outcomes: list[Outcome] = []
    drive(mode, chunkings, lambda _, outcome: outcomes.append(outcome), **server)
    return outcomes


def mismatches(mode: Mode, chunkings: Sequence[Sequence[bytes]], expected: Outcome) -> list[int]:
    bad: list[int] = []
    drive(mode, chunkings, lambda i, outcome: None if outcome == expected else bad.append(i))
    return bad
