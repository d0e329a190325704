"""Streams cut short, on the byte path through both clients.

A body cut before the provider's terminal event raises ``IncompleteStreamError`` carrying,
in ``.partial``, everything that arrived; cut after it, the stream completes. What arrived
(how many chunks, the text, the reasoning, the tool calls; or the class of an in-band error
event among them) comes from each protocol's independent oracle (tests/support/
truncation.py), and every outcome is also exactly the frame-level result of the cut body.
A cut inside an event drops that event, as the SSE rules say an unfinished event is.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

from llm_connector import errors
from tests.support.byte_path import Wire, frame_outcome, run
from tests.support.facade import MODES, Mode
from tests.support.protocols import (
    ANTHROPIC_WIRE,
    CASES,
    PROTOCOLS,
    Protocol,
    Transcript,
    body,
    case_id,
)
from tests.support.truncation import Oracle, Truncation

ALL_MODES = pytest.mark.parametrize("mode", MODES)
WITH_ORACLE = [
    pytest.param(row, transcript, id=case_id(row, transcript))
    for row, transcript in CASES
    if row.truncation is not None
]
#: Every chat client of the table (the Responses API's partial is another shape).
CHAT_WIRES = list(
    {
        id(t.wire): t.wire
        for row in PROTOCOLS
        for t in row.transcripts
        if t.wire.method == "chat_stream"
    }.values()
)


@functools.cache
def oracle_of(truncation: Truncation, transcript: Transcript) -> Oracle:
    """A transcript's oracle, built once for both clients' tests."""
    return truncation.oracle(transcript.path, body(transcript.path))


def test_the_protocols_with_an_oracle_for_cut_streams() -> None:
    # The openai-compat, DashScope, Hunyuan and Responses rows have no such oracle yet (nor
    # had their tests before the table): giving one is giving its row a Truncation.
    assert [row.name for row in PROTOCOLS if row.truncation is not None] == [
        "openai-chat",
        "anthropic",
        "gemini",
        "ollama",
    ]


@ALL_MODES
@pytest.mark.parametrize(("row", "transcript"), WITH_ORACLE)
def test_every_cut_raises_incomplete_with_the_partial_or_completes(
    row: Protocol, transcript: Transcript, mode: Mode
) -> None:
    assert row.truncation is not None
    whole = body(transcript.path)
    oracle = oracle_of(row.truncation, transcript)
    cuts = row.truncation.cut_points(whole)
    outcomes = run(transcript.wire, mode, [[whole[:cut]] for cut in cuts])
    incomplete = 0
    for cut, outcome in zip(cuts, outcomes, strict=True):
        want = oracle(cut)
        where = f"cut at {cut} after {want.events} events"
        assert outcome == frame_outcome(transcript.wire, whole[:cut]), where
        if want.raised is not None:
            assert outcome.error is not None and outcome.error.type is want.raised, where
            continue
        if want.chunks is not None:
            assert len(outcome.chunks) == want.chunks, where
        if want.complete:
            assert outcome.error is None, where
            answer = outcome.final
        else:
            assert outcome.error is not None, where
            assert outcome.error.type is errors.IncompleteStreamError, where
            answer = outcome.error.partial
            incomplete += 1
        assert answer is not None, where
        assert answer.content == want.content, where
        assert (answer.reasoning_content or "") == want.reasoning, where
        if want.tool_calls is not None:
            assert len(answer.tool_calls) == want.tool_calls, where
    assert incomplete > 0


@ALL_MODES
@pytest.mark.parametrize("wire", CHAT_WIRES, ids=lambda wire: wire.name)
def test_a_connection_that_closes_before_any_byte_is_incomplete(
    wire: Wire[Any, Any], mode: Mode
) -> None:
    (outcome,) = run(wire, mode, [[]])
    assert outcome.chunks == ()
    assert outcome.error is not None
    assert outcome.error.type is errors.IncompleteStreamError
    assert outcome.error.partial is not None
    assert outcome.error.partial.choices == ()


@ALL_MODES
def test_the_partial_of_a_cut_anthropic_tool_call_has_its_fragments(mode: Mode) -> None:
    (transcript,) = (t for row, t in CASES if case_id(row, t) == "anthropic/text-then-tool-use")
    whole = body(transcript.path)
    cut = whole.index(b'"partial_json":"ra"')
    cut = whole.index(b"\n\n", cut) + 2
    (outcome,) = run(ANTHROPIC_WIRE, mode, [[whole[:cut]]])
    assert outcome.error is not None and outcome.error.type is errors.IncompleteStreamError
    partial = outcome.error.partial
    assert partial is not None and partial.finish_reason is None and partial.usage is None
    assert [(c.id, c.name, c.arguments) for c in partial.tool_calls] == [
        ("toolu_014x5X91kx3fvdhpLvwXZWE2", "get_weather", '{"location": "San Fra')
    ]
