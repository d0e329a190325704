"""The stream decoders the generic fuzz properties cover: one row per decoder.

A row names the provider whose registry entry builds the codec (``_providers.py``), the
recorded transcripts the decoder reads (a glob under ``tests/data``) and their framing.
Adding a decoder to the fuzzing is adding a row. A row whose codec is still a placeholder
(its ``new_stream_decoder`` raises ``UnsupportedFeatureError``) or that has no transcripts
yet is skipped, saying so, and runs as soon as both exist.

The byte path runs the real shells through a :class:`ProbeCodec`: the row's codec decodes,
and the request is a fixed one in the row's framing (building requests is the codec tests'
business, and a decoder must decode whatever the server sends).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx

from llm_connector import AsyncClient, Client
from llm_connector.codecs.contract import (
    ChatCodec,
    Endpoint,
    ErrorInfo,
    Frame,
    RequestSpec,
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

DATA = Path(__file__).parent.parent / "data"
Framing = Literal["sse", "ndjson"]


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


DECODERS: tuple[DecoderRow, ...] = (
    DecoderRow("openai-chat", "openai", "openai-chat/*.sse", "sse"),
    DecoderRow("openai-compat", "openai_compatible", "openai-compat/*.sse", "sse"),
    DecoderRow("anthropic", "anthropic", "anthropic/*.sse", "sse"),
    DecoderRow("gemini", "google", "gemini/*.sse", "sse"),
    DecoderRow("ollama", "ollama", "ollama/*.ndjson", "ndjson"),
    DecoderRow("dashscope", "aliyun", "dashscope/*.sse", "sse"),
    DecoderRow("hunyuan", "tencent", "hunyuan/*.sse", "sse"),
    # The Responses API's decoder yields events, not chunks: ResponsesAsChat (below) sees
    # each event as the chunk it amounts to, so the generic properties apply to it.
    DecoderRow(
        "openai-responses",
        "openai",
        "openai-responses/*.sse",
        "sse",
        make_codec=lambda: ResponsesAsChat(),
    ),
)

CONTENT_TYPES: dict[Framing, str] = {
    "sse": "text/event-stream",
    "ndjson": "application/x-ndjson",
}


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


def run(row: DecoderRow, mode: Literal["sync", "async"], pieces: Sequence[bytes]) -> Outcome:
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
