"""Reading DashScope's native answers: the ``output`` of one event or body, usage, errors.

Shapes: https://help.aliyun.com/zh/model-studio/qwen-api-via-dashscope (response
parameters): ``{"output": {"choices": [{"message": {...}, "finish_reason"}]}, "usage":
{"input_tokens", "output_tokens", "total_tokens"}, "request_id"}`` with
``result_format: "message"``, or ``{"output": {"text", "finish_reason"}}`` with the older
"text" format. ``finish_reason`` is the *string* "null" until the answer ends. Multimodal
models give ``content`` as a list of ``{"text": ...}`` parts. Errors:
``{"code", "message", "request_id"}`` (https://help.aliyun.com/zh/model-studio/error-code).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from llm_connector.codecs.contract import ErrorInfo
from llm_connector.codecs.error_bodies import in_stream_error
from llm_connector.codecs.json_readers import (
    arguments_text,
    load_json_object,
    nonempty_str,
    opt_str,
    token_count,
)
from llm_connector.errors import ResponseDecodeError
from llm_connector.types import ChatResponse, Choice, Message, ToolCall, Usage
from llm_connector.types._value import FrozenValue

# Error code families and the HTTP status they come with
# (https://help.aliyun.com/zh/model-studio/error-code); an error *event* inside a 200
# stream states its status only in a ":HTTP_STATUS/400" comment line, which SSE drops.
_CODE_STATUS: Mapping[str, int] = {
    "InvalidParameter": 400,
    "DataInspectionFailed": 400,
    "BadRequest": 400,
    "InvalidApiKey": 401,
    "AccessDenied": 403,
    "Arrearage": 403,
    "ModelNotFound": 404,
    "NotFound": 404,
    "Throttling": 429,
    "InternalError": 500,
    "SystemError": 500,
    "ServiceUnavailable": 503,
}


def error_info(obj: Mapping[str, Any], fallback: str) -> ErrorInfo:
    code = nonempty_str(obj.get("code"))
    message = nonempty_str(obj.get("message")) or code or fallback
    status = _CODE_STATUS.get(code.split(".", 1)[0]) if code else None
    return ErrorInfo(message=message, code=code, status=status)


def parse_error_body(status_code: int, body: bytes) -> ErrorInfo:
    text = body.decode("utf-8", "replace").strip()
    fallback = " ".join(text.split())[:300] or f"HTTP {status_code}"
    try:
        obj = load_json_object(body, "error body")
    except ResponseDecodeError:
        return ErrorInfo(message=fallback)
    # The HTTP status says what happened; the code family only stands in for a 200.
    return attrs.evolve(error_info(obj, fallback), status=None)


def parse_usage(raw: object) -> Usage | None:
    """DashScope's usage; ``input_tokens`` counts the cached ones too. The cache figures are
    in ``prompt_tokens_details``: ``cached_tokens`` read, ``cache_creation_input_tokens``
    written by an explicit cache
    (https://www.alibabacloud.com/help/en/model-studio/context-cache)."""
    if not isinstance(raw, Mapping) or not raw:
        return None
    prompt = token_count(raw.get("input_tokens")) or 0
    completion = token_count(raw.get("output_tokens")) or 0
    output_details = raw.get("output_tokens_details")
    prompt_details = raw.get("prompt_tokens_details")
    return Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=token_count(raw.get("total_tokens")) or prompt + completion,
        reasoning_tokens=token_count(output_details.get("reasoning_tokens"))
        if isinstance(output_details, Mapping)
        else None,
        cached_tokens=token_count(prompt_details.get("cached_tokens"))
        if isinstance(prompt_details, Mapping)
        else None,
        cache_creation_tokens=token_count(prompt_details.get("cache_creation_input_tokens"))
        if isinstance(prompt_details, Mapping)
        else None,
    )


def finish_reason(raw: object) -> str | None:
    """A finish reason; the string "null" (an unfinished answer) is none."""
    value = nonempty_str(raw)
    return None if value == "null" else value


def content_text(value: object) -> str | None:
    """A string, or a multimodal answer's list of ``{"text": ...}`` parts joined."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, list):
        texts = [p.get("text") for p in value if isinstance(p, Mapping)]
        return "".join(t for t in texts if type(t) is str)
    return None


@attrs.frozen(repr=False, eq=False)
class RawChoice(FrozenValue):
    """One choice of an event or body, its fields read but not yet made neutral."""

    index: int
    role: str | None
    content: str | None
    reasoning: str | None
    tool_calls: tuple[Mapping[str, Any], ...]
    finish_reason: str | None


def output_choices(obj: Mapping[str, Any], fail: type[Exception], raw: str) -> list[RawChoice]:
    """The choices of ``obj["output"]``, either result format; raises ``fail`` for a
    container of the wrong type."""
    output = obj.get("output")
    if output is None:
        return []
    if not isinstance(output, Mapping):
        raise fail(f"'output' is not an object: {raw[:200]}")
    raw_choices = output.get("choices")
    if raw_choices is None:
        if "text" in output or "finish_reason" in output:  # result_format "text"
            text = opt_str(output.get("text"))
            return [RawChoice(0, None, text, None, (), finish_reason(output.get("finish_reason")))]
        return []
    if type(raw_choices) is not list:
        raise fail(f"'output.choices' is not a list: {raw[:200]}")
    choices = []
    for n, choice in enumerate(raw_choices):
        if not isinstance(choice, Mapping):
            raise fail(f"a choice is not an object: {raw[:200]}")
        message = choice.get("message") or {}
        if not isinstance(message, Mapping):
            raise fail(f"a choice's 'message' is not an object: {raw[:200]}")
        calls = message.get("tool_calls") or []
        if type(calls) is not list or not all(isinstance(c, Mapping) for c in calls):
            raise fail(f"'tool_calls' is not a list of objects: {raw[:200]}")
        index = choice.get("index")
        choices.append(
            RawChoice(
                index if type(index) is int else n,
                opt_str(message.get("role")),
                content_text(message.get("content")),
                opt_str(message.get("reasoning_content")),
                tuple(calls),
                finish_reason(choice.get("finish_reason")),
            )
        )
    return choices


def call_fields(call: Mapping[str, Any]) -> tuple[str | None, str | None, str]:
    """(id, name, arguments) of a tool call or a fragment of one."""
    function = call.get("function")
    if not isinstance(function, Mapping):
        function = {}
    return (
        nonempty_str(call.get("id")),
        nonempty_str(function.get("name")),
        arguments_text(function.get("arguments")),
    )


def parse_chat_response(body: bytes) -> ChatResponse:
    text = body.decode("utf-8", "replace")
    obj = load_json_object(body, "DashScope answer")
    if nonempty_str(obj.get("code")) and "output" not in obj:
        raise in_stream_error(error_info(obj, "DashScope error"), text)
    choices = []
    for raw in output_choices(obj, ResponseDecodeError, text):
        calls = []
        for n, call in enumerate(raw.tool_calls):
            call_id, name, arguments = call_fields(call)
            calls.append(
                ToolCall.create(call_id or f"call_{raw.index}_{n}", name or "", arguments or "{}")
            )
        choices.append(
            Choice(
                index=raw.index,
                message=Message(
                    "assistant",
                    raw.content if raw.content or not calls else None,
                    tool_calls=calls,
                    reasoning_content=raw.reasoning or None,
                ),
                finish_reason=raw.finish_reason,
            )
        )
    return ChatResponse(
        id=opt_str(obj.get("request_id")) or "",
        model="",
        choices=tuple(choices),
        usage=parse_usage(obj.get("usage")),
    )
