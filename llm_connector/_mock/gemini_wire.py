"""The mock's Gemini wire: ``:generateContent`` and ``:streamGenerateContent?alt=sse``
(CRLF-separated events), ``/models``, ``:embedContent`` / ``:batchEmbedContents``, errors as
``{"error": {"code", "message", "status"}}``.

https://ai.google.dev/api/generate-content
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
    counted_texts,
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

# HTTP status -> Google's canonical error status: https://ai.google.dev/gemini-api/docs/troubleshooting
GOOGLE_STATUSES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_FINISH = {"stop": "STOP", "length": "MAX_TOKENS", "tool_calls": "STOP", "content_filter": "SAFETY"}
#: The signature the mock puts on function calls, as Gemini 3 does (real ones are opaque).
MOCK_THOUGHT_SIGNATURE = "bW9jay10aG91Z2h0LXNpZ25hdHVyZQ=="


def handle(server: MockServer, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
    path = request.url.path
    if request.method == "POST" and path.endswith(":streamGenerateContent"):
        return _generate(server, body, stream=True)
    if request.method == "POST" and path.endswith(":generateContent"):
        return _generate(server, body, stream=False)
    if path.endswith("/cachedContents") or "/cachedContents/" in path:
        return _cached_contents(request, body)
    if request.method == "POST" and path.endswith(":countTokens"):
        # https://ai.google.dev/api/tokens#method:-models.counttokens
        return json_response(200, {"totalTokens": token_count(counted_texts(body))})
    if request.method == "POST" and path.endswith(":embedContent"):
        return json_response(200, {"embedding": {"values": server.vector(_text_of(body))}})
    if request.method == "POST" and path.endswith(":batchEmbedContents"):
        vectors = [{"values": server.vector(_text_of(r))} for r in body.get("requests") or []]
        return json_response(200, {"embeddings": vectors})
    if request.method == "GET" and path.endswith("/models"):
        model = {
            "name": f"models/{server.model}",
            "displayName": "Mock Model",
            "supportedGenerationMethods": ["generateContent", "countTokens"],
        }
        return json_response(200, {"models": [model]})
    return error(404, f"mock: no route for {request.method} {path}")


def error(status: int, message: str, headers: Mapping[str, str] | None = None) -> httpx.Response:
    problem = {"code": status, "message": message, "status": GOOGLE_STATUSES.get(status, "UNKNOWN")}
    return json_response(status, {"error": problem}, headers)


def _text_of(request: Mapping[str, Any]) -> str:
    parts = (request.get("content") or {}).get("parts") or []
    return " ".join(p.get("text", "") for p in parts if isinstance(p, dict))


def _texts(body: Mapping[str, Any], role: str | None = None) -> list[str]:
    texts = []
    for content in body.get("contents") or []:
        if role is None or content.get("role", "user") == role:
            texts += [
                p["text"] for p in content.get("parts") or [] if isinstance(p.get("text"), str)
            ]
    return texts


def _generate(server: MockServer, body: Mapping[str, Any], *, stream: bool) -> httpx.Response:
    user_texts = _texts(body, "user")
    reply = server.next_reply(user_texts[-1] if user_texts else "")
    if reply.error_status is not None and not (stream and is_mid_stream_error(reply)):
        return error(reply.error_status, reply.error_message, retry_after_headers(reply))
    prompt = token_count(_texts(body))
    thoughts = token_count([reply.reasoning_content or ""])
    candidates = completion_tokens(reply) - thoughts
    usage = {
        "promptTokenCount": prompt,
        "candidatesTokenCount": candidates,
        "totalTokenCount": prompt + candidates + thoughts,
        **({"thoughtsTokenCount": thoughts} if thoughts else {}),
    }
    meta = {"modelVersion": server.model, "responseId": f"mock-{server.next_id()}"}
    finish = _FINISH.get(finish_kind(reply), "OTHER")
    if not stream:
        candidate = {
            "content": {"role": "model", "parts": _parts(reply)},
            "finishReason": finish,
            "index": 0,
        }
        return json_response(200, {"candidates": [candidate], "usageMetadata": usage, **meta})
    return sse_response(
        [(None, json.dumps(c)) for c in _chunks(reply, usage, meta, finish)], "\r\n"
    )


def _parts(reply: MockReply) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    if reply.reasoning_content:
        parts.append({"text": reply.reasoning_content, "thought": True})
    if reply.content:
        parts.append({"text": reply.content})
    parts += [
        {
            "functionCall": {"name": c.function.name, "args": arguments_object(c)},
            "thoughtSignature": MOCK_THOUGHT_SIGNATURE,
        }
        for c in reply.tool_calls
    ]
    return parts


def _chunks(
    reply: MockReply, usage: Mapping[str, int], meta: Mapping[str, str], finish: str
) -> list[dict[str, Any]]:
    """The chunks of a streamed reply. Gemini repeats the running usage on every chunk."""
    running = {
        "promptTokenCount": usage["promptTokenCount"],
        "totalTokenCount": usage["promptTokenCount"],
    }

    def chunk(parts: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        candidate = {"content": {"role": "model", "parts": parts}, "index": 0, **extra}
        return {"candidates": [candidate], "usageMetadata": running, **meta}

    chunks = [chunk([{"text": p, "thought": True}]) for p in pieces(reply.reasoning_content or "")]
    chunks += [chunk([{"text": p}]) for p in pieces(reply.content)]
    if is_mid_stream_error(reply):
        status = reply.error_status or 500
        problem = {
            "code": status,
            "message": reply.error_message,
            "status": GOOGLE_STATUSES.get(status, "UNKNOWN"),
        }
        return [*chunks, {"error": problem}]
    calls = _parts(MockReply(tool_calls=reply.tool_calls))
    # The last chunk carries the function calls (all in one chunk, as Gemini sends them),
    # the finish reason and the final usage.
    last = chunk(calls or [{"text": ""}], finishReason=finish)
    last["usageMetadata"] = dict(usage)
    return [*chunks, last]


def _cached_contents(request: httpx.Request, body: Mapping[str, Any]) -> httpx.Response:
    """Explicit caches (https://ai.google.dev/api/caching): a made cache is named
    ``cachedContents/mock-cache`` and holds one token a word of its texts; deleting any
    cache answers ``{}``."""
    if request.method == "DELETE" and "/cachedContents/" in request.url.path:
        return json_response(200, {})
    if request.method != "POST" or not request.url.path.endswith("/cachedContents"):
        return error(404, f"mock: no route for {request.method} {request.url.path}")
    cache: dict[str, Any] = {
        "name": "cachedContents/mock-cache",
        "model": body.get("model"),
        "createTime": "2025-01-01T00:00:00Z",
        "expireTime": "2025-01-01T01:00:00Z",
        "usageMetadata": {"totalTokenCount": token_count(counted_texts(body))},
    }
    if "displayName" in body:
        cache["displayName"] = body["displayName"]
    return json_response(200, cache)
