"""Line endings on the byte path.

SSE lines may end in LF, CRLF or a bare CR (https://html.spec.whatwg.org/multipage/
server-sent-events.html#parsing-an-event-stream), NDJSON lines in LF or CRLF. Each
protocol's transcripts are respelled with the endings its framing allows (the table's
``respellings``: the LF recordings as CRLF and CR; Gemini's CRLF ones as LF and CR; NDJSON
and the Responses API's as CRLF) and served whole and in pieces that cut between a CR and
its LF or a byte at a time; they must decode to exactly what the recorded spelling does.
Then the OpenAI chat transcripts with a different ending per event, split anywhere.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.byte_path import mismatches, run, split_at, two_piece_cuts
from tests.support.facade import MODES, Mode
from tests.support.framing import with_endings
from tests.support.protocols import (
    PROTOCOLS,
    Protocol,
    Respelling,
    Transcript,
    body,
    case_id,
    protocol,
    reference,
)

ALL_MODES = pytest.mark.parametrize("mode", MODES)
RESPELLED = [
    pytest.param(row, transcript, respelling, id=f"{case_id(row, transcript)}-{respelling.name}")
    for row in PROTOCOLS
    for respelling in row.respellings
    for transcript in row.transcripts
]
OPENAI_CHAT = protocol("openai-chat")


def test_the_rewrite_changes_only_line_endings() -> None:
    body = b": c\n\ndata: {}\n\ndata: [DONE]\n\n"
    assert with_endings(body, [b"\r\n", b"\r", b"\n"]) == (
        b": c\r\n\r\ndata: {}\r\rdata: [DONE]\n\n"
    )


def test_the_spellings_each_protocol_is_served_in() -> None:
    # The openai-compat, DashScope and Hunyuan rows had no respelled tests before the table
    # and have none yet: their bodies go through the shells' one SSE frame reader, which
    # the rows below and tests/framing (against httpx-sse) read in every spelling.
    assert {row.name: [r.name for r in row.respellings] for row in PROTOCOLS} == {
        "openai-chat": ["crlf", "cr"],
        "openai-compat": [],
        "dashscope": [],
        "hunyuan": [],
        "anthropic": ["crlf", "cr"],
        "gemini": ["lf", "cr"],
        "ollama": ["crlf"],
        "responses": ["crlf"],
    }


@ALL_MODES
@pytest.mark.parametrize(("row", "transcript", "respelling"), RESPELLED)
def test_respelled_line_endings_decode_as_recorded(
    row: Protocol, transcript: Transcript, respelling: Respelling, mode: Mode
) -> None:
    original = body(transcript.path)
    respelled = respelling.rewrite(original)
    assert respelled != original
    arrivals = respelling.arrivals(respelled)
    assert run(transcript.wire, mode, arrivals) == [reference(transcript)] * len(arrivals)


# Small OpenAI chat transcripts, one of them with SSE comment lines, split in two at every
# index in both spellings.
EVERY_INDEX = [
    t
    for t in OPENAI_CHAT.transcripts
    if t.path.stem
    in (
        "hf-router-novita-stream",
        "groq-tool-call-whole-args",
        "openrouter-minimax-midstream-error",
    )
]


@ALL_MODES
@pytest.mark.parametrize(
    "respelling", OPENAI_CHAT.respellings, ids=[r.name for r in OPENAI_CHAT.respellings]
)
@pytest.mark.parametrize("transcript", EVERY_INDEX, ids=lambda t: case_id(OPENAI_CHAT, t))
def test_crlf_and_cr_split_in_two_at_every_index(
    transcript: Transcript, respelling: Respelling, mode: Mode
) -> None:
    assert len(EVERY_INDEX) == 3
    respelled = respelling.rewrite(body(transcript.path))
    cuts = two_piece_cuts(respelled)
    chunkings = [split_at(respelled, [c]) for c in cuts]
    bad = mismatches(transcript.wire, mode, chunkings, reference(transcript))
    assert [cuts[i] for i in bad] == []


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_mixed_line_endings_split_anywhere(data: st.DataObject) -> None:
    transcript = data.draw(st.sampled_from(OPENAI_CHAT.transcripts), label="transcript")
    original = body(transcript.path)
    endings = data.draw(
        st.lists(
            st.sampled_from([b"\n", b"\r\n", b"\r"]),
            min_size=original.count(b"\n\n"),
            max_size=original.count(b"\n\n"),
        ),
        label="endings",
    )
    respelled = with_endings(original, endings)
    cuts = data.draw(
        st.lists(st.integers(1, len(respelled) - 1), unique=True, max_size=30).map(sorted)
    )
    for mode in MODES:
        assert run(transcript.wire, mode, [split_at(respelled, cuts)]) == [reference(transcript)], (
            mode
        )
