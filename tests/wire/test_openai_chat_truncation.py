"""Streams cut short, frames that are garbage, and JSON answers to a stream request, on the
byte path through both clients.

A body cut before the provider's terminal event (``[DONE]``, or the finish_reason of every
choice) raises ``IncompleteStreamError`` carrying, in ``.partial``, everything that arrived;
the expected text comes from the independent oracle. A cut inside an event (mid-line, or
before its blank line) drops that event, as the SSE rules say an unfinished event is.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_connector import errors
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.types._accumulate import response_as_chunks
from tests.codecs.openai_chat_oracle import (
    SSE_PATHS,
    chunk_objects,
    content_text,
    error_object,
    frames,
    is_complete,
    reasoning_text,
    transcript_id,
)
from tests.wire.wire_support import MODES, Mode, frame_outcome, run, sse_events

TRANSCRIPTS = pytest.mark.parametrize("path", SSE_PATHS, ids=transcript_id)
ALL_MODES = pytest.mark.parametrize("mode", MODES)


def cut_points(body: bytes) -> list[int]:
    """Every event boundary (after each blank line, comments included), the end of every
    line (an event not yet closed by its blank line), and the middle of every line."""
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
    oracle_events = frames(path)
    ends = [e.end for e in sse_events(body)]
    assert len(ends) == len(oracle_events)
    cuts = cut_points(body)
    outcomes = run(mode, [[body[:cut]] for cut in cuts])
    checked_incomplete = 0
    for cut, outcome in zip(cuts, outcomes, strict=True):
        arrived = oracle_events[: sum(1 for end in ends if end <= cut)]
        objs = chunk_objects(arrived)
        where = f"cut at {cut} after {len(arrived)} events"
        assert outcome == frame_outcome(body[:cut]), where
        if any(error_object(e) for e in arrived):
            assert outcome.error is not None and outcome.error.type is errors.BadRequestError
            continue
        assert len(outcome.chunks) == len(objs), where
        if is_complete(arrived):
            assert outcome.error is None, where
            answer = outcome.final
        else:
            assert outcome.error is not None, where
            assert outcome.error.type is errors.IncompleteStreamError, where
            answer = outcome.error.partial
            checked_incomplete += 1
        assert answer is not None, where
        assert answer.content == content_text(objs), where
        assert (answer.reasoning_content or "") == reasoning_text(objs), where
    assert checked_incomplete > 0


@ALL_MODES
def test_a_connection_that_closes_before_any_byte_is_incomplete(mode: Mode) -> None:
    (outcome,) = run(mode, [[]])
    assert outcome.chunks == ()
    assert outcome.error is not None
    assert outcome.error.type is errors.IncompleteStreamError
    assert outcome.error.partial is not None
    assert outcome.error.partial.choices == ()


# -- garbage frames --------------------------------------------------------------------------


def text_basic_with_frame(n: int, data: str) -> tuple[bytes, str]:
    """The recorded gpt-3.5 text stream with its n-th event's data replaced; also the text
    of the events before it."""
    (path,) = (p for p in SSE_PATHS if p.stem == "text-basic-gpt35")
    events = [e.data for e in frames(path)]
    before = content_text(json.loads(d) for d in events[:n])
    events[n] = data
    return "".join(f"data: {d}\n\n" for d in events).encode(), before


@ALL_MODES
@pytest.mark.parametrize(
    "data",
    [
        '{"id": "chatcmpl-x", "choices": [{"delta": {"content": "oops"',
        "<html>502</html>",
        "x" * 900,
    ],
    ids=["truncated-json", "html", "long"],
)
def test_an_undecodable_frame_raises_stream_decode_error_with_frame_and_partial(
    mode: Mode, data: str
) -> None:
    body, before = text_basic_with_frame(5, data)
    (outcome,) = run(mode, [[body]])
    assert len(outcome.chunks) == 5
    assert outcome.error is not None
    assert outcome.error.type is errors.StreamDecodeError
    limit = errors.MAX_FRAME_EXCERPT
    excerpt = data if len(data) <= limit else data[:limit] + f"... ({len(data)} characters)"
    assert outcome.error.frame == excerpt
    assert outcome.error.partial is not None
    assert outcome.error.partial.content == before == "Why did the op"


@ALL_MODES
def test_a_wrongly_shaped_chunk_raises_stream_decode_error(mode: Mode) -> None:
    bad = '{"id": "x", "choices": [{"index": 0, "delta": 5}]}'
    body, before = text_basic_with_frame(3, bad)
    (outcome,) = run(mode, [[body]])
    assert outcome.error is not None
    assert (outcome.error.type, outcome.error.frame) == (errors.StreamDecodeError, bad)
    assert outcome.error.partial is not None
    assert outcome.error.partial.content == before == "Why did"


# -- a JSON answer to a stream request --------------------------------------------------------


@ALL_MODES
def test_a_200_json_error_answer_to_a_stream_request_raises_the_typed_error(mode: Mode) -> None:
    # OpenRouter may answer a stream request with a 200 JSON error envelope.
    body = (SSE_PATHS[0].parent.parent / "openai-compat" / "openrouter-error-429.json").read_bytes()
    (outcome,) = run(mode, [[body]], content_type="application/json")
    assert outcome.chunks == ()
    assert outcome.error is not None
    assert (outcome.error.type, outcome.error.status_code) == (errors.RateLimitError, 429)
    assert outcome.error.in_stream is True
    assert outcome.error.message.startswith("Provider returned error: google/gemini-2.0-flash")


@ALL_MODES
def test_a_server_that_ignores_stream_true_is_replayed_as_one_chunk(mode: Mode) -> None:
    body = (SSE_PATHS[0].parent / "nonstream-text.json").read_bytes()
    response = OpenAIChatCodec().parse_chat(body)
    # Delivered in awkward pieces: the JSON body is read whole before it is parsed.
    (outcome,) = run(mode, [[body[:7], body[7:400], body[400:]]], content_type="application/json")
    assert outcome.error is None
    assert outcome.chunks == tuple(response_as_chunks(response))
    assert outcome.chunks[0].content == "YES"
    assert outcome.final == response
