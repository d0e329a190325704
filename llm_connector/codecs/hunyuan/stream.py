"""The Tencent Hunyuan native stream decoder: SSE ``data: {PascalCase chunk}`` events.

The stream has no ``[DONE]``: it is complete once every choice has a ``FinishReason``. A
tool call's fragments repeat its ``Id`` (and an empty ``Name``) and may omit ``Index``; the
documentation says to merge them by ``Id``:
https://github.com/TencentCloud/tencentcloud-cli/blob/master/tccli/examples/hunyuan/v20230901/ChatCompletions.md
(Example 7). ``Usage`` is a running total on every chunk: the decoder keeps the latest and
reports it once, on a usage-only chunk when the stream ends, as Gemini's decoder does and
as OpenAI's ``include_usage`` chunk is: summing usage over the chunks counts it once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llm_connector.codecs.contract import Frame
from llm_connector.codecs.hunyuan.parse import (
    finish_reasons,
    parse_usage,
    raise_error,
    response_object,
)
from llm_connector.codecs.json_readers import (
    arguments_text,
    load_frame_object,
    nonempty_str,
    opt_str,
)
from llm_connector.errors import IncompleteStreamError, StreamDecodeError
from llm_connector.types import (
    Delta,
    FunctionCallDelta,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
)


class HunyuanStreamDecoder:
    """Decodes Hunyuan chunks; complete when every choice that appeared has finished."""

    __slots__ = ("_created", "_finished", "_id", "_model", "_open", "_tool_slots", "_usage")

    def __init__(self) -> None:
        self._open: set[int] = set()
        self._finished: set[int] = set()
        # (choice index, tool call Id) -> tool call index
        self._tool_slots: dict[tuple[int, str], int] = {}
        # The latest running Usage, and the answer's id, model and time for the chunk that
        # reports it at the end.
        self._usage: Mapping[str, Any] | None = None
        self._id = ""
        self._model = ""
        self._created: int | None = None

    def feed(self, frame: Frame) -> list[StreamingResponse]:
        data = frame.data
        if not data.strip():
            return []
        obj = response_object(load_frame_object(frame))
        raise_error(obj, data)
        raw_choices = obj.get("Choices") or []
        if type(raw_choices) is not list:
            raise StreamDecodeError("chunk 'Choices' is not a list", frame=data)
        choices = tuple(self._choice(raw, n, data) for n, raw in enumerate(raw_choices))
        created = obj.get("Created")
        chunk = StreamingResponse(
            opt_str(obj.get("Id")) or "",
            opt_str(obj.get("Model")) or "",
            choices,
            None,
            created if type(created) is int else None,
        )
        usage = obj.get("Usage")
        if isinstance(usage, Mapping) and usage:  # what parse_usage() reads
            self._usage = usage
        self._id, self._model = chunk.id or self._id, chunk.model or self._model
        self._created = chunk.created if chunk.created is not None else self._created
        return [chunk]

    def _choice(self, raw: object, position: int, data: str) -> StreamChoice:
        if type(raw) is not dict:
            raise StreamDecodeError("chunk choice is not an object", frame=data)
        index = raw.get("Index")
        if type(index) is not int:
            index = position
        finish, native = finish_reasons(raw.get("FinishReason"))
        if finish:
            self._open.discard(index)
            self._finished.add(index)
        elif index not in self._finished:
            self._open.add(index)
        delta = raw.get("Delta") or {}
        if type(delta) is not dict:
            raise StreamDecodeError("chunk 'Delta' is not an object", frame=data)
        raw_calls = delta.get("ToolCalls")
        return StreamChoice(
            index,
            Delta(
                opt_str(delta.get("Role")),
                opt_str(delta.get("Content")),
                nonempty_str(delta.get("ReasoningContent")),
                self._tool_calls(index, raw_calls, data) if raw_calls else (),
            ),
            finish,
            native,
        )

    def _tool_calls(self, choice: int, raw_calls: object, data: str) -> tuple[ToolCallDelta, ...]:
        if type(raw_calls) is not list:
            raise StreamDecodeError("delta 'ToolCalls' is not a list", frame=data)
        calls = []
        for raw in raw_calls:
            if type(raw) is not dict:
                raise StreamDecodeError("tool call delta is not an object", frame=data)
            function: Any = raw.get("Function") or {}
            if type(function) is not dict:
                raise StreamDecodeError("tool call 'Function' is not an object", frame=data)
            call_id = nonempty_str(raw.get("Id"))
            calls.append(
                ToolCallDelta(
                    self._slot(choice, call_id, raw.get("Index")),
                    call_id,
                    FunctionCallDelta(
                        nonempty_str(function.get("Name")),
                        arguments_text(function.get("Arguments")),
                    ),
                    nonempty_str(raw.get("Type")),
                )
            )
        return tuple(calls)

    def _slot(self, choice: int, call_id: str | None, index: object) -> int:
        """The call's index: its ``Index``, else one per distinct ``Id`` in arrival order (a
        fragment without either belongs to the newest call)."""
        slots = self._tool_slots
        mine = [i for (c, _), i in slots.items() if c == choice]
        if type(index) is int:
            if call_id is not None:
                slots.setdefault((choice, call_id), index)
            return index
        if call_id is None:
            return max(mine) if mine else 0
        key = (choice, call_id)
        if key not in slots:
            slots[key] = max(mine) + 1 if mine else 0
        return slots[key]

    def close(self) -> list[StreamingResponse]:
        if self._finished and not self._open:
            usage = parse_usage(self._usage)
            if usage is None:
                return []
            return [StreamingResponse(self._id, self._model, (), usage, self._created)]
        raise IncompleteStreamError(
            "the stream ended before Hunyuan finished the answer (no FinishReason)"
        )
