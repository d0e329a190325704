"""Properties every stream decoder must have, checked with hypothesis over the table of
decoders in decoders.py (adding a decoder is adding a row there):

1. However a recorded transcript's bytes are cut on their way in, a caller sees exactly
   what the whole body gives (chunks, answer, or error and its partial), with both clients.
2. For any input, random bytes or random frames (real frames mutated, frames of random
   JSON and text), a decoder raises nothing but ``StreamError`` subclasses (or the typed
   error of an error event the input spells), and what it returns is typed as declared:
   fed directly, through ``StreamCore``, and through both clients.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.contract import SSEFrame
from llm_connector.errors import LLMError
from tests.reliability.decoders import DECODERS, DecoderRow, allowed, run
from tests.wire.fuzz_support import any_json, check_answer, check_chunk
from tests.wire.wire_support import split_at, sse_events

Mode = Literal["sync", "async"]
MODES: tuple[Mode, ...] = ("sync", "async")

ROWS = [
    pytest.param(row, id=row.name, marks=pytest.mark.skipif(bool(why), reason=why or ""))
    for row in DECODERS
    for why in [row.unavailable()]
]
TRANSCRIPTS = [
    pytest.param(row, path, id=f"{row.name}/{path.stem}")
    for row in DECODERS
    if row.unavailable() is None
    for path in row.paths()
]
#: Random cuttings of each transcript, per client (each one a whole run through a client).
CUT_EXAMPLES = 12
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BYTE_FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frames_of(row: DecoderRow, body: bytes) -> list[SSEFrame]:
    """A transcript's frames, split independently of the shells' framing code."""
    if row.framing == "ndjson":
        lines = body.decode("utf-8").splitlines()
        return [SSEFrame(line) for line in lines if line.strip()]
    return [event.frame for event in sse_events(body)]


def render(row: DecoderRow, frames: list[SSEFrame]) -> bytes:
    """Frames as a body of the row's framing."""
    if row.framing == "ndjson":
        return "".join(f.data.replace("\n", " ").replace("\r", " ") + "\n" for f in frames).encode()
    parts = []
    for f in frames:
        head = (
            ""
            if f.event == "message"
            else f"event: {f.event.splitlines()[0] if f.event.strip() else 'x'}\n"
        )
        lines = f.data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        parts.append(head + "".join(f"data: {line}\n" for line in lines) + "\n")
    return "".join(parts).encode()


# -- 1. cut anywhere, same outcome -----------------------------------------------------------


def small_pieces(body: bytes) -> list[bytes]:
    """The body in pieces of 1, 2, 3, 5 and 7 bytes, over and over: every line break and
    every multi-byte character falls on a cut somewhere."""
    sizes = itertools.cycle((1, 2, 3, 5, 7))
    cuts = list(itertools.accumulate(next(sizes) for _ in range(len(body))))
    return split_at(body, [c for c in cuts if c < len(body)])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("row", "path"), TRANSCRIPTS)
def test_any_cutting_gives_the_outcome_of_the_whole_body(
    row: DecoderRow, path: Path, mode: Mode
) -> None:
    body = path.read_bytes()
    whole = run(row, mode, [body])
    assert run(row, mode, small_pieces(body)) == whole

    @settings(max_examples=CUT_EXAMPLES, deadline=None)
    @given(st.lists(st.integers(1, len(body) - 1), max_size=16, unique=True).map(sorted))
    def cut(points: list[int]) -> None:
        assert run(row, mode, split_at(body, points)) == whole

    cut()


# -- 2. garbage in, only stream errors out ----------------------------------------------------


