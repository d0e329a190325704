"""An independent oracle for Anthropic Messages streams.

It reads a transcript with nothing but ``json.loads`` and dict look-ups and says what the
decoder must produce, in the shape ``attrs.asdict`` gives a ``StreamingResponse``. It
imports nothing from llm_connector except the ``SSEFrame`` input type, so a bug in the
decoder cannot hide in its own expectations.

The rules it encodes (the decoder's docstring, stream.py, says why):

- ``message_start``: one chunk, ``role="assistant"``; every chunk carries the message's id
  and model;
- a non-empty ``text_delta`` / ``thinking_delta``: one chunk of content / reasoning; a
  ``signature_delta``: one chunk with ``reasoning_signature``; empty text: nothing;
- ``tool_use`` start: one chunk with the call's index (0, 1, ... in order of tool calls),
  id, name, type "function"; each non-empty ``input_json_delta`` of it: one arguments
  chunk; its stop, when no fragment had text: one chunk with its start ``input`` as JSON;
- a ``message_delta`` with a stop reason: one finish chunk (OpenAI's word, Anthropic's raw
  reason beside it);
- ``message_stop``: one chunk with no choices and the usage: input = input_tokens +
  cache reads + cache writes, each field the latest reported;
- anything else (ping, server tool blocks, their fragments): nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from llm_connector.codecs.contract import SSEFrame

DATA = Path(__file__).resolve().parent.parent / "data" / "anthropic"
SSE_PATHS: tuple[Path, ...] = tuple(sorted(DATA.glob("*.sse")))

FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
}


def transcript_id(path: Path) -> str:
    return path.stem


def frames(path: Path) -> list[SSEFrame]:
    """The SSE events of a transcript: each has one ``event:`` and one ``data:`` line."""
    out = []
    for block in path.read_text("utf-8").split("\n\n"):
        lines = block.split("\n")
        data = [line[len("data: ") :] for line in lines if line.startswith("data: ")]
        names = [line[len("event: ") :] for line in lines if line.startswith("event: ")]
        if data:
            out.append(SSEFrame("\n".join(data), names[0] if names else "message"))
    return out


def expected_file(path: Path) -> dict[str, Any]:
    """The hand-checked ``<name>.expected.json`` beside a transcript or body."""
    name = path.name.rsplit(".", 1)[0]
    result: dict[str, Any] = json.loads((path.parent / f"{name}.expected.json").read_text())
    return result


def _delta(**fields: Any) -> dict[str, Any]:
    delta: dict[str, Any] = {
        "role": None,
        "content": None,
        "reasoning_content": None,
        "tool_calls": (),
        "reasoning_signature": None,
        "redacted_reasoning": None,
    }
    delta.update(fields)
    return delta


def _call(
    index: int, arguments: str = "", call_id: str | None = None, name: str | None = None
) -> dict[str, Any]:
    return {
        "index": index,
        "id": call_id,
        "function": {"name": name, "arguments": arguments},
        "type": "function" if call_id else None,
        "thought_signature": None,
    }


def expected_chunks(events: Iterable[SSEFrame]) -> list[list[dict[str, Any]]]:
    """For each event, the chunks (as ``attrs.asdict``) the decoder must return for it."""
    msg_id, model = "", ""
    tools: dict[int, dict[str, Any]] = {}  # content block index -> tool call state
    usage: dict[str, Any] = {}
    out: list[list[dict[str, Any]]] = []

    def chunk(
        delta: dict[str, Any], finish: str | None = None, native: str | None = None
    ) -> dict[str, Any]:
        choice = {
            "index": 0,
            "delta": delta,
            "finish_reason": finish,
            "native_finish_reason": native,
        }
        return {
            "id": msg_id,
            "model": model,
            "choices": (choice,),
            "usage": None,
            "created": None,
            "system_fingerprint": None,
        }

    for event in events:
        obj = json.loads(event.data)
        kind = obj["type"]
        got: list[dict[str, Any]] = []
        if kind == "message_start":
            msg_id, model = obj["message"]["id"], obj["message"]["model"]
            usage.update(obj["message"]["usage"])
            got.append(chunk(_delta(role="assistant")))
        elif kind == "content_block_start":
            block = obj["content_block"]
            if block["type"] == "tool_use":
                tools[obj["index"]] = {"n": len(tools), "input": block.get("input"), "text": ""}
                call = _call(tools[obj["index"]]["n"], "", block["id"], block["name"])
                got.append(chunk(_delta(tool_calls=(call,))))
        elif kind == "content_block_delta":
            delta = obj["delta"]
            if delta["type"] == "text_delta" and delta["text"]:
                got.append(chunk(_delta(content=delta["text"])))
            elif delta["type"] == "thinking_delta" and delta["thinking"]:
                got.append(chunk(_delta(reasoning_content=delta["thinking"])))
            elif delta["type"] == "signature_delta":
                got.append(chunk(_delta(reasoning_signature=delta["signature"])))
            elif delta["type"] == "input_json_delta" and obj["index"] in tools:
                tool = tools[obj["index"]]
                if delta["partial_json"]:
                    tool["text"] += delta["partial_json"]
                    got.append(chunk(_delta(tool_calls=(_call(tool["n"], delta["partial_json"]),))))
        elif kind == "content_block_stop":
            stopped = tools.get(obj["index"])
            if stopped is not None and not stopped["text"]:
                value = stopped["input"] if stopped["input"] is not None else {}
                arguments = json.dumps(value, separators=(",", ":"))
                got.append(chunk(_delta(tool_calls=(_call(stopped["n"], arguments),))))
        elif kind == "message_delta":
            usage.update({k: v for k, v in obj.get("usage", {}).items() if v is not None})
            stop = obj["delta"].get("stop_reason")
            if stop:
                got.append(chunk(_delta(), FINISH.get(stop, stop), stop))
        elif kind == "message_stop":
            prompt = (
                usage["input_tokens"]
                + usage.get("cache_read_input_tokens", 0)
                + usage.get("cache_creation_input_tokens", 0)
            )
            got.append(
                {
                    "id": msg_id,
                    "model": model,
                    "choices": (),
                    "usage": {
                        "prompt_tokens": prompt,
                        "completion_tokens": usage["output_tokens"],
                        "total_tokens": prompt + usage["output_tokens"],
                        "reasoning_tokens": None,
                        "cached_tokens": usage.get("cache_read_input_tokens"),
                        "cache_creation_tokens": usage.get("cache_creation_input_tokens"),
                    },
                    "created": None,
                    "system_fingerprint": None,
                }
            )
        out.append(got)
    return out


def is_error(event: SSEFrame) -> bool:
    return event.event == "error"


def is_complete(events: Iterable[SSEFrame]) -> bool:
    """Whether a stream that ended after these events ended properly (``message_stop``)."""
    return any(json.loads(e.data)["type"] == "message_stop" for e in events)


def content_text(events: Iterable[SSEFrame]) -> str:
    return "".join(
        obj["delta"]["text"]
        for obj in (json.loads(e.data) for e in events)
        if obj["type"] == "content_block_delta" and obj["delta"]["type"] == "text_delta"
    )


def reasoning_text(events: Iterable[SSEFrame]) -> str:
    return "".join(
        obj["delta"]["thinking"]
        for obj in (json.loads(e.data) for e in events)
        if obj["type"] == "content_block_delta" and obj["delta"]["type"] == "thinking_delta"
    )
