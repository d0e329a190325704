"""The Responses API stream decoder: SSE frames in, :class:`ResponsesStreamEvent` out.

https://platform.openai.com/docs/api-reference/responses-streaming

Every event passes through as the provider sent it, those of unknown types included. The
answer is whole after a terminal event (``response.completed``, ``.incomplete``,
``.failed``); a stream that ends before one raises ``IncompleteStreamError``. A failure is
an ``error`` event or a ``response.failed`` event: the event is returned like any other,
and its typed error is raised at the next frame or at the end of the stream, so a caller
sees the event and then the exception. (Only a ``response.failed`` may follow an ``error``
event: OpenAI sends the pair.)
"""

from __future__ import annotations

from collections.abc import Mapping

from llm_connector.codecs.contract import Frame
from llm_connector.codecs.error_bodies import provider_error_info
from llm_connector.codecs.json_readers import frame_object, scan_once
from llm_connector.codecs.openai_responses.accumulate import ResponsesAccumulator
from llm_connector.codecs.openai_responses.parse import (
    error_event_error,
    failed_response_error,
    responses_error,
)
from llm_connector.errors import (
    APIStatusError,
    IncompleteStreamError,
    StreamDecodeError,
)
from llm_connector.responses import (
    TERMINAL_EVENTS,
    ResponsesResponse,
    ResponsesStreamEvent,
    chat_response_for,
)
from llm_connector.responses._event import new_event
from llm_connector.types import ChatResponse


class ResponsesStreamDecoder:
    """Decodes one Responses stream; complete after its terminal event."""

    __slots__ = ("_failure", "_terminal")

    def __init__(self) -> None:
        self._terminal = False
        #: The error of an ``error`` / ``response.failed`` event, raised after the event.
        self._failure: APIStatusError | None = None

    def feed(self, frame: Frame) -> list[ResponsesStreamEvent]:
        data = frame.data
        if not data or data == "[DONE]":
            # Keep-alives; OpenRouter ends its stream with a chat-style [DONE] (see
            # tests/data/openai-responses/openrouter-reasoning-text.sse).
            return []
        try:  # frame_object(frame), inline: this runs for every event
            obj, end = scan_once(data, 0)
            if end != len(data) or type(obj) is not dict:
                obj = frame_object(frame)
        except (StopIteration, ValueError, RecursionError):
            obj = frame_object(frame)
        kind = obj.get("type")
        if type(kind) is not str or not kind:
            if obj.get("error"):
                # llama.cpp fails inside a Responses stream with a bare chat-style error
                # object, no event type: data: {"error": {"code": 500, ...}}
                raise responses_error(provider_error_info(obj["error"], "stream error"), data)
            if frame.event in ("", "message"):
                raise StreamDecodeError("stream event has no type", frame=data)
            kind = frame.event  # the SSE event name, when the JSON does not repeat it
        failure = self._failure
        if failure is not None:
            if kind == "response.failed" and not self._terminal:
                self._terminal = True
                return [ResponsesStreamEvent(kind, obj)]
            raise failure
        if kind in TERMINAL_EVENTS:
            self._terminal = True
            if kind == "response.failed":
                response = obj.get("response")
                self._failure = failed_response_error(
                    response if isinstance(response, Mapping) else {}, data
                )
        elif kind == "error":
            self._failure = error_event_error(obj, data)
        return [new_event(kind, obj)]

    def close(self) -> list[ResponsesStreamEvent]:
        if self._failure is not None:
            raise self._failure
        if not self._terminal:
            raise IncompleteStreamError(
                "the stream ended before the response finished "
                "(no response.completed, response.incomplete or response.failed)"
            )
        return []


#: The events that carry nothing a caller could act on: until the first event of another
#: type reaches the caller, a stream that fails may be sent again (see ``StreamCore``). A
#: failure event is held back too, so that a retryable failure before the answer began
#: (``rate_limit_exceeded``, ``server_error``) is retried rather than shown.
PRELUDE_EVENTS: frozenset[str] = frozenset(
    {
        "response.created",
        "response.queued",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.reasoning_summary_part.added",
        "response.failed",
        "error",
    }
)


class ResponsesSource:
    """What a Responses stream shares however its frames are decoded: the accumulator, what
    counts as content, and the ``ChatResponse`` an interrupting error carries."""

    def new_accumulator(self) -> ResponsesAccumulator:
        return ResponsesAccumulator()

    @staticmethod
    def has_content(event: ResponsesStreamEvent) -> bool:
        return event.event_type not in PRELUDE_EVENTS

    @staticmethod
    def partial_of(answer: ResponsesResponse) -> ChatResponse:
        return chat_response_for(answer)
