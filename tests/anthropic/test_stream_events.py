"""The Anthropic stream decoder on the event shapes the recorded corpus lacks: usage
arithmetic, stop reasons, redacted and interleaved thinking, server tools and citations,
unknown events, llama.cpp's quirks, error events, and malformed frames.

https://platform.claude.com/docs/en/build-with-claude/streaming
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_connector import errors
from llm_connector.codecs.anthropic.stream import AnthropicStreamDecoder
from llm_connector.codecs.contract import SSEFrame
from llm_connector.types import (
    Delta,
    FunctionCallDelta,
    ReasoningBlock,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
    Usage,
)
from tests.support.anthropic_streams import feed_all, run_core, to_frames

# -- event shapes the corpus lacks ------------------------------------------------------------

START = {
    "type": "message_start",
    "message": {
        "id": "msg_1",
        "model": "claude-x",
        "content": [],
        "usage": {
            "input_tokens": 10,
            "cache_read_input_tokens": 100,
            "cache_creation_input_tokens": 5,
            "output_tokens": 1,
        },
    },
}
STOP = {"type": "message_stop"}


def block_start(index: int, block: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": block}


def block_delta(index: int, delta: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": delta}


def block_stop(index: int) -> dict[str, Any]:
    return {"type": "content_block_stop", "index": index}


def message_delta(stop: str | None, **usage: int) -> dict[str, Any]:
    return {"type": "message_delta", "delta": {"stop_reason": stop}, "usage": usage}


def chunk(delta: Delta, finish: str | None = None, native: str | None = None) -> StreamingResponse:
    return StreamingResponse("msg_1", "claude-x", (StreamChoice(0, delta, finish, native),))


def call(
    index: int,
    arguments: str = "",
    id: str | None = None,
    name: str | None = None,
    kind: str | None = None,
) -> Delta:
    """A tool-call delta; a call's first one (with an id) has the type "function"."""
    kind = kind or ("function" if id else None)
    return Delta(tool_calls=(ToolCallDelta(index, id, FunctionCallDelta(name, arguments), kind),))


def test_usage_counts_cache_reads_and_writes_as_input_once() -> None:
    out = feed_all(START, message_delta("end_turn", output_tokens=7), STOP)
    assert out[-1] == StreamingResponse(
        "msg_1",
        "claude-x",
        (),
        Usage(
            prompt_tokens=115,
            completion_tokens=7,
            total_tokens=122,
            cached_tokens=100,
            cache_creation_tokens=5,
        ),
    )


def test_repeated_message_deltas_report_usage_once_with_the_last_counts() -> None:
    # "One or more message_delta events"; their usage is cumulative.
    out = feed_all(
        START,
        message_delta(None, output_tokens=3),
        message_delta("max_tokens", output_tokens=9, input_tokens=12),
        STOP,
    )
    assert out == [
        chunk(Delta(role="assistant")),
        chunk(Delta(), "length", "max_tokens"),
        StreamingResponse("msg_1", "claude-x", (), Usage(117, 9, 126, None, 100, 5)),
    ]


def test_thinking_tokens_are_reasoning_tokens() -> None:
    usage = {"output_tokens": 50, "output_tokens_details": {"thinking_tokens": 30}}
    out = feed_all(START, {"type": "message_delta", "delta": {}, "usage": usage}, STOP)
    assert out[-1].usage is not None and out[-1].usage.reasoning_tokens == 30


