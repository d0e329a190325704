"""Line endings and multi-byte characters on the byte path.

SSE lines may end in LF, CRLF or a bare CR (https://html.spec.whatwg.org/multipage/
server-sent-events.html#parsing-an-event-stream); the recorded transcripts all use LF, so
the variants here rewrite them and must decode to exactly what the LF original does. A
split between CR and LF, or inside a UTF-8 character, must not change a thing either.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.codecs.openai_chat_oracle import SSE_PATHS, transcript_id
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
ENDINGS = {"crlf": b"\r\n", "cr": b"\r"}


def with_endings(body: bytes, endings: list[bytes]) -> bytes:
    """``body`` (LF line endings, events ending in a blank line) with the n-th event's line
    endings replaced by ``endings[n]``. One ending per event: a bare-CR line followed by an
    LF blank line would read as one CRLF, which is another stream, not another spelling."""
    blocks = body.split(b"\n\n")
    assert blocks[-1] == b"", "the transcript ends with a blank line"
    out = []
    for block, end in zip(blocks[:-1], endings, strict=False):
        out.append(end.join(block.split(b"\n")) + end + end)
    return b"".join(out)


def rewritten(path: Path, ending: bytes) -> bytes:
    body = path.read_bytes()
    return with_endings(body, [ending] * body.count(b"\n\n"))


def test_the_rewrite_changes_only_line_endings() -> None:
    body = b": c\n\ndata: {}\n\ndata: [DONE]\n\n"
    assert with_endings(body, [b"\r\n", b"\r", b"\n"]) == (
        b": c\r\n\r\ndata: {}\r\rdata: [DONE]\n\n"
    )


@ALL_MODES
@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
@TRANSCRIPTS
def test_crlf_and_cr_decode_like_lf_whole_and_byte_by_byte(
    path: Path, ending: bytes, mode: Mode
) -> None:
    expected = frame_outcome(path.read_bytes())
    body = rewritten(path, ending)
    whole, bytewise = run(mode, [[body], [body[i : i + 1] for i in range(len(body))]])
    assert whole == expected
    assert bytewise == expected


# Small transcripts, one of them with SSE comment lines, split in two at every index.
EVERY_INDEX = [
    p
    for p in SSE_PATHS
    if p.stem
    in (
        "hf-router-novita-stream",
        "groq-tool-call-whole-args",
        "openrouter-minimax-midstream-error",
    )
]


@ALL_MODES
@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
@pytest.mark.parametrize("path", EVERY_INDEX, ids=transcript_id)
def test_crlf_and_cr_split_in_two_at_every_index(path: Path, ending: bytes, mode: Mode) -> None:
    assert len(EVERY_INDEX) == 3
    body = rewritten(path, ending)
    cuts = two_piece_cuts(body)
    bad = mismatches(mode, [split_at(body, [c]) for c in cuts], frame_outcome(path.read_bytes()))
    assert [cuts[i] for i in bad] == []


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_mixed_line_endings_split_anywhere(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(SSE_PATHS), label="transcript")
    original = path.read_bytes()
    endings = data.draw(
        st.lists(
            st.sampled_from([b"\n", b"\r\n", b"\r"]),
            min_size=original.count(b"\n\n"),
            max_size=original.count(b"\n\n"),
        ),
        label="endings",
    )
    body = with_endings(original, endings)
    cuts = data.draw(st.lists(st.integers(1, len(body) - 1), unique=True, max_size=30).map(sorted))
    expected = frame_outcome(original)
    for mode in MODES:
        assert run(mode, [split_at(body, cuts)]) == [expected], mode


# -- multi-byte UTF-8 --------------------------------------------------------------------------

PIECES = ["h", "é", "llo", " wö", "rld", " 你", "好", " 🎉"]
TEXT = "héllo wörld 你好 🎉"


def utf8_transcript(pieces: list[str], *, ascii_escapes: bool = False) -> bytes:
    """The recorded gpt-3.5 text stream's chunk layout, with our own content pieces: a role
    chunk, one chunk per piece, the finish chunk, [DONE]. Written as raw UTF-8 unless
    ``ascii_escapes`` (then as \\u escapes, surrogate pairs for the emoji)."""
    (path,) = (p for p in SSE_PATHS if p.stem == "text-basic-gpt35")
    chunks = [json.loads(line[6:]) for line in path.read_text().splitlines() if line[6:7] == "{"]
    first, template, last = chunks[0], chunks[1], chunks[-1]
    bodies = [first]
    for piece in pieces:
        chunk = json.loads(json.dumps(template))
        chunk["choices"][0]["delta"]["content"] = piece
        bodies.append(chunk)
    bodies.append(last)
    events = [json.dumps(c, ensure_ascii=ascii_escapes) for c in bodies] + ["[DONE]"]
    return "".join(f"data: {e}\n\n" for e in events).encode("utf-8")


def test_the_utf8_transcript_really_has_multibyte_characters() -> None:
    body = utf8_transcript(PIECES)
    assert "".join(PIECES) == TEXT
    assert "🎉".encode() in body and "你".encode() in body
    assert max(body) >= 0xF0  # a four-byte sequence's lead byte


@ALL_MODES
def test_multibyte_text_survives_every_split(mode: Mode) -> None:
    body = utf8_transcript(PIECES)
    expected = frame_outcome(body)
    assert expected.final is not None
    assert expected.final.content == TEXT
    assert [c.content for c in expected.chunks] == ["", *PIECES, ""]
    cuts = two_piece_cuts(body)
    bad = mismatches(mode, [split_at(body, [c]) for c in cuts], expected)
    assert [cuts[i] for i in bad] == []
    (bytewise,) = run(mode, [[body[i : i + 1] for i in range(len(body))]])
    assert bytewise == expected


@ALL_MODES
def test_whole_text_in_one_chunk_and_as_json_escapes(mode: Mode) -> None:
    for body in (utf8_transcript([TEXT]), utf8_transcript(PIECES, ascii_escapes=True)):
        (outcome,) = run(mode, [[body[i : i + 1] for i in range(len(body))]])
        assert outcome.final is not None
        assert outcome.final.content == TEXT


@pytest.mark.parametrize("stem", ["deepseek-chat-stream", "deepseek-reasoner-stream"])
def test_strided_splits_still_cut_inside_every_multibyte_character(stem: str) -> None:
    # The large DeepSeek transcripts are split at a stride (test_openai_chat_bytes.py); their
    # emoji and dashes must still be cut through, byte by byte.
    (path,) = (p for p in SSE_PATHS if p.stem == stem)
    body = path.read_bytes()
    inside = {i for i, byte in enumerate(body) if 0x80 <= byte < 0xC0}  # continuation bytes
    assert inside, "the transcript has non-ASCII text"
    assert inside <= set(two_piece_cuts(body, stride=97))
