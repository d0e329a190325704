"""Every recorded transcript through the real shells, whatever way its bytes arrive.

The body is served by ``httpx.MockTransport`` in chosen pieces to ``Client`` and
``AsyncClient`` (wire_support.py); the chunks a user iterates, the ``final_response()`` and
any error must equal, with ``==``, the frame-level result for the same body. Arrivals:
whole; split in two at every index (a stride on transcripts over 10 KB, which keeps the
places a stride could skip); split at many places at once (hypothesis); one byte at a time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.codecs.openai_chat_oracle import SSE_PATHS, expected_file, transcript_id
from tests.wire.wire_support import (
    MODES,
    Mode,
    frame_outcome,
    mismatches,
    run,
    split_at,
    two_piece_cuts,
)

TRANSCRIPTS = pytest.mark.parametrize("path", SSE_PATHS, ids=transcript_id)
ALL_MODES = pytest.mark.parametrize("mode", MODES)

#: Transcripts larger than this are split at a stride: a run costs time per event, and the
#: large ones (DeepSeek, 25 and 68 KB) are long runs of identical-looking events.
STRIDE_ABOVE = 10_000
#: About this many two-piece splits of a large transcript.
LARGE_SPLITS = 300


@TRANSCRIPTS
def test_the_frame_level_reference_is_the_hand_checked_answer(path: Path) -> None:
    # Ties this module to tests/codecs: the reference below is the checked answer.
    expected = expected_file(path)
    outcome = frame_outcome(path.read_bytes())
    assert len(outcome.chunks) == expected["chunks"]
    answer = outcome.final if outcome.error is None else outcome.error.partial
    assert answer is not None
    assert (answer.content, answer.reasoning_content) == (
        expected["content"],
        expected["reasoning_content"],
    )
    assert (outcome.error is None) == ("error" not in expected)


@ALL_MODES
@TRANSCRIPTS
def test_whole_and_one_byte_at_a_time(path: Path, mode: Mode) -> None:
    body = path.read_bytes()
    expected = frame_outcome(body)
    whole, bytewise = run(mode, [[body], [body[i : i + 1] for i in range(len(body))]])
    assert whole == expected
    assert bytewise == expected


@ALL_MODES
@TRANSCRIPTS
def test_split_in_two_at_every_index(path: Path, mode: Mode) -> None:
    body = path.read_bytes()
    # An odd stride, so that the cuts drift across the positions within the ~300-byte events.
    stride = 1 if len(body) <= STRIDE_ABOVE else (len(body) // LARGE_SPLITS) | 1
    cuts = two_piece_cuts(body, stride)
    assert len(cuts) >= min(len(body) - 1, LARGE_SPLITS)
    expected = frame_outcome(body)
    bad = mismatches(mode, [split_at(body, [cut]) for cut in cuts], expected)
    assert [cuts[i] for i in bad] == []


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_split_anywhere_into_many_pieces(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(SSE_PATHS), label="transcript")
    body = path.read_bytes()
    cuts = data.draw(
        st.lists(st.integers(1, len(body) - 1), unique=True, max_size=40).map(sorted),
        label="cuts",
    )
    pieces = split_at(body, cuts)
    assert b"".join(pieces) == body
    expected = frame_outcome(body)
    for mode in MODES:
        (outcome,) = run(mode, [pieces])
        assert outcome == expected, mode
