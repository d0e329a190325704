"""An independent oracle for Gemini streams, and the Gemini test data.

It reads a transcript with nothing but ``json.loads`` and dict look-ups and says what the
decoder must produce, in the shape ``attrs.asdict`` gives a ``StreamingResponse``. It imports
nothing from llm_connector except the ``SSEFrame`` input type, so a bug in the decoder
cannot hide in its own expectations.

The rules it encodes (llm_connector/codecs/stream.py documents them):

- one chunk per event whose ``candidates`` are not empty, one choice per candidate
  (``index`` defaults to 0), ``role`` "assistant" on a candidate's first chunk only;
- text of ``thought: true`` parts is reasoning, other text is content, each None when empty;
- each ``functionCall`` part is one whole tool call: index = the candidate's calls so far,
  id ``call_<responseId>_<calls in the stream so far>``, arguments the compact JSON of
  ``args``, ``type`` "function", its part's ``thoughtSignature``;
- a ``thoughtSignature`` on any other part is the delta's ``reasoning_signature``;
- ``finishReason`` in OpenAI's words (STOP after a function call is ``tool_calls``), the
  raw value kept; no usage on any chunk but one usage-only chunk after the last event,
  with the last ``usageMetadata``: prompt = prompt + tool-use prompt tokens, completion =
  candidates + thoughts tokens.

The transcripts need no more than that (no candidate has two signed non-call parts in
one chunk); the oracle refuses what it does not model rather than guess.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from llm_connector.codecs.contract import SSEFrame

DATA = Path(__file__).resolve().parent.parent / "data" / "gemini"
SSE_PATHS: tuple[Path, ...] = tuple(sorted(DATA.glob("sse-*.sse")))


def _bodies(pattern: str) -> tuple[Path, ...]:
    """Response bodies only: not the ``.request.json`` or ``.expected.json`` beside them."""
    return tuple(
        p
        for p in sorted(DATA.glob(pattern))
        if not p.name.endswith((".request.json", ".expected.json"))
    )


NONSTREAM_PATHS = _bodies("nonstream-*.json")
JSONARRAY_PATHS = _bodies("jsonarray-*.json")

_FINISH = {"STOP": "stop", "MAX_TOKENS": "length", "SAFETY": "content_filter"}


def transcript_id(path: Path) -> str:
    return path.stem


def frames(path: Path) -> list[SSEFrame]:
    """The SSE events of a transcript: Gemini ends each with CRLF CRLF, one ``data:`` line
    each. (Read as bytes: ``read_text`` would turn the CRLFs into LFs.)"""
    text = path.read_bytes().decode("utf-8")
    return [SSEFrame(block[len("data: ") :]) for block in text.split("\r\n\r\n") if block.strip()]


def expected_file(path: Path) -> dict[str, Any]:
    """The hand-checked ``<name>.expected.json`` beside a transcript."""
    result: dict[str, Any] = json.loads(
        path.with_name(path.stem + ".expected.json").read_text("utf-8")
    )
    return result


def expected_usage(raw: Mapping[str, Any]) -> dict[str, Any]:
    prompt = raw.get("promptTokenCount", 0) + raw.get("toolUsePromptTokenCount", 0)
    thoughts = raw.get("thoughtsTokenCount")
    return {
        "prompt_tokens": prompt,
        "completion_tokens": raw.get("candidatesTokenCount", 0) + (thoughts or 0),
        "total_tokens": raw["totalTokenCount"],
        "reasoning_tokens": thoughts,
        "cached_tokens": raw.get("cachedContentTokenCount"),
        "cache_creation_tokens": None,
    }


class Oracle:
    """Expected chunks, event by event, for one stream."""

    def __init__(self) -> None:
        self.started: set[int] = set()
        self.calls: dict[int, int] = {}
        self.stream_calls = 0
        self.usage: dict[str, Any] | None = None
        self.response_id = ""
        self.model = ""

    def chunks(self, data: str) -> list[dict[str, Any]]:
        obj = json.loads(data)
        self.response_id = obj.get("responseId", self.response_id)
        self.model = obj.get("modelVersion", self.model)
        if "usageMetadata" in obj:
            self.usage = expected_usage(obj["usageMetadata"])
        if not obj.get("candidates"):
            return []
        choices = tuple(self._choice(c) for c in obj["candidates"])
        return [self._chunk(choices, None)]

    def final(self) -> list[dict[str, Any]]:
        return [self._chunk((), self.usage)] if self.usage is not None else []

    def _chunk(self, choices: tuple[Any, ...], usage: Any) -> dict[str, Any]:
        return {
            "id": self.response_id,
            "model": self.model,
            "choices": choices,
            "usage": usage,
            "created": None,
            "system_fingerprint": None,
        }

    def _choice(self, candidate: Mapping[str, Any]) -> dict[str, Any]:
        index = candidate.get("index", 0)
        role = None if index in self.started else "assistant"
        self.started.add(index)
        content: list[str] = []
        reasoning: list[str] = []
        calls: list[dict[str, Any]] = []
        signatures: list[str] = []
        for part in candidate.get("content", {}).get("parts", []):
            signature = part.get("thoughtSignature")
            if "functionCall" in part:
                calls.append(self._call(index, part["functionCall"], signature))
                continue
            (reasoning if part.get("thought") else content).append(part.get("text", ""))
            if signature:
                signatures.append(signature)
        assert len(signatures) <= 1, "the oracle does not model two signatures in one chunk"
        native = candidate.get("finishReason")
        finish = None
        if native is not None:
            finish = _FINISH[native]
            if finish == "stop" and self.calls.get(index):
                finish = "tool_calls"
        return {
            "index": index,
            "delta": {
                "role": role,
                "content": "".join(content) or None,
                "reasoning_content": "".join(reasoning) or None,
                "tool_calls": tuple(calls),
                "reasoning_signature": signatures[0] if signatures else None,
                "redacted_reasoning": None,
            },
            "finish_reason": finish,
            "native_finish_reason": native,
        }

    def _call(self, index: int, call: Mapping[str, Any], signature: str | None) -> dict[str, Any]:
        position = self.calls.get(index, 0)
        self.calls[index] = position + 1
        call_id = f"call_{self.response_id}_{self.stream_calls}"
        self.stream_calls += 1
        return {
            "index": position,
            "id": call_id,
            "function": {
                "name": call["name"],
                "arguments": json.dumps(call.get("args", {}), separators=(",", ":")),
            },
            "type": "function",
            "thought_signature": signature,
        }


def response_objects(events: Iterable[SSEFrame]) -> list[dict[str, Any]]:
    return [json.loads(e.data) for e in events]


def content_text(objs: Iterable[Mapping[str, Any]]) -> str:
    """Candidate 0's answer text over some responses."""
    return "".join(
        part.get("text", "")
        for obj in objs
        for c in obj.get("candidates", [])
        if c.get("index", 0) == 0
        for part in c.get("content", {}).get("parts", [])
        if not part.get("thought")
    )


def reasoning_text(objs: Iterable[Mapping[str, Any]]) -> str:
    return "".join(
        part.get("text", "")
        for obj in objs
        for c in obj.get("candidates", [])
        if c.get("index", 0) == 0
        for part in c.get("content", {}).get("parts", [])
        if part.get("thought")
    )


def is_complete(objs: Iterable[Mapping[str, Any]]) -> bool:
    """Whether every candidate that appeared has its finishReason."""
    seen: set[int] = set()
    finished: set[int] = set()
    for obj in objs:
        for c in obj.get("candidates", []):
            seen.add(c.get("index", 0))
            if c.get("finishReason"):
                finished.add(c.get("index", 0))
    return bool(seen) and seen <= finished
