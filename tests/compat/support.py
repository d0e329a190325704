"""The openai-compat, DashScope and Hunyuan transcripts, each with the constructor of the
provider that produced it, and a byte-path harness that serves a body in chosen pieces to
that constructor's ``Client`` or ``AsyncClient``.

The reference every byte-path run is compared with is the frame-level outcome: the body cut
into SSE events by tests/wire's own splitter (not httpx-sse) and fed through ``StreamCore``
with the same client's codec. That reference is itself checked against the hand-checked
``<name>.expected.json`` beside each transcript (test_transcripts.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import httpx

from llm_connector import AsyncClient, Client
from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.contract import ChatCodec
from llm_connector.errors import LLMError
from llm_connector.types import ChatRequest, Message, StreamingResponse
from tests.wire.wire_support import ChunkedBody, ErrorSummary, Outcome, sse_events

Mode = Literal["sync", "async"]
MODES: tuple[Mode, ...] = ("sync", "async")
DATA = Path(__file__).resolve().parent.parent / "data"
BASE_URL = "http://testserver/v1"
REQUEST = ChatRequest("test-model").add_message(Message.user("hi")).with_stream(True)

# A constructor given the client class and an injected httpx client.
Make = Callable[[Any, Any], Any]


def _compatible(name: str) -> Make:
    return lambda cls, http: cls.openai_compatible(
        "sk-test", BASE_URL, name, http_client=http, max_retries=0
    )


def _named(constructor: str, **options: Any) -> Make:
    def make(cls: Any, http: Any) -> Any:
        factory = getattr(cls, constructor)
        return factory("sk-test", BASE_URL, http_client=http, max_retries=0, **options)

    return make


def _tencent(cls: Any, http: Any) -> Any:
    return cls.tencent(
        "AKIDtestsecretid", "testsecretkey0123", base_url=BASE_URL, http_client=http, max_retries=0
    )


@dataclass(frozen=True)
class Transcript:
    """A recorded (or documented) stream and the client that speaks its provider's wire."""

    path: Path
    make: Make
    #: Where that client sends the chat request.
    url: str = f"{BASE_URL}/chat/completions"
    #: False for the recordings tests/wire already splits at every index through the
    #: generic client, when this provider decodes them with the very same decoder
    #: configuration (test_transcripts.py checks that): here they get ~300 cuts.
    every_index: bool = True

    @property
    def id(self) -> str:
        return f"{self.path.parent.name}/{self.path.stem}"

    def expected(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(
            self.path.with_name(self.path.stem + ".expected.json").read_text("utf-8")
        )
        return result

    def codec(self) -> ChatCodec:
        """The codec the client decodes with (the reference decodes with the same)."""
        with httpx.Client() as http:
            client = self.make(Client, http)
            codec: ChatCodec = client._driver.settings.codec
            return codec


def _compat(stem: str, make: Make, *, every_index: bool = True) -> Transcript:
    return Transcript(DATA / "openai-compat" / f"{stem}.sse", make, every_index=every_index)


DASHSCOPE_URL = f"{BASE_URL}/services/aigc/text-generation/generation"

TRANSCRIPTS: tuple[Transcript, ...] = (
    _compat("deepseek-chat-stream", _named("deepseek"), every_index=False),
    _compat("deepseek-reasoner-stream", _named("deepseek"), every_index=False),
    _compat("deepseek-chat-text-then-tool-calls-excerpt", _named("deepseek")),
    _compat("doubao-seed-reasoning-stream-excerpt", _named("volcengine")),
    _compat("groq-reasoning-tool-call", _compatible("groq")),
    _compat("groq-tool-call-whole-args", _compatible("groq")),
    _compat("hf-router-novita-stream", _compatible("huggingface-router"), every_index=False),
    _compat("hunyuan-lite-stream", _named("tencent_openai_compatible")),
    # llama.cpp's server: SmolLM2 recorded by this project (tests/e2e's server), and
    # gpt-oss-20b recorded by charmbracelet/fantasy (reasoning_content, then a tool call).
    _compat("llamacpp-gpt-oss-tool-call-stream", _compatible("llamacpp")),
    _compat("llamacpp-smollm2-reasoning-stream", _compatible("llamacpp")),
    _compat("llamacpp-smollm2-stream", _compatible("llamacpp")),
    _compat("mistral-text-stream", _compatible("mistral")),
    _compat("mistral-thinking-content-chunks", _compatible("mistral")),
    _compat("openai-via-relay-parallel-tool-calls", _compatible("relay"), every_index=False),
    _compat("openrouter-minimax-midstream-error", _compatible("openrouter"), every_index=False),
    _compat("qwen3max-reasoning-stream", _named("aliyun_openai_compatible")),
    _compat("siliconflow-deepseek-r1-reasoning-excerpt", _compatible("siliconflow")),
    _compat("vllm-opt125m-stream", _compatible("vllm")),
    Transcript(
        DATA / "openai-compat" / "azure-openai-deployment-gpt35-stream.sse",
        _named("azure_openai", api_version="2024-02-01"),
        f"{BASE_URL}/openai/deployments/test-model/chat/completions?api-version=2024-02-01",
    ),
    Transcript(
        DATA / "openai-compat" / "azure-openai-v1-gpt5mini-tool-call-stream.sse",
        _named("azure_openai"),
        f"{BASE_URL}/openai/v1/chat/completions",
    ),
    # xAI: grok-4.3 reasons, and its completion_tokens leave the reasoning tokens out
    # (total = prompt + both).
    _compat("xai-grok41-tool-call-stream", _compatible("xai")),
    _compat("xai-grok43-reasoning-stream", _compatible("xai")),
    _compat("zai-glm-thinking-stream", _named("zhipu_openai_compatible", region="international")),
    # DashScope native, recorded without incremental_output (each event repeats the answer).
    *(
        Transcript(path, _named("aliyun", incremental_output=False), DASHSCOPE_URL)
        for path in sorted((DATA / "dashscope").glob("*.sse"))
    ),
    # Hunyuan native: Tencent's documented examples (no recording exists).
    *(
        Transcript(path, _tencent, f"{BASE_URL}/")
        for path in sorted((DATA / "hunyuan").glob("*.sse"))
    ),
)


def transcript(stem: str) -> Transcript:
    (found,) = (t for t in TRANSCRIPTS if t.path.stem == stem)
    return found


# -- outcomes -----------------------------------------------------------------------------


def frame_outcome(codec: ChatCodec, body: bytes) -> Outcome:
    """The frame-level reference: the body's SSE events through StreamCore."""
    core = StreamCore(codec)
    chunks: list[StreamingResponse] = []
    try:
        for event in sse_events(body):
            chunks.extend(core.feed(event.frame))
        chunks.extend(core.finish())
        return Outcome(tuple(chunks), core.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(chunks), None, ErrorSummary.of(exc))


class _Server:
    def __init__(self, chunkings: Sequence[Sequence[bytes]]) -> None:
        self.pending = iter(chunkings)
        self.urls: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        return httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            stream=ChunkedBody(next(self.pending)),
        )


