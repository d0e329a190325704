"""The mock's Anthropic wire: Messages (JSON and event-typed SSE), ``/v1/models``,
``/v1/messages/count_tokens``, errors as ``{"type": "error", "error": {...}}``.

https://docs.anthropic.com/en/docs/build-with-claude/streaming
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from llm_connector._mock.reply import (
    MockReply,
    arguments_object,
    completion_tokens,
    error_type,
    finish_kind,
    is_mid_stream_error,
    pieces,
    token_count,
)
from llm_connector._mock.server import (
    MockServer,
    json_response,
    retry_after_headers,
    sse_response,
)

# OpenAI's words for how an answer ends, in Anthropic's vocabulary.
_STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}
#: The signature the mock puts on its thinking blocks (real ones are opaque base64).
MOCK_SIGNATURE = "bW9jay1zaWduYXR1cmU="


def handle(server: MockServer, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
    path = request.url.path
    if request.method == "POST" and path.endswith("/messages/count_tokens"):
        return json_response(200, {"input_tokens": _prompt_tokens(body)})
    if request.method == "POST" and path.endswith("/messages"):
        return _messages(server, body)
    if request.method == "GET" and path.endswith("/models"):
        model = {
            "type": "model",
            "id": server.model,
            "display_name": "Mock Model",
            "created_at": "2025-01-01T00:00:00Z",
        }
        return json_response(
            200,
            {"data": [model], "has_more": False, "first_id": server.model, "last_id": server.model},
        )
    return error(404, f"mock: no route for {request.method} {path}", "not_found_error")


def error(
    status: int, message: str, kind: str, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    return json_response(
        status, {"type": "error", "error": {"type": kind, "message": message}}, headers
    )


def _texts(content: object) -> list[str]:
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [
            b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"
        ]
    return []


def _last_user_text(body: Mapping[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            return " ".join(_texts(message.get("content")))
    return ""


def _prompt_tokens(body: Mapping[str, Any]) -> int:
    texts = _texts(body.get("system"))
    for message in body.get("messages") or []:
        texts += _texts(message.get("content"))
    return token_count(texts)


def _blocks(reply: MockReply) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if reply.reasoning_content:
        blocks.append(
            {"type": "thinking", "thinking": reply.reasoning_content, "signature": MOCK_SIGNATURE}
        )
    if reply.content:
        blocks.append({"type": "text", "text": reply.content})
    blocks += [
        {"type": "tool_use", "id": c.id, "name": c.function.name, "input": arguments_object(c)}
        for c in reply.tool_calls
    ]
    return blocks


def _messages(server: MockServer, body: Mapping[str, Any]) -> httpx.Response:
    reply = server.next_reply(_last_user_text(body))
    stream = bool(body.get("stream"))
    if reply.error_status is not None and not (stream and is_mid_stream_error(reply)):
        return error(
            reply.error_status, reply.error_message, error_type(reply), retry_after_headers(reply)
        )
    message = {
        "id": f"msg_mock{server.next_id()}",
        "type": "message",
        "role": "assistant",
        "model": body.get("model") or server.model,
    }
    usage = {"input_tokens": _prompt_tokens(body), "output_tokens": completion_tokens(reply)}
    stop = _STOP_REASONS.get(finish_kind(reply), finish_kind(reply))
    if not stream:
        whole = {**message, "content": _blocks(reply), "stop_reason": stop, "stop_sequence": None}
        return json_response(200, {**whole, "usage": usage})
    return sse_response(_events(message, reply, usage, stop))


def _event(kind: str, **fields: Any) -> tuple[str, str]:
    return kind, json.dumps({"type": kind, **fields})


def _events(
    message: Mapping[str, Any], reply: MockReply, usage: Mapping[str, int], stop: str
) -> list[tuple[str, str]]:
    """The events of a streamed reply, in the order Anthropic sends them."""
    start = {
        **message,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": usage["input_tokens"], "output_tokens": 1},
    }
    events = [_event("message_start", message=start), _event("ping")]
    index = 0

    def block(opening: dict[str, Any], deltas: list[dict[str, Any]]) -> None:
        nonlocal index
        events.append(_event("content_block_start", index=index, content_block=opening))
        events.extend(_event("content_block_delta", index=index, delta=d) for d in deltas)
        events.append(_event("content_block_stop", index=index))
        index += 1

    if reply.reasoning_content:
        thinking = [
            {"type": "thinking_delta", "thinking": p} for p in pieces(reply.reasoning_content)
        ]
        signature = [{"type": "signature_delta", "signature": MOCK_SIGNATURE}]
        block({"type": "thinking", "thinking": "", "signature": ""}, thinking + signature)
    if reply.content:
        block(
            {"type": "text", "text": ""},
            [{"type": "text_delta", "text": p} for p in pieces(reply.content)],
        )
    if is_mid_stream_error(reply):
        problem = {"type": error_type(reply), "message": reply.error_message}
        return [*events, _event("error", error=problem)]
    for call in reply.tool_calls:
        arguments = json.dumps(arguments_object(call))
        deltas = [
            {"type": "input_json_delta", "partial_json": arguments[i : i + 8]}
            for i in range(0, len(arguments), 8)
        ]
        block({"type": "tool_use", "id": call.id, "name": call.function.name, "input": {}}, deltas)
    events.append(
        _event(
            "message_delta",
            delta={"stop_reason": stop, "stop_sequence": None},
            usage={"output_tokens": usage["output_tokens"]},
        )
    )
    events.append(_event("message_stop"))
    return events