@st.composite
def mutated_json(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """``value`` with parts dropped, replaced by any JSON, or kept."""
    if depth > 6 or draw(st.integers(0, 9)) == 0:
        return draw(any_json)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            action = draw(st.integers(0, 5))
            if action == 0:
                continue  # dropped
            out[key] = draw(mutated_json(item, depth + 1)) if action == 1 else item
        return out
    if isinstance(value, list):
        items = [draw(mutated_json(item, depth + 1)) for item in value if draw(st.booleans())]
        empty_is_fine: bool = draw(st.booleans())
        return items if items or empty_is_fine else value
    return value if draw(st.booleans()) else draw(any_json)


@st.composite
def mutated_frame(draw: st.DrawFn, frame: SSEFrame, events: list[str]) -> SSEFrame:
    event = frame.event if draw(st.integers(0, 4)) else draw(st.sampled_from(events))
    how = draw(st.integers(0, 3))
    data = frame.data
    if how == 0:
        data = data[: draw(st.integers(0, len(data)))]  # cut short
    elif how == 1:
        data = draw(st.text(max_size=30))
    else:
        try:
            value = json.loads(data)
        except ValueError:
            value = data
        data = json.dumps(draw(mutated_json(value)))
    return SSEFrame(data, event)


@st.composite
def frame_sequences(draw: st.DrawFn, row: DecoderRow) -> list[SSEFrame]:
    """A transcript's frames in order, some mutated, dropped or repeated; or frames drawn
    from anywhere in the transcripts, mutated or not; or frames of random JSON."""
    path = draw(st.sampled_from(row.paths()))
    real = frames_of(row, path.read_bytes())
    events = sorted({f.event for f in real} | {"message", "error", "ping"})
    style = draw(st.integers(0, 2))
    if style == 0:
        out: list[SSEFrame] = []
        for frame in real:
            action = draw(st.integers(0, 9))
            if action == 0:
                continue
            if action == 1:
                out.append(frame)
            out.append(draw(mutated_frame(frame, events)) if action == 2 else frame)
        return out
    if style == 1:
        pick = st.sampled_from(real)
        one = pick | pick.flatmap(lambda f: mutated_frame(f, events))
        return draw(st.lists(one, max_size=10))
    data = st.one_of(
        any_json.map(json.dumps), st.text(max_size=20), st.sampled_from(["", "[DONE]", "{"])
    )
    return draw(st.lists(st.builds(SSEFrame, data, st.sampled_from(events)), max_size=10))


@pytest.mark.parametrize("row", ROWS)
def test_random_frames_raise_only_stream_errors_from_the_decoder(row: DecoderRow) -> None:
    @FUZZ
    @given(frame_sequences(row))
    def feed(frames: list[SSEFrame]) -> None:
        decoder = row.codec().new_stream_decoder()
        error: LLMError | None = None
        try:
            for frame in frames:
                for out in decoder.feed(frame):
                    check_chunk(out)
            for out in decoder.close():
                check_chunk(out)
        except LLMError as exc:
            error = exc
        assert error is None or allowed(error), repr(error)

    feed()


@pytest.mark.parametrize("row", ROWS)
def test_random_frames_raise_only_stream_errors_through_the_stream_core(row: DecoderRow) -> None:
    @FUZZ
    @given(frame_sequences(row), st.booleans())
    def feed(frames: list[SSEFrame], hold: bool) -> None:
        core = StreamCore(row.codec(), hold=hold)
        error: LLMError | None = None
        try:
            for frame in frames:
                for out in core.feed(frame):
                    check_chunk(out)
            for out in core.finish():
                check_chunk(out)
            check_answer(core.final_response())
        except LLMError as exc:
            error = exc
        if error is not None:
            assert allowed(error), repr(error)
            check_answer(error.partial)

    feed()


@pytest.mark.parametrize("row", ROWS)
def test_random_bytes_raise_only_stream_errors_through_the_clients(row: DecoderRow) -> None:
    @BYTE_FUZZ
    @given(
        st.one_of(st.binary(max_size=300), frame_sequences(row).map(lambda f: render(row, f))),
        st.sampled_from(MODES),
    )
    def serve(body: bytes, mode: Mode) -> None:
        outcome = run(row, mode, [body])
        for out in outcome.chunks:
            check_chunk(out)
        check_answer(outcome.final)
        if outcome.error is not None:
            assert outcome.allowed, outcome.error
            check_answer(outcome.error[2])

    serve()
