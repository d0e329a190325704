"""The stream decoders the generic fuzz properties cover, one :class:`DecoderRow` per
protocol (each row of tests/support/protocols.py's table names its decoder), and what those
properties feed them.

A row names the provider whose registry entry builds the codec (``providers/table.py``),
the recorded transcripts the decoder reads (a glob under ``tests/data``) and their framing.
A row whose codec is still a placeholder (its ``new_stream_decoder`` raises
``UnsupportedFeatureError``) or that has no transcripts yet is skipped, saying so, and runs
as soon as both exist.

The frames: a row's transcripts' own, in order, some mutated, dropped or repeated; drawn
from anywhere in them, mutated or not; or random JSON (:func:`frame_sequences`).

The byte path (:func:`probe`) runs the real shells through a :class:`ProbeCodec`: the
row's codec decodes, and the request is a fixed one in the row's framing (building requests
is the codec tests' business, and a decoder must decode whatever the server sends).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from hypothesis import strategies as st

from llm_connector import AsyncClient, Client
from llm_connector.codecs.contract import (
    ChatCodec,
    Endpoint,
    ErrorInfo,
    Frame,
    RequestSpec,
    SSEFrame,
    StreamDecoder,
)
from llm_connector.codecs.error_bodies import parse_error_body
from llm_connector.codecs.openai_responses.codec import OpenAIResponsesCodec
from llm_connector.codecs.openai_responses.stream import ResponsesStreamDecoder
from llm_connector.errors import (
    APIStatusError,
    LLMError,
    StreamDecodeError,
    StreamError,
    UnsupportedFeatureError,
)
from llm_connector.providers.table import provider
from llm_connector.responses import ResponsesStreamEvent, chat_response_for
from llm_connector.types import (
    ChatRequest,
    ChatResponse,
    Delta,
    FunctionCallDelta,
    Message,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
    Usage,
)
from tests.support.byte_path import CONTENT_TYPES, Framing
from tests.support.facade import Mode
from tests.support.framing import sse_events
from tests.support.fuzz import any_json
from tests.support.paths import DATA


@dataclass(frozen=True)
class DecoderRow:
    name: str
    #: The provider registry row whose codec decodes these transcripts.
    provider: str
    #: Transcripts, relative to tests/data.
    transcripts: str
    framing: Framing
    #: A codec of the row's own, for a decoder that is not a registry row's chat codec.
    make_codec: Callable[[], ChatCodec] | None = None

    def codec(self) -> ChatCodec:
        if self.make_codec is not None:
            return self.make_codec()
        return provider(self.provider).codec()

    def paths(self) -> list[Path]:
        return sorted(DATA.glob(self.transcripts))

    def unavailable(self) -> str | None:
        """Why this row cannot run yet, or None."""
        try:
            self.codec().new_stream_decoder()
        except UnsupportedFeatureError as exc:
            return f"{self.name}: the {self.provider} codec is a placeholder ({exc})"
        if not self.paths():
            return f"{self.name}: no transcripts at tests/data/{self.transcripts}"
        return None


def allowed(error: LLMError) -> bool:
    """What a decoder may raise for any input: a ``StreamError`` (the stream broke, or a
    frame is undecodable), or the typed error of an error event the input happened to
    spell (DESIGN.md: an error event raises the class its status would)."""
    return isinstance(error, StreamError) or (isinstance(error, APIStatusError) and error.in_stream)


# -- the byte path ------------------------------------------------------------------------


class ProbeCodec(ChatCodec):
    """``inner`` decodes; the request is fixed, in the row's framing."""

    name = "probe"

    def __init__(self, inner: ChatCodec, framing: Framing) -> None:
        self.inner = inner
        self.framing = framing

    def build_chat(self, request: ChatRequest, endpoint: Endpoint, *, stream: bool) -> RequestSpec:
        return RequestSpec("POST", endpoint.url("/probe"), {}, b"{}", self.framing)

    def parse_chat(self, body: bytes) -> ChatResponse:
        return self.inner.parse_chat(body)

    def new_stream_decoder(self) -> StreamDecoder:
        return self.inner.new_stream_decoder()

    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo:
        return self.inner.parse_error(status_code, body)


