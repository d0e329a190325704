"""Every openai-compat, DashScope and Hunyuan transcript, through its own provider's client,
whatever way its bytes arrive.

1. The frame-level outcome (StreamCore with that client's codec) is the hand-checked
   ``<name>.expected.json``: chunk count, id, model, text, reasoning, tool calls, finish
   reason, usage, and the typed error of an in-band error.
2. The real ``Client`` and ``AsyncClient`` give exactly that outcome (chunks, final
   response, error) for the body whole, one byte at a time, split in two at every index (a
   stride on transcripts over 10 KB, keeping every UTF-8 and last-line-break cut), and split
   at many places at once (hypothesis).
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_connector import errors
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.types import ChatResponse
from tests.codecs.openai_chat_oracle import SSE_PATHS as WIRE_PATHS
from tests.compat.support import (
    DATA,
    MODES,
    TRANSCRIPTS,
    Mode,
    Transcript,
    frame_outcome,
    mismatches,
    run,
)
from tests.wire.wire_support import split_at, two_piece_cuts

EACH = pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=lambda t: t.id)
ALL_MODES = pytest.mark.parametrize("mode", MODES)
STRIDE_ABOVE = 10_000
LARGE_SPLITS = 300


def answer_fields(answer: ChatResponse) -> dict[str, Any]:
    """A ChatResponse in the shape of the expected files."""
    return {
        "id": answer.id,
        "model": answer.model,
        "created": answer.created,
        "system_fingerprint": answer.system_fingerprint,
        "content": answer.content,
        "reasoning_content": answer.reasoning_content,
        "tool_calls": [
            {"id": c.id, "name": c.function.name, "arguments": c.function.arguments}
            for c in answer.tool_calls
        ],
        "finish_reason": answer.finish_reason,
        "usage": attrs.asdict(answer.usage) if answer.usage else None,
    }


def test_every_transcript_is_here() -> None:
    # The corpus's openai-compat recordings (MANIFEST), all streamed ones run here.
    streamed = sorted(p.name for p in (DATA / "openai-compat").glob("*.sse"))
    native = sorted(p.name for p in (DATA / "dashscope").glob("*.sse"))
    assert len(streamed) == 23
    assert len(native) == 3
    assert sorted(t.path.name for t in TRANSCRIPTS if t.path.parent.name != "hunyuan") == sorted(
        streamed + native
    )
    for t in TRANSCRIPTS:
        assert t.path.with_name(t.path.stem + ".expected.json").is_file(), t.id


@EACH
def test_the_frame_level_outcome_is_the_hand_checked_answer(transcript: Transcript) -> None:
    expected = transcript.expected()
    want_error = expected.pop("error", None)
    outcome = frame_outcome(transcript.codec(), transcript.path.read_bytes())
    assert len(outcome.chunks) == expected.pop("chunks")
    if want_error is None:
        assert outcome.error is None
        answer = outcome.final
    else:
        error = outcome.error
        assert error is not None, "the expected error was not raised"
        assert error.type.__name__ == want_error["class"]
        assert error.message == want_error["message"]
        for field in ("status_code", "code", "error_type", "in_stream"):
            if field in want_error:
                assert getattr(error, field) == want_error[field], field
        answer = error.partial  # what arrived before the error
    assert answer is not None
    assert answer_fields(answer) == expected


def test_the_strided_recordings_decode_as_tests_wire_proves() -> None:
    # Five recordings get ~300 cuts here rather than every index: tests/wire splits them at
    # every index through the generic openai_compatible client, and their providers'
    # clients decode with that very decoder configuration (no think-tag splitting).
    strided = [t for t in TRANSCRIPTS if not t.every_index]
    assert [t.path.stem for t in strided] == [
        "deepseek-chat-stream",
        "deepseek-reasoner-stream",
        "hf-router-novita-stream",
        "openai-via-relay-parallel-tool-calls",
        "openrouter-minimax-midstream-error",
    ]
    for t in strided:
        codec = t.codec()
        assert isinstance(codec, OpenAIChatCodec)
        assert (codec.dialect.think_tags, codec.dialect.think_tags_implicit_open) == (False, False)
        assert t.path.stem in {p.stem for p in WIRE_PATHS}


@EACH
def test_complete_tool_calls_have_arguments_that_parse(transcript: Transcript) -> None:
    outcome = frame_outcome(transcript.codec(), transcript.path.read_bytes())
    answer = outcome.final
    if answer is None or "excerpt" in transcript.path.stem:
        return  # an excerpt's arguments may miss the events the source left out
    for call, want in zip(answer.tool_calls, transcript.expected()["tool_calls"], strict=True):
        assert call.parse_arguments() == json.loads(want["arguments"])


@ALL_MODES
@EACH
def test_whole_and_one_byte_at_a_time(transcript: Transcript, mode: Mode) -> None:
    body = transcript.path.read_bytes()
    expected = frame_outcome(transcript.codec(), body)
    whole, bytewise = run(transcript, mode, [[body], [body[i : i + 1] for i in range(len(body))]])
    assert whole == expected
    assert bytewise == expected


@ALL_MODES
@EACH
def test_split_in_two_at_every_index(transcript: Transcript, mode: Mode) -> None:
    body = transcript.path.read_bytes()
    if len(body) > STRIDE_ABOVE:
        stride = (len(body) // LARGE_SPLITS) | 1
    elif transcript.every_index:
        stride = 1
    else:
        stride = (len(body) // (2 * LARGE_SPLITS)) | 1  # still over 300 cuts
    cuts = two_piece_cuts(body, stride)
    assert len(cuts) >= min(len(body) - 1, LARGE_SPLITS)
    expected = frame_outcome(transcript.codec(), body)
    bad = mismatches(transcript, mode, [split_at(body, [cut]) for cut in cuts], expected)
    assert [cuts[i] for i in bad] == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_split_anywhere_into_many_pieces(data: st.DataObject) -> None:
    transcript = data.draw(st.sampled_from(TRANSCRIPTS), label="transcript")
    body = transcript.path.read_bytes()
    cuts = data.draw(
        st.lists(st.integers(1, len(body) - 1), unique=True, max_size=40).map(sorted),
        label="cuts",
    )
    pieces = split_at(body, cuts)
    expected = frame_outcome(transcript.codec(), body)
    for mode in MODES:
        (outcome,) = run(transcript, mode, [pieces])
        assert outcome == expected, mode


def test_an_excerpt_cut_short_says_so_with_what_arrived() -> None:
    # The qwen2 excerpt keeps DashScope's first two events only: no finish reason ever
    # came. It cannot prove an answer's end, and the decoder does not pretend it can.
    (transcript,) = (t for t in TRANSCRIPTS if t.path.stem == "dashscope-native-qwen2-text-excerpt")
    outcome = frame_outcome(transcript.codec(), transcript.path.read_bytes())
    assert outcome.error is not None
    assert outcome.error.type is errors.IncompleteStreamError
    assert outcome.error.partial is not None
    assert outcome.error.partial.content == "我是阿里"
