"""The OpenAI chat-completions stream decoder (``data: {chunk}`` ... ``data: [DONE]``).

https://platform.openai.com/docs/api-reference/chat-streaming

This is the per-chunk hot path: one ``json.loads`` and a handful of slotted objects per
frame, nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llm_connector.codecs._base import (
    Frame,
    error_info_from_object,
    in_stream_error,
    load_frame_object,
)
from llm_connector.errors import IncompleteStreamError, StreamDecodeError
from llm_connector.types import (
    Delta,
    FunctionCallDelta,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
    Usage,
)

_NO_TOOL_CALLS: tuple[ToolCallDelta, ...] = ()


def parse_usage(raw: object) -> Usage | None:
    """OpenAI's usage object, with the cached and reasoning token details when present."""
    if not isinstance(raw, Mapping):
        return None
    prompt = raw.get("prompt_tokens") or 0
    completion = raw.get("completion_tokens") or 0
    total = raw.get("total_tokens") or prompt + completion
    prompt_details = raw.get("prompt_tokens_details")
    cached = prompt_details.get("cached_tokens") if isinstance(prompt_details, Mapping) else None
    if cached is None:
        # DeepSeek reports cache hits at top level:
        # https://api-docs.deepseek.com/api/create-chat-completion (usage.prompt_cache_hit_tokens)
        cached = raw.get("prompt_cache_hit_tokens")
    completion_details = raw.get("completion_tokens_details")
    reasoning = (
        completion_details.get("reasoning_tokens")
        if isinstance(completion_details, Mapping)
        else None
    )
    return Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=total,
        reasoning_tokens=reasoning,
        cached_tokens=cached,
    )


def content_text(value: object) -> str | None:
    """A message or delta ``content``: a string, or a list of typed parts whose text we join."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        texts = [p.get("text") for p in value if isinstance(p, Mapping) and p.get("type") == "text"]
        return "".join(t for t in texts if isinstance(t, str)) or None
    return None


def reasoning_text(delta: Mapping[str, Any]) -> str | None:
    """Reasoning text under either name servers use.

    ``reasoning_content``: DeepSeek, llama.cpp, vLLM (older), Moonshot, Zhipu
    (https://api-docs.deepseek.com/guides/reasoning_model); ``reasoning``: OpenRouter, Groq,
    vLLM (newer) (https://openrouter.ai/docs/use-cases/reasoning-tokens).
    """
    value = delta.get("reasoning_content") or delta.get("reasoning")
    return value if isinstance(value, str) and value else None


class OpenAIChatStreamDecoder:
    """Decodes chat-completion chunks; complete on ``[DONE]`` or when every choice finished."""

    __slots__ = ("_done", "_open_choices", "_seen_choice", "_tool_slots")

    def __init__(self) -> None:
        self._done = False
        self._seen_choice = False
        self._open_choices: set[int] = set()
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
            obj = load_frame_object(frame)
            raise in_stream_error(
                error_info_from_object(obj.get("error", obj), "stream error"), data
            )
        obj = load_frame_object(frame)
        error = obj.get("error")
        if error:
            # OpenRouter and others report a failure inside a 200 stream as a chunk with an
            # "error" object: https://openrouter.ai/docs/api-reference/streaming#stream-cancellation
            raise in_stream_error(error_info_from_object(error, "stream error"), data)
        raw_choices = obj.get("choices")
        choices: tuple[StreamChoice, ...] = ()
        if raw_choices:
            if not isinstance(raw_choices, list):
                raise StreamDecodeError("chunk 'choices' is not a list", frame=data)
            choices = tuple(self._choice(c, data) for c in raw_choices)
        usage = obj.get("usage")
        created = obj.get("created")
        return [
            StreamingResponse(
                obj.get("id") or "",
                obj.get("model") or "",
                choices,
                parse_usage(usage) if usage else None,
                created if type(created) is int else None,
                obj.get("system_fingerprint"),
            )
        ]

    def _choice(self, raw: object, data: str) -> StreamChoice:
        if not isinstance(raw, dict):
            raise StreamDecodeError("chunk choice is not an object", frame=data)
        index = raw.get("index", 0)
        if type(index) is not int:
            index = 0
        self._seen_choice = True
        finish_reason = raw.get("finish_reason")
        if finish_reason:
            self._open_choices.discard(index)
        else:
            self._open_choices.add(index)
        delta = raw.get("delta")
        if not delta:
            return StreamChoice(index, Delta(), finish_reason)
        raw_calls = delta.get("tool_calls")
        content = delta.get("content")
        return StreamChoice(
            index,
            Delta(
                delta.get("role"),
                content if content is None or type(content) is str else content_text(content),
                reasoning_text(delta),
                self._tool_calls(index, raw_calls, data) if raw_calls else _NO_TOOL_CALLS,
            ),
            finish_reason,
        )

    def _tool_calls(self, choice: int, raw_calls: object, data: str) -> tuple[ToolCallDelta, ...]:
        if not isinstance(raw_calls, list):
            raise StreamDecodeError("delta 'tool_calls' is not a list", frame=data)
        calls = []
        for position, raw in enumerate(raw_calls):
            if not isinstance(raw, dict):
                raise StreamDecodeError("tool call delta is not an object", frame=data)
            call_id = raw.get("id") or None
            index = raw.get("index")
            if type(index) is not int:
                index = self._slot(choice, call_id, position)
            elif call_id:
                self._tool_slots[(choice, call_id)] = index
            function = raw.get("function") or {}
            arguments = function.get("arguments")
            if arguments is not None and not isinstance(arguments, str):
                # Some servers send whole arguments as an object rather than JSON text.
                arguments = json.dumps(arguments, ensure_ascii=False)
            calls.append(
                ToolCallDelta(
                    index,
                    call_id,
                    FunctionCallDelta(function.get("name") or None, arguments or ""),
                    raw.get("type"),
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
            return []
        raise IncompleteStreamError(
            "the stream ended before the server finished the answer (no finish_reason, no [DONE])"
        )
