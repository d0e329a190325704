"""Every Responses transcript through the real shells, whatever way its bytes arrive.

The body is served by ``httpx.MockTransport`` in chosen pieces to ``Client`` and
``AsyncClient`` calling ``invoke_responses_stream`` (the native ``/responses`` route); the
events a user iterates, the ``final_response()`` and any error must equal, with ``==``, the
frame-level result for the same body (support.frame_outcome), which test_decode.py proves
right against the hand-checked expected files.

Arrivals: whole, one byte at a time, split in two at every index, split at many places at
once (hypothesis), and with CRLF line endings. Splitting in two at every index of every
transcript through both clients would take minutes (each run is a whole stream through a
client: ~0.5 to 7 ms); instead every index of a transcript up to 10 KB is a cut through
one of the two clients (alternately), every line break (where events end) and both sides
of every multi-byte UTF-8 character are cuts through both, and larger transcripts are cut
at a stride that drifts across the events' positions.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.responses.support import (
    MODES,
    SSE_PATHS,
    Mode,
    expected_file,
    frame_outcome,
    mismatches,
    run,
    summary,
    transcript_id,
)
from tests.wire.wire_support import split_at

TRANSCRIPTS = pytest.mark.parametrize("path", SSE_PATHS, ids=transcript_id)
ALL_MODES = pytest.mark.parametrize("mode", MODES)

#: Transcripts larger than this are cut at a stride (see the module docstring).
STRIDE_ABOVE = 10_000
#: About this many strided cuts of a large transcript, per client.
LARGE_SPLITS = 150


def every_index_cuts(body: bytes, mode: Mode) -> list[int]:
    """The two-piece cuts one client makes of a body: for a small body, every other index
    (the two clients between them cut at every index); for a large one, a stride. Both
    clients cut at every line break (either side of it) and around every non-ASCII byte."""
    if len(body) <= STRIDE_ABOVE:
        cuts = set(range(1 if mode == "sync" else 2, len(body), 2))
    else:
        # An odd stride, so that the cuts drift across the positions within the events.
        stride = (len(body) // LARGE_SPLITS) | 1
        cuts = set(range(1 if mode == "sync" else 1 + stride // 2, len(body), stride))
    special = [i for i, byte in enumerate(body) if byte >= 0x80 or byte in b"\r\n"]
    if len(body) > STRIDE_ABOVE:
        # The large ones have thousands of line breaks: their first and last events'.
        breaks = [i for i in special if body[i] in b"\r\n"]
        special = [i for i in special if body[i] >= 0x80] + breaks[:12] + breaks[-12:]
    cuts.update(i + d for i in special for d in (0, 1))
    return sorted(c for c in cuts if 0 < c < len(body))


@TRANSCRIPTS
def test_the_frame_level_reference_is_the_hand_checked_answer(path: Path) -> None:
    # Ties this module to test_decode.py: the reference below is the checked answer.
    expected = expected_file(path)
    outcome = frame_outcome(path.read_bytes())
    assert outcome.error is None and outcome.final is not None
    assert len(outcome.events) == expected["events"]
    assert summary(outcome.final) == expected["final"]


@ALL_MODES
@TRANSCRIPTS
def test_whole_and_in_small_pieces(path: Path, mode: Mode) -> None:
    body = path.read_bytes()
    expected = frame_outcome(body)
    if len(body) <= 32_000:
        bytewise = [body[i : i + 1] for i in range(len(body))]
    else:
        # 1, 2, 3, 5 and 7 bytes over and over: every line break and multi-byte character
        # still falls on a cut somewhere, in a tenth of the runtime.
        sizes = itertools.cycle((1, 2, 3, 5, 7))
        ends = list(itertools.accumulate(next(sizes) for _ in range(len(body))))
        bytewise = split_at(body, [e for e in ends if e < len(body)])
    whole, pieces = run(mode, [[body], bytewise])
    assert whole == expected
    assert pieces == expected


@ALL_MODES
@TRANSCRIPTS
def test_split_in_two_everywhere(path: Path, mode: Mode) -> None:
    body = path.read_bytes()
    cuts = every_index_cuts(body, mode)
    expected = frame_outcome(body)
    bad = mismatches(mode, [split_at(body, [cut]) for cut in cuts], expected)
    assert [cuts[i] for i in bad] == []


def test_the_two_clients_cut_small_transcripts_at_every_index() -> None:
    for path in SSE_PATHS:
        body = path.read_bytes()
        if len(body) <= STRIDE_ABOVE:
            both = set(every_index_cuts(body, "sync")) | set(every_index_cuts(body, "async"))
            assert both == set(range(1, len(body))), path.name


@ALL_MODES
@TRANSCRIPTS
def test_crlf_line_endings_give_the_same_answer(path: Path, mode: Mode) -> None:
    body = path.read_bytes()
    crlf = body.replace(b"\n", b"\r\n")
    expected = frame_outcome(body)
    between = crlf.index(b"\r\n", len(crlf) // 2) + 1  # a cut between a CR and its LF
    whole, halves = run(mode, [[crlf], split_at(crlf, [between])])
    assert whole == expected
    assert halves == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_split_anywhere_into_many_pieces(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from([p for p in SSE_PATHS if p.stat().st_size < 40_000]))
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
