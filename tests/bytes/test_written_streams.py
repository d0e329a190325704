"""Streams the tests write, from a recorded transcript's layout, for what the recordings
do not have enough of: text that is all multi-byte characters (OpenAI chat, Gemini),
parallel function calls in one Gemini chunk, raw line separators inside an NDJSON string.
Each goes through the table's client of its protocol (tests/support/protocols.py) and
must give its frame-level reference, whose values are checked here against the text the
test wrote, however the bytes arrive.
"""

from __future__ import annotations

import json

import pytest

from tests.support import gemini_oracle
from tests.support.byte_path import (
    bytewise,
    frame_outcome,
    mismatches,
    run,
    split_at,
    two_piece_cuts,
)
from tests.support.facade import MODES, Mode
from tests.support.protocols import GEMINI_WIRE, OLLAMA_WIRE, OPENAI_CHAT_WIRE, protocol

ALL_MODES = pytest.mark.parametrize("mode", MODES)

PIECES = ["h", "é", "llo", " wö", "rld", " 你", "好", " 🎉"]
TEXT = "héllo wörld 你好 🎉"


def _transcript(row: str, stem: str) -> bytes:
    (found,) = (t for t in protocol(row).transcripts if t.path.stem == stem)
    return found.path.read_bytes()


# -- OpenAI chat ---------------------------------------------------------------------------------


def openai_utf8_transcript(pieces: list[str], *, ascii_escapes: bool = False) -> bytes:
    """The recorded gpt-3.5 text stream's chunk layout, with our own content pieces: a role
    chunk, one chunk per piece, the finish chunk, [DONE]. Written as raw UTF-8 unless
    ``ascii_escapes`` (then as \\u escapes, surrogate pairs for the emoji)."""
    text = _transcript("openai-chat", "text-basic-gpt35").decode()
    chunks = [json.loads(line[6:]) for line in text.splitlines() if line[6:7] == "{"]
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
    body = openai_utf8_transcript(PIECES)
    assert "".join(PIECES) == TEXT
    assert "🎉".encode() in body and "你".encode() in body
    assert max(body) >= 0xF0  # a four-byte sequence's lead byte


@ALL_MODES
def test_openai_chat_multibyte_text_survives_every_split(mode: Mode) -> None:
    body = openai_utf8_transcript(PIECES)
    expected = frame_outcome(OPENAI_CHAT_WIRE, body)
    assert expected.final is not None
    assert expected.final.content == TEXT
    assert [c.content for c in expected.chunks] == ["", *PIECES, ""]
    cuts = two_piece_cuts(body)
    bad = mismatches(OPENAI_CHAT_WIRE, mode, [split_at(body, [c]) for c in cuts], expected)
    assert [cuts[i] for i in bad] == []
    (one_byte_at_a_time,) = run(OPENAI_CHAT_WIRE, mode, [bytewise(body)])
    assert one_byte_at_a_time == expected


@ALL_MODES
def test_openai_chat_text_in_one_chunk_and_as_json_escapes(mode: Mode) -> None:
    for body in (
        openai_utf8_transcript([TEXT]),
        openai_utf8_transcript(PIECES, ascii_escapes=True),
    ):
        (outcome,) = run(OPENAI_CHAT_WIRE, mode, [bytewise(body)])
        assert outcome.final is not None
        assert outcome.final.content == TEXT


# -- Gemini ------------------------------------------------------------------------------------


def gemini_utf8_transcript(pieces: list[str]) -> bytes:
    """sse-text-basic's layout with our own text pieces, written as raw UTF-8."""
    events = gemini_oracle.frames(gemini_oracle.DATA / "sse-text-basic.sse")
    first, *_, last = gemini_oracle.response_objects(events)
    out = []
    for n, piece in enumerate(pieces):
        obj = json.loads(json.dumps(last if n == len(pieces) - 1 else first))
        obj["candidates"][0]["content"]["parts"] = [{"text": piece}]
        out.append(json.dumps(obj, ensure_ascii=False))
    return "".join(f"data: {e}\r\n\r\n" for e in out).encode("utf-8")


@ALL_MODES
def test_gemini_multibyte_text_survives_every_split(mode: Mode) -> None:
    body = gemini_utf8_transcript(PIECES)
    expected = frame_outcome(GEMINI_WIRE, body)
    assert expected.final is not None
    assert expected.final.content == TEXT
    cuts = two_piece_cuts(body)
    bad = mismatches(GEMINI_WIRE, mode, [split_at(body, [c]) for c in cuts], expected)
    assert [cuts[i] for i in bad] == []


GEMINI_CALLS = gemini_oracle.DATA / "sse-tool-call-gemini3-reconstructed.sse"


def parallel_calls_transcript() -> bytes:
    """The recorded Gemini 3 tool-call stream with two more calls in its first chunk: how
    Gemini sends parallel calls (several functionCall parts, only the first one signed:
    https://ai.google.dev/gemini-api/docs/thought-signatures)."""
    first, last = gemini_oracle.response_objects(gemini_oracle.frames(GEMINI_CALLS))
    parts = first["candidates"][0]["content"]["parts"]
    parts.append({"functionCall": {"name": "weather", "args": {"location": "New York"}}})
    parts.append({"functionCall": {"name": "time", "args": {}}})
    events = [json.dumps(o, separators=(",", ":")) for o in (first, last)]
    return "".join(f"data: {e}\r\n\r\n" for e in events).encode()


@ALL_MODES
def test_gemini_parallel_calls_in_one_chunk_are_separate_calls_whatever_the_split(
    mode: Mode,
) -> None:
    body = parallel_calls_transcript()
    expected = frame_outcome(GEMINI_WIRE, body)
    assert expected.final is not None
    first = gemini_oracle.response_objects(gemini_oracle.frames(GEMINI_CALLS))[0]
    signature = first["candidates"][0]["content"]["parts"][0]["thoughtSignature"]
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
    bad = mismatches(GEMINI_WIRE, mode, [split_at(body, [c]) for c in cuts], expected)
    assert [cuts[i] for i in bad] == []
    (one_byte_at_a_time,) = run(GEMINI_WIRE, mode, [bytewise(body)])
    assert one_byte_at_a_time == expected


# -- Ollama ----------------------------------------------------------------------------------


@ALL_MODES
@pytest.mark.parametrize("char", ["\u2028", "\u0085"])
def test_ollama_raw_line_separator_inside_a_json_string_is_text(mode: Mode, char: str) -> None:
    # Go's encoding/json escapes U+2028 but not U+0085; other servers escape neither.
    content = f"one{char}two"
    line = json.dumps(
        {"model": "m", "message": {"role": "assistant", "content": content}, "done": False},
        ensure_ascii=False,
    )
    body = f'{line}\n{{"model": "m", "done": true, "done_reason": "stop"}}\n'.encode()
    (outcome,) = run(OLLAMA_WIRE, mode, [[body]])
    assert outcome.error is None and outcome.final is not None
    assert outcome.final.content == content
