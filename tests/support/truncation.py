"""What a stream cut short must give, per protocol, by that protocol's independent oracle.

A body cut before the provider's terminal event (``[DONE]`` or every choice's finish
reason; ``message_stop``; every candidate's finishReason; the ``done`` line) raises
``IncompleteStreamError`` carrying, in ``.partial``, everything that arrived; a body cut
after it completes. An event arrives when its blank line does (an NDJSON line when all its
bytes do): a cut inside an event drops it, as the SSE rules say an unfinished event is.
An in-band error event that arrived raises its own class instead.

Each protocol's :class:`Truncation` names where to cut and, for one transcript, what must
have arrived at each cut; tests/bytes/test_truncation.py checks every cut against it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import attrs

from llm_connector import errors
from tests.support import anthropic_oracle, gemini_oracle, ollama_oracle, openai_chat_oracle
from tests.support.framing import sse_events


@attrs.frozen
class Arrived:
    """What a client must give for a body cut short, by the oracle of what arrived."""

    #: How many events (or lines) arrived whole before the cut.
    events: int
    #: An in-band error event arrived: this class is raised (and nothing more is said).
    raised: type[errors.LLMError] | None = None
    #: The terminal event arrived: the stream completes.
    complete: bool = False
    #: How many chunks the loop saw (None: not the oracle's to say, e.g. a usage chunk).
    chunks: int | None = None
    #: The text and the reasoning of the answer, or of the partial.
    content: str = ""
    reasoning: str = ""
    #: How many tool calls it holds (None: not checked).
    tool_calls: int | None = None


#: For one transcript: what must have arrived when the body is cut at an offset.
Oracle = Callable[[int], Arrived]


@attrs.frozen
class Truncation:
    cut_points: Callable[[bytes], list[int]]
    #: ``oracle(path, body)``: the oracle of one transcript.
    oracle: Callable[[Path, bytes], Oracle]


# -- where to cut --------------------------------------------------------------------------------


def event_cut_points(body: bytes) -> list[int]:
    """Every event boundary (after each blank line, comments included), the end of every
    line (an event not yet closed by its blank line), and the middle of every line."""
    cuts: set[int] = set()
    start = 0
    for line in body.split(b"\n")[:-1]:
        end = start + len(line) + 1
        cuts.update((end, start + len(line) // 2 if line else end))
        start = end
    return sorted(c for c in cuts if 0 < c < len(body))


def line_cut_points(body: bytes) -> list[int]:
    """The end of every line (its newline included or not) and the middle of every line."""
    cuts: set[int] = set()
    start = 0
    for line in body.split(b"\n")[:-1]:
        end = start + len(line)
        cuts.update((start + len(line) // 2, end, end + 1))
        start = end + 1
    return sorted(c for c in cuts if 0 < c < len(body))


def _after_events(body: bytes, count: int, arrived: Callable[[int], Arrived]) -> Oracle:
    """An oracle by the number of SSE events whose blank line came before the cut (each
    count worked out once: a transcript has far more cuts than events)."""
    ends = [event.end for event in sse_events(body)]
    # The oracle's own reading of the events and the splitter's must agree on how many.
    assert len(ends) == count
    memo = functools.cache(arrived)
    return lambda cut: memo(sum(1 for end in ends if end <= cut))


# -- the oracles -------------------------------------------------------------------------------


def openai_chat(path: Path, body: bytes) -> Oracle:
    """A chunk per JSON event; an OpenRouter error event raises BadRequestError."""
    events = openai_chat_oracle.frames(path)

    def arrived(n: int) -> Arrived:
        got = events[:n]
        if any(openai_chat_oracle.error_object(e) for e in got):
            return Arrived(n, raised=errors.BadRequestError)
        objs = openai_chat_oracle.chunk_objects(got)
        return Arrived(
            n,
            complete=openai_chat_oracle.is_complete(got),
            chunks=len(objs),
            content=openai_chat_oracle.content_text(objs),
            reasoning=openai_chat_oracle.reasoning_text(objs),
        )

    return _after_events(body, len(events), arrived)


def anthropic(path: Path, body: bytes) -> Oracle:
    """The oracle's chunks per event; an ``error`` event raises OverloadedError (the one
    the transcripts have)."""
    events = anthropic_oracle.frames(path)
    per_event = anthropic_oracle.expected_chunks(
        e for e in events if not anthropic_oracle.is_error(e)
    )

    def arrived(n: int) -> Arrived:
        got = events[:n]
        if any(anthropic_oracle.is_error(e) for e in got):
            return Arrived(n, raised=errors.OverloadedError)
        return Arrived(
            n,
            complete=anthropic_oracle.is_complete(got),
            chunks=sum(len(c) for c in per_event[:n]),
            content=anthropic_oracle.content_text(got),
            reasoning=anthropic_oracle.reasoning_text(got),
        )

    return _after_events(body, len(events), arrived)


def gemini(path: Path, body: bytes) -> Oracle:
    """A chunk per response; a complete stream has one usage chunk more, which the count
    leaves to the frame-level reference."""
    events = gemini_oracle.frames(path)

    def arrived(n: int) -> Arrived:
        got = gemini_oracle.response_objects(events[:n])
        complete = gemini_oracle.is_complete(got)
        return Arrived(
            n,
            complete=complete,
            # What arrived is there; the usage, reported at the end, is not.
            chunks=None if complete else len(got),
            content=gemini_oracle.content_text(got),
            reasoning=gemini_oracle.reasoning_text(got),
        )

    return _after_events(body, len(events), arrived)


def ollama(path: Path, body: bytes) -> Oracle:
    """A chunk per line; the ``done`` line completes the stream. A line arrived if all its
    bytes did, its newline or not: the shells hand an unterminated last line over, and a
    whole JSON object is a whole line."""
    all_lines = body.split(b"\n")[:-1]

    @functools.cache
    def after(arrived: bytes, n: int) -> Arrived:
        deltas = [c["choices"][0]["delta"] for c in ollama_oracle.expected_chunks(path, arrived)]
        return Arrived(
            n,
            complete=n == len(all_lines),
            chunks=n,
            content="".join(d["content"] or "" for d in deltas),
            reasoning="".join(d["reasoning_content"] or "" for d in deltas),
            tool_calls=sum(len(d["tool_calls"]) for d in deltas),
        )

    def oracle(cut: int) -> Arrived:
        pieces = body[:cut].split(b"\n")
        whole = [p for i, p in enumerate(pieces) if p and p == all_lines[i]]
        return after(b"\n".join(whole), len(whole))

    return oracle


OPENAI_CHAT = Truncation(event_cut_points, openai_chat)
ANTHROPIC = Truncation(event_cut_points, anthropic)
GEMINI = Truncation(event_cut_points, gemini)
OLLAMA = Truncation(line_cut_points, ollama)
