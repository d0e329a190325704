"""One HTTP attempt as the log and the hooks see it (pure): its request line, its answer's
status and timing, and its retry; every value scrubbed of the call's secrets.

The ``llm_connector`` logger: each attempt's request line and status, and its body's
timing, at DEBUG; each retry at INFO (docs/observability.md lists the lines).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from llm_connector.calls.failures import request_id_of
from llm_connector.calls.hooks import Hooks, RequestInfo, ResponseInfo, RetryInfo, public_headers
from llm_connector.calls.redact import redact_text, redact_url
from llm_connector.errors import APIStatusError, LLMError

if TYPE_CHECKING:
    from llm_connector.calls.limits import Attempts
    from llm_connector.calls.prepare import PreparedCall
    from llm_connector.calls.steps import Response

logger = logging.getLogger("llm_connector")

__all__ = ["Attempt", "BodyTimer", "request_info", "retry_info"]


def request_info(name: str, call: PreparedCall, attempt: int, *, stream: bool) -> RequestInfo:
    """The request line of an attempt (its URL's credentials blanked), for hooks and logs."""
    spec = call.spec
    url = redact_text(redact_url(spec.url), call.secrets)
    return RequestInfo(name, spec.method, url, attempt, stream, call.model)


def retry_info(
    name: str,
    call: PreparedCall,
    attempts: Attempts,
    error: LLMError,
    delay: float,
    *,
    stream: bool,
) -> RetryInfo:
    """Log that the attempt that just failed is retried after ``delay`` (``attempts`` has
    counted the retry already); the value for the ``on_retry`` hooks."""
    info = RetryInfo(
        request_info(name, call, attempts.retries, stream=stream),
        type(error),
        redact_text(str(error), call.secrets),
        delay,
        error.status_code if isinstance(error, APIStatusError) else None,
    )
    if logger.isEnabledFor(logging.INFO):
        request = info.request
        logger.info(
            "retrying %s %s in %.2fs after: %s",
            request.method,
            request.url,
            info.wait,
            info.message,
        )
    return info


class Attempt:
    """One HTTP attempt, made just before its request is sent (the request line is logged
    at DEBUG then). A plain class: one per attempt."""

    __slots__ = ("_attempts", "_call", "_info", "_name", "_stream", "hooks")

    def __init__(
        self, name: str, call: PreparedCall, attempts: Attempts, hooks: Hooks, *, stream: bool
    ) -> None:
        self._name = name
        self._call = call
        self._attempts = attempts
        self._stream = stream
        # The RequestInfo is made only when a hook or the DEBUG log asks for it: scrubbing
        # the URL of secrets costs a few microseconds of every request (docs/performance.md).
        self._info: RequestInfo | None = None
        #: The client's hooks when the attempt began (one registered meanwhile waits for
        #: the next attempt, so the request and response events reach the same hooks).
        self.hooks = hooks
        if logger.isEnabledFor(logging.DEBUG):
            info = self.info
            logger.debug(
                "sending %s %s (attempt %d%s)",
                info.method,
                info.url,
                info.attempt,
                ", streamed" if info.stream else "",
            )

    @property
    def info(self) -> RequestInfo:
        """The request line, its attempt number and the model, secrets scrubbed."""
        if self._info is None:
            number = self._attempts.retries + 1
            self._info = request_info(self._name, self._call, number, stream=self._stream)
        return self._info

    def answered(
        self, response: Response, now: float
    ) -> tuple[ResponseInfo | None, BodyTimer | None]:
        """Note the arrival of the response head (``attempts.sent_at`` is when the request
        went out): log its status at DEBUG, with a timer for its body; the value for the
        ``on_response`` hooks, None when there are none."""
        debug = logger.isEnabledFor(logging.DEBUG)
        if not (debug or self.hooks.on_response):
            return None, None
        sent_at = self._attempts.sent_at
        elapsed = now - sent_at
        info = self.info
        secrets = self._call.secrets
        request_id = request_id_of(response.headers)
        if request_id is not None:
            request_id = redact_text(request_id, secrets)
        timer = None
        if debug:
            logger.debug(
                "%s %s -> %d after %.3fs (attempt %d, request id %s)",
                info.method,
                info.url,
                response.status_code,
                elapsed,
                info.attempt,
                request_id,
            )
            timer = BodyTimer(info, sent_at, self._attempts.started)
        if not self.hooks.on_response:
            return None, timer
        headers = public_headers(response.headers, secrets)
        return ResponseInfo(info, response.status_code, headers, elapsed, request_id), timer


class BodyTimer:
    """When a response body's first bytes came and whether it was read to its end, for the
    DEBUG line logged when it is closed (its total time, and the call's). The shells note
    ``first`` and ``ended`` and call ``closed``."""

    __slots__ = ("_info", "_started", "ended", "first", "sent_at")

    def __init__(self, info: RequestInfo, sent_at: float, started: float) -> None:
        self._info = info
        self._started = started
        self.sent_at = sent_at
        self.first: float | None = None
        self.ended = False

    def closed(self, now: float) -> None:
        info = self._info
        first = "none" if self.first is None else f"{self.first - self.sent_at:.3f}s"
        logger.debug(
            "response to %s %s: body %s %.3fs after sending (first bytes after %s; "
            "%.3fs since the call began)",
            info.method,
            info.url,
            "ended" if self.ended else "closed early",
            now - self.sent_at,
            first,
            now - self._started,
        )