@dataclass(frozen=True)
class Outcome:
    """What a caller sees; errors by what must match exactly (they do not compare ==)."""

    chunks: tuple[StreamingResponse, ...]
    final: ChatResponse | None
    error: tuple[type[LLMError], str, ChatResponse | None, str | None] | None
    #: Whether the error is one a decoder may raise (see ``allowed``).
    allowed: bool = field(default=True, compare=False)

    @classmethod
    def failed(cls, chunks: list[StreamingResponse], error: LLMError) -> Outcome:
        frame = error.frame if isinstance(error, StreamDecodeError) else None
        summary = (type(error), str(error), error.partial, frame)
        return cls(tuple(chunks), None, summary, allowed(error))

    @property
    def raised(self) -> type[LLMError] | None:
        return None if self.error is None else self.error[0]


class _Pieces(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, pieces: Sequence[bytes]) -> None:
        self._pieces = pieces

    def __iter__(self) -> Iterator[bytes]:
        yield from self._pieces

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self._pieces:
            yield piece


REQUEST = ChatRequest("probe-model").add_message(Message.user("hi"))
BASE_URL = "http://probe.test"


def _transport(row: DecoderRow, pieces: Sequence[bytes]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": CONTENT_TYPES[row.framing]}
        return httpx.Response(200, headers=headers, stream=_Pieces(pieces), request=request)

    return httpx.MockTransport(handle)


def probe(row: DecoderRow, mode: Mode, pieces: Sequence[bytes]) -> Outcome:
    """Serve a body in these pieces to a client of ``mode`` decoding with the row's codec
    (retries off: one body, one answer)."""
    codec = ProbeCodec(row.codec(), row.framing)
    if mode == "sync":
        with Client(
            "openai_compatible",
            "sk-probe",
            BASE_URL,
            max_retries=0,
            _transport=_transport(row, pieces),
        ) as client:
            client._driver.settings.codec = codec
            chunks: list[StreamingResponse] = []
            try:
                stream = client.chat_stream(REQUEST)
                chunks.extend(stream)
                return Outcome(tuple(chunks), stream.final_response(), None)
            except LLMError as exc:
                return Outcome.failed(chunks, exc)

    async def main() -> Outcome:
        transport = _transport(row, pieces)
        async with AsyncClient(
            "openai_compatible", "sk-probe", BASE_URL, max_retries=0, _transport=transport
        ) as client:
            client._driver.settings.codec = codec
            chunks: list[StreamingResponse] = []
            try:
                stream = await client.chat_stream(REQUEST)
                chunks.extend([chunk async for chunk in stream])
                return Outcome(tuple(chunks), await stream.final_response(), None)
            except LLMError as exc:
                return Outcome.failed(chunks, exc)

    return asyncio.run(main())


# -- the Responses decoder, seen as a chat decoder ------------------------------------------


def _int(value: object) -> int:
    return value if type(value) is int else 0


def _str(value: object) -> str | None:
    return value if type(value) is str else None


class _EventsAsChunks:
    """The Responses stream decoder, each event it yields made the chunk it amounts to
    (text, reasoning, a function call's name or arguments, the finish and usage)."""

    def __init__(self) -> None:
        self._events = ResponsesStreamDecoder()

    def feed(self, frame: Frame) -> list[StreamingResponse]:
        return [self._chunk(event) for event in self._events.feed(frame)]

    def close(self) -> list[StreamingResponse]:
        return [self._chunk(event) for event in self._events.close()]

    @staticmethod
    def _chunk(event: ResponsesStreamEvent) -> StreamingResponse:
        kind, data = event.event_type, event.data
        delta = Delta()
        finish: str | None = None
        usage: Usage | None = None
        if kind == "response.output_text.delta":
            delta = Delta(content=event.delta)
        elif kind in ("response.reasoning_text.delta", "response.reasoning_summary_text.delta"):
            delta = Delta(reasoning_content=event.delta)
        elif kind == "response.function_call_arguments.delta":
            call = ToolCallDelta(
                _int(data.get("output_index")), None, FunctionCallDelta(None, event.delta or "")
            )
            delta = Delta(tool_calls=(call,))
        elif kind == "response.output_item.added":
            item: Any = data.get("item")
            if isinstance(item, dict) and item.get("type") == "function_call":
                name = FunctionCallDelta(_str(item.get("name")) or None)
                call = ToolCallDelta(
                    _int(data.get("output_index")), _str(item.get("call_id")) or None, name
                )
                delta = Delta(tool_calls=(call,))
        elif event.is_terminal:
            response = event.response
            answer = chat_response_for(response) if response is not None else None
            finish = answer.finish_reason if answer is not None else None
            usage = answer.usage if answer is not None else None
        return StreamingResponse(choices=(StreamChoice(0, delta, finish),), usage=usage)


class ResponsesAsChat(ChatCodec):
    """A chat codec over the Responses decoder and whole-body parser (for the fuzzing)."""

    name = "responses-as-chat"

    def build_chat(self, request: ChatRequest, endpoint: Endpoint, *, stream: bool) -> RequestSpec:
        return RequestSpec(
            "POST", endpoint.url("/responses"), {}, b"{}", "sse" if stream else "json"
        )

    def parse_chat(self, body: bytes) -> ChatResponse:
        return chat_response_for(OpenAIResponsesCodec().parse_response(body))

    def new_stream_decoder(self) -> StreamDecoder:
        return _EventsAsChunks()

    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo:
        return parse_error_body(status_code, body)


# -- the frames the properties feed -----------------------------------------------------------


def transcript_frames(row: DecoderRow, body: bytes) -> list[SSEFrame]:
    """A transcript's frames, split independently of the shells' framing code."""
    if row.framing == "ndjson":
        lines = body.decode("utf-8").splitlines()
        return [SSEFrame(line) for line in lines if line.strip()]
    return [event.frame for event in sse_events(body)]


def render(row: DecoderRow, frames: list[SSEFrame]) -> bytes:
    """Frames as a body of the row's framing."""
    if row.framing == "ndjson":
        return "".join(f.data.replace("\n", " ").replace("\r", " ") + "\n" for f in frames).encode()
    parts = []
    for f in frames:
        head = (
            ""
            if f.event == "message"
            else f"event: {f.event.splitlines()[0] if f.event.strip() else 'x'}\n"
        )
        lines = f.data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        parts.append(head + "".join(f"data: {line}\n" for line in lines) + "\n")
    return "".join(parts).encode()


@st.composite
def mutated_json(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """``value`` with parts dropped, replaced by any JSON, or kept."""
    if depth > 6 or draw(st.integers(0, 9)) == 0:
        return draw(any_json)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            action = draw(st.integers(0, 5))
            if action == 0:
                continue  # dropped
            out[key] = draw(mutated_json(item, depth + 1)) if action == 1 else item
        return out
    if isinstance(value, list):
        items = [draw(mutated_json(item, depth + 1)) for item in value if draw(st.booleans())]
        empty_is_fine: bool = draw(st.booleans())
        return items if items or empty_is_fine else value
    return value if draw(st.booleans()) else draw(any_json)


@st.composite
def mutated_frame(draw: st.DrawFn, frame: SSEFrame, events: list[str]) -> SSEFrame:
    event = frame.event if draw(st.integers(0, 4)) else draw(st.sampled_from(events))
    how = draw(st.integers(0, 3))
    data = frame.data
    if how == 0:
        data = data[: draw(st.integers(0, len(data)))]  # cut short
    elif how == 1:
        data = draw(st.text(max_size=30))
    else:
        try:
            value = json.loads(data)
        except ValueError:
            value = data
        data = json.dumps(draw(mutated_json(value)))
    return SSEFrame(data, event)


@st.composite
def frame_sequences(draw: st.DrawFn, row: DecoderRow) -> list[SSEFrame]:
    """A transcript's frames in order, some mutated, dropped or repeated; or frames drawn
    from anywhere in the transcripts, mutated or not; or frames of random JSON."""
    path = draw(st.sampled_from(row.paths()))
    real = transcript_frames(row, path.read_bytes())
    events = sorted({f.event for f in real} | {"message", "error", "ping"})
    style = draw(st.integers(0, 2))
    if style == 0:
        out: list[SSEFrame] = []
        for frame in real:
            action = draw(st.integers(0, 9))
            if action == 0:
                continue
            if action == 1:
                out.append(frame)
            out.append(draw(mutated_frame(frame, events)) if action == 2 else frame)
        return out
    if style == 1:
        pick = st.sampled_from(real)
        one = pick | pick.flatmap(lambda f: mutated_frame(f, events))
        return draw(st.lists(one, max_size=10))
    data = st.one_of(
        any_json.map(json.dumps), st.text(max_size=20), st.sampled_from(["", "[DONE]", "{"])
    )
    return draw(st.lists(st.builds(SSEFrame, data, st.sampled_from(events)), max_size=10))
