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


def responses(n: int) -> Iterator[bytes]:
    # OpenAI's Responses API: lifecycle events around one message item whose text streams as
    # response.output_text.delta events (shapes of tests/data/openai-responses/text-basic.sse).
    item_id = "msg_bench"
    head = {
        "id": "resp_bench",
        "object": "response",
        "created_at": 1700000000,
        "status": "in_progress",
        "background": False,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": None,
        "model": "bench-model",
        "output": [],
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": {"effort": None, "summary": None},
        "store": False,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": None,
        "user": None,
        "metadata": {},
    }
    seq = iter(range(n + 10))

    def event(kind: str, **fields: object) -> bytes:
        return _sse({"type": kind, **fields, "sequence_number": next(seq)}, kind)

    yield event("response.created", response=head)
    yield event("response.in_progress", response=head)
    item = {
        "id": item_id,
        "type": "message",
        "status": "in_progress",
        "content": [],
        "role": "assistant",
    }
    yield event("response.output_item.added", output_index=0, item=item)
    part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
    yield event(
        "response.content_part.added", item_id=item_id, output_index=0, content_index=0, part=part
    )
    for _ in range(n):
        yield event(
            "response.output_text.delta",
            item_id=item_id,
            output_index=0,
            content_index=0,
            delta=WORD,
            logprobs=[],
        )
    text = WORD * n
    where = {"item_id": item_id, "output_index": 0, "content_index": 0}
    yield event("response.output_text.done", **where, text=text, logprobs=[])
    yield event("response.content_part.done", **where, part={**part, "text": text})
    done = {**item, "status": "completed", "content": [{**part, "text": text}]}
    yield event("response.output_item.done", output_index=0, item=done)
    usage = {
        "input_tokens": 10,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": n,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": n + 10,
    }
    final = {**head, "status": "completed", "output": [done], "usage": usage}
    yield event("response.completed", response=final)


PROTOCOLS: dict[str, tuple[str, Builder]] = {
    "openai": ("text/event-stream", openai_chat),
    "anthropic": ("text/event-stream", anthropic),
    "gemini": ("text/event-stream", gemini),
    "ollama": ("application/x-ndjson", ollama),
    "responses": ("text/event-stream", responses),
}


def body(protocol: str, n: int) -> tuple[str, bytes]:
    """The content type and the chunked-encoded body for ``n`` content events."""
    content_type, build = PROTOCOLS[protocol]
    parts = [b"%x\r\n%s\r\n" % (len(event), event) for event in build(n)]
    return content_type, b"".join(parts) + b"0\r\n\r\n"
