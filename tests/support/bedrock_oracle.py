"""What a recorded ConverseStream body says, read straight from its bytes and the API
reference, independently of the codec (codecs/bedrock) and of the frame reader
(codecs/framing/eventstream.py): the oracle the transcript tests hold the client to.

Stream events: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
"""

from __future__ import annotations

import json
import struct
from typing import Any

import attrs

# Converse's stopReason in OpenAI's words (API_runtime_Converse.html, stopReason), written
# out here on their own.
STOP_TO_FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "guardrail_intervened": "content_filter",
    "content_filtered": "content_filter",
}


@attrs.frozen
class Expected:
    content: str
    reasoning: str
    signatures: tuple[str, ...]
    #: (toolUseId, name, input as a JSON value) of the caller's tool calls.
    tool_calls: tuple[tuple[str, str, Any], ...]
    finish_reason: str | None
    native_finish_reason: str | None
    #: (prompt, completion, total, cache reads, cache writes)
    usage: tuple[int, int, int, int | None, int | None] | None


def events(body: bytes) -> list[tuple[str, dict[str, Any]]]:
    """(:event-type, payload) of each message; every header is a string (type 7)."""
    out = []
    pos = 0
    while pos < len(body):
        total, headers_length = struct.unpack_from(">II", body, pos)
        headers: dict[str, str] = {}
        at, end = pos + 12, pos + 12 + headers_length
        while at < end:
            size = body[at]
            name = body[at + 1 : at + 1 + size].decode()
            assert body[at + 1 + size] == 7, "Bedrock sends string headers only"
            (length,) = struct.unpack_from(">H", body, at + 2 + size)
            headers[name] = body[at + 4 + size : at + 4 + size + length].decode()
            at += 4 + size + length
        payload = body[end : pos + total - 4]
        out.append((headers[":event-type"], json.loads(payload)))
        pos += total
    return out


def expected(body: bytes) -> Expected:
    content, reasoning, signatures = [], [], []
    calls: dict[int, list[Any]] = {}
    finish = native = None
    usage = None
    for kind, payload in events(body):
        index: Any = payload.get("contentBlockIndex")
        if kind == "contentBlockStart":
            use = payload["start"].get("toolUse")
            if use is not None and use.get("type") != "server_tool_use":
                calls[index] = [use["toolUseId"], use["name"], ""]
        elif kind == "contentBlockDelta":
            delta = payload["delta"]
            if "text" in delta:
                content.append(delta["text"])
            elif "reasoningContent" in delta:
                reasoning.append(delta["reasoningContent"].get("text", ""))
                if "signature" in delta["reasoningContent"]:
                    signatures.append(delta["reasoningContent"]["signature"])
            elif "toolUse" in delta and index in calls:
                calls[index][2] += delta["toolUse"]["input"]
        elif kind == "messageStop":
            native = payload["stopReason"]
            finish = STOP_TO_FINISH.get(native, native)
        elif kind == "metadata":
            raw = payload["usage"]
            read, write = raw.get("cacheReadInputTokens"), raw.get("cacheWriteInputTokens")
            prompt = raw["inputTokens"] + (read or 0) + (write or 0)
            usage = (prompt, raw["outputTokens"], raw["totalTokens"], read, write)
    return Expected(
        "".join(content),
        "".join(reasoning),
        tuple(signatures),
        tuple((i, n, json.loads(a or "{}")) for i, n, a in calls.values()),
        finish,
        native,
        usage,
    )
