"""The errors a call raises, made from what the shell saw (pure).

A transport failure, an error status with its body, a stream that broke or whose decoder
raised, a deadline that passed: each becomes the typed ``LLMError`` the caller sees, scrubbed
of the call's secrets, with the provider's request id, and (for a stream) what arrived before
it on ``.partial``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from llm_connector.calls.limits import parse_retry_after
from llm_connector.calls.redact import redact_error, redact_url
from llm_connector.calls.steps import StreamEnd, TransportFailure
from llm_connector.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    IncompleteStreamError,
    LLMError,
    RequestValidationError,
    ResponseDecodeError,
    StreamDecodeError,
    status_error_class,
)

if TYPE_CHECKING:
    from llm_connector.calls.limits import Attempts, PhaseLimits
    from llm_connector.calls.prepare import PreparedCall
    from llm_connector.calls.steps import Response
    from llm_connector.calls.stream_core import BaseStreamCore
    from llm_connector.types._timeout import Timeout, TimeoutKind

_T = TypeVar("_T")

# Where providers put their request id (OpenAI, Anthropic, Azure, Google, AWS).
_REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "apim-request-id",
    "x-goog-request-id",
    "x-amzn-requestid",
)
# Where a provider names its error when the body does not: AWS's x-amzn-ErrorType
# ("ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"), read
# up to its namespace: https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html
_ERROR_TYPE_HEADERS = ("x-amzn-errortype",)

# What each phase's transport timeout means for the caller.
_PHASE_TROUBLE: Mapping[str, str] = {
    "connect": "could not connect",
    "read": "no response",
    "write": "could not send the request",
    "pool": "no free connection in the pool",
}
_STREAM_TROUBLE: Mapping[TimeoutKind, str] = {
    "connect": "could not connect",
    "first_event": "no content of the answer arrived",
    "idle": "no stream event arrived",
    "total": "the call did not finish",
}


def timeout_error(kind: TimeoutKind, timeout: Timeout, what: str) -> APITimeoutError:
    seconds = getattr(timeout, kind)
    return APITimeoutError(f"{kind} timeout ({seconds:g} s): {what}", timeout_kind=kind)


def stream_timeout(kind: TimeoutKind, timeout: Timeout, where: str) -> APITimeoutError:
    """The error for a limit the watchdog found run out (``where``: while doing what)."""
    return timeout_error(kind, timeout, f"{_STREAM_TROUBLE[kind]} {where}")


def transport_error(failure: TransportFailure, call: PreparedCall, limits: PhaseLimits) -> LLMError:
    """The error for a request that got no (readable) HTTP answer, scrubbed of secrets (a
    transport's message can quote a header value). A timeout names the limit that ran out:
    the watchdog's, which cut a response head that did not arrive in time, or the
    transport's own; the transport's exception is the error's ``__cause__``."""
    spec = call.spec
    where = f"{spec.method} {redact_url(spec.url)}"
    error: LLMError
    if failure.kind == "decode":
        error = ResponseDecodeError(f"could not decode the response to {where}: {failure.cause}")
    elif failure.kind == "request":
        error = RequestValidationError(
            "base_url", f"the transport cannot send {where}: {failure.cause}"
        )
    elif failure.fired is not None:
        error = timeout_error(failure.fired, call.timeout, f"no response on {where}")
    elif failure.phase is not None:
        trouble = _PHASE_TROUBLE[failure.phase]
        error = timeout_error(limits.kinds[failure.phase], call.timeout, f"{trouble} on {where}")
    else:
        error = APIConnectionError(f"connection error on {where}: {failure.cause!r}")
    error.__cause__ = failure.cause
    redact_error(error, call.secrets)
    return error


def unreadable(error: LLMError, call: PreparedCall, response: Response) -> LLMError:
    """``error`` (a successful answer's body could not be held or decoded), with the
    answer's request id and scrubbed of secrets."""
    add_request_id(error, call, response.headers)
    redact_error(error, call.secrets)
    return error


def note_unread_body(error: APIStatusError, why: LLMError) -> None:
    """Say on an error answer's error that its body could not be read (and why): the
    status is still the answer, and retried as such."""
    error.message = f"{error.message} (its body could not be read: {why.message})"
    error.args = (error.message,)
    error.__cause__ = why


def gave_up(error: LLMError, attempts: Attempts, now: float) -> LLMError:
    """``error``, about to be raised as the call's last: one that ended a call after
    retries (no connection, a timeout) says how many attempts were made and the time they
    took in all, since the limit it names was per attempt or the caller may not know the
    call was retried."""
    if attempts.retries and isinstance(error, APIConnectionError):
        spent = now - attempts.started
        error.message = (
            f"{error.message} (gave up after {attempts.retries + 1} attempts in {spent:.1f} s)"
        )
        error.args = (error.message,)
    return error


def body_error(failure: TransportFailure, call: PreparedCall, limits: PhaseLimits) -> LLMError:
    """The error for a response whose body could not be read whole: the deadline that cut
    it, or the transport's failure."""
    if failure.fired is not None and failure.kind == "transport":
        error = stream_timeout(failure.fired, call.timeout, "reading the response")
        error.__cause__ = failure.cause
        return error
    return transport_error(failure, call, limits)


def request_id_of(headers: Mapping[str, str]) -> str | None:
    return next((headers[h] for h in _REQUEST_ID_HEADERS if h in headers), None)


def error_type_of(headers: Mapping[str, str]) -> str | None:
    value = next((headers[h] for h in _ERROR_TYPE_HEADERS if h in headers), None)
    return value.split(":", 1)[0] or None if value else None


def add_request_id(error: LLMError, call: PreparedCall, headers: Mapping[str, str]) -> None:
    """Give an error that came inside a 200 answer (a stream's error event, a JSON error
    body) the request id of that answer, for the provider's support, and the request's
    method and URL."""
    if isinstance(error, APIStatusError):
        if error.request_id is None:
            error.request_id = request_id_of(headers)
        if error.url is None:
            error.method, error.url = call.spec.method, redact_url(call.spec.url)


def body_text(body: bytes, headers: Mapping[str, str]) -> str:
    """A body as text, in the charset its content type names (UTF-8 if none or unknown),
    undecodable bytes replaced: what ``httpx.Response.text`` gives."""
    charset = None
    for parameter in headers.get("content-type", "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"') or None
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def status_error(call: PreparedCall, response: Response, body: bytes, now: float) -> APIStatusError:
    """The typed error for a non-2xx response and its body (``now``: Unix time, for a
    ``Retry-After`` date)."""
    headers = response.headers
    info = call.parse_error(response.status_code, body)
    cls = status_error_class(info.status or response.status_code)
    error = cls(
        info.message,
        status_code=response.status_code,
        error_type=info.error_type or error_type_of(headers),
        code=info.code,
        param=info.param,
        request_id=request_id_of(headers) or info.request_id,
        retry_after=parse_retry_after(headers, now),
        body=body_text(body, headers),
        headers=headers,
        method=call.spec.method,
        url=redact_url(call.spec.url),
    )
    if response.status_code == 404 and call.not_found_hint:
        error.message = f"{error.message} ({call.not_found_hint})"
        error.args = (error.message,)
    redact_error(error, call.secrets)
    return error


def decoded(
    call: PreparedCall, parse: Callable[[bytes], _T], headers: Mapping[str, str], body: bytes
) -> _T:
    """Run a codec parser on a whole body; any error it raises is scrubbed of secrets and
    carries the response's request id. Codecs raise only LLMErrors; anything else (a codec
    bug) becomes a ResponseDecodeError."""
    try:
        return parse(body)
    except LLMError as exc:
        redact_error(exc, call.secrets)
        add_request_id(exc, call, headers)
        raise
    except Exception as exc:
        error = ResponseDecodeError(
            f"could not decode the response ({exc!r})", body=body.decode("utf-8", "replace")
        )
        redact_error(error, call.secrets)
        raise error from exc


def body_framing(framing: str, headers: Mapping[str, str]) -> str:
    """How to read a successful streaming response: the codec's framing, or "json" when the
    server answered with one JSON body instead (an error, or ``stream`` ignored)."""
    content_type = headers.get("content-type", "").lower()
    if "json" in content_type and "ndjson" not in content_type and "x-ndjson" not in content_type:
        return "json"
    if framing == "sse" and "text/event-stream" not in content_type:
        raise StreamDecodeError(
            f"expected a text/event-stream response, got content-type {content_type or 'none'!r}"
        )
    return framing


def stream_error(
    end: StreamEnd | TransportFailure | LLMError,
    core: BaseStreamCore[Any, Any],
    call: PreparedCall,
    headers: Mapping[str, str],
) -> LLMError:
    """The error to raise for a stream whose reading failed, carrying what arrived in
    ``.partial``: the limit that cut the connection, when one did (the watchdog's, or the
    transport's byte-level backstop), caused by the failure; a broken connection is an
    incomplete stream; an error of the stream itself stays as it is."""
    failure: TransportFailure | None = None
    exc: LLMError | None = None
    kind: TimeoutKind | None = None
    if isinstance(end, LLMError):
        exc = end
    elif isinstance(end, TransportFailure):  # a body read whole
        failure = end
    else:
        failure, exc, kind = end.failure, end.error, end.fired
    if failure is not None and failure.kind == "decode":
        # The body the server sent could not be decoded (corrupt gzip, say).
        decode_error = StreamDecodeError(f"could not decode the stream: {failure.cause}")
        decode_error.__cause__ = failure.cause
        return core.interrupted(decode_error)
    if failure is not None:
        kind = kind or failure.fired
        if kind is None and failure.phase is not None:
            # The transport's backstop fired before the watchdog looked.
            kind = "idle" if core.delivered else "first_event"
    error: LLMError
    if kind is not None and not isinstance(exc, APITimeoutError):
        error = stream_timeout(kind, call.timeout, "while streaming")
        error.__cause__ = failure.cause if failure is not None else exc
    elif failure is not None:
        error = IncompleteStreamError(
            f"the connection broke while streaming: {failure.cause!r}", connection_lost=True
        )
        error.__cause__ = failure.cause
    else:
        assert exc is not None
        add_request_id(exc, call, headers)
        if exc.partial is None:
            core.interrupted(exc)
        return exc
    return core.interrupted(error)
