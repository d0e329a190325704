"""What the openai-compat, DashScope and Hunyuan transcripts say beyond their expected files,
read from their frame-level outcome (StreamCore with their own provider's codec; the byte
path and the hand-checked answers are tests/bytes'): a complete tool call's arguments
parse, and an excerpt cut short says so with what arrived.
"""

from __future__ import annotations

import json

import pytest

from llm_connector import errors
from tests.support.protocols import COMPAT_TRANSCRIPTS, Transcript, compat_transcript, reference


@pytest.mark.parametrize("transcript", COMPAT_TRANSCRIPTS, ids=lambda t: t.id)
def test_complete_tool_calls_have_arguments_that_parse(transcript: Transcript) -> None:
    answer = reference(transcript).final
    if answer is None or "excerpt" in transcript.path.stem:
        return  # an excerpt's arguments may miss the events the source left out
    for call, want in zip(answer.tool_calls, transcript.expected()["tool_calls"], strict=True):
        assert call.parse_arguments() == json.loads(want["arguments"])


def test_an_excerpt_cut_short_says_so_with_what_arrived() -> None:
    # The qwen2 excerpt keeps DashScope's first two events only: no finish reason ever
    # came. It cannot prove an answer's end, and the decoder does not pretend it can.
    outcome = reference(compat_transcript("dashscope-native-qwen2-text-excerpt"))
    assert outcome.error is not None
    assert outcome.error.type is errors.IncompleteStreamError
    assert outcome.error.partial is not None
    assert outcome.error.partial.content == "我是阿里"