Sink = Callable[[int, Outcome], None]


def _sync(transcript: Transcript, server: _Server, count: int, sink: Sink) -> None:
    with httpx.Client(transport=httpx.MockTransport(server.handler)) as http:
        client = transcript.make(Client, http)
        for i in range(count):
            chunks: list[StreamingResponse] = []
            try:
                stream = client.chat_stream(REQUEST)
                chunks.extend(stream)  # the plain ``for`` loop a script writes
                sink(i, Outcome(tuple(chunks), stream.final_response(), None))
            except LLMError as exc:
                sink(i, Outcome(tuple(chunks), None, ErrorSummary.of(exc)))


def _async(transcript: Transcript, server: _Server, count: int, sink: Sink) -> None:
    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as http:
            client = transcript.make(AsyncClient, http)
            for i in range(count):
                chunks: list[StreamingResponse] = []
                try:
                    stream = await client.chat_stream(REQUEST)
                    async for chunk in stream:
                        chunks.append(chunk)
                    sink(i, Outcome(tuple(chunks), await stream.final_response(), None))
                except LLMError as exc:
                    sink(i, Outcome(tuple(chunks), None, ErrorSummary.of(exc)))

    asyncio.run(main())


def drive(
    transcript: Transcript, mode: Mode, chunkings: Sequence[Sequence[bytes]], sink: Sink
) -> None:
    """Serve each chunking once, in order, to one client of ``transcript``'s provider, and
    hand each outcome to ``sink`` as it comes."""
    server = _Server(chunkings)
    (_sync if mode == "sync" else _async)(transcript, server, len(chunkings), sink)
    assert server.urls == [transcript.url] * len(chunkings)


def run(transcript: Transcript, mode: Mode, chunkings: Sequence[Sequence[bytes]]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    drive(transcript, mode, chunkings, lambda _, outcome: outcomes.append(outcome))
    return outcomes


def mismatches(
    transcript: Transcript, mode: Mode, chunkings: Sequence[Sequence[bytes]], expected: Outcome
) -> list[int]:
    """The positions of the chunkings whose outcome differs from ``expected``."""
    bad: list[int] = []
    drive(
        transcript,
        mode,
        chunkings,
        lambda i, outcome: None if outcome == expected else bad.append(i),
    )
    return bad
