"""Helpers both shells share: translating httpx outcomes into llm_connector errors, and
logging. They look at httpx objects but never do I/O themselves."""

from __future__ import annotations

import logging
import platform
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import httpx

from llm_connector._redact import redact_error, redact_text, redact_url
from llm_connector._retry import RetryPolicy, parse_retry_after
from llm_connector._version import __version__
from llm_connector.codecs._base import RequestSpec
from llm_connector.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    IncompleteStreamError,
    LLMError,
    StreamDecodeError,
    status_error_class,
)

if TYPE_CHECKING:
    from llm_connector.codecs._base import ChatCodec

logger = logging.getLogger("llm_connector")

USER_AGENT = (
    f"llm-connector/{__version__} (Python {platform.python_version()}; httpx {httpx.__version__})"
)

#: Default timeouts: 10 s to connect, 10 minutes for everything else (a long answer from a
#: reasoning model can take minutes between the request and the end of the body).
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=10.0)

# Where providers put their request id (OpenAI, Anthropic, Azure, Google).
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "apim-request-id", "x-goog-request-id")

_TIMEOUT_KINDS: tuple[tuple[type[httpx.TimeoutException], str], ...] = (
    (httpx.ConnectTimeout, "connect"),
    (httpx.ReadTimeout, "read"),
    (httpx.WriteTimeout, "write"),
    (httpx.PoolTimeout, "pool"),
)


def to_timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    if isinstance(value, httpx.Timeout):
        return value
    if value is None:
        return DEFAULT_TIMEOUT
    return httpx.Timeout(float(value), connect=min(float(value), DEFAULT_TIMEOUT.connect or 10.0))


def transport_error(
    exc: httpx.TransportError, spec: RequestSpec, secrets: Iterable[str]
) -> APIConnectionError:
    """The llm_connector error for a request that got no HTTP answer, scrubbed of secrets
    (httpx messages can quote a header value).

    The httpx exception is its ``__cause__``: the shells raise it after the retry loop,
    outside the ``except`` that caught ``exc``, where ``raise ... from`` is not at hand.
    """
    where = f"{spec.method} {redact_url(spec.url)}"
    error: APIConnectionError
    if isinstance(exc, httpx.TimeoutException):
        kind = next((k for cls, k in _TIMEOUT_KINDS if isinstance(exc, cls)), "read")
        error = APITimeoutError(f"{kind} timeout on {where}", timeout_kind=kind)
    else:
        error = APIConnectionError(f"connection error on {where}: {exc!r}")
    error.__cause__ = exc
    redact_error(error, secrets)
    return error


def stream_transport_error(exc: httpx.TransportError) -> LLMError:
    """The error for a transport failure after the stream began."""
    if isinstance(exc, httpx.TimeoutException):
        kind = next((k for cls, k in _TIMEOUT_KINDS if isinstance(exc, cls)), "read")
        return APITimeoutError(f"{kind} timeout while streaming", timeout_kind=kind)
    return IncompleteStreamError(f"the connection broke while streaming: {exc!r}")


def status_error(
    codec: ChatCodec, response: httpx.Response, secrets: Iterable[str]
) -> APIStatusError:
    """The typed error for a non-2xx response whose body has been read."""
    info = codec.parse_error(response.status_code, response.content)
    request_id = request_id_of(response.headers)
    cls = status_error_class(response.status_code)
    error = cls(
        info.message,
        status_code=response.status_code,
        error_type=info.error_type,
        code=info.code,
        param=info.param,
        request_id=request_id,
        retry_after=parse_retry_after(response.headers, time.time()),
        body=response.text,
        headers=response.headers,
    )
    redact_error(error, secrets)
    return error


def request_id_of(headers: Mapping[str, str]) -> str | None:
    return next((headers[h] for h in _REQUEST_ID_HEADERS if h in headers), None)


def add_request_id(error: LLMError, response: httpx.Response) -> None:
    """Give an error that came inside a 200 answer (a stream's error event, a JSON error
    body) the request id of that answer, for the provider's support."""
    if isinstance(error, APIStatusError) and error.request_id is None:
        error.request_id = request_id_of(response.headers)


def retry_delay(policy: RetryPolicy, attempt: int, error: LLMError, rand: float) -> float | None:
    """Seconds to wait before the next attempt after ``error``, or None to raise it."""
    if isinstance(error, APIStatusError):
        return policy.after_status(
            attempt, error.status_code, error.headers, error.retry_after, rand
        )
    if isinstance(error, APIConnectionError):
        # httpx's RemoteProtocolError "Server disconnected without sending a response":
        # llama.cpp, for one, closes the connection after every streamed answer without a
        # "Connection: close", so the next request on the pooled connection meets a
        # closed socket.
        stale = isinstance(error.__cause__, httpx.RemoteProtocolError)
        return policy.after_connection_error(attempt, rand, stale_connection=stale)
    return None


def stream_framing(spec: RequestSpec, response: httpx.Response) -> str:
    """How to read a successful streaming response: the codec's framing, or "json" when the
    server answered with one JSON body instead (an error, or ``stream`` ignored)."""
    content_type = response.headers.get("content-type", "").lower()
    if "json" in content_type and "ndjson" not in content_type and "x-ndjson" not in content_type:
        return "json"
    if spec.framing == "sse" and "text/event-stream" not in content_type:
        raise StreamDecodeError(
            f"expected a text/event-stream response, got content-type {content_type or 'none'!r}"
        )
    return spec.framing


def log_response(spec: RequestSpec, response: httpx.Response, attempt: int) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s -> %d (attempt %d)",
            spec.method,
            redact_url(spec.url),
            response.status_code,
            attempt + 1,
        )


def log_retry(spec: RequestSpec, error: LLMError, delay: float, secrets: Iterable[str]) -> None:
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "retrying %s %s in %.2fs after: %s",
            spec.method,
            redact_url(spec.url),
            delay,
            redact_text(str(error), secrets),
        )
