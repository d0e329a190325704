"""Stream bodies in each protocol's real wire shape, N content events each.

Every event is one HTTP/1.1 chunk, as servers flush them. The event payloads copy the
shape of the recorded transcripts in tests/data (ids, fields, nesting), with the text
``" word"`` in every content event, so the SDK and the raw floor parse the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

WORD = " word"

#: protocol -> (content type, request path the SDK uses, event builder)
Builder = Callable[[int], Iterator[bytes]]


def _sse(data: object, event: str | None = None, sep: str = "\n") -> bytes:
    head = f"event: {event}{sep}" if event else ""
    text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    return f"{head}data: {text}{sep}{sep}".encode()


def openai_chat(n: int) -> Iterator[bytes]:
    meta = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "bench-model",
        "system_fingerprint": "fp_bench",
    }

    def chunk(delta: dict[str, object], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return _sse({**meta, "choices": [choice]})

    yield chunk({"role": "assistant", "content": ""})
    for _ in range(n):
        yield chunk({"content": WORD})
    yield chunk({}, "stop")
    usage = {"prompt_tokens": 10, "completion_tokens": n, "total_tokens": n + 10}
    yield _sse({**meta, "choices": [], "usage": usage})
    yield _sse("[DONE]")


def anthropic(n: int) -> Iterator[bytes]:
    message = {
        "id": "msg_bench",
        "type": "message",
        "role": "assistant",
        "model": "bench-model",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 1},
    }
    yield _sse({"type": "message_start", "message": message}, "message_start")
    block = {
        "type": "content_block_start",
        "index": 0,
        "content_block": {"type": "text", "text": ""},
    }
    yield _sse(block, "content_block_start")
    delta = {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "text_delta", "text": WORD},
    }
    for _ in range(n):
        yield _sse(delta, "content_block_delta")
    yield _sse({"type": "content_block_stop", "index": 0}, "content_block_stop")
    end = {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": n},
    }
    yield _sse(end, "message_delta")
    yield _sse({"type": "message_stop"}, "message_stop")


def gemini(n: int) -> Iterator[bytes]:
    # Gemini separates events with CRLF and repeats the running usage on every chunk.
    for i in range(n):
        candidate: dict[str, object] = {
            "content": {"parts": [{"text": WORD}], "role": "model"},
            "index": 0,
        }
        if i == n - 1:
            candidate["finishReason"] = "STOP"
        usage = {"promptTokenCount": 10, "candidatesTokenCount": i + 1, "totalTokenCount": i + 11}
        body = {"candidates": [candidate], "usageMetadata": usage, "modelVersion": "bench-model"}
        yield _sse(body, sep="\r\n")


def ollama(n: int) -> Iterator[bytes]:
    line = {
        "model": "bench-model",
        "created_at": "2025-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": WORD},
        "done": False,
    }
    encoded = json.dumps(line, separators=(",", ":")).encode() + b"\n"
    for _ in range(n):
        yield encoded
    last = {
        "model": "bench-model",
        "created_at": "2025-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": ""},
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 10,
        "eval_count": n,
    }
    yield json.dumps(last, separators=(",", ":")).encode() + b"\n"


PROTOCOLS: dict[str, tuple[str, Builder]] = {
    "openai": ("text/event-stream", openai_chat),
    "anthropic": ("text/event-stream", anthropic),
    "gemini": ("text/event-stream", gemini),
    "ollama": ("application/x-ndjson", ollama),
}


def body(protocol: str, n: int) -> tuple[str, bytes]:
    """The content type and the chunked-encoded body for ``n`` content events."""
    content_type, build = PROTOCOLS[protocol]
    parts = [b"%x\r\n%s\r\n" % (len(event), event) for event in build(n)]
    return content_type, b"".join(parts) + b"0\r\n\r\n"
