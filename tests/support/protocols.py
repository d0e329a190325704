"""Every protocol the byte harness (tests/bytes) runs, in one table.

A :class:`Protocol` row says, for one wire:

- which transcripts, each with the client (a :class:`~tests.support.byte_path.Wire`) that
  decodes it, sync and async, and the URL the test server answers: one generic client for
  the OpenAI chat and Responses transcripts, each provider's own for the openai-compat,
  DashScope and Hunyuan recordings (and the Vertex AI recordings through the Vertex client
  as well as the Anthropic one);
- the reference outcome: the frame-level result through the same client's codec
  (byte_path.frame_outcome), checked against the hand-checked ``.expected.json`` files by
  the protocol's own check (tests/support/expected.py);
- how the tests split a transcript (:class:`Strided`, :class:`EveryIndexUpTo`,
  :class:`Alternating`: each protocol keeps the rule its tests had, so a large transcript
  costs what it did), how it is read in small pieces, how many random splittings;
- the line endings its framing may be spelled in (:class:`Respelling`);
- its oracle for streams cut short (tests/support/truncation.py), where it has one;
- the garbage its clients are fed (:class:`Garbage`) and the decoder the generic fuzz
  properties cover (tests/support/decoders.py).

The table is data: adding a protocol, or a transcript, is adding a row or a path, and every
test of tests/bytes runs it. ``reference`` and ``body`` are computed once per transcript
per process, whatever number of tests read them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from typing import Protocol as TypingProtocol

import attrs
from hypothesis import strategies as st

from llm_connector.calls.stream_core import BaseStreamCore, StreamCore
from llm_connector.codecs.anthropic.codec import AnthropicCodec
from llm_connector.codecs.contract import ChatCodec
from llm_connector.codecs.gemini.codec import GeminiCodec
from llm_connector.codecs.ollama.codec import OllamaCodec
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.codecs.openai_responses.codec import NativeSource, OpenAIResponsesCodec
from llm_connector.responses import ResponsesRequest, ResponsesResponse, ResponsesStreamEvent
from llm_connector.types import ChatRequest, ChatResponse, Message, StreamingResponse
from tests.support import (
    anthropic_fuzz,
    expected,
    gemini_fuzz,
    ollama_fuzz,
    openai_chat_fuzz,
    truncation,
)
from tests.support.byte_path import (
    Make,
    Outcome,
    Wire,
    bytewise,
    client_codec,
    frame_outcome,
    split_at,
    two_piece_cuts,
)
from tests.support.decoders import DecoderRow, ResponsesAsChat
from tests.support.facade import Mode
from tests.support.framing import with_endings
from tests.support.fuzz import check_answer, check_chunk
from tests.support.openai_chat_oracle import SSE_PATHS as OPENAI_CHAT_PATHS
from tests.support.paths import DATA
from tests.support.truncation import Truncation

ChatWire = Wire[StreamingResponse, ChatResponse]

BASE_URL = "http://testserver/v1"
CHAT_REQUEST = ChatRequest("test-model").add_message(Message.user("hi")).with_stream(True)


def _own_codec(make: Make) -> Callable[[], StreamCore]:
    """A stream core of the codec the client ``make`` builds decodes with (the codec, a
    configuration, asked of a client once: a truncation test builds a core per cut)."""
    codec = functools.cache(lambda: client_codec(make))
    return lambda: StreamCore(codec())


# -- the clients ---------------------------------------------------------------------------------


def _openai_compatible(cls: Any, http: Any) -> Any:
    return cls.openai_compatible(
        api_key="sk-test", base_url=BASE_URL, http_client=http, max_retries=0
    )


#: The generic OpenAI-compatible client, decoding with the codec's defaults.
OPENAI_CHAT_WIRE: ChatWire = Wire(
    "openai_compatible",
    _openai_compatible,
    f"{BASE_URL}/chat/completions",
    CHAT_REQUEST,
    lambda: StreamCore(OpenAIChatCodec()),
)


@functools.cache
def _compatible(name: str) -> ChatWire:
    """``openai_compatible`` with a provider preset's name (one client per name)."""

    def make(cls: Any, http: Any) -> Any:
        return cls.openai_compatible("sk-test", BASE_URL, name, http_client=http, max_retries=0)

    return Wire(name, make, f"{BASE_URL}/chat/completions", CHAT_REQUEST, _own_codec(make))


