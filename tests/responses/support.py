"""Shared helpers of the Responses API tests: the transcripts and their expected files, a
summary of a ResponsesResponse in the expected files' shape, the frame-level reference
and the byte path through both clients."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import httpx

from llm_connector import AsyncClient, Client
from llm_connector.calls.stream_core import BaseStreamCore
from llm_connector.codecs.openai_responses.codec import NativeSource, OpenAIResponsesCodec
from llm_connector.errors import APIStatusError, LLMError, StreamDecodeError
from llm_connector.responses import (
    FunctionCallItem,
    MessageItem,
    OtherItem,
    ReasoningItem,
    ResponsesRequest,
    ResponsesResponse,
    ResponsesStreamEvent,
    ResponsesUsage,
)
from llm_connector.types import ChatResponse
from tests.wire.wire_support import sse_events

DATA = Path(__file__).parent.parent / "data" / "openai-responses"
SSE_PATHS = sorted(DATA.glob("*.sse"))

Mode = Literal["sync", "async"]
MODES: tuple[Mode, ...] = ("sync", "async")
BASE_URL = "http://responses.test/v1"
REQUEST = ResponsesRequest(model="test-model", input="hi", stream=True)


def transcript_id(path: Path) -> str:
    return path.stem


def expected_file(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.with_suffix(".expected.json").read_text("utf-8"))
    return loaded


# -- a response in the expected files' shape ------------------------------------------------


def usage_summary(usage: ResponsesUsage | None) -> dict[str, Any] | None:
    return None if usage is None else attrs.asdict(usage)


def item_summary(item: Any) -> dict[str, Any]:
    if isinstance(item, MessageItem):
        out: dict[str, Any] = {"type": "message", "id": item.id, "role": item.role}
        out["text"] = item.text
        if item.phase:
            out["phase"] = item.phase
        return out
    if isinstance(item, FunctionCallItem):
        return {
            "type": "function_call",
            "id": item.id,
            "call_id": item.call_id,
            "name": item.name,
            "arguments": item.arguments,
        }
    if isinstance(item, ReasoningItem):
        return {
            "type": "reasoning",
            "id": item.id,
            "summary": list(item.summary),
            "content": list(item.content),
            "encrypted": bool(item.encrypted_content),
        }
    assert isinstance(item, OtherItem), item
    return {"type": item.type, "id": item.id}


def summary(response: ResponsesResponse) -> dict[str, Any]:
    """A response as the ``final`` of an expected file."""
    return {
        "id": response.id,
        "status": response.status,
        "model": response.model,
        "usage": usage_summary(response.usage),
        "error": None if response.error is None else attrs.asdict(response.error),
        "incomplete_details": None
        if response.incomplete_details is None
        else attrs.asdict(response.incomplete_details),
        "output": [item_summary(item) for item in response.output],
    }


# -- what a caller sees ---------------------------------------------------------------------


@attrs.frozen
class ErrorSummary:
    """The parts of a raised error that must match exactly (exceptions do not compare)."""

    type: type[LLMError]
    message: str
    partial: ChatResponse | None
    status_code: int | None = None
    code: str | int | None = None
    in_stream: bool | None = None
    frame: str | None = None

    @classmethod
    def of(cls, error: LLMError) -> ErrorSummary:
        if isinstance(error, APIStatusError):
            return cls(
                type(error),
                error.message,
                error.partial,
                error.status_code,
                error.code,
                error.in_stream,
            )
        frame = error.frame if isinstance(error, StreamDecodeError) else None
        return cls(type(error), error.message, error.partial, frame=frame)


@attrs.frozen
class Outcome:
    events: tuple[ResponsesStreamEvent, ...]
    final: ResponsesResponse | None
    error: ErrorSummary | None


def frame_outcome(body: bytes) -> Outcome:
    """The frame-level reference for a body: its SSE events (split by the test suite's own
    splitter, not httpx-sse) fed to the native decoder through the stream core."""
    core = BaseStreamCore(NativeSource(OpenAIResponsesCodec()))
    events: list[ResponsesStreamEvent] = []
    try:
        for event in sse_events(body):
            events.extend(core.feed(event.frame))
        events.extend(core.finish())
        return Outcome(tuple(events), core.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(events), None, ErrorSummary.of(exc))


# -- the byte path ----------------------------------------------------------------------------


class ChunkedBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body delivered in exactly the given pieces, to either client."""

    def __init__(self, pieces: Sequence[bytes]) -> None:
        self._pieces = pieces

    def __iter__(self) -> Iterator[bytes]:
        yield from self._pieces

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self._pieces:
            yield piece


class Server:
    """Answers each request with the next queued chunking, as an event stream."""

    def __init__(self, chunkings: Sequence[Sequence[bytes]]) -> None:
        self.pending = iter(chunkings)
        self.urls: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        headers = {"content-type": "text/event-stream"}
        return httpx.Response(200, headers=headers, stream=ChunkedBody(next(self.pending)))


Sink = Callable[[int, Outcome], None]


def _collect_sync(client: Client) -> Outcome:
    events: list[ResponsesStreamEvent] = []
    try:
        stream = client.invoke_responses_stream(REQUEST)
        events.extend(stream)  # the plain ``for`` loop a script writes
        return Outcome(tuple(events), stream.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(events), None, ErrorSummary.of(exc))


async def _collect_async(client: AsyncClient) -> Outcome:
    events: list[ResponsesStreamEvent] = []
    try:
        stream = await client.invoke_responses_stream(REQUEST)
        async for event in stream:
            events.append(event)
        return Outcome(tuple(events), await stream.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(events), None, ErrorSummary.of(exc))


def drive(mode: Mode, chunkings: Sequence[Sequence[bytes]], sink: Sink) -> None:
    """Serve each chunking once, in order, to one client of the given kind (native
    ``/responses``, retries off), handing each outcome to ``sink``."""
    server = Server(chunkings)
    if mode == "sync":
        with httpx.Client(transport=httpx.MockTransport(server.handler)) as http:
            client = Client.openai_compatible(
                api_key="sk-test", base_url=BASE_URL, http_client=http, max_retries=0
            )
            for i in range(len(chunkings)):
                sink(i, _collect_sync(client))
    else:

        async def main() -> None:
            async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as http:
                client = AsyncClient.openai_compatible(
                    api_key="sk-test", base_url=BASE_URL, http_client=http, max_retries=0
                )
                for i in range(len(chunkings)):
                    sink(i, await _collect_async(client))

        asyncio.run(main())
    assert server.urls == [f"{BASE_URL}/responses"] * len(chunkings)


def run(mode: Mode, chunkings: Sequence[Sequence[bytes]]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    drive(mode, chunkings, lambda _, outcome: outcomes.append(outcome))
    return outcomes


def mismatches(mode: Mode, chunkings: Sequence[Sequence[bytes]], expected: Outcome) -> list[int]:
    bad: list[int] = []
    drive(mode, chunkings, lambda i, outcome: None if outcome == expected else bad.append(i))
    return bad
