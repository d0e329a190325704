"""The OpenAI chat-completions stream decoder (``data: {chunk}`` ... ``data: [DONE]``).

https://platform.openai.com/docs/api-reference/chat-streaming

This is the per-chunk hot path: one JSON parse and three slotted objects per frame, the
field checks inline (a function call costs as much as the check it would wrap); see
docs/performance.md.
"""

from __future__ import annotations

import json

from llm_connector.codecs.contract import Frame
from llm_connector.codecs.error_bodies import in_stream_error, provider_error_info
from llm_connector.codecs.json_readers import (
    arguments_text,
    frame_object,
    nonempty_str,
    opt_str,
    scan_once,
)
from llm_connector.codecs.openai_chat.parse import content_parts, parse_usage, reasoning_text
from llm_connector.codecs.think_tags import ThinkTagRewriter
from llm_connector.errors import IncompleteStreamError, StreamDecodeError
from llm_connector.types import (
    FunctionCallDelta,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
)
from llm_connector.types._fast import EMPTY_DELTA, new_choice, new_chunk, new_delta

_NO_TOOL_CALLS: tuple[ToolCallDelta, ...] = ()


class OpenAIChatStreamDecoder:
    """Decodes chat-completion chunks; complete on ``[DONE]`` or when every choice finished.

    Servers that omit ``[DONE]`` end properly once every choice that appeared has had its
    ``finish_reason``. A choice never reopens once finished: an OpenAI-compatible relay was
    recorded resending ``{"index": 0, "delta": {}}`` with the usage after the finish chunk
    (tests/data/openai-compat/openai-via-relay-parallel-tool-calls.sse).

    With ``think_tags`` (a dialect setting), ``<think>...</think>`` at the start of a
    choice's text is moved to its reasoning (think_tags.py); off, no chunk is touched.
    """

    __slots__ = (
        "_choice_usage",
        "_done",
        "_finished_choices",
        "_open_choices",
        "_refused",
        "_seen_choice",
        "_think",
        "_tool_slots",
    )

    def __init__(self, *, think_tags: bool = False, implicit_open: bool = False) -> None:
        self._think = ThinkTagRewriter(implicit_open=implicit_open) if think_tags else None
        self._done = False
        self._choice_usage: object = None
        self._seen_choice = False
        self._open_choices: set[int] = set()
        self._finished_choices: set[int] = set()
        # The choices whose answer is a refusal (structured outputs): their text is the
        # refusal, and their finish says so (native "refusal"), as a whole answer's does.
        # https://platform.openai.com/docs/guides/structured-outputs#refusals
        self._refused: set[int] = set()
        # (choice index, tool call id) -> tool call index, for servers that omit "index".
        self._tool_slots: dict[tuple[int, str], int] = {}

    def feed(self, frame: Frame) -> list[StreamingResponse]:
        data = frame.data
        if data == "[DONE]":
            self._done = True
            return []
        if not data:
            return []  # keep-alive events without data
        if frame.event == "error":
            raise self._error_event(frame)
        try:  # frame_object(frame), inline
            obj, end = scan_once(data, 0)
            if end != len(data) or type(obj) is not dict:
                obj = frame_object(frame)
        except (StopIteration, ValueError, RecursionError):
            obj = frame_object(frame)
        error = obj.get("error")
        if error:
            # OpenRouter and others report a failure inside a 200 stream as a chunk with an
            # "error" object: https://openrouter.ai/docs/api-reference/streaming#stream-cancellation
            raise in_stream_error(provider_error_info(error, "stream error"), data)
        raw_choices = obj.get("choices")
        choices: tuple[StreamChoice, ...] = ()
        if raw_choices:
            if type(raw_choices) is not list:
                raise StreamDecodeError("chunk 'choices' is not a list", frame=data)
            if len(raw_choices) == 1:  # the usual chunk: no generator for one choice
                raw = raw_choices[0]
                # The most usual choice: more text of an open choice and nothing else,
                # built here as _choice() would build it, 0.15 us sooner.
                if (
                    type(raw) is dict
                    and type(delta := raw.get("delta")) is dict
                    and len(delta) == 1
                    and type(content := delta.get("content")) is str
                    and not raw.get("finish_reason")
                    and not raw.get("native_finish_reason")
                    and type(index := raw.get("index", 0)) is int
                    and index in self._open_choices
                ):
                    choices = (new_choice(index, new_delta(None, content)),)
                else:
                    choices = (self._choice(raw, data),)
            else:
                choices = tuple([self._choice(c, data) for c in raw_choices])
        usage = obj.get("usage")
        if self._choice_usage is not None:
            usage = usage or self._choice_usage
            self._choice_usage = None
        # The type checks of opt_str(), inline: this runs for every chunk.
        chunk_id = obj.get("id")
        model = obj.get("model")
        created = obj.get("created")
        fingerprint = obj.get("system_fingerprint")
        chunk = new_chunk(
            chunk_id if type(chunk_id) is str else "",
            model if type(model) is str else "",
            choices,
            parse_usage(usage) if usage else None,
            created if type(created) is int else None,
            fingerprint if type(fingerprint) is str else None,
        )
        return [chunk if self._think is None else self._think.rewrite(chunk)]

    @staticmethod
    def _error_event(frame: Frame) -> Exception:
        """An ``event: error`` frame (vLLM, llama.cpp): its JSON error object, or its text."""
        try:
            value: object = json.loads(frame.data)
        except (ValueError, RecursionError):
            value = frame.data
        if isinstance(value, dict):
            value = value.get("error", value)
        return in_stream_error(provider_error_info(value, frame.data[:300]), frame.data)

    def _choice(self, raw: object, data: str) -> StreamChoice:
        if type(raw) is not dict:
            raise StreamDecodeError("chunk choice is not an object", frame=data)
        index = raw.get("index", 0)
        if type(index) is not int:
            index = 0
        self._seen_choice = True
        finish_reason = raw.get("finish_reason")
        if type(finish_reason) is not str or not finish_reason:
            finish_reason = None
            if index not in self._open_choices and index not in self._finished_choices:
                self._open_choices.add(index)
        else:
            self._open_choices.discard(index)
            self._finished_choices.add(index)
            # Moonshot puts the usage of a stream into its finishing choice:
            # https://platform.moonshot.ai/docs/api/chat (choices[0].usage)
            self._choice_usage = raw.get("usage") or None
        # OpenRouter adds the upstream provider's own reason:
        # https://openrouter.ai/docs/api-reference/overview#finish-reason
        native = raw.get("native_finish_reason")
        if type(native) is not str or not native:
            native = None
            if finish_reason is not None and index in self._refused:
                native = "refusal"
        delta = raw.get("delta")
        if not delta:
            return new_choice(index, EMPTY_DELTA, finish_reason, native)
        if type(delta) is not dict:
            raise StreamDecodeError("chunk 'delta' is not an object", frame=data)
        content = delta.get("content")
        if len(delta) == 1 and type(content) is str:  # the usual delta: text, nothing else
            return new_choice(index, new_delta(None, content), finish_reason, native)
        role = delta.get("role")
        # Most other deltas hold the text and the role, nothing else: only a delta with
        # more keys is searched for reasoning and tool calls.
        if len(delta) == ("role" in delta) + ("content" in delta):
            reasoning = None
            raw_calls = None
        else:
            reasoning = reasoning_text(delta)
            raw_calls = delta.get("tool_calls")
            refusal = delta.get("refusal")
            if type(refusal) is str and refusal and not content:
                content = refusal
                self._refused.add(index)
        if content is not None and type(content) is not str:
            # Typed parts (Mistral): their thinking is reasoning, never answer text.
            content, thinking = content_parts(content)
            if thinking:
                reasoning = (reasoning or "") + thinking
        return new_choice(
            index,
            new_delta(
                role if type(role) is str else None,
                content,
                reasoning,
                self._tool_calls(index, raw_calls, data) if raw_calls else _NO_TOOL_CALLS,
            ),
            finish_reason,
            native,
        )

    def _tool_calls(self, choice: int, raw_calls: object, data: str) -> tuple[ToolCallDelta, ...]:
        if type(raw_calls) is not list:
            raise StreamDecodeError("delta 'tool_calls' is not a list", frame=data)
        calls = []
        for position, raw in enumerate(raw_calls):
            if type(raw) is not dict:
                raise StreamDecodeError("tool call delta is not an object", frame=data)
            call_id = nonempty_str(raw.get("id"))
            index = raw.get("index")
            if type(index) is not int:
                index = self._slot(choice, call_id, position)
            elif call_id:
                self._tool_slots[(choice, call_id)] = index
            function = raw.get("function") or {}
            if type(function) is not dict:
                raise StreamDecodeError("tool call 'function' is not an object", frame=data)
            calls.append(
                ToolCallDelta(
                    index,
                    call_id,
                    FunctionCallDelta(
                        nonempty_str(function.get("name")),
                        arguments_text(function.get("arguments")),
                    ),
                    opt_str(raw.get("type")),
                )
            )
        return tuple(calls)

    def _slot(self, choice: int, call_id: str | None, position: int) -> int:
        """An index for a server that omits it: one per distinct call id, in arrival order."""
        slots = self._tool_slots
        if call_id is None:
            # A continuation fragment: it belongs to the newest call of this choice.
            mine = [i for (c, _), i in slots.items() if c == choice]
            return max(mine) if mine else position
        key = (choice, call_id)
        if key not in slots:
            slots[key] = sum(1 for c, _ in slots if c == choice)
        return slots[key]

    def close(self) -> list[StreamingResponse]:
        if self._done or (self._seen_choice and not self._open_choices):
            return [] if self._think is None else self._think.flush()
        raise IncompleteStreamError(
            "the stream ended before the server finished the answer (no finish_reason, no [DONE])"
        )
