"""Reading Gemini answers: the field readers the stream decoder shares, usage, finish
reasons, error bodies, model pages and embeddings.

API reference: https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse

As in the OpenAI codec (openai_chat/parse.py), a field of the wrong JSON type counts as
absent; a wrong *container* (``"candidates": 5``) is not an answer we can read and raises
a decode error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from llm_connector.codecs.contract import ErrorInfo
from llm_connector.codecs.error_bodies import parse_error_body
from llm_connector.codecs.json_readers import load_json_object, nonempty_str, opt_str, token_count
from llm_connector.errors import APIStatusError, ResponseDecodeError, status_error_class
from llm_connector.types import Embedding, EmbedResponse, Model, ModelPage, Usage

__all__ = [
    "bare_model",
    "finish_reason",
    "gemini_error",
    "gemini_error_info",
    "nonempty_str",
    "opt_str",
    "parse_embeddings",
    "parse_error",
    "parse_model_page",
    "parse_usage",
]

# -- usage ----------------------------------------------------------------------------


def parse_usage(raw: object) -> Usage | None:
    """``usageMetadata`` in OpenAI's terms.

    https://ai.google.dev/api/generate-content#UsageMetadata: ``totalTokenCount`` is
    ``promptTokenCount + toolUsePromptTokenCount + candidatesTokenCount +
    thoughtsTokenCount``, and ``promptTokenCount`` already includes the cached tokens.

    - ``prompt_tokens`` counts every input token, as OpenAI's does: the prompt (cached
      tokens included) plus the tool results (code execution, search) the model read.
    - ``completion_tokens`` counts every generated token, thoughts included, as OpenAI's
      does (its ``completion_tokens_details.reasoning_tokens`` are part of
      ``completion_tokens``: https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage).
    - ``reasoning_tokens`` is ``thoughtsTokenCount``; ``cached_tokens`` is
      ``cachedContentTokenCount``.

    So ``prompt_tokens + completion_tokens == total_tokens`` whenever Gemini's own sum holds.
    """
    if not isinstance(raw, Mapping):
        return None
    prompt = token_count(raw.get("promptTokenCount")) or 0
    tool_use = token_count(raw.get("toolUsePromptTokenCount")) or 0
    candidates = token_count(raw.get("candidatesTokenCount")) or 0
    thoughts = token_count(raw.get("thoughtsTokenCount"))
    completion = candidates + (thoughts or 0)
    total = token_count(raw.get("totalTokenCount"))
    return Usage(
        prompt_tokens=prompt + tool_use,
        completion_tokens=completion,
        total_tokens=total if total is not None else prompt + tool_use + completion,
        reasoning_tokens=thoughts,
        cached_tokens=token_count(raw.get("cachedContentTokenCount")),
    )


# -- finish reasons -----------------------------------------------------------------------

# Gemini's FinishReason values in OpenAI's vocabulary:
# https://ai.google.dev/api/generate-content#FinishReason
_FINISH_REASONS: Mapping[str, str] = {
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
    "IMAGE_SAFETY": "content_filter",
    "IMAGE_PROHIBITED_CONTENT": "content_filter",
    "IMAGE_RECITATION": "content_filter",
}


def finish_reason(native: str, called_tools: bool) -> str:
    """OpenAI's word for a Gemini ``finishReason``.

    Gemini ends a turn that called functions with ``STOP`` (the recorded transcripts
    tests/data/gemini/sse-tool-call-gemini3-reconstructed.sse and
    jsonarray-thought-function-call.json); OpenAI says ``tool_calls``, and code that loops
    on tool calls checks for it. Reasons OpenAI has no word for (``OTHER``, ``LANGUAGE``,
    ``MALFORMED_FUNCTION_CALL``, ...) pass through in lower case; ``native_finish_reason``
    always keeps Gemini's own word.
    """
    mapped = _FINISH_REASONS.get(native)
    if mapped == "stop" and called_tools:
        return "tool_calls"
    return mapped or native.lower()


# -- errors ---------------------------------------------------------------------------

# google.rpc.Code names to the HTTP status they stand for, for an error that carries no
# numeric code: https://cloud.google.com/apis/design/errors#handling_errors
_STATUS_CODES: Mapping[str, int] = {
    "INVALID_ARGUMENT": 400,
    "FAILED_PRECONDITION": 400,
    "OUT_OF_RANGE": 400,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "NOT_FOUND": 404,
    "ABORTED": 409,
    "ALREADY_EXISTS": 409,
    "RESOURCE_EXHAUSTED": 429,
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INTERNAL": 500,
    "DATA_LOSS": 500,
    "UNIMPLEMENTED": 501,
    "UNAVAILABLE": 503,
    "DEADLINE_EXCEEDED": 504,
}


def _reason(details: object) -> str | None:
    """The ``reason`` of a ``google.rpc.ErrorInfo`` detail (``API_KEY_INVALID``, ...)."""
    if not isinstance(details, list):
        return None
    for detail in details:
        if isinstance(detail, Mapping) and nonempty_str(detail.get("reason")):
            return str(detail["reason"])
    return None


_KEY_REASONS = frozenset({"API_KEY_INVALID", "API_KEY_EXPIRED"})


def gemini_error_info(error: object, fallback: str) -> ErrorInfo:
    """Google's error object, ``{"code": 429, "message", "status": "RESOURCE_EXHAUSTED",
    "details": [...]}`` (https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes).

    ``error_type`` is the status name; ``code`` the machine-readable reason from the
    details when there is one (``API_KEY_INVALID``), else the numeric code.
    """
    if not isinstance(error, Mapping):
        return ErrorInfo(message=nonempty_str(error) or fallback)
    code = error.get("code")
    numeric = code if type(code) is int else None
    reason = _reason(error.get("details"))
    return ErrorInfo(
        message=nonempty_str(error.get("message")) or fallback,
        error_type=nonempty_str(error.get("status")),
        code=reason or numeric,
        # A wrong or expired key comes as 400 INVALID_ARGUMENT; the reason says what it is:
        # https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
        status=401 if reason in _KEY_REASONS else None,
    )


def _error_status(error: object) -> int:
    if isinstance(error, Mapping):
        code = error.get("code")
        if type(code) is int and 400 <= code <= 599:
            return code
        status = error.get("status")
        if isinstance(status, str) and status in _STATUS_CODES:
            return _STATUS_CODES[status]
    return 500


def gemini_error(error: object, raw: str) -> APIStatusError:
    """The typed exception for an error object inside a 200 answer (a stream event, an
    element of a JSON-array stream, a 200 body)."""
    info = gemini_error_info(error, raw[:300])
    status = _error_status(error)
    return status_error_class(status)(
        info.message,
        status_code=status,
        error_type=info.error_type,
        code=info.code,
        body=raw,
        in_stream=True,
    )


def error_object(value: object) -> object:
    """The ``error`` of an error body: ``{"error": {...}}`` or, from the JSON-array
    streaming mode, ``[{"error": {...}}]``; None when there is none."""
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, Mapping):
        return value.get("error") or None
    return None


def parse_error(status_code: int, body: bytes) -> ErrorInfo:
    """An error body: Google's shape, or whatever a proxy in front of it sent (HTML,
    OpenAI-style JSON), read as the OpenAI codec reads it."""
    try:
        value: object = json.loads(body)
    except (ValueError, RecursionError):
        value = None
    error = error_object(value)
    if isinstance(error, Mapping):
        return gemini_error_info(error, f"HTTP {status_code}")
    return parse_error_body(status_code, body)


# -- models ---------------------------------------------------------------------------


def bare_model(name: str) -> str:
    """``models/gemini-2.5-flash`` -> ``gemini-2.5-flash``: the id users pass back."""
    return name[len("models/") :] if name.startswith("models/") else name


def parse_model_page(body: bytes) -> ModelPage:
    """``GET /models``: ``{"models": [...], "nextPageToken": "..."}``.
    https://ai.google.dev/api/models#method:-models.list"""
    obj = load_json_object(body, "model list")
    models = obj.get("models") or []
    if type(models) is not list:
        raise ResponseDecodeError(
            "model list has no models array", body=body.decode("utf-8", "replace")
        )
    page = [
        Model(id=bare_model(item["name"]), display_name=opt_str(item.get("displayName")))
        for item in models
        if isinstance(item, dict) and nonempty_str(item.get("name"))
    ]
    return ModelPage(tuple(page), nonempty_str(obj.get("nextPageToken")))


