"""Reading Anthropic Messages answers: the field readers the stream decoder shares, whole
messages, error bodies, model pages and token counts.

Message object: https://platform.claude.com/docs/en/api/messages
Errors:         https://platform.claude.com/docs/en/api/errors

Every field is read through a type-checking reader (``opt_str``, ``token_count``, ...): a
value of the wrong type counts as absent, so no provider can put a non-``str`` into a
``str`` attribute of a neutral type (docs/architecture.md, rule 6).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from llm_connector.codecs.contract import ErrorInfo
from llm_connector.codecs.error_bodies import in_stream_error, parse_error_body, provider_error_info
from llm_connector.codecs.json_readers import load_json_object, nonempty_str, opt_str, token_count
from llm_connector.errors import ResponseDecodeError
from llm_connector.types import (
    ChatResponse,
    Choice,
    Message,
    Model,
    ModelPage,
    ReasoningBlock,
    ToolCall,
    Usage,
)

# Anthropic's stop reasons in OpenAI's finish-reason vocabulary; the raw reason is kept in
# ``native_finish_reason``. https://platform.claude.com/docs/en/api/handling-stop-reasons
# ``pause_turn`` (a server-tool loop paused; send the turn back to continue) has no OpenAI
# counterpart and stays as it is, as does any reason added later.
_FINISH_REASONS: Mapping[str, str] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


def finish_reason(stop_reason: str) -> str:
    """Anthropic's ``stop_reason`` in OpenAI's vocabulary (unknown reasons pass through)."""
    return _FINISH_REASONS.get(stop_reason, stop_reason)


def parse_usage(raw: Mapping[str, Any]) -> Usage:
    """Anthropic's usage in OpenAI's terms: ``prompt_tokens`` counts every input token.

    Anthropic's ``input_tokens`` are only the tokens after the last cache breakpoint; the
    total input is ``input_tokens + cache_creation_input_tokens + cache_read_input_tokens``
    (https://platform.claude.com/docs/en/build-with-claude/prompt-caching#tracking-cache-performance).
    ``cached_tokens`` are the cache reads, ``cache_creation_tokens`` the cache writes (None
    when the server does not report them); ``reasoning_tokens`` come from
    ``output_tokens_details.thinking_tokens`` where reported.
    """
    read = token_count(raw.get("cache_read_input_tokens"))
    write = token_count(raw.get("cache_creation_input_tokens"))
    prompt = (token_count(raw.get("input_tokens")) or 0) + (read or 0) + (write or 0)
    completion = token_count(raw.get("output_tokens")) or 0
    details = raw.get("output_tokens_details")
    thinking = token_count(details.get("thinking_tokens")) if type(details) is dict else None
    return Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=prompt + completion,
        reasoning_tokens=thinking,
        cached_tokens=read,
        cache_creation_tokens=write,
    )


def tool_input_json(value: object) -> str:
    """A ``tool_use`` block's ``input`` object as the JSON text of tool-call arguments."""
    if type(value) is not dict:
        return "{}"  # Anthropic's input is always an object; a server that omits it means {}
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- errors ------------------------------------------------------------------------------


def error_info(error: object, fallback: str) -> ErrorInfo:
    """An error object, whichever shape it came in: Anthropic's ``{"type": "error",
    "error": {"type", "message"}}``, the OpenAI shape llama.cpp uses (``{"error": {"message",
    "type", "code"}}``, or its fields at top level in a stream's error event), Google's
    (``{"error": {"code", "message", "status"}}``, from Vertex AI)."""
    if isinstance(error, Mapping):
        inner = error.get("error")
        if isinstance(inner, (Mapping, str)) and inner:
            error = inner
    return provider_error_info(error, fallback)


def parse_error(status_code: int, body: bytes) -> ErrorInfo:
    """An error body under an error status. Vertex AI may wrap Google's error object in a
    list (``[{"error": {...}}]``); everything else is the shared reader's business."""
    text = body.lstrip()
    if text[:1] == b"[":
        try:
            value = json.loads(body)
        except (ValueError, RecursionError):
            value = None
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return error_info(value[0], f"HTTP {status_code}")
    info = parse_error_body(status_code, body)
    return attrs.evolve(info, request_id=body_request_id(body)) if text[:1] == b"{" else info


def body_request_id(body: bytes | Mapping[str, Any]) -> str | None:
    """The ``request_id`` Anthropic puts at the top of an error body (``{"type": "error",
    "error": {...}, "request_id": "req_..."}``: https://platform.claude.com/docs/en/api/errors),
    for when the ``request-id`` header is missing (a proxy that drops it)."""
    if not isinstance(body, Mapping):
        try:
            body = json.loads(body)
        except (ValueError, RecursionError):
            return None
    return opt_str(body.get("request_id")) if isinstance(body, Mapping) else None


# -- whole messages ------------------------------------------------------------------------


def parse_message(body: bytes) -> ChatResponse:
    """A Messages API response body; a 200 body that is an error raises its typed error."""
    obj = load_json_object(body, "message")
    if obj.get("type") == "error" or isinstance(obj.get("error"), dict):
        text = body.decode("utf-8", "replace")
        info = attrs.evolve(error_info(obj, "provider error"), request_id=body_request_id(obj))
        raise in_stream_error(info, text)
    blocks = obj.get("content")
    if type(blocks) is not list:
        raise ResponseDecodeError(
            "message has no content list", body=body.decode("utf-8", "replace")
        )
    texts: list[str] = []
    reasoning: list[str] = []
    signed: list[ReasoningBlock] = []
    calls: list[ToolCall] = []
    for block in blocks:
        if type(block) is not dict:
            continue
        kind = block.get("type")
        if kind == "text":
            texts.append(opt_str(block.get("text")) or "")
        elif kind == "thinking":
            thinking = opt_str(block.get("thinking")) or ""
            reasoning.append(thinking)
            signed.append(ReasoningBlock(text=thinking, signature=opt_str(block.get("signature"))))
        elif kind == "redacted_thinking":
            signed.append(ReasoningBlock(redacted=opt_str(block.get("data")) or ""))
        elif kind == "tool_use":
            calls.append(
                ToolCall.create(
                    nonempty_str(block.get("id")) or f"call_0_{len(calls)}",
                    opt_str(block.get("name")) or "",
                    tool_input_json(block.get("input")),
                )
            )
        # Server tool blocks, their results and unknown block types have no neutral form.
    # Blocks are kept when the provider signed them (llama.cpp signs with ""); reasoning
    # without any signature is only text, as a stream of it accumulates.
    keep = any(b.signature is not None or b.redacted is not None for b in signed)
    text = "".join(texts)
    stop = nonempty_str(obj.get("stop_reason"))
    usage = obj.get("usage")
    message = Message(
        "assistant",
        text if text or not calls else None,
        tool_calls=calls,
        reasoning_content="".join(reasoning) or None,
        reasoning_blocks=signed if keep else (),
    )
    return ChatResponse(
        id=opt_str(obj.get("id")) or "",
        model=opt_str(obj.get("model")) or "",
        choices=(Choice(0, message, finish_reason(stop) if stop else None, stop),),
        usage=parse_usage(usage) if type(usage) is dict else None,
    )


# -- models and token counts ----------------------------------------------------------------


def _epoch(value: object) -> int | None:
    """An RFC 3339 time (``2025-02-19T00:00:00Z``) as Unix seconds, or an int as it is."""
    if type(value) is int:
        return value
    if type(value) is not str:
        return None
    try:
        # fromisoformat() reads a trailing "Z" only from Python 3.11 on.
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def parse_model_page(body: bytes) -> ModelPage:
    """``GET /v1/models``: ``{"data": [...], "has_more", "first_id", "last_id"}``; the next
    page starts after ``last_id``. https://platform.claude.com/docs/en/api/models/list
    (llama.cpp answers with OpenAI's list shape, which reads the same way.)"""
    obj = load_json_object(body, "model list")
    data = obj.get("data")
    if type(data) is not list:
        raise ResponseDecodeError(
            "model list has no data array", body=body.decode("utf-8", "replace")
        )
    models = tuple(
        Model(
            id=item["id"],
            owned_by=opt_str(item.get("owned_by")),
            created=_epoch(item.get("created_at", item.get("created"))),
            display_name=opt_str(item.get("display_name")),
        )
        for item in data
        if type(item) is dict and nonempty_str(item.get("id"))
    )
    last = nonempty_str(obj.get("last_id"))
    return ModelPage(models, last if obj.get("has_more") is True and last else None)
