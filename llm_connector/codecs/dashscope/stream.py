"""The DashScope native stream decoder.

Frames (https://help.aliyun.com/zh/model-studio/qwen-api-via-dashscope, streaming output):

    id:1
    event:result
    :HTTP_STATUS/200
    data:{"output":{"choices":[...]},"usage":{...},"request_id":"..."}

with no space after the colons (SSE allows that), a comment line, and no ``[DONE]``: the
answer is complete once every choice has a finish reason other than the string "null". An
``event:error`` frame carries ``{"code", "message", "request_id"}``.

With ``incremental_output: true`` (what DashScopeCodec asks for) each event carries new
text only. Without it, each event repeats the whole answer so far; ``cumulative=True``
turns that back into increments (the excerpts in tests/data/dashscope were recorded so).
"""

from __future__ import annotations

import json

from llm_connector.codecs.contract import Frame
from llm_connector.codecs.dashscope.parse import (
    RawChoice,
    call_fields,
    error_info,
    output_choices,
    parse_usage,
)
from llm_connector.codecs.error_bodies import in_stream_error
from llm_connector.codecs.json_readers import load_frame_object, nonempty_str, opt_str
from llm_connector.errors import IncompleteStreamError, StreamDecodeError
from llm_connector.types import (
    Delta,
    FunctionCallDelta,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
)


class _FrameError(StreamDecodeError):
    def __init__(self, message: str) -> None:
        super().__init__(f"stream event: {message}")


class DashScopeStreamDecoder:
    __slots__ = ("_cumulative", "_finished", "_open", "_seen")

    def __init__(self, *, cumulative: bool = False) -> None:
        self._cumulative = cumulative
        self._open: set[int] = set()
        self._finished: set[int] = set()
        # Cumulative mode: what each text field said so far, by (choice, field).
        self._seen: dict[tuple[int, str], str] = {}

    def feed(self, frame: Frame) -> list[StreamingResponse]:
        data = frame.data
        if not data.strip():
            return []
        if frame.event == "error":
            raise self._error_event(data)
        obj = load_frame_object(frame)
        if nonempty_str(obj.get("code")) and "output" not in obj:
            raise in_stream_error(error_info(obj, "DashScope stream error"), data)
        try:
            raw_choices = output_choices(obj, _FrameError, data)
        except _FrameError as exc:
            raise StreamDecodeError(exc.message, frame=data) from None
        choices = tuple(self._choice(raw, data) for raw in raw_choices)
        return [
            StreamingResponse(
                opt_str(obj.get("request_id")) or "", "", choices, parse_usage(obj.get("usage"))
            )
        ]

    @staticmethod
    def _error_event(data: str) -> Exception:
        try:
            value: object = json.loads(data)
        except (ValueError, RecursionError):
            value = None
        if not isinstance(value, dict):
            value = {"message": data[:300]}
        return in_stream_error(error_info(value, "DashScope stream error"), data)

    def _new(self, index: int, field: str, value: str | None, data: str) -> str | None:
        """The new part of a cumulative field (the value itself in incremental mode)."""
        if not self._cumulative or value is None:
            return value
        key = (index, field)
        before = self._seen.get(key, "")
        if not value.startswith(before):
            raise StreamDecodeError(
                f"cumulative output {field!r} does not continue the previous event", frame=data
            )
        self._seen[key] = value
        return value[len(before) :]

    def _choice(self, raw: RawChoice, data: str) -> StreamChoice:
        index = raw.index
        if raw.finish_reason:
            self._open.discard(index)
            self._finished.add(index)
        elif index not in self._finished:
            self._open.add(index)
        calls = []
        for position, call in enumerate(raw.tool_calls):
            call_index = call.get("index")
            if type(call_index) is not int:
                call_index = position
            call_id, name, arguments = call_fields(call)
            if self._cumulative:
                key = f"tool_calls[{call_index}]"
                if (index, key + ".name") in self._seen:
                    call_id = name = None  # said already
                elif name is not None:
                    self._seen[(index, key + ".name")] = name
                arguments = self._new(index, key, arguments, data) or ""
            calls.append(
                ToolCallDelta(
                    call_index,
                    call_id,
                    FunctionCallDelta(name, arguments),
                    nonempty_str(call.get("type")),
                )
            )
        return StreamChoice(
            index,
            Delta(
                raw.role,
                self._new(index, "content", raw.content, data),
                self._new(index, "reasoning_content", raw.reasoning, data) or None,
                tuple(calls),
            ),
            raw.finish_reason,
        )

    def close(self) -> list[StreamingResponse]:
        if self._finished and not self._open:
            return []
        raise IncompleteStreamError(
            'the stream ended before DashScope finished the answer (no finish_reason but "null")'
        )
