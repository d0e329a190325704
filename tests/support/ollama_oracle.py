"""The Ollama transcripts and an independent oracle for their chunks.

The oracle reads a transcript with nothing but ``json.loads`` and dict look-ups, plus the
hand-checked ``<name>.expected.json`` beside it (tests/data/ollama/MANIFEST.md), and says
what the decoder must produce per line, in the shape ``attrs.asdict`` gives a
``StreamingResponse``. It imports nothing from llm_connector but output types; the lines
are cut by the tests' own splitter (tests/support/framing.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from llm_connector.types import StreamingResponse
from tests.support.framing import ndjson_lines

DATA = Path(__file__).resolve().parent.parent / "data" / "ollama"
NDJSON_PATHS: tuple[Path, ...] = tuple(sorted(DATA.glob("*.ndjson")))
NONSTREAM_PATHS: tuple[Path, ...] = tuple(
    sorted(
        p for p in DATA.glob("*.json") if not p.name.endswith((".request.json", ".expected.json"))
    )
)


def transcript_id(path: Path) -> str:
    return path.stem


def expected_file(path: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(
        path.with_name(path.stem + ".expected.json").read_text("utf-8")
    )
    return result


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
    for n, line in enumerate(ndjson_lines(path.read_bytes() if body is None else body)):
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
