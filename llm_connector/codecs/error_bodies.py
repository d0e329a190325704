"""Provider error bodies and in-band errors, read the same way by every protocol (pure).

The common ``{"error": {"message", "type", "code", "param"}}`` object and the shapes
compatible servers use instead, HTML error pages from proxies, and the table that says
which HTTP status an error sent inside a 200 answer stands for, so that it raises the
class its status would.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import attrs

from llm_connector.codecs.contract import ErrorInfo
from llm_connector.codecs.json_readers import load_json_object, nonempty_str, opt_str
from llm_connector.errors import APIStatusError, ResponseDecodeError, status_error_class

# Provider error types (OpenAI, Anthropic, OpenRouter, llama.cpp ...) to the HTTP status
# they stand for, so that an error sent inside a 200 stream raises the class its status
# would. Anthropic's list: https://docs.anthropic.com/en/api/errors
_TYPE_TO_STATUS: Mapping[str, int] = {
    "invalid_request_error": 400,
    "invalid_request": 400,
    "bad_request": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "invalid_api_key": 401,
    "permission_error": 403,
    "permission_denied": 403,
    "not_found_error": 404,
    "not_found": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "rate_limit_exceeded": 429,
    "insufficient_quota": 429,
    "tokens": 429,
    "overloaded_error": 529,
    "overloaded": 529,
    "server_error": 500,
    "api_error": 500,
    "internal_error": 500,
    "service_unavailable": 503,
    "timeout_error": 504,
}


def status_for_error(info: ErrorInfo, default: int) -> int:
    """The HTTP status an in-band error stands for: the codec's say, else its numeric
    code, else its type."""
    if info.status is not None:
        return info.status
    code = info.code
    if isinstance(code, str) and code.isdigit():
        code = int(code)
    if isinstance(code, int) and 400 <= code <= 599:
        return code
    for key in (info.error_type, code):
        if isinstance(key, str) and key in _TYPE_TO_STATUS:
            return _TYPE_TO_STATUS[key]
    return default


def in_stream_error(info: ErrorInfo, raw: str) -> APIStatusError:
    """The typed exception for an error that arrived inside a stream or a 200 body."""
    status = status_for_error(info, 500)
    cls = status_error_class(status)
    return cls(
        info.message,
        status_code=status,
        error_type=info.error_type,
        code=info.code,
        param=info.param,
        request_id=info.request_id,
        body=raw,
        in_stream=True,
    )


def error_info_from_object(error: object, fallback: str) -> ErrorInfo:
    """Read the common ``{"message", "type", "code", "param"}`` error object (or a string)."""
    if isinstance(error, str):
        return ErrorInfo(message=error)
    if not isinstance(error, Mapping):
        return ErrorInfo(message=fallback)
    message = error.get("message")
    if not isinstance(message, str) or not message:
        message = fallback
    error_type = error.get("type") or error.get("status")
    code = error.get("code")
    param = error.get("param")
    return ErrorInfo(
        message=message,
        error_type=error_type if isinstance(error_type, str) else None,
        code=code if isinstance(code, (str, int)) and not isinstance(code, bool) else None,
        param=param if isinstance(param, str) else None,
    )


def provider_error_info(error: object, fallback: str) -> ErrorInfo:
    """An ``error`` object (or string) as ErrorInfo, the same wherever it arrived: under an
    error status, inside a 200 body, or inside a stream."""
    info = error_info_from_object(error, fallback)
    # OpenRouter's own message is generic ("Provider returned error"); the upstream
    # provider's words are under error.metadata.raw:
    # https://openrouter.ai/docs/api-reference/errors#error-metadata
    metadata = error.get("metadata") if isinstance(error, Mapping) else None
    raw = metadata.get("raw") if isinstance(metadata, Mapping) else None
    if type(raw) is str and raw and raw not in info.message:
        info = attrs.evolve(info, message=f"{info.message}: {raw}")
    return info


# An HTML error page (proxies, load balancers, CDNs) says what happened in its <title>, or
# failing that in its text; its styles and scripts say nothing. Only the head of a page is
# read, and every pattern stops at the next "<", so no page costs more than linear time.
_HTML_HEAD = 20_000


_HTML_TITLE = re.compile(r"<title\b[^<>]*>([^<]*)<", re.IGNORECASE)


_HTML_NOISE = re.compile(r"<(script|style)\b", re.IGNORECASE)


_HTML_TAG = re.compile(r"<[^<>]*>")


def _without_scripts(page: str) -> str:
    lower = page.lower()
    kept, pos = [], 0
    while match := _HTML_NOISE.search(page, pos):
        kept.append(page[pos : match.start()])
        close = lower.find("</" + match.group(1).lower(), match.end())
        if close < 0:
            break  # unclosed: the rest of the head is script
        pos = close
    else:
        kept.append(page[pos:])
    return "".join(kept)


def _readable_text(text: str) -> str:
    """The words of a non-JSON error body, on one line."""
    head = text[:_HTML_HEAD]
    if head.lstrip()[:1] == "<":
        title = _HTML_TITLE.search(head)
        if title and title.group(1).strip():
            head = title.group(1)
        else:
            head = _HTML_TAG.sub(" ", _without_scripts(head))
        head = html.unescape(head)
    return " ".join(head.split())[:300]


def parse_error_body(status_code: int, body: bytes) -> ErrorInfo:
    """Read an error body: OpenAI's ``{"error": {...}}`` and the shapes compatible servers use."""
    text = body.decode("utf-8", "replace").strip()
    fallback = _readable_text(text) or f"HTTP {status_code}"
    try:
        obj = load_json_object(body, "error body")
    except ResponseDecodeError:
        return ErrorInfo(message=fallback)
    error = obj.get("error")
    if error is not None:
        return provider_error_info(error, fallback)
    # vLLM puts the error fields at top level ({"object": "error", "message", "type",
    # "code"}); FastAPI-based servers answer {"detail": "..."}; others a bare "msg".
    if nonempty_str(obj.get("message")):
        return error_info_from_object(obj, fallback)
    for key in ("detail", "msg"):
        value = nonempty_str(obj.get(key))
        if value:
            kind = opt_str(obj.get("type")) or opt_str(obj.get("code"))
            return ErrorInfo(message=value, error_type=kind)
    return ErrorInfo(message=fallback)