def _named(
    constructor: str,
    url: str = f"{BASE_URL}/chat/completions",
    *,
    name: str | None = None,
    **options: Any,
) -> ChatWire:
    """A provider's own constructor (``name``: the client's name in test ids, when one
    constructor makes two clients)."""

    def make(cls: Any, http: Any) -> Any:
        factory = getattr(cls, constructor)
        return factory("sk-test", BASE_URL, http_client=http, max_retries=0, **options)

    return Wire(name or constructor, make, url, CHAT_REQUEST, _own_codec(make))


def _tencent(cls: Any, http: Any) -> Any:
    return cls.tencent(
        "AKIDtestsecretid", "testsecretkey0123", base_url=BASE_URL, http_client=http, max_retries=0
    )


DASHSCOPE_URL = f"{BASE_URL}/services/aigc/text-generation/generation"
#: DashScope native, recorded without incremental_output (each event repeats the answer).
DASHSCOPE_WIRE = _named("aliyun", DASHSCOPE_URL, incremental_output=False)
HUNYUAN_WIRE: ChatWire = Wire(
    "tencent", _tencent, f"{BASE_URL}/", CHAT_REQUEST, _own_codec(_tencent)
)

ANTHROPIC_ORIGIN = "http://anthropic.test"


def _anthropic(cls: Any, http: Any) -> Any:
    return cls.anthropic("sk-ant-test", ANTHROPIC_ORIGIN, http_client=http, max_retries=0)


ANTHROPIC_WIRE: ChatWire = Wire(
    "anthropic",
    _anthropic,
    f"{ANTHROPIC_ORIGIN}/v1/messages",
    CHAT_REQUEST,
    lambda: StreamCore(AnthropicCodec()),
)

VERTEX_MODELS = "http://vertex.test/v1/projects/p/locations/us-east5/publishers/anthropic/models"


def _anthropic_vertex(cls: Any, http: Any) -> Any:
    return cls.anthropic_vertex(
        "p", "us-east5", "ya29.test", base_url=VERTEX_MODELS, http_client=http, max_retries=0
    )


#: Claude on Vertex AI: the model in the URL, streamRawPredict (its own dialect's codec).
VERTEX_WIRE: ChatWire = Wire(
    "anthropic_vertex",
    _anthropic_vertex,
    f"{VERTEX_MODELS}/{CHAT_REQUEST.model}:streamRawPredict",
    CHAT_REQUEST,
    _own_codec(_anthropic_vertex),
)

GEMINI_BASE_URL = "http://testserver/v1beta"


def _google(cls: Any, http: Any) -> Any:
    return cls.google("gemini-test-key", GEMINI_BASE_URL, http_client=http, max_retries=0)


GEMINI_WIRE: ChatWire = Wire(
    "google",
    _google,
    f"{GEMINI_BASE_URL}/models/{CHAT_REQUEST.model}:streamGenerateContent?alt=sse",
    CHAT_REQUEST,
    lambda: StreamCore(GeminiCodec()),
)

OLLAMA_BASE_URL = "http://ollama.test:11434"


def _ollama(cls: Any, http: Any) -> Any:
    return cls.ollama(OLLAMA_BASE_URL, http_client=http, max_retries=0)


OLLAMA_WIRE: ChatWire = Wire(
    "ollama",
    _ollama,
    f"{OLLAMA_BASE_URL}/api/chat",
    ChatRequest("test-model").add_message(Message.user("hi")),
    lambda: StreamCore(OllamaCodec()),
    framing="ndjson",
)

RESPONSES_BASE_URL = "http://responses.test/v1"


def _responses(cls: Any, http: Any) -> Any:
    return cls.openai_compatible(
        api_key="sk-test", base_url=RESPONSES_BASE_URL, http_client=http, max_retries=0
    )


#: The Responses API's native route through the generic client: events, not chunks.
RESPONSES_WIRE: Wire[ResponsesStreamEvent, ResponsesResponse] = Wire(
    "openai_compatible",
    _responses,
    f"{RESPONSES_BASE_URL}/responses",
    ResponsesRequest(model="test-model", input="hi", stream=True),
    lambda: BaseStreamCore(NativeSource(OpenAIResponsesCodec())),
    method="invoke_responses_stream",
)


