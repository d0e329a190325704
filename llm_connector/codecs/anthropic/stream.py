"""The Anthropic Messages stream decoder.

https://platform.claude.com/docs/en/build-with-claude/streaming

A stream is ``message_start``; for each content block ``content_block_start``, its
``content_block_delta`` events and ``content_block_stop``; one or more ``message_delta``
(stop reason, cumulative usage); ``message_stop``. ``ping`` and ``error`` events may come
anywhere. What each event becomes (always choice 0):

- ``message_start``: a chunk with ``role="assistant"`` (and the message id and model, which
  every later chunk repeats).
- ``text_delta``: ``content``; ``thinking_delta``: ``reasoning_content``; ``signature_delta``:
  ``reasoning_signature`` (closing the thinking block, see ``types/_accumulate.py``); a
  ``redacted_thinking`` block: ``redacted_reasoning``. Empty text adds no chunk.
- a ``tool_use`` block: a tool-call delta with its id and name at its start, each non-empty
  ``input_json_delta`` an arguments fragment. Tool-call indexes count tool calls (0, 1, ...),
  not content blocks. A block whose fragments were all empty gets its ``input`` from the
  start event (``{}`` if none) as one fragment at its stop, so arguments are always JSON.
- ``message_delta`` with a stop reason: a chunk with ``finish_reason`` in OpenAI's words and
  the raw reason in ``native_finish_reason``.
- ``message_stop``: the usage, once, on a chunk without choices (as OpenAI's
  ``include_usage`` chunk). Anthropic repeats cumulative usage in every ``message_delta``;
  reporting it once means a caller who sums usage over chunks does not over-count.

Server tool blocks (``server_tool_use``, ``web_search_tool_result``, ...), ``citations_delta``
and unknown events and block types have no neutral form; they are skipped, never fatal. A
``server_tool_use`` is not a tool call: the server runs it, the caller must not.
"""

from __future__ import annotations

import json
from typing import Any

from llm_connector.codecs.anthropic.parse import (
    error_info,
    finish_reason,
    parse_usage,
    tool_input_json,
)
from llm_connector.codecs.contract import Frame
from llm_connector.codecs.error_bodies import in_stream_error
from llm_connector.codecs.json_readers import (
    frame_object,
    nonempty_str,
    opt_str,
    scan_once,
    token_count,
)
from llm_connector.errors import IncompleteStreamError, StreamDecodeError
from llm_connector.types import (
    Delta,
    FunctionCallDelta,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
)
from llm_connector.types._fast import new_choice, new_chunk, new_delta


class _ToolBlock:
    """A ``tool_use`` block in progress."""

    __slots__ = ("has_arguments", "index", "start_input")

    def __init__(self, index: int, start_input: object) -> None:
        self.index = index
        self.start_input = start_input
        self.has_arguments = False


# What an open content block is, by its index: a tool call in progress, or the block type.
_Block = _ToolBlock | str


