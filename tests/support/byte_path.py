"""The byte-path harness: serve a response body, cut into chosen pieces, through
``httpx.MockTransport`` to a real ``Client`` / ``AsyncClient``, and collect what a user
sees: the chunks (or Responses events) a plain loop gets, ``final_response()``, and the
error, if one is raised.

A :class:`Wire` says which client: how it is made around the injected httpx client, the
URL it must send the stream request to, the request, and the stream core (the codec) the
frame-level reference decodes with. The table of every protocol's wires and transcripts is
tests/support/protocols.py; the tests that drive it are tests/bytes.

The reference a byte-path run is compared with is the *frame-level* outcome: the same body
cut into frames by tests/support/framing.py (independent of the shells' readers) and fed
to the codec through the stream core both shells share. The codec tests prove that
reference right against an oracle and the hand-checked expected files; the byte tests
prove the bytes reach it unchanged, whatever the chunking.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any, Generic, Literal, TypeAlias, TypeVar

import attrs
import httpx

from llm_connector import AsyncClient, Client
from llm_connector.calls.stream_core import BaseStreamCore
from llm_connector.codecs.contract import ChatCodec, SSEFrame
from llm_connector.errors import APIStatusError, LLMError, StreamDecodeError, StreamError
from tests.support.facade import Mode
from tests.support.framing import ndjson_lines, sse_events

ItemT = TypeVar("ItemT")
AnswerT = TypeVar("AnswerT")

Framing: TypeAlias = Literal["sse", "ndjson"]
CONTENT_TYPES: dict[Framing, str] = {
    "sse": "text/event-stream",
    "ndjson": "application/x-ndjson",
}

#: ``make(Client, http)`` or ``make(AsyncClient, http)``: a client of that class around the
#: injected httpx client (of the matching kind), retries off.
Make: TypeAlias = Callable[[Any, Any], Any]


# -- the outcome a user observes -------------------------------------------------------------


@attrs.frozen
class ErrorSummary:
    """The parts of a raised error that must match exactly (exceptions do not compare ==)."""

    type: type[LLMError]
    message: str
    #: What arrived before the error: a ChatResponse, or a ResponsesResponse.
    partial: Any
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

    @property
    def allowed(self) -> bool:
        """Whether a decoder may raise this for any input: a ``StreamError`` (the stream
        broke, or a frame is undecodable), or the typed error of an error event the input
        spells (an error event raises the class its status would)."""
        return issubclass(self.type, StreamError) or (
            issubclass(self.type, APIStatusError) and self.in_stream is True
        )


@attrs.frozen
class Outcome(Generic[ItemT, AnswerT]):
    """What a user's loop over one stream saw."""

    #: The chunks (chat) or events (the Responses API), in order.
    chunks: tuple[ItemT, ...]
    final: AnswerT | None
    error: ErrorSummary | None


# -- which client --------------------------------------------------------------------------------


@attrs.frozen
class Wire(Generic[ItemT, AnswerT]):
    """One provider client on the byte path."""

    #: Names the client in test ids (the constructor, mostly).
    name: str
    make: Make
    #: Where the client must send the stream request; the test server checks every one.
    url: str
    request: Any
    #: A fresh stream core of the codec the frame-level reference decodes with.
    core: Callable[[], BaseStreamCore[ItemT, AnswerT]]
    framing: Framing = "sse"
    #: The client method that opens the stream: ``chat_stream`` or ``invoke_responses_stream``.
    method: str = "chat_stream"


def client_codec(make: Make) -> ChatCodec:
    """The codec a client made by ``make`` decodes with (a reference decodes with the same)."""
    with httpx.Client() as http:
        client = make(Client, http)
        codec: ChatCodec = client._driver.settings.codec
        return codec


# -- the frame-level reference -------------------------------------------------------------------


def frames_of(framing: Framing, body: bytes) -> list[SSEFrame]:
    """A body's frames, cut by the tests' own splitters."""
    if framing == "ndjson":
        return [SSEFrame(line) for line in ndjson_lines(body)]
    return [event.frame for event in sse_events(body)]


