"""Garbage in, only LLMErrors out: the Anthropic decoder under arbitrary input.

Hypothesis feeds frames of random text, random JSON, and Messages-event-shaped objects
whose every field may have any JSON type (``"delta": 5``, ``"index": "0"``, ``"usage":
[]``, ...), under any event name, to the decoder and through ``StreamCore``; and non-stream
bodies to ``parse_chat``. Nothing but an ``LLMError`` may escape, and every chunk and answer
must have the types its class declares (docs/architecture.md: typed values at every
boundary). The same garbage as raw bytes through both clients is tests/bytes' business
(test_fuzz.py there).
"""

from __future__ import annotations

import contextlib
import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.anthropic.codec import AnthropicCodec
from llm_connector.codecs.anthropic.stream import AnthropicStreamDecoder
from llm_connector.codecs.contract import SSEFrame
from llm_connector.errors import LLMError
from tests.support.anthropic_fuzz import (
    check_anthropic_answer,
    check_anthropic_chunk,
    frame,
    message,
)
from tests.support.fuzz import any_json

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


@FUZZ
@given(st.one_of(message.map(json.dumps), any_json.map(json.dumps), st.text(max_size=10)))
def test_only_llm_errors_escape_parse_chat(body: str) -> None:
    with contextlib.suppress(LLMError):
        check_anthropic_answer(AnthropicCodec().parse_chat(body.encode()))
