"""Every Gemini transcript through the real shells (``Client.google`` and
``AsyncClient.google`` over ``httpx.MockTransport``), whatever way its bytes arrive.

The chunks a user iterates, the ``final_response()`` and any error must equal, with ``==``,
the frame-level result for the same body (gemini_wire.frame_outcome), which
test_gemini_stream.py checks against the oracle and the hand-checked answers. Arrivals:
whole; one byte at a time; split in two at every index (a stride on the two transcripts
over 10 KB, keeping the cuts a stride could skip: inside every multi-byte character and
around the last line breaks); split at many places at once (hypothesis). The CRLF framing
is kept as Gemini sent it; LF and CR spellings of the same stream must decode the same.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_connector import errors
from llm_connector.codecs.gemini.codec import GeminiCodec
from llm_connector.types._accumulate import response_as_chunks
from tests.gemini.answers import answer_fields
from tests.gemini.gemini_oracle import (
    DATA,
    JSONARRAY_PATHS,
    SSE_PATHS,
    content_text,
    expected_file,
    frames,
    is_complete,
    reasoning_text,
    response_objects,
    transcript_id,
)
from tests.gemini.gemini_wire import frame_outcome, mismatches, run
from tests.wire.wire_support import MODES, Mode, split_at, sse_events, two_piece_cuts

TRANSCRIPTS = pytest.mark.parametrize("path", SSE_PATHS, ids=transcript_id)
ALL_MODES = pytest.mark.parametrize("mode", MODES)

#: Transcripts larger than this are split at a stride.
STRIDE_ABOVE = 10_000
#: About this many two-piece splits of a large transcript.
LARGE_SPLITS = 600


@TRANSCRIPTS
def test_the_frame_level_reference_is_the_hand_checked_answer(path: Path) -> None:
    # Ties this module to test_gemini_stream.py: the reference below is the checked answer.
    expected = expected_file(path)
    outcome = frame_outcome(path.read_bytes())
    assert outcome.error is None
    assert len(outcome.chunks) == expected.pop("chunks")
    assert outcome.final is not None
    assert answer_fields(outcome.final) == expected


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
    stride = 1 if len(body) <= STRIDE_ABOVE else (len(body) // LARGE_SPLITS) | 1
    cuts = two_piece_cuts(body, stride)
    assert len(cuts) >= min(len(body) - 1, LARGE_SPLITS)
    bad = mismatches(mode, [split_at(body, [cut]) for cut in cuts], frame_outcome(body))
    assert [cuts[i] for i in bad] == []


def test_strided_splits_still_cut_inside_every_multibyte_character() -> None:
    (path,) = (p for p in SSE_PATHS if p.stem == "sse-grounding-web-search")
    body = path.read_bytes()
    inside = {i for i, byte in enumerate(body) if 0x80 <= byte < 0xC0}
    assert inside, "the transcript has raw non-ASCII text"
    assert inside <= set(two_piece_cuts(body, (len(body) // LARGE_SPLITS) | 1))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_split_anywhere_into_many_pieces(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(SSE_PATHS), label="transcript")
    body = path.read_bytes()
    cuts = data.draw(
        st.lists(st.integers(1, len(body) - 1), unique=True, max_size=40).map(sorted),
        label="cuts",
    )
    pieces = split_at(body, cuts)
    expected = frame_outcome(body)
    for mode in MODES:
        assert run(mode, [pieces]) == [expected], mode


# -- line endings and characters ----------------------------------------------------------------


def respelled(body: bytes, ending: bytes) -> bytes:
    """The recorded CRLF stream with every line ending spelled ``ending``."""
    return body.replace(b"\r\n", ending)


@ALL_MODES
@pytest.mark.parametrize("ending", [b"\n", b"\r"], ids=["lf", "cr"])
@TRANSCRIPTS
def test_lf_and_cr_decode_like_the_recorded_crlf(path: Path, ending: bytes, mode: Mode) -> None:
    # https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream
    expected = frame_outcome(path.read_bytes())
    body = respelled(path.read_bytes(), ending)
    whole, bytewise = run(mode, [[body], [body[i : i + 1] for i in range(len(body))]])
    assert whole == expected
    assert bytewise == expected


PIECES = ["h", "é", "llo", " wö", "rld", " 你", "好", " 🎉"]


def utf8_transcript(pieces: list[str]) -> bytes:
    """sse-text-basic's layout with our own text pieces, written as raw UTF-8."""
    (path,) = (p for p in SSE_PATHS if p.stem == "sse-text-basic")
    first, *_, last = response_objects(frames(path))
    events = []
    for n, piece in enumerate(pieces):
        obj = json.loads(json.dumps(last if n == len(pieces) - 1 else first))
        obj["candidates"][0]["content"]["parts"] = [{"text": piece}]
        events.append(json.dumps(obj, ensure_ascii=False))
    return "".join(f"data: {e}\r\n\r\n" for e in events).encode("utf-8")


