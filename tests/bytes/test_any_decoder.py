"""Properties every stream decoder must have on the byte path, checked with hypothesis over
the decoder of every protocol of the table (tests/support/protocols.py; each row names its
decoder, tests/support/decoders.py), through the real shells with that decoder swapped into
the generic client (the probe: a decoder must decode whatever the server sends):

1. However a recorded transcript's bytes are cut on their way in, a caller sees exactly
   what the whole body gives (chunks, answer, or error and its partial), with both clients.
2. For any body, random bytes or random frames (real frames mutated, frames of random JSON
   and text), a client raises nothing but ``StreamError`` subclasses (or the typed error
   of an error event the input spells), and what it returns is typed as declared.

The same properties for the decoders fed frames directly, and through ``StreamCore``, are
tests/reliability/test_fuzz_decoders.py's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.byte_path import small_pieces, split_at
from tests.support.decoders import DecoderRow, frame_sequences, probe, render
from tests.support.facade import MODES, Mode
from tests.support.fuzz import check_answer, check_chunk
from tests.support.protocols import PROTOCOLS

DECODERS = [row.decoder for row in PROTOCOLS]
ROWS = [
    pytest.param(row, id=row.name, marks=pytest.mark.skipif(bool(why), reason=why or ""))
    for row in DECODERS
    for why in [row.unavailable()]
]
TRANSCRIPTS = [
    pytest.param(row, path, id=f"{row.name}/{path.stem}")
    for row in DECODERS
    if row.unavailable() is None
    for path in row.paths()
]
#: Random cuttings of each transcript, per client (each one a whole run through a client).
CUT_EXAMPLES = 12
BYTE_FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("row", "path"), TRANSCRIPTS)
def test_any_cutting_gives_the_outcome_of_the_whole_body(
    row: DecoderRow, path: Path, mode: Mode
) -> None:
    body = path.read_bytes()
    whole = probe(row, mode, [body])
    assert probe(row, mode, small_pieces(body)) == whole

    @settings(max_examples=CUT_EXAMPLES, deadline=None)
    @given(st.lists(st.integers(1, len(body) - 1), max_size=16, unique=True).map(sorted))
    def cut(points: list[int]) -> None:
        assert probe(row, mode, split_at(body, points)) == whole

    cut()


@pytest.mark.parametrize("row", ROWS)
def test_random_bytes_raise_only_stream_errors_through_the_clients(row: DecoderRow) -> None:
    @BYTE_FUZZ
    @given(
        st.one_of(st.binary(max_size=300), frame_sequences(row).map(lambda f: render(row, f))),
        st.sampled_from(MODES),
    )
    def serve(body: bytes, mode: Mode) -> None:
        outcome = probe(row, mode, [body])
        for out in outcome.chunks:
            check_chunk(out)
        check_answer(outcome.final)
        if outcome.error is not None:
            assert outcome.allowed, outcome.error
            check_answer(outcome.error[2])

    serve()
