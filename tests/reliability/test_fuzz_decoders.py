"""Properties every stream decoder must have, checked with hypothesis over the decoder of
every protocol of the table (tests/support/protocols.py: each row names its decoder, whose
transcripts and framing tests/support/decoders.py describes; adding a decoder is adding it
to a row):

For any input, random frames (a transcript's real frames mutated, dropped or repeated;
frames of random JSON and text), a decoder raises nothing but ``StreamError`` subclasses
(or the typed error of an error event the input spells), and what it returns is typed as
declared: fed directly, and through ``StreamCore``. The same properties on the byte path,
through both clients, are tests/bytes/test_any_decoder.py's.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.contract import SSEFrame
from llm_connector.errors import LLMError
from tests.support.decoders import DecoderRow, allowed, frame_sequences
from tests.support.fuzz import check_answer, check_chunk
from tests.support.protocols import PROTOCOLS

DECODERS = [row.decoder for row in PROTOCOLS]
ROWS = [
    pytest.param(row, id=row.name, marks=pytest.mark.skipif(bool(why), reason=why or ""))
    for row in DECODERS
    for why in [row.unavailable()]
]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("row", ROWS)
def test_random_frames_raise_only_stream_errors_from_the_decoder(row: DecoderRow) -> None:
    @FUZZ
    @given(frame_sequences(row))
    def feed(frames: list[SSEFrame]) -> None:
        decoder = row.codec().new_stream_decoder()
        error: LLMError | None = None
        try:
            for frame in frames:
                for out in decoder.feed(frame):
                    check_chunk(out)
            for out in decoder.close():
                check_chunk(out)
        except LLMError as exc:
            error = exc
        assert error is None or allowed(error), repr(error)

    feed()


@pytest.mark.parametrize("row", ROWS)
def test_random_frames_raise_only_stream_errors_through_the_stream_core(row: DecoderRow) -> None:
    @FUZZ
    @given(frame_sequences(row), st.booleans())
    def feed(frames: list[SSEFrame], hold: bool) -> None:
        core = StreamCore(row.codec(), hold=hold)
        error: LLMError | None = None
        try:
            for frame in frames:
                for out in core.feed(frame):
                    check_chunk(out)
            for out in core.finish():
                check_chunk(out)
            check_answer(core.final_response())
        except LLMError as exc:
            error = exc
        if error is not None:
            assert allowed(error), repr(error)
            check_answer(error.partial)

    feed()
