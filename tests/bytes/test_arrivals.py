"""Every transcript through the real clients, whatever way its bytes arrive.

Each transcript of the protocol table (tests/support/protocols.py) is served by
``httpx.MockTransport`` in chosen pieces to its client, ``Client`` and ``AsyncClient``;
the chunks (or Responses events) a user's loop gets, ``final_response()`` and any error
must equal, with ``==``, the transcript's frame-level reference (test_reference.py ties
that to the hand-checked answer). Arrivals: whole; one byte at a time (pieces of 1, 2, 3, 5
and 7 bytes for the largest Responses transcripts); split in two at every index, or by the
protocol's rule for large transcripts (a stride, and every place a stride could skip:
inside every multi-byte character, around line breaks); split at many places at once
(hypothesis).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.byte_path import bytewise, mismatches, run, small_pieces, split_at
from tests.support.facade import MODES, Mode
from tests.support.protocols import (
    CASES,
    PROTOCOLS,
    Protocol,
    Transcript,
    body,
    case_id,
    reference,
)

EACH = pytest.mark.parametrize(("row", "transcript"), CASES, ids=[case_id(*c) for c in CASES])
ALL_MODES = pytest.mark.parametrize("mode", MODES)


@ALL_MODES
@EACH
def test_whole_and_one_byte_at_a_time(row: Protocol, transcript: Transcript, mode: Mode) -> None:
    whole = body(transcript.path)
    if row.bytewise_up_to is None or len(whole) <= row.bytewise_up_to:
        pieces = bytewise(whole)
    else:
        # Every line break and multi-byte character still falls on a cut somewhere, in a
        # tenth of the reads.
        pieces = small_pieces(whole)
    assert run(transcript.wire, mode, [[whole], pieces]) == [reference(transcript)] * 2


@ALL_MODES
@EACH
def test_split_in_two_at_every_index(row: Protocol, transcript: Transcript, mode: Mode) -> None:
    whole = body(transcript.path)
    cuts = row.splits.cuts(transcript, whole, mode)
    assert len(cuts) >= row.splits.least(whole)
    chunkings = [split_at(whole, [cut]) for cut in cuts]
    bad = mismatches(transcript.wire, mode, chunkings, reference(transcript))
    assert [cuts[i] for i in bad] == []


@pytest.mark.parametrize("row", PROTOCOLS, ids=lambda row: row.name)
def test_split_anywhere_into_many_pieces(row: Protocol) -> None:
    rule = row.random_splits
    pool = [t for t in row.transcripts if rule.below is None or len(body(t.path)) < rule.below]
    assert pool

    @settings(
        max_examples=rule.examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(st.data())
    def split(data: st.DataObject) -> None:
        transcript = data.draw(st.sampled_from(pool), label="transcript")
        whole = body(transcript.path)
        cuts = data.draw(
            st.lists(st.integers(1, len(whole) - 1), unique=True, max_size=rule.max_cuts).map(
                sorted
            ),
            label="cuts",
        )
        pieces = split_at(whole, cuts)
        assert b"".join(pieces) == whole
        modes = MODES if rule.both_modes else (data.draw(st.sampled_from(MODES), label="mode"),)
        for mode in modes:
            assert run(transcript.wire, mode, [pieces]) == [reference(transcript)], mode

    split()