# -- the transcripts -----------------------------------------------------------------------------


@attrs.frozen
class Transcript:
    """A recorded (or documented) stream and the client that speaks its provider's wire."""

    path: Path
    wire: Wire[Any, Any]
    #: False for the recordings the openai-chat row splits at every index through the
    #: generic client, when this provider decodes them with the very same decoder
    #: configuration (tests/bytes/test_table.py checks that): here they get ~300 cuts.
    every_index: bool = True

    @property
    def id(self) -> str:
        return f"{self.path.parent.name}/{self.path.stem}"

    @property
    def make(self) -> Make:
        return self.wire.make

    def expected(self) -> dict[str, Any]:
        """The hand-checked ``<name>.expected.json`` beside the transcript."""
        result: dict[str, Any] = json.loads(
            self.path.with_name(self.path.stem + ".expected.json").read_text("utf-8")
        )
        return result

    def codec(self) -> ChatCodec:
        """The codec the client decodes with (the reference decodes with the same)."""
        return client_codec(self.wire.make)


@functools.cache
def body(path: Path) -> bytes:
    return path.read_bytes()


@functools.cache
def reference(transcript: Transcript) -> Outcome[Any, Any]:
    """The frame-level outcome of a whole transcript through its client's codec: computed
    once, compared with by every test of it."""
    return frame_outcome(transcript.wire, body(transcript.path))


def _compat(stem: str, wire: ChatWire, *, every_index: bool = True) -> Transcript:
    return Transcript(DATA / "openai-compat" / f"{stem}.sse", wire, every_index=every_index)


DEEPSEEK_WIRE = _named("deepseek")
OPENAI_COMPAT_TRANSCRIPTS: tuple[Transcript, ...] = (
    _compat("deepseek-chat-stream", DEEPSEEK_WIRE, every_index=False),
    _compat("deepseek-reasoner-stream", DEEPSEEK_WIRE, every_index=False),
    _compat("deepseek-chat-text-then-tool-calls-excerpt", DEEPSEEK_WIRE),
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
    _compat(
        "azure-openai-deployment-gpt35-stream",
        _named(
            "azure_openai",
            f"{BASE_URL}/openai/deployments/test-model/chat/completions?api-version=2024-02-01",
            name="azure_openai-deployment",
            api_version="2024-02-01",
        ),
    ),
    _compat(
        "azure-openai-v1-gpt5mini-tool-call-stream",
        _named("azure_openai", f"{BASE_URL}/openai/v1/chat/completions"),
    ),
    # xAI: grok-4.3 reasons, and its completion_tokens leave the reasoning tokens out
    # (total = prompt + both).
    _compat("xai-grok41-tool-call-stream", _compatible("xai")),
    _compat("xai-grok43-reasoning-stream", _compatible("xai")),
    _compat("zai-glm-thinking-stream", _named("zhipu_openai_compatible", region="international")),
)
DASHSCOPE_TRANSCRIPTS = tuple(
    Transcript(path, DASHSCOPE_WIRE) for path in sorted((DATA / "dashscope").glob("*.sse"))
)
#: Hunyuan native: Tencent's documented examples (no recording exists).
HUNYUAN_TRANSCRIPTS = tuple(
    Transcript(path, HUNYUAN_WIRE) for path in sorted((DATA / "hunyuan").glob("*.sse"))
)
#: The openai-compat, DashScope and Hunyuan transcripts, each with its own provider's client.
COMPAT_TRANSCRIPTS = OPENAI_COMPAT_TRANSCRIPTS + DASHSCOPE_TRANSCRIPTS + HUNYUAN_TRANSCRIPTS


def compat_transcript(stem: str) -> Transcript:
    (found,) = (t for t in COMPAT_TRANSCRIPTS if t.path.stem == stem)
    return found


ANTHROPIC_PATHS = tuple(sorted((DATA / "anthropic").glob("*.sse")))


# -- how a protocol's transcripts are split ------------------------------------------------------