# -- embeddings -----------------------------------------------------------------------


def _values(embedding: object, n: int) -> list[float]:
    values = embedding.get("values") if isinstance(embedding, Mapping) else None
    if type(values) is list and all(type(x) in (float, int) for x in values):
        return [float(x) for x in values]
    raise ResponseDecodeError(f"embedding {n} is not a vector of numbers")


def parse_embeddings(body: bytes) -> EmbedResponse:
    """``:embedContent`` (``{"embedding": {"values"}}``) or ``:batchEmbedContents``
    (``{"embeddings": [{"values"}, ...]}``), in input order.
    https://ai.google.dev/api/embeddings#method:-models.embedcontent

    The body does not name the model, so ``model`` is "".
    """
    obj = load_json_object(body, "embedding response")
    items: object
    if "embeddings" in obj:
        items = obj["embeddings"]
        if type(items) is not list:
            raise ResponseDecodeError("'embeddings' is not a list")
    elif "embedding" in obj:
        items = [obj["embedding"]]
    else:
        raise ResponseDecodeError(
            "embedding response has no embedding", body=body.decode("utf-8", "replace")
        )
    data = tuple(Embedding(index=n, embedding=_values(item, n)) for n, item in enumerate(items))
    return EmbedResponse(model="", data=data, usage=parse_usage(obj.get("usageMetadata")))
