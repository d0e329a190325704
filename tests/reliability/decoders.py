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
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx

from llm_connector import AsyncClient, Client
from llm_connector._providers import provider
from llm_connector.codecs._base import ChatCodec, Endpoint, ErrorInfo, RequestSpec, StreamDecoder
from llm_connector.errors import (
    APIStatusError,
    LLMError,
    StreamDecodeError,
    StreamError,
    UnsupportedFeatureError,
)
from llm_connector.types import ChatRequest, ChatResponse, Message, StreamingResponse

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

    def codec(self) -> ChatCodec:
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
            client._codec = codec
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
            client._codec = codec
            chunks: list[StreamingResponse] = []
            try:
                stream = await client.chat_stream(REQUEST)
                chunks.extend([chunk async for chunk in stream])
                return Outcome(tuple(chunks), await stream.final_response(), None)
            except LLMError as exc:
                return Outcome.failed(chunks, exc)

    return asyncio.run(main())