@ALL_MODES
def test_multibyte_text_survives_every_split(mode: Mode) -> None:
    body = utf8_transcript(PIECES)
    expected = frame_outcome(body)
    assert expected.final is not None
    assert expected.final.content == "héllo wörld 你好 🎉"
    cuts = two_piece_cuts(body)
    bad = mismatches(mode, [split_at(body, [c]) for c in cuts], expected)
    assert [cuts[i] for i in bad] == []


# -- streams cut short --------------------------------------------------------------------------


def cut_points(body: bytes) -> list[int]:
    """After every line ending, and in the middle of every line."""
    cuts: set[int] = set()
    start = 0
    for line in body.split(b"\n")[:-1]:
        end = start + len(line) + 1
        cuts.update((end, start + len(line) // 2 if line else end))
        start = end
    return sorted(c for c in cuts if 0 < c < len(body))


@ALL_MODES
@TRANSCRIPTS
def test_every_cut_raises_incomplete_with_the_partial_or_completes(path: Path, mode: Mode) -> None:
    body = path.read_bytes()
    events = frames(path)
    ends = [e.end for e in sse_events(body)]
    assert len(ends) == len(events)
    cuts = cut_points(body)
    outcomes = run(mode, [[body[:cut]] for cut in cuts])
    incomplete = 0
    for cut, outcome in zip(cuts, outcomes, strict=True):
        arrived = response_objects(events[: sum(1 for end in ends if end <= cut)])
        where = f"cut at {cut} after {len(arrived)} events"
        assert outcome == frame_outcome(body[:cut]), where
        if is_complete(arrived):
            assert outcome.error is None, where
            answer = outcome.final
        else:
            assert outcome.error is not None, where
            assert outcome.error.type is errors.IncompleteStreamError, where
            answer = outcome.error.partial
            incomplete += 1
            # What arrived is there; the usage, reported at the end, is not.
            assert len(outcome.chunks) == len(arrived), where
        assert answer is not None, where
        assert answer.content == content_text(arrived), where
        assert (answer.reasoning_content or "") == reasoning_text(arrived), where
    assert incomplete > 0


@ALL_MODES
def test_a_connection_that_closes_before_any_byte_is_incomplete(mode: Mode) -> None:
    (outcome,) = run(mode, [[]])
    assert outcome.chunks == ()
    assert outcome.error is not None
    assert outcome.error.type is errors.IncompleteStreamError
    assert outcome.error.partial is not None
    assert outcome.error.partial.choices == ()


@ALL_MODES
def test_an_undecodable_event_raises_stream_decode_error_with_frame_and_partial(
    mode: Mode,
) -> None:
    (path,) = (p for p in SSE_PATHS if p.stem == "sse-text-basic")
    events = [e.data for e in frames(path)]
    events[1] = '{"candidates": [{"content": {"parts": [{"text": "cut'
    body = "".join(f"data: {e}\r\n\r\n" for e in events).encode()
    (outcome,) = run(mode, [[body]])
    assert outcome.error is not None
    assert (outcome.error.type, outcome.error.frame) == (errors.StreamDecodeError, events[1])
    assert outcome.error.partial is not None
    assert outcome.error.partial.content == "The"


@ALL_MODES
def test_an_error_event_mid_stream_raises_its_class_with_the_partial(mode: Mode) -> None:
    (path,) = (p for p in SSE_PATHS if p.stem == "sse-text-basic")
    events = [e.data for e in frames(path)]
    error = (
        '{"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}'
    )
    body = "".join(f"data: {e}\r\n\r\n" for e in [*events[:2], error]).encode()
    (outcome,) = run(mode, [[body]])
    assert outcome.error is not None
    assert (outcome.error.type, outcome.error.status_code) == (errors.InternalServerError, 503)
    assert (outcome.error.error_type, outcome.error.in_stream) == ("UNAVAILABLE", True)
    assert outcome.error.partial is not None
    assert outcome.error.partial.content == "The capital of France"


# -- a JSON answer to a stream request ------------------------------------------------------------


@ALL_MODES
@pytest.mark.parametrize("path", JSONARRAY_PATHS, ids=lambda p: p.stem)
def test_a_json_array_answer_to_a_stream_request_is_read_whole(path: Path, mode: Mode) -> None:
    # streamGenerateContent without alt=sse answers one JSON array (a proxy that drops the
    # query could pass it on); it is decoded whole and replayed as chunks.
    body = path.read_bytes()
    response = GeminiCodec().parse_chat(body)
    (outcome,) = run(mode, [[body[:9], body[9:500], body[500:]]], content_type="application/json")
    assert outcome.error is None
    assert outcome.chunks == tuple(response_as_chunks(response))
    assert outcome.final is not None
    assert answer_fields(outcome.final) == expected_file(path)


@ALL_MODES
def test_a_200_json_error_answer_to_a_stream_request_raises_the_typed_error(mode: Mode) -> None:
    body = (DATA / "error-400-vertex.json").read_bytes()
    (outcome,) = run(mode, [[body]], content_type="application/json; charset=UTF-8")
    assert outcome.error is not None
    assert (outcome.error.type, outcome.error.status_code) == (errors.BadRequestError, 400)
    assert outcome.error.error_type == "INVALID_ARGUMENT"


# -- parallel function calls --------------------------------------------------------------------


def parallel_calls_transcript() -> bytes:
    """The recorded Gemini 3 tool-call stream with two more calls in its first chunk: how
    Gemini sends parallel calls (several functionCall parts, only the first one signed:
    https://ai.google.dev/gemini-api/docs/thought-signatures)."""
    (path,) = (p for p in SSE_PATHS if p.stem == "sse-tool-call-gemini3-reconstructed")
    first, last = response_objects(frames(path))
    parts = first["candidates"][0]["content"]["parts"]
    parts.append({"functionCall": {"name": "weather", "args": {"location": "New York"}}})
    parts.append({"functionCall": {"name": "time", "args": {}}})
    events = [json.dumps(o, separators=(",", ":")) for o in (first, last)]
    return "".join(f"data: {e}\r\n\r\n" for e in events).encode()


@ALL_MODES
def test_parallel_calls_in_one_chunk_are_separate_calls_whatever_the_split(mode: Mode) -> None:
    body = parallel_calls_transcript()
    expected = frame_outcome(body)
    assert expected.final is not None
    (path,) = (p for p in SSE_PATHS if p.stem == "sse-tool-call-gemini3-reconstructed")
    signature = response_objects(frames(path))[0]["candidates"][0]["content"]["parts"][0][
        "thoughtSignature"
    ]
    assert [
        (c.id, c.name, c.arguments, c.thought_signature) for c in expected.final.tool_calls
    ] == [
        ("call_QHiLaa6LBrb8vdIPoNztsAg_0", "weather", '{"location":"San Francisco"}', signature),
        ("call_QHiLaa6LBrb8vdIPoNztsAg_1", "weather", '{"location":"New York"}', None),
        ("call_QHiLaa6LBrb8vdIPoNztsAg_2", "time", "{}", None),
    ]
    assert [d.index for d in expected.chunks[0].tool_calls] == [0, 1, 2]
    assert expected.final.finish_reason == "tool_calls"
    cuts = two_piece_cuts(body, 7)
    bad = mismatches(mode, [split_at(body, [c]) for c in cuts], expected)
    assert [cuts[i] for i in bad] == []
    (bytewise,) = run(mode, [[body[i : i + 1] for i in range(len(body))]])
    assert bytewise == expected
