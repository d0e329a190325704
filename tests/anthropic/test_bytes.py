"""Every Anthropic transcript through the real shells, whatever way its bytes arrive.

The body is served by ``httpx.MockTransport`` in chosen pieces to ``Client.anthropic`` and
``AsyncClient.anthropic`` (wire.py); the chunks a user iterates, the ``final_response()``
and any error must equal, with ``==``, the frame-level result for the same body, which
test_stream.py proves right against the oracle and the hand-checked expected files.
Arrivals: whole; one byte at a time; split in two at every index (a stride on the one
transcript over 10 KB, keeping every multi-byte character and the last line breaks);
split at many places at once (hypothesis); CRLF and CR line endings. Cut short anywhere:
``IncompleteStreamError`` with everything that arrived in ``.partial``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_connector import errors
from llm_connector.codecs.anthropic.codec import AnthropicCodec
from llm_connector.types._accumulate import response_as_chunks
from tests.anthropic.oracle import (
    DATA,
    SSE_PATHS,
    content_text,
    expected_chunks,
    expected_file,
    frames,
    is_complete,
    is_error,
    reasoning_text,
    transcript_id,
)
from tests.anthropic.stream_support import answer_fields
from tests.anthropic.wire import frame_outcome, mismatches, run
from tests.wire.test_openai_chat_line_endings import with_endings
from tests.wire.wire_support import MODES, Mode, split_at, sse_events, two_piece_cuts

TRANSCRIPTS = pytest.mark.parametrize("path", SSE_PATHS, ids=transcript_id)
ALL_MODES = pytest.mark.parametrize("mode", MODES)

#: Transcripts larger than this are split at a stride (thinking-signature, 16.6 KB).
STRIDE_ABOVE = 10_000
LARGE_SPLITS = 600


@TRANSCRIPTS
def test_the_frame_level_reference_is_the_hand_checked_answer(path: Path) -> None:
    expected = expected_file(path)
    outcome = frame_outcome(path.read_bytes())
    assert len(outcome.chunks) == expected.pop("chunks")
    answer = outcome.final if outcome.error is None else outcome.error.partial
    assert answer is not None
    want_error = expected.pop("error", None)
    assert answer_fields(answer) == expected
    if want_error is None:
        assert outcome.error is None
    else:
        assert outcome.error is not None
        assert outcome.error.type.__name__ == want_error["class"]
        assert (outcome.error.status_code, outcome.error.message) == (
            want_error["status_code"],
            want_error["message"],
        )


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


def test_multibyte_characters_are_among_the_cuts() -> None:
    # The code-execution answer's emoji, dashes and "x" signs (3- and 4-byte UTF-8) are cut
    # through at every byte above: it is under the stride limit.
    body = (DATA / "code-execution-server-tool.sse").read_bytes()
    assert len(body) <= STRIDE_ABOVE and "✅".encode() in body and "×".encode() in body
    for path in SSE_PATHS:
        data = path.read_bytes()
        stride = 1 if len(data) <= STRIDE_ABOVE else (len(data) // LARGE_SPLITS) | 1
        inside = {i for i, byte in enumerate(data) if 0x80 <= byte < 0xC0}
        assert inside <= set(two_piece_cuts(data, stride))


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


@ALL_MODES
@pytest.mark.parametrize("ending", [b"\r\n", b"\r"], ids=["crlf", "cr"])
@TRANSCRIPTS
def test_crlf_and_cr_decode_like_lf(path: Path, ending: bytes, mode: Mode) -> None:
    original = path.read_bytes()
    body = with_endings(original, [ending] * original.count(b"\n\n"))
    assert body != original
    whole, bytewise = run(mode, [[body], [body[i : i + 1] for i in range(len(body))]])
    assert whole == bytewise == frame_outcome(original)


# -- cut short ---------------------------------------------------------------------------------


def cut_points(body: bytes) -> list[int]:
    """Every event boundary, the end of every line, and the middle of every line."""
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
    per_event = expected_chunks(e for e in events if not is_error(e))
    checked_incomplete = 0
    for cut, outcome in zip(cuts, run(mode, [[body[:cut]] for cut in cuts]), strict=True):
        arrived = events[: sum(1 for end in ends if end <= cut)]
        where = f"cut at {cut} after {len(arrived)} events"
        if any(is_error(e) for e in arrived):
            assert outcome.error is not None and outcome.error.type is errors.OverloadedError
            continue
        assert len(outcome.chunks) == sum(len(c) for c in per_event[: len(arrived)]), where
        if is_complete(arrived):
            assert outcome.error is None, where
            answer = outcome.final
        else:
            assert outcome.error is not None, where
            assert outcome.error.type is errors.IncompleteStreamError, where
            answer = outcome.error.partial
            checked_incomplete += 1
        assert answer is not None, where
        assert answer.content == content_text(arrived), where
        assert (answer.reasoning_content or "") == reasoning_text(arrived), where
    assert checked_incomplete > 0


@ALL_MODES
def test_the_partial_of_a_cut_tool_call_has_its_fragments(mode: Mode) -> None:
    body = (DATA / "text-then-tool-use.sse").read_bytes()
    cut = body.index(b'"partial_json":"ra"')
    cut = body.index(b"\n\n", cut) + 2
    (outcome,) = run(mode, [[body[:cut]]])
    assert outcome.error is not None and outcome.error.type is errors.IncompleteStreamError
    partial = outcome.error.partial
    assert partial is not None and partial.finish_reason is None and partial.usage is None
    assert [(c.id, c.name, c.arguments) for c in partial.tool_calls] == [
        ("toolu_014x5X91kx3fvdhpLvwXZWE2", "get_weather", '{"location": "San Fra')
    ]


@ALL_MODES
def test_a_connection_that_closes_before_any_byte_is_incomplete(mode: Mode) -> None:
    (outcome,) = run(mode, [[]])
    assert outcome.error is not None and outcome.error.type is errors.IncompleteStreamError
    assert outcome.error.partial is not None and outcome.error.partial.choices == ()


# -- a JSON answer to a stream request -----------------------------------------------------


@ALL_MODES
def test_a_server_that_answers_a_stream_request_with_json_is_replayed(mode: Mode) -> None:
    body = (DATA / "nonstream-tool-use.json").read_bytes()
    response = AnthropicCodec().parse_chat(body)
    (outcome,) = run(mode, [[body[:10], body[10:]]], content_type="application/json")
    assert outcome.error is None
    assert outcome.chunks == tuple(response_as_chunks(response))
    assert outcome.final == response


@ALL_MODES
def test_a_200_json_error_answer_to_a_stream_request_raises_the_typed_error(mode: Mode) -> None:
    body = json.dumps(
        {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    ).encode()
    (outcome,) = run(mode, [[body]], content_type="application/json")
    assert outcome.error is not None
    assert (outcome.error.type, outcome.error.status_code) == (errors.OverloadedError, 529)
    assert outcome.error.in_stream is True
