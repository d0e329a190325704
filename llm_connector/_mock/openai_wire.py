"""The mock's OpenAI wire: chat completions (JSON and ``chat.completion.chunk`` SSE),
``/models`` and ``/embeddings``, errors in OpenAI's envelope.

https://platform.openai.com/docs/api-reference/chat-streaming
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import httpx

from llm_connector._mock.reply import (
    MockReply,
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


def handle(server: MockServer, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
    path = request.url.path
    if request.method == "POST" and path.endswith("/chat/completions"):
        return _chat(server, body)
    if request.method == "GET" and path.endswith("/models"):
        model = {
            "id": server.model,
            "object": "model",
            "created": 0,
            "owned_by": "llm-connector-mock",
        }
        return json_response(200, {"object": "list", "data": [model]})
    if request.method == "POST" and path.endswith("/embeddings"):
        return _embeddings(server, body)
    return error(404, f"mock: no route for {request.method} {path}", "not_found_error")


def error(
    status: int, message: str, kind: str, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return json_response(status, body, headers)


def _last_user_text(body: Mapping[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return " ".join(p.get("text", "") for p in content if p.get("type") == "text")
            return str(content or "")
    return ""


def _chat(server: MockServer, body: Mapping[str, Any]) -> httpx.Response:
    reply = server.next_reply(_last_user_text(body))
    stream = bool(body.get("stream"))
    if reply.error_status is not None and not (stream and is_mid_stream_error(reply)):
        return error(
            reply.error_status, reply.error_message, error_type(reply), retry_after_headers(reply)
        )
    meta = {
        "id": f"chatcmpl-mock{server.next_id()}",
        "created": int(time.time()),
        "model": body.get("model") or server.model,
    }
    prompt = token_count(json.dumps(m.get("content")) for m in body.get("messages") or [])
    completion = completion_tokens(reply)
    usage = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    if not stream:
        return json_response(200, _completion(meta, reply, usage))
    include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
    return sse_response([(None, e) for e in _chunks(meta, reply, usage if include_usage else None)])


def _completion(
    meta: Mapping[str, Any], reply: MockReply, usage: Mapping[str, int]
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content or None}
    if reply.reasoning_content:
        message["reasoning_content"] = reply.reasoning_content
    if reply.tool_calls:
        message["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.function.name, "arguments": c.function.arguments},
            }
            for c in reply.tool_calls
        ]
    elif message["content"] is None:
        message["content"] = ""
    choice = {"index": 0, "message": message, "finish_reason": finish_kind(reply)}
    return {**meta, "object": "chat.completion", "usage": usage, "choices": [choice]}


def _chunks(
    meta: Mapping[str, Any], reply: MockReply, usage: Mapping[str, int] | None
) -> list[str]:
    """The SSE data payloads of a streamed reply, in the order OpenAI sends them."""

    def chunk(delta: Mapping[str, Any], finish: str | None = None) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return json.dumps({**meta, "object": "chat.completion.chunk", "choices": [choice]})

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"reasoning_content": p}) for p in pieces(reply.reasoning_content or "")]
    events += [chunk({"content": p}) for p in pieces(reply.content)]
    if is_mid_stream_error(reply):
        problem = {
            "message": reply.error_message,
            "type": error_type(reply),
            "code": reply.error_status,
        }
        return [*events, json.dumps({"error": problem})]
    for index, call in enumerate(reply.tool_calls):
        start = {"name": call.function.name, "arguments": ""}
        events.append(
            chunk(
                {
                    "tool_calls": [
                        {"index": index, "id": call.id, "type": "function", "function": start}
                    ]
                }
            )
        )
        arguments = call.function.arguments
        events += [
            chunk(
                {"tool_calls": [{"index": index, "function": {"arguments": arguments[i : i + 8]}}]}
            )
            for i in range(0, len(arguments), 8)
        ]
    events.append(chunk({}, finish_kind(reply)))
    if usage is not None:
        events.append(
            json.dumps({**meta, "object": "chat.completion.chunk", "choices": [], "usage": usage})
        )
    events.append("[DONE]")
    return events


def _embeddings(server: MockServer, body: Mapping[str, Any]) -> httpx.Response:
    inputs = body.get("input") or []
    if isinstance(inputs, str):
        inputs = [inputs]
    data = [
        {"object": "embedding", "index": i, "embedding": server.vector(text)}
        for i, text in enumerate(inputs)
    ]
    tokens = token_count(str(text) for text in inputs)
    usage = {"prompt_tokens": tokens, "total_tokens": tokens}
    model = body.get("model") or server.model
    return json_response(200, {"object": "list", "data": data, "model": model, "usage": usage})
