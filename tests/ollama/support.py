"""Shared ground of the Ollama tests: the transcripts, an independent oracle for their
chunks, and the NDJSON byte path through both clients.

The oracle reads a transcript with nothing but ``json.loads`` and dict look-ups, plus the
hand-checked ``<name>.expected.json`` beside it (tests/data/ollama/MANIFEST.md), and says
what the decoder must produce per line, in the shape ``attrs.asdict`` gives a
``StreamingResponse``. It imports nothing from llm_connector but input and output types.

The byte path serves a body in chosen pieces through ``httpx.MockTransport`` to the real
``Client`` / ``AsyncClient`` built with ``ollama(...)``, reusing the harness pieces of
tests/wire/wire_support.py; the reference it is compared with is the frame-level result of
the same body split into lines by the small splitter here (independent of httpx).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import httpx

from llm_connector import AsyncClient, Client
from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.contract import SSEFrame
from llm_connector.codecs.ollama.codec import OllamaCodec
from llm_connector.errors import LLMError
from llm_connector.types import ChatRequest, Message, StreamingResponse
from tests.wire.wire_support import ChunkedBody, ErrorSummary, Mode, Outcome

DATA = Path(__file__).resolve().parent.parent / "data" / "ollama"
NDJSON_PATHS: tuple[Path, ...] = tuple(sorted(DATA.glob("*.ndjson")))
NONSTREAM_PATHS: tuple[Path, ...] = tuple(
    sorted(
        p for p in DATA.glob("*.json") if not p.name.endswith((".request.json", ".expected.json"))
    )
)

BASE_URL = "http://ollama.test:11434"
REQUEST = ChatRequest("test-model").add_message(Message.user("hi"))
NDJSON_HEADERS = {"content-type": "application/x-ndjson"}


def transcript_id(path: Path) -> str:
    return path.stem


def expected_file(path: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(
        path.with_name(path.stem + ".expected.json").read_text("utf-8")
    )
    return result


def lines(body: bytes) -> list[str]:
    """An NDJSON body's lines as the shells hand them over: split at LF (a CR before it
    dropped), blank lines skipped, and an unterminated last line kept."""
    out = []
    for raw in body.split(b"\n"):
        line = raw.decode("utf-8", "replace").removesuffix("\r")
        if line.strip():
            out.append(line)
    return out


# -- the oracle --------------------------------------------------------------------------------


def _usage(obj: dict[str, Any]) -> dict[str, Any]:
    prompt, completion = obj["prompt_eval_count"], obj["eval_count"]
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "reasoning_tokens": None,
        "cached_tokens": None,
        "cache_creation_tokens": None,
    }


def expected_chunks(path: Path, body: bytes | None = None) -> list[dict[str, Any]]:
    """What ``attrs.asdict`` of each decoded chunk must be, one per line of the transcript
    (or of ``body``, a prefix of it made of whole lines).

    Per line: ``message.content`` / ``response`` is the content and ``message.thinking``
    the reasoning (None when empty); each tool call is one delta with the next index, the
    call's own id, and its arguments as compact JSON; the last line (``done``) carries
    finish reason "stop", or "tool_calls" with native reason "stop" after tool calls, and
    the usage; every chunk carries the first line's time. A transcript whose expected file
    has per-line ``deltas`` (the think-tag one) takes its text from there.
    """
    expected = expected_file(path)
    calls = 0
    out = []
    for n, line in enumerate(lines(path.read_bytes() if body is None else body)):
        obj = json.loads(line)
        message = obj.get("message")
        if message is None:  # an /api/generate line
            role, content, thinking = None, obj.get("response"), None
            raw_calls = []
        else:
            role, content, thinking = message["role"], message["content"], message.get("thinking")
            raw_calls = message.get("tool_calls", [])
        tool_calls = []
        for call in raw_calls:
            arguments = json.dumps(
                call["function"]["arguments"], ensure_ascii=False, separators=(",", ":")
            )
            tool_calls.append(
                {
                    "index": calls,
                    "id": call["id"],
                    "function": {"name": call["function"]["name"], "arguments": arguments},
                    "type": "function",
                    "thought_signature": None,
                }
            )
            calls += 1
        delta = {
            "role": role,
            "content": content or None,
            "reasoning_content": thinking or None,
            "tool_calls": tuple(tool_calls),
            "reasoning_signature": None,
            "redacted_reasoning": None,
        }
        if "deltas" in expected:
            delta.update(expected["deltas"][n])
        done = obj["done"]
        finish = native = None
        if done:
            assert obj["done_reason"] == "stop"
            finish, native = ("tool_calls", "stop") if calls else ("stop", None)
        out.append(
            {
                "id": "",
                "model": obj["model"],
                "choices": (
                    {
                        "index": 0,
                        "delta": delta,
                        "finish_reason": finish,
                        "native_finish_reason": native,
                    },
                ),
                "usage": _usage(obj) if done else None,
                "created": expected["created"],
                "system_fingerprint": None,
            }
        )
    return out


def as_dicts(chunks: Sequence[StreamingResponse]) -> list[dict[str, Any]]:
    return [attrs.asdict(c) for c in chunks]


# -- the byte path -----------------------------------------------------------------------------


def frame_outcome(body: bytes, codec: OllamaCodec | None = None) -> Outcome:
    """The frame-level reference for a body: its lines fed to the codec via StreamCore."""
    core = StreamCore(codec or OllamaCodec())
    chunks: list[StreamingResponse] = []
    try:
        for line in lines(body):
            chunks.extend(core.feed(SSEFrame(line)))
        chunks.extend(core.finish())
        return Outcome(tuple(chunks), core.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(chunks), None, ErrorSummary.of(exc))


class Server:
    """Answers each request with the next queued chunking; keeps the requests."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers
        self.pending: Any = iter(())
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, headers=self.headers, stream=ChunkedBody(next(self.pending)))


