"""Garbage in, only typed errors out, on the byte path through both clients.

Random bodies (random bytes, or frames of random text, random JSON and protocol-shaped
objects whose every field may have any JSON type: each row's ``garbage``) are served to the
protocol's client: nothing but an ``LLMError`` may reach the caller, and only a stream
error or the typed error of an error event the body spells; every chunk and answer that
comes out, the partial of an error included, has the types its classes declare.

Then one bad frame in a recorded stream: an undecodable or wrongly shaped frame raises
``StreamDecodeError`` with the frame (an excerpt of a long one) and the partial of what came
before; an in-band error event raises its status's class with every detail and the
partial.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_connector import errors
from tests.support import gemini_oracle, ollama_oracle, openai_chat_oracle
from tests.support.byte_path import run, split_at
from tests.support.facade import MODES, Mode
from tests.support.protocols import (
    GEMINI_WIRE,
    OLLAMA_WIRE,
    OPENAI_CHAT_WIRE,
    PROTOCOLS,
    ChatWire,
    Protocol,
)

ALL_MODES = pytest.mark.parametrize("mode", MODES)
WITH_GARBAGE = [row for row in PROTOCOLS if row.garbage is not None]


@pytest.mark.parametrize("row", WITH_GARBAGE, ids=lambda row: row.name)
def test_only_typed_errors_reach_a_client_whatever_the_body(row: Protocol) -> None:
    garbage = row.garbage
    assert garbage is not None

    @settings(
        max_examples=garbage.examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(body=garbage.bodies, mode=st.sampled_from(MODES))
    def serve(body: bytes, mode: Mode) -> None:
        (outcome,) = run(garbage.wire, mode, [[body]])
        for out in outcome.chunks:
            garbage.check_chunk(out)
        garbage.check_answer(outcome.final)
        if outcome.error is not None:
            assert outcome.error.allowed, outcome.error
            garbage.check_answer(outcome.error.partial)

    serve()


# -- one bad frame in a recorded stream ----------------------------------------------------------


def openai_chat_with(n: int, data: str) -> tuple[bytes, str]:
    """The recorded gpt-3.5 text stream with its n-th event's data replaced; also the text
    of the events before it, by the oracle."""
    events = [
        e.data
        for e in openai_chat_oracle.frames(
            openai_chat_oracle.DATA / "openai-chat" / "text-basic-gpt35.sse"
        )
    ]
    before = openai_chat_oracle.content_text(json.loads(d) for d in events[:n])
    events[n] = data
    return "".join(f"data: {d}\n\n" for d in events).encode(), before


def gemini_events() -> list[str]:
    return [e.data for e in gemini_oracle.frames(gemini_oracle.DATA / "sse-text-basic.sse")]


def gemini_with(n: int, data: str) -> bytes:
    """The recorded Gemini text stream with its n-th event's data replaced."""
    events = gemini_events()
    events[n] = data
    return "".join(f"data: {e}\r\n\r\n" for e in events).encode()


def ollama_with(n: int, line: bytes) -> tuple[bytes, str]:
    """The recorded llama3 stream with ``line`` in place of its n-th line; also the text of
    the lines before it."""
    lines = (ollama_oracle.DATA / "chat-stream-llama3.ndjson").read_bytes().split(b"\n")
    before = "".join(json.loads(x)["message"]["content"] for x in lines[:n])
    lines[n] = line
    return b"\n".join(lines), before


def excerpt(data: str) -> str:
    """How an error shows a frame: whole, or its first MAX_FRAME_EXCERPT characters."""
    limit = errors.MAX_FRAME_EXCERPT
    return data if len(data) <= limit else data[:limit] + f"... ({len(data)} characters)"


@attrs.frozen
class BadFrame:
    """A recorded stream with one bad frame, and exactly what the client must raise."""

    wire: ChatWire
    #: The body, in the pieces it is served in.
    pieces: Callable[[], list[bytes]]
    raised: type[errors.LLMError]
    #: The text of what arrived before the bad frame (the partial's content).
    before: str
    #: How many chunks the loop saw before the error (None: not counted).
    chunks: int | None = None
    frame: str | None = None
    status_code: int | None = None
    error_type: str | None = None
    in_stream: bool | None = None
    message: str | None = None


