"""Garbage in, only LLMErrors out: the Gemini decoder and whole-body reader under
arbitrary input, as tests/wire/test_openai_chat_fuzz.py does for OpenAI.

Hypothesis feeds frames of random text, random JSON, and response-shaped objects whose
every field may have any JSON type (``"candidates": "x"``, ``"parts": 5``,
``"functionCall": []``, ...) to the decoder, through ``StreamCore`` and to ``parse_chat``.
What comes out must have the types its classes declare. The same garbage as raw bytes
through both clients is tests/bytes' business (test_fuzz.py there).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.contract import SSEFrame
from llm_connector.codecs.gemini.codec import GeminiCodec
from llm_connector.codecs.gemini.stream import GeminiStreamDecoder
from llm_connector.errors import LLMError, StreamDecodeError
from llm_connector.types import Delta, StreamChoice, StreamingResponse
from tests.support.fuzz import any_json, check_answer, check_chunk
from tests.support.gemini_fuzz import (
    check_answer_signatures,
    check_signatures,
    frame,
    response,
)

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: For the properties that run more code per example (the stream core, whole bodies).
FUZZ_LESS = settings(FUZZ, max_examples=200)

_text = st.text(max_size=8)


@FUZZ
@given(st.lists(frame, max_size=6))
@example([SSEFrame('{"candidates": "x"}')])
@example([SSEFrame('{"candidates": [5]}')])
@example([SSEFrame('{"candidates": [{"content": 5}]}')])
@example([SSEFrame('{"candidates": [{"content": {"parts": {}}}]}')])
@example([SSEFrame('{"candidates": [{"content": {"parts": [{"functionCall": []}]}}]}')])
@example([SSEFrame('{"candidates": [{"content": {"parts": [{"functionCall": {"args": [1]}}]}}]}')])
@example([SSEFrame('{"usageMetadata": {"promptTokenCount": "7"}}')])
@example([SSEFrame("[" * 100_000)])
def test_only_llm_errors_escape_the_decoder(frames: list[SSEFrame]) -> None:
    decoder = GeminiStreamDecoder()
    try:
        for f in frames:
            for out in decoder.feed(f):
                check_chunk(out)
                check_signatures(out)
        for out in decoder.close():
            check_chunk(out)
    except LLMError:
        pass


@FUZZ_LESS
@given(st.lists(frame, max_size=6))
def test_only_llm_errors_escape_the_stream_core(frames: list[SSEFrame]) -> None:
    core = StreamCore(GeminiCodec())
    try:
        for f in frames:
            for out in core.feed(f):
                check_chunk(out)
        core.finish()
        check_answer(core.final_response())
        check_answer_signatures(core.final_response())
    except LLMError as exc:
        check_answer(exc.partial)
        check_answer_signatures(exc.partial)


@FUZZ_LESS
@given(st.one_of(response, st.lists(response, max_size=3), any_json).map(json.dumps))
def test_only_llm_errors_escape_parse_chat(body: str) -> None:
    try:
        answer = GeminiCodec().parse_chat(body.encode())
    except LLMError:
        return
    check_answer(answer)
    check_answer_signatures(answer)


@pytest.mark.parametrize(
    "data",
    [
        '{"candidates": "x"}',
        '{"candidates": [5]}',
        '{"candidates": [{"content": 5}]}',
        '{"candidates": [{"content": {"parts": {"text": "x"}}}]}',
        '{"candidates": [{"content": {"parts": [7]}}]}',
        '{"candidates": [{"content": {"parts": [{"functionCall": "f"}]}}]}',
    ],
)
def test_a_wrong_container_is_a_decode_error(data: str) -> None:
    with pytest.raises(StreamDecodeError) as caught:
        GeminiStreamDecoder().feed(SSEFrame(data))
    assert caught.value.frame == data


def test_wrong_leaf_types_count_as_absent() -> None:
    data = (
        '{"responseId": 5, "modelVersion": [], "candidates": [{"index": "1", "finishReason": 3,'
        ' "content": {"role": 1, "parts": [{"text": 7, "thought": "yes", "thoughtSignature": {}},'
        ' {"functionCall": {"name": 1, "args": "x", "id": []}}]}}],'
        ' "usageMetadata": "lots", "promptFeedback": {"blockReason": 2}}'
    )
    decoder = GeminiStreamDecoder()
    (chunk,) = decoder.feed(SSEFrame(data))
    (choice,) = chunk.choices
    assert (chunk.id, chunk.model, chunk.usage) == ("", "", None)
    assert choice.index == 0 and choice.finish_reason is None
    (call,) = choice.delta.tool_calls
    assert (call.function.name, call.function.arguments, call.thought_signature) == (
        None,
        "{}",
        None,
    )
    assert call.id is not None and call.id.startswith("call_")
    assert choice == StreamChoice(0, Delta(role="assistant", tool_calls=(call,)))


# Candidates at and around the usual text chunk (one part of nothing but "text"), which
# GeminiStreamDecoder.decode() builds without _candidate(): index of every type that
# compares equal to 0 or 1, parts with a neighbour or a key too many, a finish or none.
_usual_part = st.fixed_dictionaries(
    {"text": st.one_of(_text, st.just(""), st.none(), st.integers(0, 1))},
    optional={"thought": st.booleans(), "thoughtSignature": _text},
)
near_usual = st.fixed_dictionaries(
    {
        "content": st.one_of(
            st.fixed_dictionaries(
                {"parts": st.lists(_usual_part, min_size=1, max_size=2)},
                optional={"role": st.just("model")},
            ),
            any_json,
        )
    },
    optional={
        "index": st.sampled_from([0, 1, 0.0, 1.0, True, False, "0", None]),
        "finishReason": st.sampled_from(["STOP", "", "FINISH_REASON_UNSPECIFIED", None]),
    },
)


def _outcome(make: Callable[..., list[StreamingResponse]], *args: Any) -> object:
    try:
        return make(*args)
    except LLMError as exc:
        return (type(exc), str(exc))


def _through_candidate(
    decoder: GeminiStreamDecoder, candidate: dict[str, Any], raw: str
) -> list[StreamingResponse]:
    """decode()'s own way with one candidate, taking _candidate() every time."""
    return [
        StreamingResponse(decoder._id, decoder._model, (choice,))
        for choice in decoder._candidate(candidate, raw)
    ]


@FUZZ
@given(st.lists(near_usual, min_size=1, max_size=5))
def test_the_usual_chunk_shortcut_makes_what_the_general_path_makes(
    candidates: list[dict[str, Any]],
) -> None:
    shortcut, general = GeminiStreamDecoder(), GeminiStreamDecoder()
    for candidate in candidates:
        raw = json.dumps(candidate)
        got = _outcome(shortcut.decode, {"candidates": [candidate]}, raw)
        want = _outcome(_through_candidate, general, candidate, raw)
        # repr too: an index of 0.0 or True is == 0 and 1, but is not what the chunk holds.
        assert (got, repr(got)) == (want, repr(want))