def frame_outcome(wire: Wire[ItemT, AnswerT], body: bytes) -> Outcome[ItemT, AnswerT]:
    """The frame-level reference for a body: its frames fed to the wire's stream core."""
    core = wire.core()
    chunks: list[ItemT] = []
    try:
        for frame in frames_of(wire.framing, body):
            chunks.extend(core.feed(frame))
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

    It keeps the requests' URLs, so the harness can check where the client sent them; the
    body itself is the request codec's business (the request tests of each protocol).
    """

    def __init__(self, chunkings: Sequence[Sequence[bytes]], content_type: str) -> None:
        self.content_type = content_type
        self.pending = iter(chunkings)
        self.urls: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        return httpx.Response(
            200, headers={"content-type": self.content_type}, stream=ChunkedBody(next(self.pending))
        )


def _collect_sync(client: Client, wire: Wire[ItemT, AnswerT]) -> Outcome[ItemT, AnswerT]:
    chunks: list[ItemT] = []
    try:
        stream = getattr(client, wire.method)(wire.request)
        chunks.extend(stream)  # the plain ``for`` loop a script writes
        return Outcome(tuple(chunks), stream.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(chunks), None, ErrorSummary.of(exc))


async def _collect_async(
    client: AsyncClient, wire: Wire[ItemT, AnswerT]
) -> Outcome[ItemT, AnswerT]:
    chunks: list[ItemT] = []
    try:
        stream = await getattr(client, wire.method)(wire.request)
        async for chunk in stream:
            chunks.append(chunk)
        return Outcome(tuple(chunks), await stream.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(chunks), None, ErrorSummary.of(exc))


Sink = Callable[[int, Outcome[ItemT, AnswerT]], None]


def drive(
    wire: Wire[ItemT, AnswerT],
    mode: Mode,
    chunkings: Sequence[Sequence[bytes]],
    sink: Sink[ItemT, AnswerT],
    content_type: str | None = None,
) -> None:
    """Serve each chunking once, in order, through one client of ``wire`` of the given kind
    (retries off: one reply is queued per body, a retry would ask for one that does not
    exist), and hand each outcome to ``sink`` as it comes (long runs keep no outcome
    alive: less for the garbage collector to walk)."""
    server = Server(chunkings, content_type or CONTENT_TYPES[wire.framing])
    if mode == "sync":
        with httpx.Client(transport=httpx.MockTransport(server.handler)) as http:
            client = wire.make(Client, http)
            for i in range(len(chunkings)):
                sink(i, _collect_sync(client, wire))
    else:

        async def main() -> None:
            async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as http:
                client = wire.make(AsyncClient, http)
                for i in range(len(chunkings)):
                    sink(i, await _collect_async(client, wire))

        asyncio.run(main())
    assert server.urls == [wire.url] * len(chunkings)


def run(
    wire: Wire[ItemT, AnswerT],
    mode: Mode,
    chunkings: Sequence[Sequence[bytes]],
    content_type: str | None = None,
) -> list[Outcome[ItemT, AnswerT]]:
    """The outcome of each chunking, served in order through one client of the given kind."""
    outcomes: list[Outcome[ItemT, AnswerT]] = []
    drive(wire, mode, chunkings, lambda _, outcome: outcomes.append(outcome), content_type)
    return outcomes


def mismatches(
    wire: Wire[ItemT, AnswerT],
    mode: Mode,
    chunkings: Sequence[Sequence[bytes]],
    expected: Outcome[ItemT, AnswerT],
) -> list[int]:
    """The positions of the chunkings whose outcome differs from ``expected``."""
    bad: list[int] = []
    drive(wire, mode, chunkings, lambda i, outcome: None if outcome == expected else bad.append(i))
    return bad


# -- chunkings ---------------------------------------------------------------------------------


def split_at(body: bytes, cuts: Sequence[int]) -> list[bytes]:
    """``body`` cut at the given (sorted, in-range) offsets; empty pieces are dropped."""
    bounds = [0, *cuts, len(body)]
    return [body[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def bytewise(body: bytes) -> list[bytes]:
    """``body`` one byte at a time."""
    return [body[i : i + 1] for i in range(len(body))]


def small_pieces(body: bytes) -> list[bytes]:
    """The body in pieces of 1, 2, 3, 5 and 7 bytes, over and over: every line break and
    every multi-byte character falls on a cut somewhere, in a fraction of the reads."""
    sizes = itertools.cycle((1, 2, 3, 5, 7))
    cuts = list(itertools.accumulate(next(sizes) for _ in range(len(body))))
    return split_at(body, [c for c in cuts if c < len(body)])


def two_piece_cuts(body: bytes, stride: int = 1) -> list[int]:
    """Where to split a body in two: every index, or with a stride every ``stride``-th index
    plus the places a line or text decoder can get wrong that a stride could skip: both
    sides of every byte of a multi-byte UTF-8 character, and around the last line breaks
    (the finish chunk, the usage chunk and the terminal event)."""
    cuts = set(range(1, len(body), stride))
    if stride > 1:
        cuts.update(i + d for i, byte in enumerate(body) if byte >= 0x80 for d in (0, 1))
        breaks = [i for i, byte in enumerate(body) if byte in b"\r\n"]
        cuts.update(i + d for i in breaks[-8:] for d in (-1, 0, 1, 2))
    return sorted(c for c in cuts if 0 < c < len(body))