class SplitRule(TypingProtocol):
    def cuts(self, transcript: Transcript, body: bytes, mode: Mode) -> list[int]:
        """Where one client splits the body in two."""
        ...

    def least(self, body: bytes) -> int:
        """How many cuts that is at least (so a rule cannot quietly cut nowhere)."""
        ...


@attrs.frozen
class Strided:
    """Every index of a transcript up to ``stride_above`` bytes; above, every
    ``(size // large_splits) | 1``-th index (odd, so that the cuts drift across the
    positions within the events) plus the places a stride could skip
    (byte_path.two_piece_cuts). A transcript that does not take every index gets twice as
    many strided cuts as a large one would."""

    large_splits: int
    stride_above: int = 10_000

    def cuts(self, transcript: Transcript, body: bytes, mode: Mode) -> list[int]:
        if len(body) > self.stride_above:
            stride = (len(body) // self.large_splits) | 1
        elif transcript.every_index:
            stride = 1
        else:
            stride = (len(body) // (2 * self.large_splits)) | 1
        return two_piece_cuts(body, stride)

    def least(self, body: bytes) -> int:
        return min(len(body) - 1, self.large_splits)


@attrs.frozen
class EveryIndexUpTo:
    """Every index up to ``limit`` bytes; above it every ``stride``-th index plus both sides
    of every line break and of every byte of a multi-byte character (NDJSON: every line
    break is where a line ends)."""

    limit: int = 4_000
    stride: int = 5

    def cuts(self, transcript: Transcript, body: bytes, mode: Mode) -> list[int]:
        if len(body) <= self.limit:
            return list(range(1, len(body)))
        cuts = set(range(1, len(body), self.stride))
        for i, byte in enumerate(body):
            if byte == 0x0A:
                cuts.update((i - 1, i, i + 1, i + 2))
            elif byte >= 0x80:
                cuts.update((i, i + 1))
        return sorted(c for c in cuts if 0 < c < len(body))

    def least(self, body: bytes) -> int:
        return min(len(body) - 1, len(body) // self.stride)


@attrs.frozen
class Alternating:
    """Splitting in two at every index of every transcript through both clients would take
    minutes (each run is a whole stream through a client: ~0.5 to 7 ms); instead every
    index of a transcript up to ``stride_above`` bytes is a cut through one of the two
    clients (alternately), every line break (where events end) and both sides of every
    multi-byte UTF-8 character are cuts through both, and larger transcripts are cut at a
    stride that drifts across the events' positions (their first and last events' line
    breaks through both)."""

    stride_above: int = 10_000
    #: About this many strided cuts of a large transcript, per client.
    large_splits: int = 150

    def cuts(self, transcript: Transcript, body: bytes, mode: Mode) -> list[int]:
        if len(body) <= self.stride_above:
            cuts = set(range(1 if mode == "sync" else 2, len(body), 2))
        else:
            # An odd stride, so that the cuts drift across the positions within the events.
            stride = (len(body) // self.large_splits) | 1
            cuts = set(range(1 if mode == "sync" else 1 + stride // 2, len(body), stride))
        special = [i for i, byte in enumerate(body) if byte >= 0x80 or byte in b"\r\n"]
        if len(body) > self.stride_above:
            # The large ones have thousands of line breaks: their first and last events'.
            breaks = [i for i in special if body[i] in b"\r\n"]
            special = [i for i in special if body[i] >= 0x80] + breaks[:12] + breaks[-12:]
        cuts.update(i + d for i in special for d in (0, 1))
        return sorted(c for c in cuts if 0 < c < len(body))

    def least(self, body: bytes) -> int:
        return min((len(body) - 1) // 2, self.large_splits // 2)


@attrs.frozen
class RandomSplits:
    """Hypothesis: a transcript drawn from the row, split at up to ``max_cuts`` places."""

    examples: int
    max_cuts: int = 40
    #: Both clients per example; or one, drawn.
    both_modes: bool = True
    #: Only transcripts smaller than this many bytes (None: all).
    below: int | None = None


@attrs.frozen
class Respelling:
    """The same stream with its line endings spelled otherwise, which must decode exactly as
    the original does, and the arrivals it is served in."""

    name: str
    rewrite: Callable[[bytes], bytes]
    arrivals: Callable[[bytes], Sequence[Sequence[bytes]]]


def _whole_and_bytewise(body: bytes) -> list[list[bytes]]:
    return [[body], bytewise(body)]


def _per_event(ending: bytes) -> Callable[[bytes], bytes]:
    """Every event's line endings (LF in the recordings) spelled ``ending``."""
    return lambda body: with_endings(body, [ending] * body.count(b"\n\n"))


def _respelled(was: bytes, ending: bytes) -> Callable[[bytes], bytes]:
    return lambda body: body.replace(was, ending)


def _crlf_and_between(body: bytes) -> list[list[bytes]]:
    """Whole, and split between a CR and its LF (the first six line ends)."""
    cuts = [i for i, byte in enumerate(body) if byte == 0x0D][:6]
    return [[body], *(split_at(body, [c, c + 1]) for c in cuts)]


def _crlf_and_halves(body: bytes) -> list[list[bytes]]:
    """Whole, and in two halves cut between a CR and its LF."""
    between = body.index(b"\r\n", len(body) // 2) + 1
    return [[body], split_at(body, [between])]


LF_TO_CRLF_AND_CR = (
    Respelling("crlf", _per_event(b"\r\n"), _whole_and_bytewise),
    Respelling("cr", _per_event(b"\r"), _whole_and_bytewise),
)


@attrs.frozen
class Garbage:
    """Random bodies a client of the row is answered with: only typed errors may come out,
    and everything that does come out has the types its classes declare."""

    #: The client the bodies are served to.
    wire: Wire[Any, Any]
    bodies: st.SearchStrategy[bytes]
    examples: int
    check_chunk: Callable[[Any], None]
    check_answer: Callable[[Any], None]


# -- the table -----------------------------------------------------------------------------------


@attrs.frozen
class Protocol:
    """One row of the table: a wire, its transcripts and clients, and how the byte tests
    treat them (see the module docstring)."""

    name: str
    transcripts: tuple[Transcript, ...]
    #: Checks a transcript's reference against its hand-checked expected file.
    expected: Callable[[Path, Outcome[Any, Any]], None]
    splits: SplitRule
    random_splits: RandomSplits
    #: The decoder the generic fuzz properties cover (tests/support/decoders.py).
    decoder: DecoderRow
    #: Up to this size a transcript is also read one byte at a time; above, in pieces of
    #: 1, 2, 3, 5 and 7 bytes (byte_path.small_pieces). None: always one byte at a time.
    bytewise_up_to: int | None = None
    respellings: tuple[Respelling, ...] = ()
    truncation: Truncation | None = None
    garbage: Garbage | None = None


PROTOCOLS: tuple[Protocol, ...] = (
    Protocol(
        "openai-chat",
        # The generic client reads the OpenAI recordings and the openai-compat ones it was
        # written against (openai_chat_oracle.SSE_PATHS).
        tuple(Transcript(path, OPENAI_CHAT_WIRE) for path in OPENAI_CHAT_PATHS),
        expected.openai_chat,
        Strided(large_splits=300),
        RandomSplits(examples=80),
        DecoderRow("openai-chat", "openai", "openai-chat/*.sse", "sse"),
        respellings=LF_TO_CRLF_AND_CR,
        truncation=truncation.OPENAI_CHAT,
        garbage=Garbage(OPENAI_CHAT_WIRE, openai_chat_fuzz.bodies, 60, check_chunk, check_answer),
    ),
    Protocol(
        "openai-compat",
        OPENAI_COMPAT_TRANSCRIPTS,
        expected.compat,
        Strided(large_splits=300),
        RandomSplits(examples=60),
        DecoderRow("openai-compat", "openai_compatible", "openai-compat/*.sse", "sse"),
    ),
    Protocol(
        "dashscope",
        DASHSCOPE_TRANSCRIPTS,
        expected.compat,
        Strided(large_splits=300),
        RandomSplits(examples=60),
        DecoderRow("dashscope", "aliyun", "dashscope/*.sse", "sse"),
    ),
    Protocol(
        "hunyuan",
        HUNYUAN_TRANSCRIPTS,
        expected.compat,
        Strided(large_splits=300),
        RandomSplits(examples=60),
        DecoderRow("hunyuan", "tencent", "hunyuan/*.sse", "sse"),
    ),
    Protocol(
        "anthropic",
        (
            *(Transcript(path, ANTHROPIC_WIRE) for path in ANTHROPIC_PATHS),
            # The Vertex AI recordings through the client of the provider they came from too.
            *(
                Transcript(path, VERTEX_WIRE)
                for path in ANTHROPIC_PATHS
                if path.stem.startswith("vertex-")
            ),
        ),
        expected.anthropic,
        Strided(large_splits=600),
        RandomSplits(examples=60),
        DecoderRow("anthropic", "anthropic", "anthropic/*.sse", "sse"),
        respellings=LF_TO_CRLF_AND_CR,
        truncation=truncation.ANTHROPIC,
        garbage=Garbage(
            ANTHROPIC_WIRE,
            anthropic_fuzz.bodies,
            50,
            anthropic_fuzz.check_anthropic_chunk,
            anthropic_fuzz.check_anthropic_answer,
        ),
    ),
    Protocol(
        "gemini",
        tuple(
            Transcript(path, GEMINI_WIRE) for path in sorted((DATA / "gemini").glob("sse-*.sse"))
        ),
        expected.gemini,
        Strided(large_splits=600),
        RandomSplits(examples=60),
        DecoderRow("gemini", "google", "gemini/*.sse", "sse"),
        # Gemini frames with CRLF, as recorded; LF and CR spell the same stream.
        respellings=(
            Respelling("lf", _respelled(b"\r\n", b"\n"), _whole_and_bytewise),
            Respelling("cr", _respelled(b"\r\n", b"\r"), _whole_and_bytewise),
        ),
        truncation=truncation.GEMINI,
        garbage=Garbage(GEMINI_WIRE, gemini_fuzz.bodies, 60, check_chunk, check_answer),
    ),
    Protocol(
        "ollama",
        tuple(Transcript(path, OLLAMA_WIRE) for path in sorted((DATA / "ollama").glob("*.ndjson"))),
        expected.ollama,
        EveryIndexUpTo(),
        RandomSplits(examples=60, max_cuts=12, both_modes=False),
        DecoderRow("ollama", "ollama", "ollama/*.ndjson", "ndjson"),
        # NDJSON lines may end in CRLF; a bare CR ends no line.
        respellings=(Respelling("crlf", _respelled(b"\n", b"\r\n"), _crlf_and_between),),
        truncation=truncation.OLLAMA,
        garbage=Garbage(OLLAMA_WIRE, ollama_fuzz.bodies, 60, check_chunk, check_answer),
    ),
    Protocol(
        "responses",
        tuple(
            Transcript(path, RESPONSES_WIRE)
            for path in sorted((DATA / "openai-responses").glob("*.sse"))
        ),
        expected.responses,
        Alternating(),
        RandomSplits(examples=60, below=40_000),
        # The Responses decoder yields events, not chunks: ResponsesAsChat sees each event
        # as the chunk it amounts to, so the generic properties apply to it.
        DecoderRow(
            "responses",
            "openai",
            "openai-responses/*.sse",
            "sse",
            make_codec=lambda: ResponsesAsChat(),
        ),
        # A 196 KB transcript read a byte at a time is 200 000 reads through a client.
        bytewise_up_to=32_000,
        respellings=(Respelling("crlf", _respelled(b"\n", b"\r\n"), _crlf_and_halves),),
    ),
)


def protocol(name: str) -> Protocol:
    (found,) = (p for p in PROTOCOLS if p.name == name)
    return found


#: Every (protocol, transcript) pair, the unit most tests of tests/bytes run.
CASES: tuple[tuple[Protocol, Transcript], ...] = tuple(
    (p, t) for p in PROTOCOLS for t in p.transcripts
)


def case_id(row: Protocol, transcript: Transcript) -> str:
    """``<protocol>/<transcript>``, and the client's name for a transcript the row runs
    through more than one (the Vertex AI recordings)."""
    stem = transcript.path.stem
    twice = sum(t.path.stem == stem for t in row.transcripts) > 1
    return f"{row.name}/{stem}" + (f"@{transcript.wire.name}" if twice else "")
