"""The exceptions llm_connector raises.

Every exception derives from :class:`LLMError`. The tree::

    LLMError
    ├── RequestValidationError        bad input, raised before anything is sent (also ValueError)
    ├── APIConnectionError            the request never got an HTTP answer
    │   └── APITimeoutError
    ├── APIStatusError                the provider answered with an error (HTTP status or in-band)
    │   ├── BadRequestError           400
    │   ├── AuthenticationError       401
    │   ├── PermissionDeniedError     403
    │   ├── NotFoundError             404
    │   ├── ConflictError             409
    │   ├── UnprocessableEntityError  422
    │   ├── RateLimitError            429
    │   ├── InternalServerError       5xx
    │   └── OverloadedError           529, or an in-band "overloaded" error
    ├── ResponseDecodeError           a response body could not be decoded
    ├── UnsupportedFeatureError       the provider has no such operation (also NotImplementedError)
    ├── FallbackExhaustedError        no member of a fallback chain answered (``.skipped``)
    ├── OutputValidationError         a structured answer does not fit its type (also ValueError)
    ├── OutputRefusedError            the model refused to give a structured answer
    └── StreamError                   the stream itself broke
        ├── IncompleteStreamError     ended before the provider's terminal event
        └── StreamDecodeError         a frame could not be decoded (also a ResponseDecodeError)
            └── ResponseTooLargeError an event or a body passed a SizeLimits limit

An error event inside a stream raises the same class its HTTP status would. Errors raised
while streaming carry what arrived before them in ``partial`` (a ``ChatResponse``), so
nothing that was received is lost.

No exception ever contains an API key: bodies and messages are redacted by the clients
before an error is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llm_connector.types import ChatResponse
    from llm_connector.types._route import SkippedMember

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "FallbackExhaustedError",
    "IncompleteStreamError",
    "InternalServerError",
    "LLMError",
    "NotFoundError",
    "OutputRefusedError",
    "OutputValidationError",
    "OverloadedError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "ResponseDecodeError",
    "ResponseTooLargeError",
    "StreamDecodeError",
    "StreamError",
    "UnprocessableEntityError",
    "UnsupportedFeatureError",
    "status_error_class",
]

#: How much of an offending frame a ``StreamDecodeError`` keeps.
MAX_FRAME_EXCERPT = 500


class LLMError(Exception):
    """Base class of every error llm_connector raises.

    ``partial`` is set when the error interrupted a stream: it is the ``ChatResponse``
    accumulated from every chunk that arrived before the error.
    """

    partial: ChatResponse | None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.partial = None


class RequestValidationError(LLMError, ValueError):
    """The request (or a client option) is invalid; nothing was sent.

    ``field`` names the offending field, e.g. ``"model"``, ``"messages[2].role"``,
    ``"extra_body['metadata']"``.
    """

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class APIConnectionError(LLMError):
    """No HTTP response was received (DNS, refused connection, reset, TLS, ...)."""


class APITimeoutError(APIConnectionError):
    """A limit of the client's (or the request's) ``Timeout`` ran out. ``timeout_kind``
    says which: ``"connect"``, ``"first_event"``, ``"idle"`` or ``"total"``."""

    def __init__(self, message: str, *, timeout_kind: str = "total") -> None:
        super().__init__(message)
        self.timeout_kind = timeout_kind


class APIStatusError(LLMError):
    """The provider answered with an error.

    Attributes:
        status_code: the HTTP status; for an error sent inside an HTTP 200 answer (a stream
            event, or an error object in a 200 body) the status its code or type stands for.
        error_type: the provider's error type (``"invalid_request_error"``, ...), if any.
        code: the provider's error code (``"invalid_api_key"``, ``429``, ...), if any.
        param: the request parameter the provider blamed, if any.
        request_id: the provider's request id header, if any.
        retry_after: seconds the provider asked us to wait, if it said.
        body: the raw error body (text, redacted), for debugging.
        in_stream: True when the error arrived inside an HTTP 200 answer rather than as an
            error status.
        method, url: the request's method and URL (credentials redacted), which ``str()``
            names too.
    """

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        error_type: str | None = None,
        code: str | int | None = None,
        param: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        body: str | None = None,
        headers: Mapping[str, str] | None = None,
        in_stream: bool = False,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.error_type = error_type
        self.code = code
        self.param = param
        self.request_id = request_id
        self.retry_after = retry_after
        self.body = body
        self.headers: Mapping[str, str] = dict(headers or {})
        self.in_stream = in_stream
        self.method = method
        self.url = url

    def __str__(self) -> str:
        parts = [f"Error code: {self.status_code}"]
        if self.error_type:
            parts.append(f"type: {self.error_type}")
        if self.code is not None and self.code != self.status_code:
            parts.append(f"code: {self.code}")
        detail = ", ".join(parts)
        text = f"{detail} - {self.message}"
        notes = []
        if self.method and self.url:
            notes.append(f"{self.method} {self.url}")
        if self.request_id:
            notes.append(f"request id: {self.request_id}")
        if notes:
            text += f" ({'; '.join(notes)})"
        return text


class BadRequestError(APIStatusError):
    """400: the provider rejected the request."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not use this model or endpoint."""


