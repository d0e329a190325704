"""The byte-path harness: serve a response body, cut into chosen pieces, through
``httpx.MockTransport`` to the real ``Client`` / ``AsyncClient``, and collect what a user sees.

The reference every byte-path run is compared with is the *frame-level* result: the same
body split into SSE events by the small splitter here (independent of httpx-sse) and fed
to the codec through ``StreamCore``, the code both shells share. The codec tests
(tests/codecs) prove that frame-level result right against an oracle and hand-checked
expected files; these tests prove the bytes reach it unchanged whatever the chunking.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any, Literal

import attrs
import httpx

from llm_connector import AsyncClient, Client
from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.contract import SSEFrame
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.errors import APIStatusError, LLMError, StreamDecodeError
from llm_connector.types import ChatRequest, ChatResponse, Message, StreamingResponse

Mode = Literal["sync", "async"]
MODES: tuple[Mode, ...] = ("sync", "async")

BASE_URL = "http://testserver/v1"
REQUEST = ChatRequest("test-model").add_message(Message.user("hi")).with_stream(True)


# -- an SSE splitter of our own (the reference must not share httpx-sse's code) -------------


@attrs.frozen
class Event:
    """One dispatched SSE event and the byte offset just past the blank line ending it."""

    frame: SSEFrame
    end: int


def sse_events(body: bytes) -> list[Event]:
    """The events of an SSE body, per the WHATWG rules the transcripts need: lines end in
    LF, CRLF or CR; ``:`` lines are comments; a blank line dispatches; an event with no data
    is not dispatched; a trailing event without its blank line is discarded."""
    events: list[Event] = []
    data: list[str] = []
    event_name = ""
    pos = 0
    while pos < len(body):
        cut = min((i for i in (body.find(b"\r", pos), body.find(b"\n", pos)) if i >= 0), default=-1)
        if cut < 0:
            break  # an unterminated last line is never dispatched
        line = body[pos:cut].decode("utf-8")
        pos = cut + (2 if body[cut : cut + 2] == b"\r\n" else 1)
        if not line:
            if data:
                events.append(Event(SSEFrame("\n".join(data), event_name or "message"), pos))
            data, event_name = [], ""
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "data":
            data.append(value)
        elif field == "event":
            event_name = value
    return events


# -- the outcome a user observes -------------------------------------------------------------


@attrs.frozen
class ErrorSummary:
    """The parts of a raised error that must match exactly (exceptions do not compare ==)."""

    type: type[LLMError]
    message: str
    partial: ChatResponse | None
    status_code: int | None = None
    error_type: str | None = None
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
                error.error_type,
                error.code,
                error.in_stream,
            )
        frame = error.frame if isinstance(error, StreamDecodeError) else None
        return cls(type(error), error.message, error.partial, frame=frame)


@attrs.frozen
class Outcome:
    chunks: tuple[StreamingResponse, ...]
    final: ChatResponse | None
    error: ErrorSummary | None


def frame_outcome(body: bytes) -> Outcome:
    """The frame-level reference for a body: its events fed to the codec via StreamCore."""
    core = StreamCore(OpenAIChatCodec())
    chunks: list[StreamingResponse] = []
    try:
        for event in sse_events(body):
            chunks.extend(core.feed(event.frame))
        chunks.extend(core.finish())
        return Outcome(tuple(chunks), core.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(chunks), None, ErrorSummary.of(exc))


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
    """A mock transport answering each request with the next queued chunking.

    It keeps the requests' URLs, so a test can check where the client sent them; the body
    itself is the request codec's business (tests/codecs/test_openai_chat_request.py).
    """

    def __init__(self, content_type: str = "text/event-stream") -> None:
        self.content_type = content_type
        self.pending: Iterator[Sequence[bytes]] = iter(())
        self.urls: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        return httpx.Response(
            200, headers={"content-type": self.content_type}, stream=ChunkedBody(next(self.pending))
        )


def _collect_sync(client: Client) -> Outcome:
    chunks: list[StreamingResponse] = []
    try:
        stream = client.chat_stream(REQUEST)
        chunks.extend(stream)  # the plain ``for`` loop a script writes
        return Outcome(tuple(chunks), stream.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(chunks), None, ErrorSummary.of(exc))


async def _collect_async(client: AsyncClient) -> Outcome:
    chunks: list[StreamingResponse] = []
    try:
        stream = await client.chat_stream(REQUEST)
        async for chunk in stream:
            chunks.append(chunk)
        return Outcome(tuple(chunks), await stream.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(chunks), None, ErrorSummary.of(exc))


Sink = Callable[[int, Outcome], None]


def _drive_sync(chunkings: Sequence[Sequence[bytes]], sink: Sink, server: Server) -> None:
    server.pending = iter(chunkings)
    with httpx.Client(transport=httpx.MockTransport(server.handler)) as http:
        # One reply is queued per body: a retry would ask for one that does not exist.
        client = Client.openai_compatible(
            api_key="sk-test", base_url=BASE_URL, http_client=http, max_retries=0
        )
        for i in range(len(chunkings)):
            sink(i, _collect_sync(client))


def _drive_async(chunkings: Sequence[Sequence[bytes]], sink: Sink, server: Server) -> None:
    async def main() -> None:
        server.pending = iter(chunkings)
        async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as http:
            client = AsyncClient.openai_compatible(
                api_key="sk-test", base_url=BASE_URL, http_client=http, max_retries=0
            )
            for i in range(len(chunkings)):
                sink(i, await _collect_async(client))

    asyncio.run(main())


def drive(
    mode: Mode,
    chunkings: Sequence[Sequence[bytes]],
    sink: Sink,
    content_type: str = "text/event-stream",
) -> None:
    """Serve each chunking once, in order, through one client of the given kind, and hand
    each outcome to ``sink`` as it comes (long runs keep no outcome alive: less for the
    garbage collector to walk)."""
    server = Server(content_type)
    (_drive_sync if mode == "sync" else _drive_async)(chunkings, sink, server)
    assert server.urls == [f"{BASE_URL}/chat/completions"] * len(chunkings)


def run(mode: Mode, chunkings: Sequence[Sequence[bytes]], **server: Any) -> list[Outcome]:
    """The outcome of each chunking, served in order through one client of the given kind."""
    outcomes: list[Outcome] = []
    drive(mode, chunkings, lambda _, outcome: outcomes.append(outcome), **server)
    return outcomes


def mismatches(mode: Mode, chunkings: Sequence[Sequence[bytes]], expected: Outcome) -> list[int]:
    """The positions of the chunkings whose outcome differs from ``expected``."""
    bad: list[int] = []
    drive(mode, chunkings, lambda i, outcome: None if outcome == expected else bad.append(i))
    return bad


# -- chunkings ---------------------------------------------------------------------------------


def split_at(body: bytes, cuts: Sequence[int]) -> list[bytes]:
    """``body`` cut at the given (sorted, in-range) offsets; empty pieces are dropped."""
    bounds = [0, *cuts, len(body)]
    return [body[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def two_piece_cuts(body: bytes, stride: int = 1) -> list[int]:
    """Where to split a body in two: every index, or with a stride every ``stride``-th index
    plus the places a line or text decoder can get wrong that a stride could skip: both
    sides of every byte of a multi-byte UTF-8 character, and around the last line breaks
    (the finish chunk, the usage chunk and ``[DONE]``)."""
    cuts = set(range(1, len(body), stride))
    if stride > 1:
        cuts.update(i + d for i, byte in enumerate(body) if byte >= 0x80 for d in (0, 1))
        breaks = [i for i, byte in enumerate(body) if byte in b"\r\n"]
        cuts.update(i + d for i in breaks[-8:] for d in (-1, 0, 1, 2))
    return sorted(c for c in cuts if 0 < c < len(body))
