"""The ConverseStream decoder on written events: the cases no recording holds (redacted
reasoning, a tool call without input, an error message, events added later)."""

from __future__ import annotations

from typing import Any

import pytest

from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.bedrock.codec import BedrockCodec
from llm_connector.codecs.framing.eventstream import EventStreamReader
from llm_connector.errors import IncompleteStreamError, InternalServerError, StreamDecodeError
from llm_connector.types import ChatResponse
from tests.support.bedrock_eventstream import event, message


def decode(*messages: bytes) -> ChatResponse:
    core = StreamCore(BedrockCodec())
    reader = EventStreamReader()
    for frame in reader.feed(b"".join(messages)) + reader.close():
        core.feed(frame)
    core.finish()
    return core.final_response()


def delta(index: int, value: dict[str, Any]) -> bytes:
    return event("contentBlockDelta", {"contentBlockIndex": index, "delta": value})


START = event("messageStart", {"role": "assistant"})
STOP = event("messageStop", {"stopReason": "end_turn"})


def test_redacted_reasoning_is_kept_to_send_back() -> None:
    answer = decode(
        START,
        delta(0, {"reasoningContent": {"redactedContent": "ZW5jcnlwdGVk"}}),
        delta(1, {"text": "Done."}),
        STOP,
    )
    assert answer.message is not None
    (block,) = answer.message.reasoning_blocks
    assert block.redacted == "ZW5jcnlwdGVk"
    assert answer.content == "Done."


def test_a_tool_call_without_input_has_empty_arguments() -> None:
    start = {"toolUse": {"toolUseId": "tooluse_1", "name": "now"}}
    answer = decode(
        START,
        event("contentBlockStart", {"contentBlockIndex": 0, "start": start}),
        delta(0, {"toolUse": {"input": ""}}),
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("messageStop", {"stopReason": "tool_use"}),
    )
    (call,) = answer.tool_calls
    assert (call.id, call.function.name, call.function.arguments) == ("tooluse_1", "now", "{}")
    assert answer.finish_reason == "tool_calls"


def test_unknown_events_and_deltas_are_skipped() -> None:
    answer = decode(
        START,
        event("somethingNew", {"x": 1}),
        delta(0, {"citation": {"title": "doc"}}),
        delta(0, {"text": "Hi"}),
        event("messageStop", {"stopReason": "malformed_model_output"}),
    )
    assert answer.content == "Hi"
    # A stop reason without an OpenAI word is passed on as it is.
    assert (answer.finish_reason, answer.choices[0].native_finish_reason) == (
        "malformed_model_output",
        "malformed_model_output",
    )


def test_an_error_message() -> None:
    error = message(
        {":message-type": "error", ":error-code": "InternalFailure", ":error-message": "boom"}, b""
    )
    with pytest.raises(InternalServerError, match="boom"):
        decode(START, error)


def test_a_stream_without_message_stop_is_incomplete() -> None:
    with pytest.raises(IncompleteStreamError):
        decode(START, delta(0, {"text": "Hi"}))


def test_a_delta_that_is_not_an_object() -> None:
    bad = event("contentBlockDelta", {"contentBlockIndex": 0, "delta": "text"})
    with pytest.raises(StreamDecodeError):
        decode(START, bad)