@pytest.mark.parametrize(
    ("stop", "finish"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("model_context_window_exceeded", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
        ("pause_turn", "pause_turn"),
        ("a_reason_from_the_future", "a_reason_from_the_future"),
    ],
)
def test_stop_reasons_in_openai_words_with_the_raw_one_kept(stop: str, finish: str) -> None:
    # https://platform.claude.com/docs/en/api/handling-stop-reasons
    out = feed_all(START, message_delta(stop, output_tokens=1), STOP)
    assert out[1] == chunk(Delta(), finish, stop)


def test_redacted_thinking_and_interleaved_thinking_blocks() -> None:
    events = (
        START,
        block_start(0, {"type": "thinking", "thinking": "", "signature": ""}),
        block_delta(0, {"type": "thinking_delta", "thinking": "Let me "}),
        block_delta(0, {"type": "thinking_delta", "thinking": "think."}),
        block_delta(0, {"type": "signature_delta", "signature": "sig-A"}),
        block_stop(0),
        block_start(1, {"type": "redacted_thinking", "data": "ENCRYPTED"}),
        block_stop(1),
        block_start(2, {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}),
        block_delta(2, {"type": "input_json_delta", "partial_json": '{"a":'}),
        block_delta(2, {"type": "input_json_delta", "partial_json": " 1}"}),
        block_stop(2),
        message_delta("tool_use", output_tokens=20),
        STOP,
    )
    out, answer, error = run_core(to_frames(*events))
    assert error is None and answer is not None
    assert out[1:-2] == [
        chunk(Delta(reasoning_content="Let me ")),
        chunk(Delta(reasoning_content="think.")),
        chunk(Delta(reasoning_signature="sig-A")),
        chunk(Delta(redacted_reasoning="ENCRYPTED")),
        chunk(call(0, "", "toolu_1", "f")),
        chunk(call(0, '{"a":')),
        chunk(call(0, " 1}")),
    ]
    message = answer.message
    assert message is not None
    assert message.reasoning_blocks == (
        ReasoningBlock("Let me think.", "sig-A"),
        ReasoningBlock(redacted="ENCRYPTED"),
    )
    assert [(c.id, c.arguments) for c in message.tool_calls] == [("toolu_1", '{"a": 1}')]


def test_tool_call_indexes_count_tool_calls_not_blocks_and_skip_server_tools() -> None:
    out = feed_all(
        START,
        block_start(0, {"type": "text", "text": ""}),
        block_delta(0, {"type": "text_delta", "text": "Searching."}),
        block_stop(0),
        block_start(1, {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search"}),
        block_delta(1, {"type": "input_json_delta", "partial_json": '{"query": "x"}'}),
        block_stop(1),
        block_start(2, {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1"}),
        block_stop(2),
        block_start(3, {"type": "text", "text": ""}),
        block_delta(
            3, {"type": "citations_delta", "citation": {"type": "web_search_result_location"}}
        ),
        block_delta(3, {"type": "text_delta", "text": " Found."}),
        block_stop(3),
        block_start(4, {"type": "tool_use", "id": "toolu_a", "name": "f", "input": {}}),
        block_stop(4),
        block_start(5, {"type": "tool_use", "id": "toolu_b", "name": "g", "input": {"k": "v"}}),
        block_stop(5),
        message_delta("tool_use", output_tokens=5),
        STOP,
    )
    assert out[1:-2] == [
        chunk(Delta(content="Searching.")),
        chunk(Delta(content=" Found.")),
        chunk(call(0, "", "toolu_a", "f")),
        chunk(call(0, "{}")),
        chunk(call(1, "", "toolu_b", "g")),
        # A start event's input is the arguments when no fragment follows.
        chunk(call(1, '{"k":"v"}')),
    ]


def test_unknown_events_and_block_and_delta_types_are_ignored() -> None:
    out = feed_all(
        START,
        {"type": "ping"},
        {"type": "a_future_event", "x": 1},
        block_start(0, {"type": "a_future_block", "data": 1}),
        block_delta(0, {"type": "a_future_delta", "x": 2}),
        block_stop(0),
        ("message", ""),  # a keep-alive without data
        message_delta("end_turn", output_tokens=1),
        STOP,
    )
    assert len(out) == 3


def test_llama_cpp_quirks() -> None:
    # Recorded from llama.cpp's /v1/messages (see ../shared/e2e/README.md): the thinking
    # block's signature "" comes after the text block opened; tool_use has no "input".
    out = feed_all(
        START,
        block_start(0, {"type": "thinking", "thinking": ""}),
        block_delta(0, {"type": "thinking_delta", "thinking": "Hm."}),
        block_start(1, {"type": "text", "text": ""}),
        block_delta(1, {"type": "text_delta", "text": "Hi."}),
        block_delta(0, {"type": "signature_delta", "signature": ""}),
        block_stop(0),
        block_stop(1),
        block_start(2, {"type": "tool_use", "id": "abc", "name": "f"}),
        block_stop(2),
        message_delta("tool_use", output_tokens=4),
        STOP,
    )
    assert out[1:6] == [
        chunk(Delta(reasoning_content="Hm.")),
        chunk(Delta(content="Hi.")),
        chunk(Delta(reasoning_signature="")),
        chunk(call(0, "", "abc", "f")),
        chunk(call(0, "{}")),
    ]


@pytest.mark.parametrize(
    ("data", "cls", "status", "error_type"),
    [
        (
            '{"type":"error","error":{"type":"overloaded_error","message":"m"}}',
            errors.OverloadedError,
            529,
            "overloaded_error",
        ),
        (
            '{"type":"error","error":{"type":"rate_limit_error","message":"m"}}',
            errors.RateLimitError,
            429,
            "rate_limit_error",
        ),
        (
            '{"type":"error","error":{"type":"api_error","message":"m"}}',
            errors.InternalServerError,
            500,
            "api_error",
        ),
        (
            '{"type":"error","error":{"type":"invalid_request_error","message":"m"}}',
            errors.BadRequestError,
            400,
            "invalid_request_error",
        ),
        (
            '{"type":"error","error":{"type":"authentication_error","message":"m"}}',
            errors.AuthenticationError,
            401,
            "authentication_error",
        ),
        (
            '{"type":"error","error":{"type":"permission_error","message":"m"}}',
            errors.PermissionDeniedError,
            403,
            "permission_error",
        ),
        (
            '{"type":"error","error":{"type":"not_found_error","message":"m"}}',
            errors.NotFoundError,
            404,
            "not_found_error",
        ),
        (
            '{"type":"error","error":{"type":"timeout_error","message":"m"}}',
            errors.InternalServerError,
            504,
            "timeout_error",
        ),
        (
            '{"type":"error","error":{"type":"billing_error","message":"m"}}',
            errors.APIStatusError,
            402,
            "billing_error",
        ),
        (
            '{"type":"error","error":{"type":"request_too_large","message":"m"}}',
            errors.APIStatusError,
            413,
            "request_too_large",
        ),
        (
            '{"type":"error","error":{"type":"new_kind_error","message":"m"}}',
            errors.InternalServerError,
            500,
            "new_kind_error",
        ),
        # llama.cpp: the OpenAI error fields at top level of the event.
        (
            '{"code":500,"message":"m","type":"server_error"}',
            errors.InternalServerError,
            500,
            "server_error",
        ),
    ],
)
def test_error_events_raise_the_class_their_status_would(
    data: str, cls: type[errors.APIStatusError], status: int, error_type: str
) -> None:
    # https://platform.claude.com/docs/en/api/errors
    with pytest.raises(errors.APIStatusError) as caught:
        AnthropicStreamDecoder().feed(SSEFrame(data, "error"))
    error = caught.value
    assert (type(error), error.status_code, error.error_type) == (cls, status, error_type)
    assert (error.message, error.in_stream, error.body) == ("m", True, data)


def test_an_error_event_in_plain_text_is_still_an_error() -> None:
    with pytest.raises(errors.InternalServerError) as caught:
        AnthropicStreamDecoder().feed(SSEFrame("upstream exploded", "error"))
    assert caught.value.message == "upstream exploded"


def test_an_error_typed_frame_under_another_event_name_is_an_error() -> None:
    data = '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'
    with pytest.raises(errors.OverloadedError):
        AnthropicStreamDecoder().feed(SSEFrame(data))


def test_a_stream_without_message_stop_is_incomplete() -> None:
    decoder = AnthropicStreamDecoder()
    decoder.feed(SSEFrame(json.dumps(START), "message_start"))
    decoder.feed(SSEFrame(json.dumps(message_delta("end_turn", output_tokens=1))))
    with pytest.raises(errors.IncompleteStreamError):
        decoder.close()
    with pytest.raises(errors.IncompleteStreamError):
        AnthropicStreamDecoder().close()


@pytest.mark.parametrize(
    "data",
    [
        '{"type": "message_start", "message": 5}',
        '{"type": "content_block_start", "index": 0, "content_block": "text"}',
        '{"type": "content_block_delta", "index": 0, "delta": []}',
        '{"type": "message_delta", "delta": "end_turn"}',
        "[1, 2]",
        "not json",
    ],
)
def test_a_wrong_container_is_a_decode_error(data: str) -> None:
    with pytest.raises(errors.StreamDecodeError) as caught:
        AnthropicStreamDecoder().feed(SSEFrame(data))
    assert caught.value.frame == data


def test_wrong_leaf_types_count_as_absent() -> None:
    out = feed_all(
        {
            "type": "message_start",
            "message": {"id": 5, "model": ["x"], "usage": {"input_tokens": "9"}},
        },
        block_start(0, {"type": "tool_use", "id": 7, "name": None, "input": "x"}),
        block_delta(0, {"type": "input_json_delta", "partial_json": 3}),
        block_delta("0", {"type": "text_delta", "text": 5}),  # type: ignore[arg-type]
        block_delta(0, {"type": "signature_delta", "signature": {}}),
        block_stop(0),
        {"type": "message_delta", "delta": {"stop_reason": 1}, "usage": {"output_tokens": 2.0}},
        STOP,
    )
    assert out == [
        StreamingResponse("", "", (StreamChoice(0, Delta(role="assistant")),)),
        StreamingResponse("", "", (StreamChoice(0, call(0, kind="function")),)),
        StreamingResponse("", "", (StreamChoice(0, call(0, "{}")),)),
        StreamingResponse("", "", (), Usage(0, 2, 2)),
    ]
