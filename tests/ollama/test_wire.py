"""Every Ollama transcript through the real shells, whatever way its bytes arrive.

The body is served by ``httpx.MockTransport`` in chosen pieces to ``Client.ollama`` and
``AsyncClient.ollama``; the chunks a user iterates, ``final_response()`` and any error must
equal, with ``==``, the frame-level result of the same body (support.py), which the codec
tests prove right. Arrivals: whole; one byte at a time; split in two at every index (on the
two transcripts over 4 KB, every 5th index plus both sides of every line break and of every
byte of a multi-byte character); split at many places at once (hypothesis); with CRLF line
ends. Then bodies cut short at every line end and mid-line, which must raise
``IncompleteStreamError`` carrying the lines that arrived.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_connector import errors
from llm_connector.codecs.ollama.codec import OllamaCodec
from llm_connector.types import Usage
from llm_connector.types._accumulate import response_as_chunks
from tests.ollama.support import (
    DATA,
    NDJSON_PATHS,
    expected_chunks,
    expected_file,
    frame_outcome,
    mismatches,
    run,
    transcript_id,
)
from tests.wire.wire_support import MODES, Mode, split_at

TRANSCRIPTS = pytest.mark.parametrize("path", NDJSON_PATHS, ids=transcript_id)
ALL_MODES = pytest.mark.parametrize("mode", MODES)

#: Transcripts longer than this are split at a stride (plus the places a stride could skip).
EVERY_INDEX_UP_TO = 4_000
STRIDE = 5


def two_piece_cuts(body: bytes) -> list[int]:
    if len(body) <= EVERY_INDEX_UP_TO:
        return list(range(1, len(body)))
    cuts = set(range(1, len(body), STRIDE))
    for i, byte in enumerate(body):
        if byte == 0x0A:
            cuts.update((i - 1, i, i + 1, i + 2))
        elif byte >= 0x80:
            cuts.update((i, i + 1))
    return sorted(c for c in cuts if 0 < c < len(body))


@TRANSCRIPTS
def test_the_frame_level_reference_is_the_hand_checked_answer(path: Path) -> None:
    expected = expected_file(path)
    outcome = frame_outcome(path.read_bytes())
    assert outcome.error is None and outcome.final is not None
    assert len(outcome.chunks) == expected["lines"]
    assert (outcome.final.content, outcome.final.reasoning_content) == (
        expected["content"],
        expected["reasoning_content"],
    )
    assert outcome.final.usage == Usage(**expected["usage"])


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
    cuts = two_piece_cuts(body)
    assert len(cuts) >= min(len(body) - 1, len(body) // STRIDE)
    bad = mismatches(mode, [split_at(body, [cut]) for cut in cuts], frame_outcome(body))
    assert [cuts[i] for i in bad] == []


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_split_anywhere_into_many_pieces(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(NDJSON_PATHS), label="transcript")
    body = path.read_bytes()
    cuts = data.draw(
        st.lists(st.integers(1, len(body) - 1), max_size=12, unique=True), label="cuts"
    )
    mode = data.draw(st.sampled_from(MODES), label="mode")
    (outcome,) = run(mode, [split_at(body, sorted(cuts))])
    assert outcome == frame_outcome(body)


@ALL_MODES
@TRANSCRIPTS
def test_crlf_line_ends_decode_the_same(path: Path, mode: Mode) -> None:
    body = path.read_bytes()
    crlf = body.replace(b"\n", b"\r\n")
    cuts = [i for i, byte in enumerate(crlf) if byte == 0x0D][:6]  # between CR and LF too
    outcomes = run(mode, [[crlf], *(split_at(crlf, [c, c + 1]) for c in cuts)])
    assert outcomes == [frame_outcome(body)] * len(outcomes)


# -- streams cut short -----------------------------------------------------------------------


def cut_points(body: bytes) -> list[int]:
    """The end of every line (its newline included or not) and the middle of every line."""
    cuts: set[int] = set()
    start = 0
    for line in body.split(b"\n")[:-1]:
        end = start + len(line)
        cuts.update((start + len(line) // 2, end, end + 1))
        start = end + 1
    return sorted(c for c in cuts if 0 < c < len(body))


@ALL_MODES
@TRANSCRIPTS
def test_every_cut_raises_incomplete_with_the_lines_that_arrived(path: Path, mode: Mode) -> None:
    body = path.read_bytes()
    cuts = cut_points(body)
    outcomes = run(mode, [[body[:cut]] for cut in cuts])
    all_lines = body.split(b"\n")[:-1]
    for cut, outcome in zip(cuts, outcomes, strict=True):
        # A line arrived if all its bytes did, its newline or not: the shells hand an
        # unterminated last line over, and a whole JSON object is a whole line.
        pieces = body[:cut].split(b"\n")
        whole = [p for i, p in enumerate(pieces) if p and p == all_lines[i]]
        arrived = b"\n".join(whole)
        n = len(whole)
        where = f"cut at {cut} after {n} whole lines"
        assert outcome == frame_outcome(body[:cut]), where
        if n == len(all_lines):
            assert outcome.error is None, where  # the done line arrived whole
            continue
        expected = expected_chunks(path, arrived)
        assert outcome.error is not None, where
        assert outcome.error.type is errors.IncompleteStreamError, where
        assert outcome.error.partial is not None, where
        partial = outcome.error.partial
        deltas = [c["choices"][0]["delta"] for c in expected]
        assert partial.content == "".join(d["content"] or "" for d in deltas), where
        assert (partial.reasoning_content or "") == "".join(
            d["reasoning_content"] or "" for d in deltas
        ), where
        calls = sum(len(d["tool_calls"]) for d in deltas)
        assert len(partial.tool_calls) == calls, where
        assert len(outcome.chunks) == n, where


@ALL_MODES
def test_a_connection_closed_before_any_byte_is_incomplete(mode: Mode) -> None:
    (outcome,) = run(mode, [[]])
    assert outcome.chunks == ()
    assert outcome.error is not None and outcome.error.type is errors.IncompleteStreamError
    assert outcome.error.partial is not None and outcome.error.partial.choices == ()


# -- errors and other answers -----------------------------------------------------------------


def llama3_with(n: int, line: bytes) -> tuple[bytes, str]:
    """The recorded llama3 stream with ``line`` in place of its n-th line; also the text of
    the lines before it."""
    lines = (DATA / "chat-stream-llama3.ndjson").read_bytes().split(b"\n")
    before = "".join(json.loads(x)["message"]["content"] for x in lines[:n])
    lines[n] = line
    return b"\n".join(lines), before


@ALL_MODES
def test_an_error_line_raises_the_typed_error_with_the_partial(mode: Mode) -> None:
    error = b'{"error":"an error was encountered while running the model"}'
    body, before = llama3_with(4, error)
    (outcome,) = run(mode, [split_at(body, [len(body) // 3])])
    assert len(outcome.chunks) == 4
    assert outcome.error is not None
    assert (outcome.error.type, outcome.error.status_code, outcome.error.in_stream) == (
        errors.InternalServerError,
        500,
        True,
    )
    assert outcome.error.message == "an error was encountered while running the model"
    assert outcome.error.partial is not None
    assert outcome.error.partial.content == before == "Why did the Open"


@ALL_MODES
def test_a_garbage_line_raises_stream_decode_error(mode: Mode) -> None:
    body, before = llama3_with(3, b"<html>502 Bad Gateway</html>")
    (outcome,) = run(mode, [[body]])
    assert outcome.error is not None
    assert (outcome.error.type, outcome.error.frame) == (
        errors.StreamDecodeError,
        "<html>502 Bad Gateway</html>",
    )
    assert outcome.error.partial is not None and outcome.error.partial.content == before


@ALL_MODES
def test_a_json_answer_to_a_stream_request_is_replayed(mode: Mode) -> None:
    body = (DATA / "chat-nonstream.json").read_bytes()
    response = OllamaCodec().parse_chat(body)
    (outcome,) = run(
        mode, [[body[:9], body[9:300], body[300:]]], headers={"content-type": "application/json"}
    )
    assert outcome.error is None
    assert outcome.chunks == tuple(response_as_chunks(response))
    assert outcome.final == response
    assert outcome.final.content.startswith("A joke about OpenTelemetry!")


@ALL_MODES
@pytest.mark.parametrize("char", ["\u2028", "\u0085"])
def test_a_raw_line_separator_inside_a_json_string_is_text(mode: Mode, char: str) -> None:
    # Go's encoding/json escapes U+2028 but not U+0085; other servers escape neither.
    content = f"one{char}two"
    line = json.dumps(
        {"model": "m", "message": {"role": "assistant", "content": content}, "done": False},
        ensure_ascii=False,
    )
    body = f'{line}\n{{"model": "m", "done": true, "done_reason": "stop"}}\n'.encode()
    (outcome,) = run(mode, [[body]])
    assert outcome.error is None and outcome.final is not None
    assert outcome.final.content == content
