"""Hypothesis strategies for garbage Anthropic Messages input (events whose every field may
be missing or of any JSON type, under any event name; whole messages likewise), and checks
that what the decoder makes of it has the types its classes declare, Anthropic's own fields
included. Shared by the decoder's fuzz tests (tests/anthropic) and the byte path's
(tests/bytes)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from llm_connector.codecs.contract import SSEFrame
from llm_connector.types import ChatResponse, StreamingResponse
from tests.support.fuzz import any_json, check_answer, check_chunk, maybe, obj

_text = st.text(max_size=8)
_count = st.integers(0, 10_000)
_index = maybe(st.integers(-1, 3))
usage = obj(
    input_tokens=maybe(_count),
    output_tokens=maybe(_count),
    cache_read_input_tokens=maybe(_count),
    cache_creation_input_tokens=maybe(_count),
    output_tokens_details=maybe(obj(thinking_tokens=maybe(_count))),
)
block = obj(
    type=maybe(
        st.sampled_from(
            ["text", "thinking", "redacted_thinking", "tool_use", "server_tool_use", "x"]
        )
    ),
    text=maybe(_text),
    thinking=maybe(_text),
    signature=maybe(_text),
    data=maybe(_text),
    id=maybe(_text),
    name=maybe(_text),
    input=maybe(st.dictionaries(_text, _text, max_size=2)),
)
delta = obj(
    type=maybe(
        st.sampled_from(
            [
                "text_delta",
                "thinking_delta",
                "signature_delta",
                "input_json_delta",
                "citations_delta",
                "x",
            ]
        )
    ),
    text=maybe(_text),
    thinking=maybe(_text),
    signature=maybe(_text),
    partial_json=maybe(_text),
)
error = obj(
    type=maybe(st.sampled_from(["overloaded_error", "api_error", "x"])), message=maybe(_text)
)
event = st.one_of(
    obj(
        type=st.just("message_start"),
        message=maybe(obj(id=maybe(_text), model=maybe(_text), usage=maybe(usage))),
    ),
    obj(type=st.just("content_block_start"), index=_index, content_block=maybe(block)),
    obj(type=st.just("content_block_delta"), index=_index, delta=maybe(delta)),
    obj(type=st.just("content_block_stop"), index=_index),
    obj(
        type=st.just("message_delta"),
        delta=maybe(obj(stop_reason=maybe(st.sampled_from(["end_turn", "tool_use", "x"])))),
        usage=maybe(usage),
    ),
    obj(type=st.sampled_from(["message_stop", "ping", "error"]), error=maybe(error)),
    obj(type=any_json),
)
frame_data = st.one_of(
    event.map(json.dumps),
    event.map(json.dumps),  # twice: event-shaped frames are the interesting ones
    any_json.map(json.dumps),
    st.text(max_size=20),
    st.sampled_from(["[DONE]", "", "{", "[" * 5000]),
)
frame = st.builds(
    SSEFrame,
    frame_data,
    st.sampled_from(["message", "content_block_delta", "message_stop", "error", "ping"]),
)


def check_anthropic_chunk(out: StreamingResponse) -> None:
    check_chunk(out)
    for choice in out.choices:
        assert choice.native_finish_reason is None or type(choice.native_finish_reason) is str
        d = choice.delta
        assert d.reasoning_signature is None or type(d.reasoning_signature) is str, out
        assert d.redacted_reasoning is None or type(d.redacted_reasoning) is str, out
    if out.usage is not None:
        assert (
            out.usage.cache_creation_tokens is None or type(out.usage.cache_creation_tokens) is int
        )


def check_anthropic_answer(answer: ChatResponse | None) -> None:
    check_answer(answer)
    for choice in answer.choices if answer else ():
        for b in choice.message.reasoning_blocks:
            assert type(b.text) is str, answer
            assert b.signature is None or type(b.signature) is str, answer
            assert b.redacted is None or type(b.redacted) is str


message: Any = obj(
    type=maybe(st.sampled_from(["message", "error"])),
    id=any_json,
    model=any_json,
    stop_reason=any_json,
    usage=maybe(usage),
    error=maybe(error),
    content=maybe(st.lists(maybe(block), max_size=4)),
)


#: Bodies a client may be answered with: random bytes, or garbage events under a few names.
bodies = st.one_of(
    st.binary(max_size=300),
    st.lists(
        st.tuples(frame_data, st.sampled_from(["message_start", "error", "x"])), max_size=5
    ).map(lambda events: "".join(f"event: {e}\ndata: {d}\n\n" for d, e in events).encode()),
)