def _collect_sync(client: Client, request: ChatRequest) -> Outcome:
    chunks: list[StreamingResponse] = []
    try:
        stream = client.chat_stream(request)
        chunks.extend(stream)
        return Outcome(tuple(chunks), stream.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(chunks), None, ErrorSummary.of(exc))


async def _collect_async(client: AsyncClient, request: ChatRequest) -> Outcome:
    chunks: list[StreamingResponse] = []
    try:
        stream = await client.chat_stream(request)
        async for chunk in stream:
            chunks.append(chunk)
        return Outcome(tuple(chunks), await stream.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(chunks), None, ErrorSummary.of(exc))


Sink = Callable[[int, Outcome], None]


def drive(
    mode: Mode,
    chunkings: Sequence[Sequence[bytes]],
    sink: Sink,
    headers: dict[str, str] | None = None,
    request: ChatRequest = REQUEST,
) -> Server:
    """Serve each chunking once, in order, through one Ollama client of the given kind."""
    server = Server(headers or NDJSON_HEADERS)
    server.pending = iter(chunkings)
    if mode == "sync":
        with httpx.Client(transport=httpx.MockTransport(server.handler)) as http:
            client = Client.ollama(BASE_URL, http_client=http, max_retries=0)
            for i in range(len(chunkings)):
                sink(i, _collect_sync(client, request))
    else:

        async def main() -> None:
            async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as http:
                client = AsyncClient.ollama(BASE_URL, http_client=http, max_retries=0)
                for i in range(len(chunkings)):
                    sink(i, await _collect_async(client, request))

        asyncio.run(main())
    assert [str(r.url) for r in server.requests] == [f"{BASE_URL}/api/chat"] * len(chunkings)
    return server


def run(mode: Mode, chunkings: Sequence[Sequence[bytes]], **options: Any) -> list[Outcome]:
    outcomes: list[Outcome] = []
    drive(mode, chunkings, lambda _, outcome: outcomes.append(outcome), **options)
    return outcomes


def mismatches(mode: Mode, chunkings: Sequence[Sequence[bytes]], expected: Outcome) -> list[int]:
    bad: list[int] = []
    drive(mode, chunkings, lambda i, outcome: None if outcome == expected else bad.append(i))
    return bad