class AnthropicStreamDecoder:
    """Decodes Messages API events; complete on ``message_stop``."""

    __slots__ = ("_blocks", "_done", "_id", "_model", "_tools", "_usage")

    def __init__(self) -> None:
        self._id = ""
        self._model = ""
        self._done = False
        self._blocks: dict[int, _Block] = {}
        self._tools = 0  # tool calls started so far: the next one's index
        # The latest value of each usage field: message_start's, updated by message_delta.
        self._usage: dict[str, Any] = {}

    def feed(self, frame: Frame) -> list[StreamingResponse]:
        data = frame.data
        if not data or data == "[DONE]":
            # No data: a keep-alive. "[DONE]" is OpenAI's terminator, which relays that
            # translate OpenAI streams into Anthropic events may leave in; it ends nothing here.
            return []
        if frame.event == "error":
            raise self._error_event(data)
        try:  # frame_object(frame), inline: this runs for every event
            obj, end = scan_once(data, 0)
            if end != len(data) or type(obj) is not dict:
                obj = frame_object(frame)
        except (StopIteration, ValueError, RecursionError):
            obj = frame_object(frame)
        kind = obj.get("type")
        if kind == "error":
            raise in_stream_error(error_info(obj, data[:300]), data)
        if type(kind) is not str:
            kind = frame.event
        if kind == "content_block_delta":
            return self._delta(obj, data)
        if kind == "content_block_start":
            return self._block_start(obj, data)
        if kind == "content_block_stop":
            return self._block_stop(obj)
        if kind == "message_start":
            return self._message_start(obj, data)
        if kind == "message_delta":
            return self._message_delta(obj, data)
        if kind == "message_stop":
            self._done = True
            if not self._usage:
                return []
            return [StreamingResponse(self._id, self._model, (), parse_usage(self._usage))]
        return []  # ping, and event types added later: ignored, as the docs ask

    @staticmethod
    def _error_event(data: str) -> Exception:
        """An ``event: error``: Anthropic's error object (an ``overloaded_error`` is an
        ``OverloadedError``), llama.cpp's OpenAI-shaped one, or plain text.
        https://platform.claude.com/docs/en/build-with-claude/streaming#error-events"""
        try:
            value: object = json.loads(data)
        except (ValueError, RecursionError):
            value = data
        return in_stream_error(error_info(value, data[:300]), data)

    def close(self) -> list[StreamingResponse]:
        if self._done:
            return []
        raise IncompleteStreamError(
            "the stream ended before the server finished the message (no message_stop)"
        )

    # -- events ---------------------------------------------------------------------------

    def _chunk(self, delta: Delta) -> list[StreamingResponse]:
        return [new_chunk(self._id, self._model, (new_choice(0, delta),))]

    def _message_start(self, obj: dict[str, Any], data: str) -> list[StreamingResponse]:
        message = _container(obj, "message", data)
        if message is None:
            return []
        self._id = opt_str(message.get("id")) or self._id
        self._model = opt_str(message.get("model")) or self._model
        self._add_usage(message.get("usage"))
        return self._chunk(Delta(role="assistant"))

    def _message_delta(self, obj: dict[str, Any], data: str) -> list[StreamingResponse]:
        self._add_usage(obj.get("usage"))
        delta = _container(obj, "delta", data)
        stop = nonempty_str(delta.get("stop_reason")) if delta is not None else None
        if stop is None:
            return []
        choice = StreamChoice(0, Delta(), finish_reason(stop), stop)
        return [StreamingResponse(self._id, self._model, (choice,))]

    def _add_usage(self, usage: object) -> None:
        # Counts are cumulative: a later report of a field replaces the earlier one (a
        # value of the wrong type is no report).
        if type(usage) is dict:
            self._usage.update(
                (k, v) for k, v in usage.items() if token_count(v) is not None or type(v) is dict
            )

    def _block_start(self, obj: dict[str, Any], data: str) -> list[StreamingResponse]:
        block = _container(obj, "content_block", data)
        if block is None:
            return []
        index = obj.get("index")
        kind = block.get("type")
        kind = kind if type(kind) is str else ""
        if kind == "tool_use":
            tool = _ToolBlock(self._tools, block.get("input"))
            self._tools += 1
            if type(index) is int:
                self._blocks[index] = tool
            call = ToolCallDelta(
                tool.index,
                nonempty_str(block.get("id")),
                FunctionCallDelta(nonempty_str(block.get("name"))),
                "function",
            )
            return self._chunk(Delta(tool_calls=(call,)))
        if type(index) is int:
            self._blocks[index] = kind
        # A start event usually carries empty placeholders; what it does carry counts.
        if kind == "text" and (text := nonempty_str(block.get("text"))):
            return self._chunk(Delta(content=text))
        if kind == "thinking" and (thinking := nonempty_str(block.get("thinking"))):
            return self._chunk(Delta(reasoning_content=thinking))
        if kind == "redacted_thinking":
            # The encrypted reasoning, passed back verbatim on the next turn:
            # https://platform.claude.com/docs/en/build-with-claude/extended-thinking#thinking-redaction
            return self._chunk(Delta(redacted_reasoning=opt_str(block.get("data")) or ""))
        return []

    def _block_stop(self, obj: dict[str, Any]) -> list[StreamingResponse]:
        index = obj.get("index")
        block = self._blocks.pop(index, None) if type(index) is int else None
        if not isinstance(block, _ToolBlock) or block.has_arguments:
            return []
        arguments = tool_input_json(block.start_input)
        call = ToolCallDelta(block.index, function=FunctionCallDelta(arguments=arguments))
        return self._chunk(Delta(tool_calls=(call,)))

    def _delta(self, obj: dict[str, Any], data: str) -> list[StreamingResponse]:
        delta = obj.get("delta")
        if type(delta) is not dict:
            _container(obj, "delta", data)  # raises unless the delta is absent
            return []
        kind = delta.get("type")
        if kind == "text_delta":
            text = delta.get("text")
            if type(text) is not str or not text:
                return []
            return [new_chunk(self._id, self._model, (new_choice(0, new_delta(None, text)),))]
        if kind == "thinking_delta":
            thinking = nonempty_str(delta.get("thinking"))
            return self._chunk(new_delta(None, None, thinking)) if thinking else []
        if kind == "signature_delta":
            signature = opt_str(delta.get("signature"))
            return [] if signature is None else self._chunk(Delta(reasoning_signature=signature))
        if kind == "input_json_delta":
            index = obj.get("index")
            block = self._blocks.get(index) if type(index) is int else None
            fragment = nonempty_str(delta.get("partial_json"))
            # Fragments of server tool blocks (server_tool_use) are not the caller's to run.
            if not isinstance(block, _ToolBlock) or fragment is None:
                return []
            block.has_arguments = True
            call = ToolCallDelta(block.index, function=FunctionCallDelta(arguments=fragment))
            return self._chunk(Delta(tool_calls=(call,)))
        return []  # citations_delta and delta types added later


def _container(obj: dict[str, Any], key: str, data: str) -> dict[str, Any] | None:
    """An event's object field: None when absent, an error when it is not an object."""
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is not dict:
        raise StreamDecodeError(f"event {key!r} is not an object", frame=data)
    return value
