"""Reading Converse answers: usage, stop reasons, content blocks, errors (pure). The
stream decoder is in stream.py.

Response shape: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
("Response Syntax"): ``output.message.content`` blocks, ``stopReason``, ``usage``,
``metrics``. A Converse answer carries no id and no model name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llm_connector.codecs.contract import ErrorInfo
from llm_connector.codecs.error_bodies import parse_error_body
from llm_connector.codecs.json_readers import load_json_object, nonempty_str, opt_str, token_count
from llm_connector.errors import ResponseDecodeError
from llm_connector.types import ChatResponse, Choice, Message, ReasoningBlock, ToolCall, Usage

# Converse's stop reasons in OpenAI's words; the raw reason is kept as the native one.
# https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
# malformed_model_output and malformed_tool_use have no OpenAI word and pass through.
_FINISH_REASONS: Mapping[str, str] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "guardrail_intervened": "content_filter",
    "content_filtered": "content_filter",
}

# The error names AWS gives (the ``x-amzn-errortype`` header's, the ``:exception-type`` of
# a stream's exception message, first letter lowered) and the HTTP status each stands for:
# API_runtime_Converse.html and API_runtime_ConverseStream.html, "Errors".
ERROR_STATUS: Mapping[str, int] = {
    "accessDeniedException": 403,
    "expiredTokenException": 403,
    "unrecognizedClientException": 403,
    "internalServerException": 500,
    "modelErrorException": 424,
    "modelNotReadyException": 429,
    "modelTimeoutException": 408,
    "resourceNotFoundException": 404,
    "serviceQuotaExceededException": 429,
    "serviceUnavailableException": 503,
    "throttlingException": 429,
    "validationException": 400,
    # "A streaming error occurred. Retry your request." (ConverseStream, "Errors"): the
    # model's own status when it gives one (originalStatusCode: a 529 overload is an
    # OverloadedError), else a server error, retried before content like one.
    "modelStreamErrorException": 500,
}


def finish_reasons(raw: object) -> tuple[str | None, str | None]:
    """(OpenAI's finish reason, Converse's own)."""
    native = nonempty_str(raw)
    if native is None:
        return None, None
    return _FINISH_REASONS.get(native, native), native


def parse_usage(raw: object) -> Usage | None:
    """Converse's usage in OpenAI's terms: ``inputTokens`` leave the cache reads and writes
    out, so ``prompt_tokens`` adds them (as Anthropic's usage is read)."""
    if not isinstance(raw, Mapping) or not raw:
        return None
    read = token_count(raw.get("cacheReadInputTokens"))
    write = token_count(raw.get("cacheWriteInputTokens"))
    prompt = (token_count(raw.get("inputTokens")) or 0) + (read or 0) + (write or 0)
    completion = token_count(raw.get("outputTokens")) or 0
    return Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=token_count(raw.get("totalTokens")) or prompt + completion,
        cached_tokens=read,
        cache_creation_tokens=write,
    )


def tool_input_json(value: object) -> str:
    if type(value) is not dict:
        return "{}"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def error_status(name: str | None, fallback: int) -> int:
    """The HTTP status an AWS error name stands for (``ThrottlingException``,
    ``throttlingException``, or a header value with its ``:namespace`` suffix)."""
    if not name:
        return fallback
    name = name.split(":", 1)[0]
    return ERROR_STATUS.get(name[:1].lower() + name[1:], fallback)


def exception_info(name: str, payload: str) -> ErrorInfo:
    """A stream's exception message: ``{"message": ...}`` (``originalStatusCode`` for a
    model stream error)."""
    try:
        obj: object = json.loads(payload)
    except (ValueError, RecursionError):
        obj = None
    fields: Mapping[str, Any] = obj if isinstance(obj, dict) else {}
    message = nonempty_str(fields.get("message")) or nonempty_str(fields.get("Message"))
    status = error_status(name, 500)
    original = fields.get("originalStatusCode")
    if type(original) is int and 400 <= original <= 599:
        status = original
    return ErrorInfo(
        message=message or name or "Bedrock stream error", error_type=name, status=status
    )


def parse_error(status_code: int, body: bytes) -> ErrorInfo:
    """An error answer: ``{"message": ...}`` (``Message`` in some AWS services' errors);
    the error's name is in the ``x-amzn-errortype`` header and its request id in
    ``x-amzn-requestid``, and the status says the class. Other bodies (a proxy's page)
    are read as every codec reads them."""
    try:
        obj = load_json_object(body, "error body")
    except ResponseDecodeError:
        return parse_error_body(status_code, body)
    message = nonempty_str(obj.get("message")) or nonempty_str(obj.get("Message"))
    if message is None:
        return parse_error_body(status_code, body)
    return ErrorInfo(message=message, error_type=opt_str(obj.get("__type")))


# -- whole answers -------------------------------------------------------------------------


def parse_converse(body: bytes) -> ChatResponse:
    text = body.decode("utf-8", "replace")
    obj = load_json_object(body, "Converse answer")
    output = obj.get("output")
    message = output.get("message") if isinstance(output, Mapping) else None
    if not isinstance(message, Mapping):
        raise ResponseDecodeError("Converse answer has no output.message", body=text)
    blocks = message.get("content") or []
    if type(blocks) is not list:
        raise ResponseDecodeError("output.message.content is not a list", body=text)
    texts: list[str] = []
    calls: list[ToolCall] = []
    reasoning: list[ReasoningBlock] = []
    for n, block in enumerate(blocks):
        if type(block) is not dict:
            continue
        if "text" in block:
            texts.append(opt_str(block.get("text")) or "")
        elif type(use := block.get("toolUse")) is dict:
            if use.get("type") == "server_tool_use":
                continue  # run by Bedrock itself (a system tool), not the caller's to run
            calls.append(
                ToolCall.create(
                    nonempty_str(use.get("toolUseId")) or f"call_{n}",
                    opt_str(use.get("name")) or "",
                    tool_input_json(use.get("input")),
                )
            )
        elif type(content := block.get("reasoningContent")) is dict:
            reasoning.append(reasoning_block(content))
    finish, native = finish_reasons(obj.get("stopReason"))
    content_text = "".join(texts)
    thought = "".join(b.text for b in reasoning)
    return ChatResponse(
        choices=(
            Choice(
                0,
                Message(
                    "assistant",
                    content_text if content_text or not calls else None,
                    tool_calls=calls,
                    reasoning_content=thought or None,
                    reasoning_blocks=reasoning,
                ),
                finish_reason=finish,
                native_finish_reason=native,
            ),
        ),
        usage=parse_usage(obj.get("usage")),
    )


def reasoning_block(content: Mapping[str, Any]) -> ReasoningBlock:
    """A ``reasoningContent`` block: ``reasoningText {text, signature}`` or
    ``redactedContent`` (base64)."""
    redacted = opt_str(content.get("redactedContent"))
    if redacted is not None:
        return ReasoningBlock(redacted=redacted)
    text = content.get("reasoningText")
    text = text if isinstance(text, Mapping) else {}
    return ReasoningBlock(opt_str(text.get("text")) or "", nonempty_str(text.get("signature")))
