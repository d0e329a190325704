"""The mock's Anthropic wire: Messages (JSON and event-typed SSE), ``/v1/models``,
``/v1/messages/count_tokens``, errors as ``{"type": "error", "error": {...}}``.

https://docs.anthropic.com/en/docs/build-with-claude/streaming

For a provider whose dialect is Vertex AI's, the routes are Vertex's instead: the model in
the URL (``{base}/{model}:rawPredict``, ``:streamRawPredict``), ``anthropic_version`` in
the body, token counting at ``{base}/count-tokens:rawPredict``, and the errors Vertex's
gateway raises (quota, auth) in Google's shape, wrapped in a list.
https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

import httpx

from llm_connector._mock.gemini_wire import GOOGLE_STATUSES
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
from llm_connector.codecs.anthropic.dialect import AnthropicDialect

# OpenAI's words for how an answer ends, in Anthropic's vocabulary.
_STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}
#: The signature the mock puts on its thinking blocks (real ones are opaque base64).
MOCK_SIGNATURE = "bW9jay1zaWduYXR1cmU="


def handle(server: MockServer, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
    path = request.url.path
    if isinstance(server.row.dialect, AnthropicDialect) and server.row.dialect.vertex:
        return _vertex(server, request, body)
    if request.method == "POST" and path.endswith("/messages/count_tokens"):
        return json_response(200, {"input_tokens": _prompt_tokens(body)})
    if request.method == "POST" and path.endswith("/messages"):
        if server.row.dialect is None and "anthropic-version" not in request.headers:
            # api.anthropic.com requires the header: https://docs.anthropic.com/en/api/versioning
            return error(400, "anthropic-version: header is required", "invalid_request_error")
        return _messages(server, body, body.get("model") or server.model)
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


def _vertex(server: MockServer, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
    """Claude on Vertex AI's routes (see the module docstring)."""
    path = request.url.path
    name, _, verb = path.rpartition("/")[2].partition(":")
    if request.method != "POST" or verb not in ("rawPredict", "streamRawPredict"):
        return error(404, f"mock: no route for {request.method} {path}", "not_found_error")
    if "anthropic_version" not in body:
        return error(400, "anthropic_version: Field required", "invalid_request_error")
    if name == "count-tokens":  # the model stays in the body here
        return json_response(200, {"input_tokens": _prompt_tokens(body)})
    return _messages(server, body, unquote(name), vertex=True)


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


# The statuses Vertex AI's gateway answers itself, in Google's error shape wrapped in a
# list, as reported in https://github.com/cline/cline/issues/651 (429: "[{"error": {"code":
# 429, ..., "status": "RESOURCE_EXHAUSTED"}}]"); Claude's own errors pass through as they are.
_VERTEX_GATEWAY = frozenset({401, 403, 404, 429})


def _error_reply(reply: MockReply, *, vertex: bool) -> httpx.Response:
    status, headers = reply.error_status or 500, retry_after_headers(reply)
    if vertex and status in _VERTEX_GATEWAY:
        problem = {
            "code": status,
            "message": reply.error_message,
            "status": GOOGLE_STATUSES[status],
        }
        return json_response(status, [{"error": problem}], headers)
    return error(status, reply.error_message, error_type(reply), headers)


def _unknown_tool_result(body: Mapping[str, Any]) -> httpx.Response | None:
    """Anthropic's 400 for a ``tool_result`` block whose ``tool_use_id`` names no
    ``tool_use`` block of an earlier message (None when all answer a call)."""
    used: set[object] = set()
    for i, message in enumerate(body.get("messages") or []):
        content = message.get("content") if isinstance(message, dict) else None
        for j, block in enumerate(content if isinstance(content, list) else []):
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_use":
                used.add(block.get("id"))
            elif block.get("type") == "tool_result" and block.get("tool_use_id") not in used:
                return error(
                    400,
                    f"messages.{i}.content.{j}: unexpected `tool_use_id` found in "
                    f"`tool_result` blocks: {block.get('tool_use_id')}. Each `tool_result` "
                    "block must have a corresponding `tool_use` block in an earlier message.",
                    "invalid_request_error",
                )
    return None


def _messages(
    server: MockServer, body: Mapping[str, Any], model: str, *, vertex: bool = False
) -> httpx.Response:
    refusal = _unknown_tool_result(body)
    if refusal is not None:
        return refusal
    reply = server.next_reply(_last_user_text(body))
    stream = bool(body.get("stream"))
    if reply.error_status is not None and not (stream and is_mid_stream_error(reply)):
        return _error_reply(reply, vertex=vertex)
    message = {
        # Vertex's message ids are its own ("msg_vrtx_..."), and it names the model with
        # "-" where the URL has "@" (tests/data/anthropic/vertex-claude37-text.sse).
        "id": f"msg_{'vrtx_' if vertex else ''}mock{server.next_id()}",
        "type": "message",
        "role": "assistant",
        "model": model.replace("@", "-") if vertex else model,
    }
    usage = {"input_tokens": _prompt_tokens(body), "output_tokens": completion_tokens(reply)}
    usage.update(_cache_usage(server, body, usage["input_tokens"]))
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
        "usage": {**{k: v for k, v in usage.items() if k != "output_tokens"}, "output_tokens": 1},
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


# The prompt prefixes each mock server has cached (see _cache_usage).
_CACHED: weakref.WeakKeyDictionary[MockServer, set[str]] = weakref.WeakKeyDictionary()


def _cache_usage(server: MockServer, body: Mapping[str, Any], prompt: int) -> dict[str, int]:
    """Anthropic's cache figures, for a body with ``cache_control`` breakpoints (none
    without): the texts up to the last breakpoint (tools, system, messages) are written to
    this server's cache the first time and read from it after; ``input_tokens`` keeps the
    rest, as Anthropic's does
    (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance)."""
    blocks: list[Any] = list(body.get("tools") or [])
    system = body.get("system")
    blocks += system if isinstance(system, list) else []
    for message in body.get("messages") or []:
        content = message.get("content")
        blocks += content if isinstance(content, list) else [{"type": "text", "text": content}]
    texts: list[str] = []
    prefix: list[str] | None = None
    if isinstance(system, str):
        texts.append(system)
    for block in blocks:
        if isinstance(block, dict):
            texts += _texts([block])
            if "cache_control" in block:
                prefix = list(texts)
    if prefix is None:
        return {}
    cached = token_count(prefix)
    seen = _CACHED.setdefault(server, set())
    key = json.dumps([body.get("model"), prefix])
    read = cached if key in seen else 0
    seen.add(key)
    return {
        "input_tokens": prompt - cached,
        "cache_creation_input_tokens": cached - read,
        "cache_read_input_tokens": read,
    }
