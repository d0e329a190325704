"""The mock's Ollama wire: ``/api/chat`` (JSON and NDJSON), ``/api/tags``, ``/api/embed``,
``/api/show``, ``/api/pull``, ``/api/delete``; errors as ``{"error": "..."}``.

https://github.com/ollama/ollama/blob/main/docs/api.md
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from llm_connector._mock.reply import (
    MockReply,
    arguments_object,
    completion_tokens,
    finish_kind,
    is_mid_stream_error,
    pieces,
    token_count,
)
from llm_connector._mock.server import (
    MockServer,
    json_response,
    ndjson_response,
    retry_after_headers,
)

_CREATED_AT = "2025-01-01T00:00:00.000000Z"


def handle(server: MockServer, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
    path, method = request.url.path, request.method
    if method == "POST" and path.endswith("/api/chat"):
        return _chat(server, body)
    if method == "GET" and path.endswith("/api/tags"):
        return json_response(200, {"models": [_tag(server.model)]})
    if method == "POST" and path.endswith("/api/embed"):
        inputs = body.get("input") or []
        inputs = [inputs] if isinstance(inputs, str) else inputs
        vectors = [server.vector(str(text)) for text in inputs]
        tokens = token_count(str(text) for text in inputs)
        return json_response(
            200, {"model": body.get("model"), "embeddings": vectors, "prompt_eval_count": tokens}
        )
    if method == "POST" and path.endswith("/api/show"):
        return _show(server, body)
    if method == "POST" and path.endswith("/api/pull"):
        return json_response(200, {"status": "success"})
    if method == "DELETE" and path.endswith("/api/delete"):
        return httpx.Response(200)
    return error(404, f"mock: no route for {method} {path}")


def error(status: int, message: str, headers: Mapping[str, str] | None = None) -> httpx.Response:
    return json_response(status, {"error": message}, headers)


def _tag(model: str) -> dict[str, Any]:
    return {
        "name": model,
        "model": model,
        "modified_at": _CREATED_AT,
        "size": 1_000_000,
        "digest": "0" * 64,
        "details": {
            "format": "gguf",
            "family": "mock",
            "parameter_size": "1M",
            "quantization_level": "Q4_0",
        },
    }


def _show(server: MockServer, body: Mapping[str, Any]) -> httpx.Response:
    name = body.get("model") or body.get("name")
    if name != server.model:
        return error(404, f"model '{name}' not found")
    tag = _tag(server.model)
    return json_response(
        200,
        {
            "modelfile": f"FROM {server.model}",
            "parameters": "",
            "template": "{{ .Prompt }}",
            "details": tag["details"],
            "model_info": {"general.architecture": "mock", "mock.context_length": 4096},
            "capabilities": ["completion", "tools", "thinking"],
            "modified_at": _CREATED_AT,
        },
    )


def _last_user_text(body: Mapping[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            return str(message.get("content") or "")
    return ""


def _chat(server: MockServer, body: Mapping[str, Any]) -> httpx.Response:
    reply = server.next_reply(_last_user_text(body))
    stream = body.get("stream", True)  # Ollama streams unless told not to
    if reply.error_status is not None and not (stream and is_mid_stream_error(reply)):
        return error(reply.error_status, reply.error_message, retry_after_headers(reply))
    model = body.get("model") or server.model
    prompt = token_count(str(m.get("content") or "") for m in body.get("messages") or [])
    final = {
        "model": model,
        "created_at": _CREATED_AT,
        "done": True,
        "done_reason": "length" if finish_kind(reply) == "length" else "stop",
        "total_duration": 1_000_000,
        "prompt_eval_count": prompt,
        "eval_count": completion_tokens(reply),
    }
    if not stream:
        return json_response(200, {**final, "message": _message(reply)})
    lines = _lines(model, reply)
    if not is_mid_stream_error(reply):
        # The last line closes the stream: empty content, done, the counts.
        lines.append({**final, "message": {"role": "assistant", "content": ""}})
    return ndjson_response(lines)


def _message(reply: MockReply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.reasoning_content:
        message["thinking"] = reply.reasoning_content
    if reply.tool_calls:
        message["tool_calls"] = [
            {"function": {"name": c.function.name, "arguments": arguments_object(c)}}
            for c in reply.tool_calls
        ]
    return message


def _lines(model: str, reply: MockReply) -> list[dict[str, Any]]:
    """The lines before the final one: thinking, then content, then each tool call whole
    (Ollama sends a call in one line, its arguments as an object)."""

    def line(message: dict[str, Any]) -> dict[str, Any]:
        return {"model": model, "created_at": _CREATED_AT, "message": message, "done": False}

    lines = [
        line({"role": "assistant", "content": "", "thinking": p})
        for p in pieces(reply.reasoning_content or "")
    ]
    lines += [line({"role": "assistant", "content": p}) for p in pieces(reply.content)]
    if is_mid_stream_error(reply):
        return [*lines, {"error": reply.error_message}]
    if reply.tool_calls:
        lines.append(
            line({"role": "assistant", "content": "", "tool_calls": _message(reply)["tool_calls"]})
        )
    return lines