def _undecodable(data: str) -> BadFrame:
    body, before = openai_chat_with(5, data)
    assert before == "Why did the op"
    return BadFrame(
        OPENAI_CHAT_WIRE,
        lambda: [body],
        errors.StreamDecodeError,
        "Why did the op",
        chunks=5,
        frame=excerpt(data),
    )


def _wrongly_shaped() -> BadFrame:
    bad = '{"id": "x", "choices": [{"index": 0, "delta": 5}]}'
    body, before = openai_chat_with(3, bad)
    assert before == "Why did"
    return BadFrame(
        OPENAI_CHAT_WIRE, lambda: [body], errors.StreamDecodeError, "Why did", frame=bad
    )


def _gemini_undecodable() -> BadFrame:
    data = '{"candidates": [{"content": {"parts": [{"text": "cut'
    return BadFrame(
        GEMINI_WIRE, lambda: [gemini_with(1, data)], errors.StreamDecodeError, "The", frame=data
    )


def _gemini_error_event() -> BadFrame:
    error = (
        '{"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}'
    )
    body = "".join(f"data: {e}\r\n\r\n" for e in [*gemini_events()[:2], error]).encode()
    return BadFrame(
        GEMINI_WIRE,
        lambda: [body],
        errors.InternalServerError,
        "The capital of France",
        status_code=503,
        error_type="UNAVAILABLE",
        in_stream=True,
    )


def _ollama_garbage_line() -> BadFrame:
    body, before = ollama_with(3, b"<html>502 Bad Gateway</html>")
    return BadFrame(
        OLLAMA_WIRE,
        lambda: [body],
        errors.StreamDecodeError,
        before,
        frame="<html>502 Bad Gateway</html>",
    )


def _ollama_error_line() -> BadFrame:
    error = b'{"error":"an error was encountered while running the model"}'
    body, before = ollama_with(4, error)
    assert before == "Why did the Open"
    return BadFrame(
        OLLAMA_WIRE,
        lambda: split_at(body, [len(body) // 3]),
        errors.InternalServerError,
        "Why did the Open",
        chunks=4,
        status_code=500,
        in_stream=True,
        message="an error was encountered while running the model",
    )


BAD_FRAMES: dict[str, Callable[[], BadFrame]] = {
    "openai-chat/truncated-json": lambda: _undecodable(
        '{"id": "chatcmpl-x", "choices": [{"delta": {"content": "oops"'
    ),
    "openai-chat/html": lambda: _undecodable("<html>502</html>"),
    "openai-chat/long": lambda: _undecodable("x" * 900),
    "openai-chat/wrongly-shaped-chunk": _wrongly_shaped,
    "gemini/truncated-json": _gemini_undecodable,
    "gemini/error-event": _gemini_error_event,
    "ollama/garbage-line": _ollama_garbage_line,
    "ollama/error-line": _ollama_error_line,
}


@ALL_MODES
@pytest.mark.parametrize("case", BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
def test_a_bad_frame_raises_its_error_with_the_partial(
    case: Callable[[], BadFrame], mode: Mode
) -> None:
    bad = case()
    (outcome,) = run(bad.wire, mode, [bad.pieces()])
    error = outcome.error
    assert error is not None
    assert error.type is bad.raised
    if bad.chunks is not None:
        assert len(outcome.chunks) == bad.chunks
    if bad.frame is not None:
        assert error.frame == bad.frame
    if bad.status_code is not None:
        assert (error.status_code, error.in_stream) == (bad.status_code, bad.in_stream)
    if bad.error_type is not None:
        assert error.error_type == bad.error_type
    if bad.message is not None:
        assert error.message == bad.message
    assert error.partial is not None
    assert error.partial.content == bad.before
