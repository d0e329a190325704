"""The Anthropic stream decoder, frame by frame, against every recorded transcript (the
event shapes the corpus lacks are test_stream_events.py's).

Each transcript's frames go straight into ``AnthropicStreamDecoder`` (no bytes, no httpx);
every chunk is compared with the independent oracle (tests/support/anthropic_oracle.py),
the accumulated answer with the hand-checked ``<name>.expected.json``. The byte path is
tests/bytes' job.

Wire reference: https://platform.claude.com/docs/en/build-with-claude/streaming
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from llm_connector import errors
from llm_connector.codecs.anthropic.stream import AnthropicStreamDecoder
from tests.support.answers import anthropic_answer
from tests.support.anthropic_oracle import (
    SSE_PATHS,
    expected_chunks,
    expected_file,
    frames,
    is_error,
    transcript_id,
)
from tests.support.anthropic_streams import run_core

TRANSCRIPTS = pytest.mark.parametrize("path", SSE_PATHS, ids=transcript_id)


# -- every transcript, every chunk ---------------------------------------------------------


def test_the_corpus_is_all_here() -> None:
    # A glob that silently matched nothing would make every parametrized test vanish.
    assert [p.stem for p in SSE_PATHS] == [
        "adaptive-thinking",
        "code-execution-server-tool",
        "stream-error-overloaded",
        "text-basic",
        "text-then-tool-use",
        "thinking-signature",
        "tool-use-input-json-delta",
        "vertex-claude37-text-then-tool-use",
        "vertex-claude37-text",
    ]
    for path in SSE_PATHS:
        assert path.with_name(path.stem + ".expected.json").is_file(), path


@TRANSCRIPTS
def test_each_frame_decodes_to_what_the_oracle_says(path: Path) -> None:
    decoder = AnthropicStreamDecoder()
    events = frames(path)
    for n, event in enumerate(events):
        if is_error(event):
            with pytest.raises(errors.APIStatusError):
                decoder.feed(event)
            return  # the stream is over once the provider reported an error
        got = [attrs.asdict(chunk) for chunk in decoder.feed(event)]
        assert got == expected_chunks(events)[n], f"frame {n}: {event.data[:200]}"
    assert decoder.close() == []


@TRANSCRIPTS
def test_the_accumulated_answer_is_the_hand_checked_one(path: Path) -> None:
    expected = expected_file(path)
    want_error = expected.pop("error", None)
    want_chunks = expected.pop("chunks")
    chunks, answer, error = run_core(frames(path))
    if want_error is None:
        assert error is None
    else:
        assert isinstance(error, errors.APIStatusError), error
        assert type(error).__name__ == want_error["class"]
        assert error.status_code == want_error["status_code"]
        assert error.code == want_error["code"]
        assert error.error_type == want_error["error_type"]
        assert error.message == want_error["message"]
        assert error.in_stream is want_error["in_stream"]
    assert len(chunks) == want_chunks
    assert answer is not None
    assert anthropic_answer(answer) == expected


@TRANSCRIPTS
def test_usage_is_reported_once_on_the_last_chunk(path: Path) -> None:
    chunks, answer, _ = run_core(frames(path))
    with_usage = [n for n, c in enumerate(chunks) if c.usage is not None]
    if answer is not None and answer.usage is not None:
        assert with_usage == [len(chunks) - 1]
        assert chunks[-1].choices == ()
    else:
        assert with_usage == []


def test_overloaded_error_event_raises_overloaded_error() -> None:
    (path,) = (p for p in SSE_PATHS if p.stem == "stream-error-overloaded")
    with pytest.raises(errors.OverloadedError) as caught:
        AnthropicStreamDecoder().feed(frames(path)[0])
    assert caught.value.status_code == 529
    assert caught.value.body == frames(path)[0].data
