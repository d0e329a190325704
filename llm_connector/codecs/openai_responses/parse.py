"""Reading Responses API answers (pure): whole response bodies, the typed errors of failed
responses and error events, and whether an error says the server has no ``/responses``.

https://platform.openai.com/docs/api-reference/responses/object
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llm_connector.codecs.contract import ErrorInfo
from llm_connector.codecs.error_bodies import provider_error_info, status_for_error
from llm_connector.errors import APIStatusError, status_error_class

#: The HTTP status each error code of a failed response stands for (the codes of
#: https://platform.openai.com/docs/api-reference/responses/object#responses/object-error),
#: plus the rate-limit code OpenAI sends in stream ``error`` events in practice
#: (``too_many_requests``: https://github.com/openai/openai-dotnet/issues/881).
_CODE_STATUS: Mapping[str, int] = {
    "server_error": 500,
    "rate_limit_exceeded": 429,
    "too_many_requests": 429,
    "vector_store_timeout": 504,
    "invalid_prompt": 400,
    "bio_policy": 400,
    "data_residency_mismatch": 400,
}


def error_status(info: ErrorInfo) -> int:
    """The HTTP status an in-band Responses error stands for: its code, else what the shared
    table says of its type; an image code (``invalid_image_url``, ``image_too_large``, ...)
    is the request's fault."""
    for key in (info.code, info.error_type):
        if isinstance(key, str):
            if key in _CODE_STATUS:
                return _CODE_STATUS[key]
            if "image" in key:
                return 400
    return status_for_error(info, 500)


def responses_error(info: ErrorInfo, raw: str) -> APIStatusError:
    """The typed exception for an error inside a 200 answer (an ``error`` event, a
    ``response.failed`` event, a failed response body)."""
    status = error_status(info)
    return status_error_class(status)(
        info.message,
        status_code=status,
        error_type=info.error_type,
        code=info.code,
        param=info.param,
        body=raw,
        in_stream=True,
    )


def failed_response_error(response: Mapping[str, Any], raw: str) -> APIStatusError:
    """The error of a response whose status is ``failed``."""
    error = response.get("error")
    info = provider_error_info(error, "the response failed") if error else None
    if info is None:
        info = ErrorInfo(message="the response failed")
    return responses_error(info, raw)


def error_event_error(obj: Mapping[str, Any], raw: str) -> APIStatusError:
    """The error of an ``error`` event. The reference documents its fields at the top level
    (https://platform.openai.com/docs/api-reference/responses-streaming/error); the live API
    nests them under ``error`` (https://github.com/BerriAI/litellm/issues/15785): both are
    read."""
    nested = obj.get("error")
    source = nested if isinstance(nested, Mapping) else obj
    return responses_error(provider_error_info(source, "stream error"), raw)


_ROUTE_PHRASES = (
    "invalid url",
    "unrecognized request url",
    "unexpected endpoint",
    "cannot post",
    "no route",
    "unknown endpoint",
    "unknown url",
    "not found",
)


_RESOURCE_WORDS = (
    "model",
    "deployment",
    "previous response",
    "response with id",
    "conversation",
    "endpoints found",
)


_GENERIC_CODES = frozenset({"404", "not_found", "not_found_error", "notfound"})


def lacks_responses_route(error: APIStatusError) -> bool:
    """Whether ``error``, the answer to ``POST /responses``, says the server has no such
    route (so the request should go to chat completions instead)."""
    message = error.message.lower()
    if "/responses" in message and any(p in message for p in _ROUTE_PHRASES):
        return True  # the server quotes the path it does not know, whatever its status
    if error.in_stream:
        return False
    if error.status_code in (405, 501):
        return True
    if error.status_code != 404:
        return False
    if any(word in message for word in _RESOURCE_WORDS):
        return False
    code = error.code
    return code is None or str(code).lower() in _GENERIC_CODES
