"""Garbage in, only LLMErrors out: the Anthropic decoder under arbitrary input.

Hypothesis feeds frames of random text, random JSON, and Messages-event-shaped objects
whose every field may have any JSON type (``"delta": 5``, ``"index": "0"``, ``"usage":
[]``, ...), under any event name, to the decoder, through ``StreamCore``, and as raw bytes
through both clients; and non-stream bodies to ``parse_chat``. Nothing but an ``LLMError``
may escape, and every chunk and answer must have the types its class declares
(DESIGN.md rule 6).
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.anthropic.codec import AnthropicCodec
from llm_connector.codecs.anthropic.stream import AnthropicStreamDecoder
from llm_connector.codecs.contract import SSEFrame
from llm_connector.errors import LLMError
from llm_connector.types import ChatResponse, StreamingResponse
from tests.anthropic.wire import run
from tests.wire.fuzz_support import any_json, check_answer, check_chunk, maybe, obj
from tests.wire.wire_support import MODES, Mode

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

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


@FUZZ
@given(st.lists(frame, max_size=8))
@example([SSEFrame('{"type": "content_block_delta", "delta": 5}')])
@example([SSEFrame('{"type": "content_block_start", "index": {}, "content_block": {}}')])
@example([SSEFrame('{"type": "message_start", "message": {"usage": {"input_tokens": "7"}}}')])
@example([SSEFrame('{"type": "error"}', "error")])
@example([SSEFrame("[" * 100_000)])
def test_only_llm_errors_escape_the_decoder(frames: list[SSEFrame]) -> None:
    decoder = AnthropicStreamDecoder()
    try:
        for f in frames:
            for out in decoder.feed(f):
                check_anthropic_chunk(out)
        decoder.close()
    except LLMError:
        pass


@FUZZ
@given(st.lists(frame, max_size=8))
def test_only_llm_errors_escape_the_stream_core(frames: list[SSEFrame]) -> None:
    core = StreamCore(AnthropicCodec())
    try:
        for f in frames:
            for out in core.feed(f):
                check_anthropic_chunk(out)
        core.finish()
        check_anthropic_answer(core.final_response())
    except LLMError as exc:
        check_anthropic_answer(exc.partial)


message: Any = obj(
    type=maybe(st.sampled_from(["message", "error"])),
    id=any_json,
    model=any_json,
    stop_reason=any_json,
    usage=maybe(usage),
    error=maybe(error),
    content=maybe(st.lists(maybe(block), max_size=4)),
)


@FUZZ
@given(st.one_of(message.map(json.dumps), any_json.map(json.dumps), st.text(max_size=10)))
def test_only_llm_errors_escape_parse_chat(body: str) -> None:
    with contextlib.suppress(LLMError):
        check_anthropic_answer(AnthropicCodec().parse_chat(body.encode()))


@settings(max_examples=50, deadline=None)
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.lists(
            st.tuples(frame_data, st.sampled_from(["message_start", "error", "x"])), max_size=5
        ).map(lambda events: "".join(f"event: {e}\ndata: {d}\n\n" for d, e in events).encode()),
    ),
    mode=st.sampled_from(MODES),
)
def test_only_llm_errors_reach_a_client_whatever_the_body(body: bytes, mode: Mode) -> None:
    (outcome,) = run(mode, [[body]])
    for out in outcome.chunks:
        check_anthropic_chunk(out)
    check_anthropic_answer(outcome.final)
    if outcome.error is not None:
        check_anthropic_answer(outcome.error.partial)
