"""The ConverseStream decoder: event stream messages in, chunks out (pure).

https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
A stream is ``messageStart``; for each content block, ``contentBlockStart`` (tool use only:
text blocks may start with their first delta), its ``contentBlockDelta`` events and
``contentBlockStop``; ``messageStop`` (the stop reason); ``metadata`` (usage, metrics).
What each event becomes (always choice 0; Converse gives no id or model name):

- ``messageStart``: a chunk with ``role="assistant"``.
- a ``text`` delta: ``content`` (an empty one adds nothing); ``reasoningContent`` deltas:
  ``text`` as ``reasoning_content``, ``signature`` as ``reasoning_signature`` (closing the
  reasoning block, as Anthropic's ``signature_delta``), ``redactedContent`` as
  ``redacted_reasoning``.
- a ``toolUse`` block: a tool-call delta with its id and name at its start, each non-empty
  ``input`` delta an arguments fragment; a block whose input never came gets ``{}`` at its
  stop. Tool-call indexes count tool calls (0, 1, ...), not content blocks. A block of
  ``type`` ``server_tool_use`` is Bedrock's own (a system tool such as Nova's code
  interpreter) and, with its ``toolResult`` block, is not the caller's: skipped.
- ``messageStop``: a chunk with ``finish_reason`` in OpenAI's words and the native one.
- ``metadata``: the usage, once, on a chunk without choices.

An exception message (``:message-type`` exception) raises the typed error its name stands
for (``throttlingException``: RateLimitError, ``validationException``: BadRequestError,
...; parse.ERROR_STATUS); the driver retries the retryable ones while no content has been
handed out. Citations, unknown events and block types are skipped, never fatal.
"""

from __future__ import annotations

from typing import Any

from llm_connector.codecs.bedrock.parse import (
    exception_info,
    finish_reasons,
    parse_usage,
)
from llm_connector.codecs.contract import ErrorInfo, Frame
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
from llm_connector.types._fast import new_choice, new_chunk, new_delta


class _ToolBlock:
    """A ``toolUse`` block in progress: its tool-call index, and whether input came."""

    __slots__ = ("has_arguments", "index")

    def __init__(self, index: int) -> None:
        self.index = index
        self.has_arguments = False


# Skipped blocks (server tool use and its result), by content block index.
_SERVER = "server"


class BedrockStreamDecoder:
    """Decodes ConverseStream events; complete on ``messageStop``."""

    __slots__ = ("_blocks", "_done", "_tools")

    def __init__(self) -> None:
        self._done = False
        self._blocks: dict[int, _ToolBlock | str] = {}
        self._tools = 0  # tool calls started so far: the next one's index

    def feed(self, frame: Frame) -> list[StreamingResponse]:
        data = frame.data
        kind = getattr(frame, "message_type", "event")
        if kind == "exception":
            raise in_stream_error(exception_info(frame.event, data), data)
        if kind == "error":
            headers = getattr(frame, "headers", {})
            message = opt_str(headers.get(":error-message")) or frame.event or "Bedrock error"
            raise in_stream_error(ErrorInfo(message, error_type=frame.event or None), data)
        if not data:
            return []
        obj = load_frame_object(frame)
        event = frame.event
        if event == "contentBlockDelta":
            return self._delta(obj, data)
        if event == "contentBlockStart":
            return self._block_start(obj, data)
        if event == "contentBlockStop":
            return self._block_stop(obj)
        if event == "messageStart":
            return self._chunk(Delta(role=opt_str(obj.get("role")) or "assistant"))
        if event == "messageStop":
            self._done = True
            finish, native = finish_reasons(obj.get("stopReason"))
            if finish is None:
                return []
            return [StreamingResponse("", "", (StreamChoice(0, Delta(), finish, native),))]
        if event == "metadata":
            usage = parse_usage(obj.get("usage"))
            return [] if usage is None else [StreamingResponse("", "", (), usage)]
        return []  # events added later: ignored

    def close(self) -> list[StreamingResponse]:
        if self._done:
            return []
        raise IncompleteStreamError(
            "the stream ended before Bedrock finished the message (no messageStop)"
        )

    def _chunk(self, delta: Delta) -> list[StreamingResponse]:
        return [new_chunk("", "", (new_choice(0, delta),))]

    def _block_start(self, obj: dict[str, Any], data: str) -> list[StreamingResponse]:
        index = obj.get("contentBlockIndex")
        start = _container(obj, "start", data) or {}
        use = start.get("toolUse")
        if type(use) is dict and use.get("type") != "server_tool_use":
            tool = _ToolBlock(self._tools)
            self._tools += 1
            if type(index) is int:
                self._blocks[index] = tool
            call = ToolCallDelta(
                tool.index,
                nonempty_str(use.get("toolUseId")),
                FunctionCallDelta(nonempty_str(use.get("name"))),
                "function",
            )
            return self._chunk(Delta(tool_calls=(call,)))
        if type(index) is int and (type(use) is dict or "toolResult" in start):
            self._blocks[index] = _SERVER
        return []

    def _block_stop(self, obj: dict[str, Any]) -> list[StreamingResponse]:
        index = obj.get("contentBlockIndex")
        block = self._blocks.pop(index, None) if type(index) is int else None
        if not isinstance(block, _ToolBlock) or block.has_arguments:
            return []
        call = ToolCallDelta(block.index, function=FunctionCallDelta(arguments="{}"))
        return self._chunk(Delta(tool_calls=(call,)))

    def _delta(self, obj: dict[str, Any], data: str) -> list[StreamingResponse]:
        delta = _container(obj, "delta", data)
        if delta is None:
            return []
        text = delta.get("text")
        if type(text) is str:
            return self._chunk(new_delta(None, text)) if text else []
        index = obj.get("contentBlockIndex")
        block = self._blocks.get(index) if type(index) is int else None
        if block == _SERVER:
            return []
        use = delta.get("toolUse")
        if type(use) is dict:
            fragment = nonempty_str(use.get("input"))
            if not isinstance(block, _ToolBlock) or fragment is None:
                return []
            block.has_arguments = True
            call = ToolCallDelta(block.index, function=FunctionCallDelta(arguments=fragment))
            return self._chunk(Delta(tool_calls=(call,)))
        reasoning = delta.get("reasoningContent")
        if type(reasoning) is dict:
            if thought := nonempty_str(reasoning.get("text")):
                return self._chunk(new_delta(None, None, thought))
            if (signature := nonempty_str(reasoning.get("signature"))) is not None:
                return self._chunk(Delta(reasoning_signature=signature))
            if (redacted := opt_str(reasoning.get("redactedContent"))) is not None:
                return self._chunk(Delta(redacted_reasoning=redacted))
        return []  # citation, toolResult, image and delta types added later


def _container(obj: dict[str, Any], key: str, data: str) -> dict[str, Any] | None:
    """An event's object field: None when absent, an error when it is not an object."""
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is not dict:
        raise StreamDecodeError(f"event {key!r} is not an object", frame=data)
    return value
