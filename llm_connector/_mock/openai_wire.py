"""The mock's OpenAI wire: chat completions (JSON and ``chat.completion.chunk`` SSE),
``/models``, ``/embeddings`` and, when the server has it, ``/responses``
(``responses_wire.py``); errors in OpenAI's envelope. The OpenAI-compatible providers
speak it with the differences of their profile (``openai_profiles.py``). Routes are found
by their last segments, under any base path: Azure OpenAI's ``/openai/v1/...`` as well as
its api-version form, ``/openai/deployments/{model}/...?api-version=...``.

https://platform.openai.com/docs/api-reference/chat-streaming
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import httpx

from llm_connector._mock.openai_profiles import (
    ChatWireProfile,
    error,
    missing_reasoning,
    profile_of,
)
from llm_connector._mock.reply import (
    MockReply,
    completion_tokens,
    counted_texts,
    error_type,
    finish_kind,
    is_mid_stream_error,
    pieces,
    token_count,
    unknown_tool_result,
)
from llm_connector._mock.server import (
    MockServer,
    json_response,
    retry_after_headers,
    sse_response,
)


def handle(server: MockServer, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
    path = request.url.path
    if "/deployments/" in path and "api-version" not in request.url.params:
        # Azure OpenAI: a deployment's path exists only under an api-version; the
        # /openai/v1 form needs none.
        # https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle
        return json_response(404, {"error": {"code": "404", "message": "Resource not found"}})
    if request.method == "POST" and path.endswith("/chat/completions"):
        return _chat(server, body)
    if request.method == "POST" and path.endswith(("/responses/input_tokens", "/count_tokens")):
        # OpenAI's /responses/input_tokens and llama.cpp's /v1/messages/count_tokens.
        count = token_count(counted_texts(body))
        if path.endswith("/input_tokens"):
            return json_response(200, {"object": "response.input_tokens", "input_tokens": count})
        return json_response(200, {"input_tokens": count})
    if request.method == "POST" and path.endswith("/responses") and server.responses_api:
        from llm_connector._mock import responses_wire

        return responses_wire.handle(server, body)
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


def _last_user_text(body: Mapping[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return " ".join(p.get("text", "") for p in content if p.get("type") == "text")
            return str(content or "")
    return ""


def _usage(profile: ChatWireProfile, reply: MockReply, body: Mapping[str, Any]) -> dict[str, Any]:
    prompt = token_count(json.dumps(m.get("content")) for m in body.get("messages") or [])
    completion = completion_tokens(reply)
    usage: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    if profile.reasoning_tokens:
        reasoning = token_count([reply.reasoning_content or ""])
        usage["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    if profile.prompt_details:
        # Nothing is cached here: OpenAI then says 0, as its Responses API does, so both
        # routes of a Responses call report the same usage.
        usage["prompt_tokens_details"] = {"cached_tokens": 0}
    return usage


def _chat(server: MockServer, body: Mapping[str, Any]) -> httpx.Response:
    profile = profile_of(server.provider)
    refusal = missing_reasoning(server, profile, body)
    if refusal is not None:
        return refusal
    unknown = unknown_tool_result(body.get("messages") or [])
    if unknown is not None:
        # OpenAI's 400 for a tool message that answers no call:
        # https://platform.openai.com/docs/guides/function-calling
        index, call = unknown
        problem = {
            "message": f"Invalid parameter: 'tool_call_id' of '{call}' not found in "
            "'tool_calls' of an earlier assistant message.",
            "type": "invalid_request_error",
            "param": f"messages.[{index}].tool_call_id",
            "code": None,
        }
        return json_response(400, {"error": problem})
    reply = server.next_reply(_last_user_text(body))
    stream = bool(body.get("stream"))
    if reply.error_status is not None and not (stream and is_mid_stream_error(reply)):
        return error(
            reply.error_status, reply.error_message, error_type(reply), retry_after_headers(reply)
        )
    if reply.reasoning_content:
        server.reasoned_calls.update(call.id for call in reply.tool_calls)
    meta = {
        "id": f"chatcmpl-mock{server.next_id()}",
        "created": int(time.time()),
        "model": body.get("model") or server.model,
    }
    usage = _usage(profile, reply, body)
    if not stream:
        return json_response(200, _completion(profile, meta, reply, usage))
    if profile.stream_usage == "chunk":
        asked = bool((body.get("stream_options") or {}).get("include_usage"))
        chunks = _chunks(profile, meta, reply, usage if asked else None)
    else:
        chunks = _chunks(profile, meta, reply, usage)
    return sse_response([(None, e) for e in chunks])


def _completion(
    profile: ChatWireProfile, meta: Mapping[str, Any], reply: MockReply, usage: Mapping[str, Any]
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content or None}
    if reply.reasoning_content and profile.reasoning_parts:
        text = [{"type": "text", "text": reply.content}] if reply.content else []
        message["content"] = [_thinking_part(reply.reasoning_content), *text]
    elif reply.reasoning_content:
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
    profile: ChatWireProfile,
    meta: Mapping[str, Any],
    reply: MockReply,
    usage: Mapping[str, Any] | None,
) -> list[str]:
    """The SSE data payloads of a streamed reply, in the order the provider sends them."""

    def chunk(delta: Mapping[str, Any], finish: str | None = None, *, last: bool = False) -> str:
        if profile.role_on_every_delta:
            delta = {"role": "assistant", **delta}
        choice: dict[str, Any] = {"index": 0, "delta": delta, "finish_reason": finish}
        extra: dict[str, Any] = {}
        if last and usage is not None and profile.stream_usage == "choice":
            choice["usage"] = usage
        elif last and usage is not None and profile.stream_usage == "inline":
            extra["usage"] = usage
        elif profile.explicit_nulls:
            extra["usage"] = None
        return json.dumps({**meta, "object": "chat.completion.chunk", "choices": [choice], **extra})

    events = [] if profile.role_on_every_delta else [chunk({"role": "assistant", "content": ""})]
    nothing = {"content": None} if profile.explicit_nulls else {}
    events += [
        chunk({"content": [_thinking_part(p)]})
        if profile.reasoning_parts
        else chunk({**nothing, "reasoning_content": p})
        for p in pieces(reply.reasoning_content or "")
    ]
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
    events.append(chunk({}, finish_kind(reply), last=True))
    if usage is not None and profile.stream_usage == "chunk":
        events.append(
            json.dumps({**meta, "object": "chat.completion.chunk", "choices": [], "usage": usage})
        )
    events.append("[DONE]")
    return events


def _thinking_part(text: str) -> dict[str, Any]:
    """Reasoning as a typed content part (Mistral's Magistral models)."""
    return {"type": "thinking", "thinking": [{"type": "text", "text": text}]}


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