class NotFoundError(APIStatusError):
    """404: no such model, deployment or route."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but could not be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests or tokens; see ``retry_after``."""


class InternalServerError(APIStatusError):
    """5xx: the provider failed."""


class OverloadedError(APIStatusError):
    """529 or an in-band ``overloaded_error``: the provider is over capacity."""


class ResponseDecodeError(LLMError):
    """A response body was not what the protocol promised. ``body`` is an excerpt."""

    def __init__(self, message: str, *, body: str | None = None) -> None:
        if body is not None and len(body) > MAX_FRAME_EXCERPT:
            body = body[:MAX_FRAME_EXCERPT] + f"... ({len(body)} characters)"
        super().__init__(message)
        self.body = body


class UnsupportedFeatureError(LLMError, NotImplementedError):
    """The provider has no such operation (embeddings on Anthropic, say)."""


class StreamError(LLMError):
    """The stream broke; ``partial`` holds what arrived before."""


class IncompleteStreamError(StreamError):
    """The stream ended (or was closed) before the provider's terminal event.

    ``connection_lost`` is True when the connection broke, False when the server ended its
    answer early (or the stream was closed).
    """

    def __init__(self, message: str, *, connection_lost: bool = False) -> None:
        super().__init__(message)
        self.connection_lost = connection_lost


class StreamDecodeError(StreamError, ResponseDecodeError):
    """A frame could not be decoded. ``frame`` is the offending frame, truncated."""

    def __init__(self, message: str, *, frame: str | None = None) -> None:
        super().__init__(message, body=frame)
        self.frame = self.body
        if self.frame is not None:
            self.message = f"{message}: {self.frame!r}"
            self.args = (self.message,)


class ResponseTooLargeError(StreamDecodeError):
    """An answer passed one of the call's ``SizeLimits``: one stream event (or line) longer
    than ``max_event_bytes``, or a body read whole (decompressed) longer than
    ``max_body_bytes``. ``limit_name`` says which, ``limit`` its value in bytes; a stream's
    error carries what arrived before on ``.partial``. Raised for a body read whole too
    (``chat()``), so ``except ResponseDecodeError`` catches it everywhere."""

    def __init__(self, limit_name: str, limit: int, what: str) -> None:
        super().__init__(f"{what} is larger than {limit_name} ({limit:,} bytes)")
        self.limit_name = limit_name
        self.limit = limit


class FallbackExhaustedError(LLMError):
    """Every member of a fallback chain failed, was cooling down, or could not take the
    request. ``skipped`` says what happened at each, in order; ``errors`` holds the errors
    the members raised. ``str()`` names each member and its reason."""

    def __init__(self, skipped: Sequence[SkippedMember]) -> None:
        self.skipped = tuple(skipped)
        self.errors = tuple(s.error for s in self.skipped if s.error is not None)
        lines = "; ".join(f"{s.member}: {s.reason}" for s in self.skipped)
        super().__init__(f"every member of the fallback chain failed ({lines})")


class OutputValidationError(LLMError, ValueError):
    """A structured answer that does not fit the type asked for: not JSON, or a value of
    the wrong shape. ``path`` is where the first mismatch is (``items[2].price``; "" for
    the whole answer), ``raw`` the answer's text as it came. Never retried silently."""

    def __init__(self, message: str, raw: str, path: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message  # str() names the path too
        self.raw = raw
        self.path = path


class OutputRefusedError(LLMError):
    """The model refused to answer in the structure asked for; ``refusal`` is its text
    (OpenAI's ``refusal``, or what a model said before stopping with "refusal")."""

    def __init__(self, refusal: str) -> None:
        super().__init__(f"the model refused: {refusal}" if refusal else "the model refused")
        self.refusal = refusal


_BY_STATUS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    529: OverloadedError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for an HTTP status."""
    cls = _BY_STATUS.get(status_code)
    if cls is not None:
        return cls
    if status_code >= 500:
        return InternalServerError
    return APIStatusError
