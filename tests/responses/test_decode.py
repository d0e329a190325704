"""The Responses stream decoder and accumulator, frame by frame (pure; no client).

Every recorded transcript decodes to its hand-checked expected file: every event passes
through (the counts per type include the MCP and web-search events this package does not
model), sequence numbers as sent, and the final response of the terminal event. Before the
terminal event the answer is built from the deltas, which must add up to what the
transcript streamed. Failures (``error`` events in both shapes OpenAI sends,
``response.failed``, llama.cpp's bare error object), ``response.incomplete``, truncation
and garbage are checked on small streams written from the documented shapes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from llm_connector.calls.stream_core import BaseStreamCore
from llm_connector.codecs.contract import SSEFrame
from llm_connector.codecs.openai_responses.accumulate import ResponsesAccumulator
from llm_connector.codecs.openai_responses.codec import NativeSource, OpenAIResponsesCodec
from llm_connector.errors import (
    BadRequestError,
    IncompleteStreamError,
    InternalServerError,
    RateLimitError,
    StreamDecodeError,
)
from llm_connector.responses import (
    FunctionCallItem,
    MessageItem,
    ReasoningItem,
    ResponsesResponse,
    ResponsesStreamEvent,
)
from tests.support.answers import summary
from tests.support.byte_path import frame_outcome
from tests.support.framing import sse_events
from tests.support.protocols import RESPONSES_WIRE
from tests.support.responses_oracle import SSE_PATHS, expected_file, transcript_id

TRANSCRIPTS = pytest.mark.parametrize("path", SSE_PATHS, ids=transcript_id)


def frames(path: Path) -> list[SSEFrame]:
    return [event.frame for event in sse_events(path.read_bytes())]


def decode(frame_list: list[SSEFrame]) -> tuple[list[ResponsesStreamEvent], ResponsesResponse]:
    decoder = OpenAIResponsesCodec().new_stream_decoder()
    acc = ResponsesAccumulator()
    events = [event for frame in frame_list for event in decoder.feed(frame)]
    events.extend(decoder.close())
    for event in events:
        acc.add(event)
    return events, acc.snapshot()


# -- the recorded transcripts ------------------------------------------------------------------


@TRANSCRIPTS
def test_every_event_passes_through_as_sent(path: Path) -> None:
    expected = expected_file(path)
    events, _ = decode(frames(path))
    assert len(events) == expected["events"]
    assert dict(Counter(e.event_type for e in events)) == expected["event_counts"]
    data_frames = [f for f in frames(path) if f.data != "[DONE]"]
    assert [e.data for e in events] == [json.loads(f.data) for f in data_frames]
    numbers = [e.sequence_number for e in events]
    if expected["sequence_numbers"] is None:
        assert None in numbers
    else:
        first, last = expected["sequence_numbers"]
        assert numbers == list(range(first, last + 1))


@TRANSCRIPTS
def test_the_final_response_is_the_expected_one(path: Path) -> None:
    _, final = decode(frames(path))
    assert summary(final) == expected_file(path)["final"]


@TRANSCRIPTS
def test_before_the_terminal_event_the_answer_is_what_streamed(path: Path) -> None:
    """Without the terminal event, the output is built from the item events: every item's
    text, arguments, reasoning and summaries are the sum of its deltas."""
    expected = expected_file(path)
    frame_list = frames(path)
    terminal = next(
        i
        for i, f in enumerate(frame_list)
        if json.loads(f.data).get("type") == "response.completed"
    )
    decoder = OpenAIResponsesCodec().new_stream_decoder()
    acc = ResponsesAccumulator()
    for frame in frame_list[:terminal]:
        for event in decoder.feed(frame):
            acc.add(event)
    partial = acc.snapshot()
    assert partial.status in ("in_progress", "queued")
    streamed: dict[str, str] = {}
    for item in partial.output:
        if isinstance(item, MessageItem) and item.text:
            streamed[f"response.output_text.delta {item.id}"] = item.text
        elif isinstance(item, FunctionCallItem) and item.arguments:
            streamed[f"response.function_call_arguments.delta {item.id}"] = item.arguments
        elif isinstance(item, ReasoningItem):
            if item.content:
                streamed[f"response.reasoning_text.delta {item.id}"] = item.text
            if item.summary:
                streamed[f"response.reasoning_summary_text.delta {item.id}"] = "".join(item.summary)
    wanted = {k: v for k, v in expected["deltas"].items() if not k.startswith("response.mcp")}
    # (LM Studio sends its call's arguments whole, in output_item.done, without deltas.)
    assert {key: streamed.get(key) for key in wanted} == wanted
    # The items streamed are the final ones (OpenRouter renames its items at the end).
    final_types = [o["type"] for o in expected["final"]["output"]]
    assert [item.type for item in partial.output] == final_types


def test_openrouter_ends_with_done_and_comments_which_are_not_events() -> None:
    path = next(p for p in SSE_PATHS if p.stem == "openrouter-reasoning-text")
    body = path.read_bytes()
    assert body.startswith(b": OPENROUTER PROCESSING") and body.rstrip().endswith(b"data: [DONE]")
    events, final = decode(frames(path))
    assert events[-1].event_type == "response.completed"
    assert final.output_text == "4"


def test_bedrock_sends_the_event_line_after_the_data() -> None:
    path = next(p for p in SSE_PATHS if p.stem == "bedrock-mantle-function-call")
    assert path.read_bytes().startswith(b"data: ")
    events, final = decode(frames(path))
    assert events[0].event_type == "response.created"
    assert [(c.call_id, c.name, c.arguments) for c in final.function_calls] == [
        ("call_0", "first_tool", "{}")
    ]


def test_the_resumed_background_stream_starts_queued_after_sequence_zero() -> None:
    path = next(p for p in SSE_PATHS if p.stem == "background-resume-starting-after")
    events, final = decode(frames(path))
    assert events[0].event_type == "response.queued" and events[0].sequence_number == 1
    assert not any(e.event_type == "response.created" for e in events)
    response = events[0].response
    assert response is not None and response.status == "queued"
    assert final.output_text == "2 + 2 equals 4."


def test_event_conveniences_read_the_common_fields() -> None:
    path = next(p for p in SSE_PATHS if p.stem == "function-call")
    events, _ = decode(frames(path))
    added = next(e for e in events if e.event_type == "response.output_item.added")
    assert added.output_index == 0 and added.delta is None
    assert added.item == FunctionCallItem(
        "call_sVidsfFJ6zlzRpelrPkTPlpd",
        "multiply",
        "",
        id="fc_00d64fa806f333310169fab1bf324481a0852cda3180856290",
        status="in_progress",
    )
    first_delta = next(e for e in events if e.event_type.endswith("arguments.delta"))
    assert first_delta.item_id == added.data["item"]["id"] and first_delta.delta
    done = next(e for e in events if e.event_type.endswith("arguments.done"))
    assert done.arguments == '{"a":1231,"b":2331}'
    assert events[-1].is_terminal and not done.is_terminal
    response = events[-1].response
    assert response is not None and response.usage is not None
    assert response.usage.total_tokens == 81


# -- the end of a stream, and failures --------------------------------------------------------


def sse(*events: dict[str, Any]) -> list[SSEFrame]:
    return [SSEFrame(json.dumps(e), str(e.get("type", "message"))) for e in events]


CREATED = {
    "type": "response.created",
    "sequence_number": 0,
    "response": {"id": "resp_1", "object": "response", "status": "in_progress", "output": []},
}
ADDED = {
    "type": "response.output_item.added",
    "sequence_number": 1,
    "output_index": 0,
    "item": {"id": "msg_1", "type": "message", "role": "assistant", "status": "in_progress"},
}
DELTA = {
    "type": "response.output_text.delta",
    "sequence_number": 2,
    "output_index": 0,
    "content_index": 0,
    "item_id": "msg_1",
    "delta": "Hello",
}


def failed(code: str, message: str) -> dict[str, Any]:
    # https://platform.openai.com/docs/api-reference/responses-streaming/response/failed
    return {
        "type": "response.failed",
        "sequence_number": 3,
        "response": {
            "id": "resp_1",
            "object": "response",
            "status": "failed",
            "error": {"code": code, "message": message},
            "output": [],
        },
    }


def run_core(
    frame_list: list[SSEFrame],
) -> tuple[list[ResponsesStreamEvent], BaseStreamCore[Any, Any]]:
    core: BaseStreamCore[ResponsesStreamEvent, ResponsesResponse] = BaseStreamCore(
        NativeSource(OpenAIResponsesCodec())
    )
    events: list[ResponsesStreamEvent] = []
    for frame in frame_list:
        events.extend(core.feed(frame))
    events.extend(core.finish())
    return events, core


@pytest.mark.parametrize(
    ("code", "error_class", "status"),
    [
        ("server_error", InternalServerError, 500),
        ("rate_limit_exceeded", RateLimitError, 429),
        ("invalid_prompt", BadRequestError, 400),
        ("invalid_image_url", BadRequestError, 400),
    ],
)
def test_response_failed_is_yielded_then_raised(
    code: str, error_class: type[Exception], status: int
) -> None:
    seen: list[ResponsesStreamEvent] = []
    core: BaseStreamCore[ResponsesStreamEvent, ResponsesResponse] = BaseStreamCore(
        NativeSource(OpenAIResponsesCodec())
    )
    for frame in sse(CREATED, ADDED, DELTA, failed(code, "it broke")):
        seen.extend(core.feed(frame))
    assert [e.event_type for e in seen][-1] == "response.failed"
    with pytest.raises(error_class) as caught:
        core.finish()
    error = caught.value
    assert error.status_code == status and error.code == code and error.in_stream  # type: ignore[attr-defined]
    assert error.message == "it broke"  # type: ignore[attr-defined]
    # The partial is what arrived (as every stream error's, a ChatResponse).
    assert error.partial is not None and error.partial.content == "Hello"  # type: ignore[attr-defined]
    snapshot = core.snapshot()
    assert snapshot.status == "failed" and snapshot.error is not None
    assert (snapshot.error.code, snapshot.error.message) == (code, "it broke")
    assert snapshot.output_text == "Hello"  # the failed response's output is empty


@pytest.mark.parametrize(
    "event",
    [
        # The documented shape: https://platform.openai.com/docs/api-reference/responses-streaming/error
        {"type": "error", "code": "rate_limit_exceeded", "message": "Slow down", "param": None},
        # What the API sends: https://github.com/openai/openai-dotnet/issues/881
        {
            "type": "error",
            "sequence_number": 2,
            "error": {
                "type": "too_many_requests",
                "code": "too_many_requests",
                "message": "Slow down",
                "param": None,
            },
        },
    ],
    ids=["flat", "nested"],
)
def test_an_error_event_is_yielded_then_raised(event: dict[str, Any]) -> None:
    decoder = OpenAIResponsesCodec().new_stream_decoder()
    events = [e for f in sse(CREATED, event) for e in decoder.feed(f)]
    assert [e.event_type for e in events] == ["response.created", "error"]
    with pytest.raises(RateLimitError) as caught:
        decoder.close()
    assert caught.value.message == "Slow down" and caught.value.status_code == 429


def test_an_error_event_then_response_failed_are_both_yielded() -> None:
    decoder = OpenAIResponsesCodec().new_stream_decoder()
    error = {"type": "error", "code": "server_error", "message": "boom", "param": None}
    events = [
        e for f in sse(CREATED, error, failed("server_error", "boom")) for e in decoder.feed(f)
    ]
    assert [e.event_type for e in events] == ["response.created", "error", "response.failed"]
    with pytest.raises(InternalServerError, match="boom"):
        decoder.close()


def test_after_an_error_event_any_other_event_raises_it() -> None:
    decoder = OpenAIResponsesCodec().new_stream_decoder()
    error = {"type": "error", "code": "server_error", "message": "boom", "param": None}
    for frame in sse(CREATED, error):
        decoder.feed(frame)
    with pytest.raises(InternalServerError, match="boom"):
        decoder.feed(sse(DELTA)[0])


def test_llama_cpp_bare_error_object_raises_at_once() -> None:
    # Seen from llama.cpp's /v1/responses (see tests/e2e/test_llama_responses.py): a chat
    # completions error object, no event type, inside the 200 stream.
    bare = SSEFrame(
        '{"error":{"code":500,"message":"The model produced output that does not match the '
        'expected peg-native format","type":"server_error"}}'
    )
    decoder = OpenAIResponsesCodec().new_stream_decoder()
    decoder.feed(sse(CREATED)[0])
    with pytest.raises(InternalServerError, match="peg-native") as caught:
        decoder.feed(bare)
    assert caught.value.status_code == 500 and caught.value.in_stream


def test_response_incomplete_ends_the_stream_and_is_reported() -> None:
    incomplete = {
        "type": "response.incomplete",
        "sequence_number": 3,
        "response": {
            "id": "resp_1",
            "object": "response",
            "status": "incomplete",
            "incomplete_details": {"reason": "max_output_tokens"},
            "output": [],
            "usage": {"input_tokens": 3, "output_tokens": 1, "total_tokens": 4},
        },
    }
    events, core = run_core(sse(CREATED, ADDED, DELTA, incomplete))
    assert events[-1].event_type == "response.incomplete"
    final = core.final_response()
    assert final.status == "incomplete" and final.incomplete_details is not None
    assert final.incomplete_details.reason == "max_output_tokens"
    assert final.output_text == "Hello"  # from the deltas: the terminal output is empty
    assert core.partial().finish_reason == "length"


@TRANSCRIPTS
def test_a_stream_cut_before_its_terminal_event_is_incomplete(path: Path) -> None:
    frame_list = [f for f in frames(path) if f.data != "[DONE]"][:-1]
    expected = expected_file(path)
    with pytest.raises(IncompleteStreamError) as caught:
        run_core(frame_list)
    partial = caught.value.partial
    assert partial is not None and partial.finish_reason is None
    texts = [o["text"] for o in expected["final"]["output"] if o["type"] == "message"]
    assert partial.content == "".join(texts)
    calls = [o["name"] for o in expected["final"]["output"] if o["type"] == "function_call"]
    assert [c.function.name for c in partial.tool_calls] == calls


@pytest.mark.parametrize(
    "frame",
    [SSEFrame("{not json"), SSEFrame("[1, 2]"), SSEFrame('{"no": "type"}')],
    ids=["not-json", "not-an-object", "no-type"],
)
def test_garbage_raises_stream_decode_error(frame: SSEFrame) -> None:
    decoder = OpenAIResponsesCodec().new_stream_decoder()
    with pytest.raises(StreamDecodeError) as caught:
        decoder.feed(frame)
    assert caught.value.frame == frame.data


def test_unknown_events_pass_through_and_the_sse_name_stands_in_for_a_missing_type() -> None:
    future = {"type": "response.hologram.delta", "sequence_number": 1, "delta": "?"}
    untyped = SSEFrame('{"sequence_number": 2, "note": 1}', "response.vendor_note")
    decoder = OpenAIResponsesCodec().new_stream_decoder()
    events = [*decoder.feed(sse(future)[0]), *decoder.feed(untyped)]
    assert [(e.event_type, e.data) for e in events] == [
        ("response.hologram.delta", future),
        ("response.vendor_note", {"sequence_number": 2, "note": 1}),
    ]


def test_done_and_empty_frames_are_not_events() -> None:
    decoder = OpenAIResponsesCodec().new_stream_decoder()
    assert decoder.feed(SSEFrame("[DONE]")) == [] and decoder.feed(SSEFrame("")) == []
    with pytest.raises(IncompleteStreamError):
        decoder.close()


def test_the_frame_reference_is_the_core_result() -> None:
    path = next(p for p in SSE_PATHS if p.stem == "text-basic")
    outcome = frame_outcome(RESPONSES_WIRE, path.read_bytes())
    assert outcome.final is not None and outcome.final.output_text == "pong"
