"""Reading Tencent Hunyuan's native answers (API 3.0, PascalCase): usage, finish reasons,
errors and whole responses. The stream decoder is in stream.py.

Shapes: https://cloud.tencent.com/document/api/1729/105701 and the official SDK's models
(tencentcloud/hunyuan/v20230901/models.py: ChatCompletionsResponse, Choice, Delta, Message,
ToolCall, Usage, ErrorMsg). Worked examples, streamed and whole, including errors:
https://github.com/TencentCloud/tencentcloud-cli/blob/master/tccli/examples/hunyuan/v20230901/ChatCompletions.md
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

# Tencent Cloud's error code families and the HTTP status each stands for; API 3.0 answers
# errors with HTTP 200 and {"Response": {"Error": {"Code", "Message"}}}:
# https://cloud.tencent.com/document/api/1729/101840 (common error codes)
_CODE_STATUS: Mapping[str, int] = {
    "AuthFailure": 401,
    "UnauthorizedOperation": 403,
    "OperationDenied": 403,
    "InvalidParameter": 400,
    "InvalidParameterValue": 400,
    "MissingParameter": 400,
    "UnknownParameter": 400,
    "UnsupportedOperation": 400,
    "FailedOperation": 400,
    "InvalidAction": 404,
    "ResourceNotFound": 404,
    "RequestSizeLimitExceeded": 413,
    "RequestLimitExceeded": 429,
    "LimitExceeded": 429,
    "ResourceInsufficient": 429,
    "InternalError": 500,
    "ResourceUnavailable": 503,
    "ServiceUnavailable": 503,
}

# FinishReason: stop, length, tool_calls, or "sensitive" (the moderation stopped the answer).
_FINISH: Mapping[str, str] = {"sensitive": "content_filter"}


def finish_reasons(raw: object) -> tuple[str | None, str | None]:
    """(OpenAI's finish reason, the provider's own when it differs)."""
    native = nonempty_str(raw)
    if native is None:
        return None, None
    mapped = _FINISH.get(native)
    return (mapped, native) if mapped else (native, None)


def parse_usage(raw: object) -> Usage | None:
    if not isinstance(raw, Mapping) or not raw:
        return None
    prompt = token_count(raw.get("PromptTokens")) or 0
    completion = token_count(raw.get("CompletionTokens")) or 0
    details = raw.get("PromptTokensDetails")
    cached = token_count(details.get("CachedTokens")) if isinstance(details, Mapping) else None
    return Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=token_count(raw.get("TotalTokens")) or prompt + completion,
        cached_tokens=cached,
    )


def error_info(error: Mapping[str, Any], fallback: str) -> ErrorInfo:
    """``Error {Code, Message}`` (API 3.0) or a stream's ``ErrorMsg {Code, Msg}``."""
    code = error.get("Code")
    message = nonempty_str(error.get("Message")) or nonempty_str(error.get("Msg")) or fallback
    status = None
    if type(code) is str:
        status = _CODE_STATUS.get(code.split(".", 1)[0])
    elif type(code) is not int:
        code = None
    return ErrorInfo(message=message, code=code, status=status)


def response_object(obj: dict[str, Any]) -> dict[str, Any]:
    """The answer inside API 3.0's ``{"Response": {...}}`` envelope (streamed chunks and
    some documented examples come without it)."""
    inner = obj.get("Response")
    return inner if isinstance(inner, dict) else obj


def raise_error(obj: Mapping[str, Any], raw: str) -> None:
    """Raise the typed error an answer carries, if it carries one."""
    error = obj.get("Error") or obj.get("ErrorMsg")
    if isinstance(error, Mapping) and error:
        info = error_info(error, "Hunyuan error")
        raise in_stream_error(attrs.evolve(info, request_id=opt_str(obj.get("RequestId"))), raw)


def parse_error_body(status_code: int, body: bytes) -> ErrorInfo:
    text = body.decode("utf-8", "replace").strip()
    fallback = " ".join(text.split())[:300] or f"HTTP {status_code}"
    try:
        obj = response_object(load_json_object(body, "error body"))
    except ResponseDecodeError:
        return ErrorInfo(message=fallback)
    error = obj.get("Error") or obj.get("ErrorMsg")
    if isinstance(error, Mapping):
        info = error_info(error, fallback)
        # An HTTP error status says what happened; the code family only fills in for 200.
        # The envelope's RequestId is the one to quote to support when no header has it.
        return ErrorInfo(info.message, code=info.code, request_id=opt_str(obj.get("RequestId")))
    return ErrorInfo(message=fallback)


def tool_call(raw: Mapping[str, Any], fallback_id: str) -> ToolCall:
    function = raw.get("Function")
    if not isinstance(function, Mapping):
        raise ResponseDecodeError("a tool call has no 'Function' object")
    arguments = function.get("Arguments")
    return ToolCall.create(
        nonempty_str(raw.get("Id")) or fallback_id,
        opt_str(function.get("Name")) or "",
        arguments_text(arguments) if arguments is not None else "{}",
    )


def parse_chat_response(body: bytes) -> ChatResponse:
    text = body.decode("utf-8", "replace")
    obj = response_object(load_json_object(body, "Hunyuan answer"))
    raise_error(obj, text)
    raw_choices = obj.get("Choices")
    if type(raw_choices) is not list:
        raise ResponseDecodeError("Hunyuan answer has no Choices list", body=text)
    choices = []
    for n, raw in enumerate(raw_choices):
        if type(raw) is not dict:
            continue
        message = raw.get("Message") or {}
        if type(message) is not dict:
            raise ResponseDecodeError(f"choice {n}: 'Message' is not an object", body=text)
        calls = message.get("ToolCalls") or []
        if type(calls) is not list:
            raise ResponseDecodeError(f"choice {n}: 'ToolCalls' is not a list", body=text)
        tool_calls = [
            tool_call(c, f"call_{n}_{i}") for i, c in enumerate(calls) if isinstance(c, Mapping)
        ]
        finish, native = finish_reasons(raw.get("FinishReason"))
        index = raw.get("Index")
        content = opt_str(message.get("Content"))
        choices.append(
            Choice(
                index=index if type(index) is int else n,
                message=Message(
                    "assistant",
                    content if content or not tool_calls else None,
                    tool_calls=tool_calls,
                    reasoning_content=nonempty_str(message.get("ReasoningContent")),
                ),
                finish_reason=finish,
                native_finish_reason=native,
            )
        )
    created = obj.get("Created")
    return ChatResponse(
        id=opt_str(obj.get("Id")) or opt_str(obj.get("RequestId")) or "",
        model=opt_str(obj.get("Model")) or "",
        choices=tuple(choices),
        usage=parse_usage(obj.get("Usage")),
        created=created if type(created) is int else None,
    )
