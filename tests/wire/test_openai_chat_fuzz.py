"""Garbage in, only LLMErrors out: the OpenAI chat decoder under arbitrary input.

The decoder contract (codecs/codecs/contract.py, StreamDecoder) is that nothing but ``LLMError``
subclasses escapes it, and the design's rule 6 that typed values come out. Hypothesis feeds
frames of random text, random JSON, and chunk-shaped objects whose every field may have any
JSON type (``"choices": "x"``, ``"delta": 5``, ``"tool_calls": {}``, ...), to the decoder
itself and through ``StreamCore`` (which the shells use). Every chunk and every answer that
comes out must have the types its class declares. The same garbage as raw bytes through both
clients is tests/bytes' business (test_fuzz.py there).
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
from llm_connector.codecs.json_readers import load_frame_object, load_json_object
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.codecs.openai_chat.stream import OpenAIChatStreamDecoder
from llm_connector.errors import (
    MAX_FRAME_EXCERPT,
    LLMError,
    ResponseDecodeError,
    StreamDecodeError,
)
from llm_connector.types import Delta, StreamChoice, StreamingResponse
from tests.support.fuzz import check_answer, check_chunk
from tests.support.openai_chat_fuzz import frame

# -- the properties ------------------------------------------------------------------------------

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.lists(frame, max_size=6))
@example([SSEFrame('{"choices": "x"}')])
@example([SSEFrame('{"choices": [{"delta": 5}]}')])
@example([SSEFrame('{"choices": [{"delta": {"tool_calls": {}}}]}')])
@example([SSEFrame('{"choices": [{"delta": {"tool_calls": [{"id": [1]}]}}]}')])
@example([SSEFrame('{"choices": [{"delta": {"tool_calls": [{"function": "f"}]}}]}')])
@example([SSEFrame('{"usage": {"prompt_tokens": "7", "completion_tokens": 1}}')])
@example([SSEFrame("[" * 100_000)])
def test_only_llm_errors_escape_the_decoder(frames: list[SSEFrame]) -> None:
    decoder = OpenAIChatStreamDecoder()
    try:
        for f in frames:
            for out in decoder.feed(f):
                check_chunk(out)
        decoder.close()
    except LLMError:
        pass


@FUZZ
@given(st.lists(frame, max_size=6))
def test_only_llm_errors_escape_the_stream_core(frames: list[SSEFrame]) -> None:
    core = StreamCore(OpenAIChatCodec())
    try:
        for f in frames:
            for out in core.feed(f):
                check_chunk(out)
        core.finish()
        check_answer(core.final_response())
    except LLMError as exc:
        check_answer(exc.partial)


def test_a_frame_nested_too_deeply_is_a_decode_error() -> None:
    # json.loads raises RecursionError (not ValueError) past the interpreter's depth limit.
    data = "[" * 100_000
    with pytest.raises(StreamDecodeError) as caught:
        OpenAIChatStreamDecoder().feed(SSEFrame(data))
    assert caught.value.frame == data[:MAX_FRAME_EXCERPT] + f"... ({len(data)} characters)"


@pytest.mark.parametrize(
    "data",
    [
        '{"choices": "x"}',
        '{"choices": [5]}',
        '{"choices": [{"delta": 5}]}',
        '{"choices": [{"delta": {"tool_calls": "x"}}]}',
        '{"choices": [{"delta": {"tool_calls": [7]}}]}',
        '{"choices": [{"delta": {"tool_calls": [{"function": "f"}]}}]}',
    ],
)
def test_a_wrong_container_is_a_decode_error(data: str) -> None:
    with pytest.raises(StreamDecodeError) as caught:
        OpenAIChatStreamDecoder().feed(SSEFrame(data))
    assert caught.value.frame == data


def test_wrong_leaf_types_count_as_absent() -> None:
    # Forward compatibility (DESIGN.md rule 6): a value of the wrong type is not read, and
    # it never reaches a typed attribute; an empty container of the wrong kind is nothing.
    data = (
        '{"id": 5, "model": null, "created": "1", "system_fingerprint": [],'
        ' "choices": [{"index": "0", "finish_reason": 1, "delta": {"role": 5, "content": 7,'
        ' "reasoning": {}, "tool_calls": {}}}], "usage": "lots"}'
    )
    (chunk,) = OpenAIChatStreamDecoder().feed(SSEFrame(data))
    assert chunk == StreamingResponse("", "", (StreamChoice(0, Delta(), None),), None, None, None)


# -- the shared helpers around the decoder ----------------------------------------------------


def test_the_shared_frame_loader_turns_deep_nesting_into_a_decode_error() -> None:
    with pytest.raises(StreamDecodeError):
        load_frame_object(SSEFrame("[" * 100_000))


def test_the_shared_body_loader_turns_deep_nesting_into_a_decode_error() -> None:
    with pytest.raises(ResponseDecodeError):
        load_json_object(b"[" * 100_000, "body")


class _DecoderWithABuggyClose(OpenAIChatStreamDecoder):
    __slots__ = ()

    def close(self) -> list[StreamingResponse]:
        raise ValueError("a bug in some decoder's close()")


class _CodecWithABuggyDecoder(OpenAIChatCodec):
    def new_stream_decoder(self) -> OpenAIChatStreamDecoder:
        return _DecoderWithABuggyClose()


def test_stream_core_finish_keeps_the_decoder_contract_as_feed_does() -> None:
    # A bug in a decoder's close() reaches the user as a StreamDecodeError with .partial, as
    # one in feed() does (it escaped StreamCore.finish() raw until that was fixed).
    core = StreamCore(_CodecWithABuggyDecoder())
    with pytest.raises(StreamDecodeError) as caught:
        core.finish()
    assert caught.value.partial is not None


# Choices at and around the usual one (more text of an open choice, nothing else), which
# OpenAIChatStreamDecoder.feed() builds without _choice(): indexes of every type that
# compares equal to 0 or 1, deltas with a key too many, finishes of any type.
near_usual_choice = st.fixed_dictionaries(
    {
        "delta": st.one_of(
            st.fixed_dictionaries(
                {"content": st.one_of(st.text(max_size=3), st.none(), st.integers(0, 1))},
                optional={"role": st.just("assistant"), "reasoning_content": st.text(max_size=2)},
            ),
            st.sampled_from([{}, None, 5, "x"]),
        )
    },
    optional={
        "index": st.sampled_from([0, 1, 0.0, True, "0", None]),
        "finish_reason": st.sampled_from(["stop", "", None, 5]),
        "native_finish_reason": st.sampled_from(["end_turn", "", None, 5]),
        "logprobs": st.none(),
    },
)


def _outcome(make: Callable[..., object], *args: Any) -> object:
    try:
        return make(*args)
    except LLMError as exc:
        return (type(exc), str(exc))


def _fed(decoder: OpenAIChatStreamDecoder, data: str) -> object:
    return decoder.feed(SSEFrame(data))[0].choices


def _through_choice(decoder: OpenAIChatStreamDecoder, choice: object, data: str) -> object:
    return (decoder._choice(choice, data),)


def _state(decoder: OpenAIChatStreamDecoder) -> object:
    return decoder._open_choices, decoder._finished_choices, decoder._seen_choice


@FUZZ
@given(st.lists(near_usual_choice, min_size=1, max_size=5))
def test_the_usual_choice_shortcut_makes_what_choice_makes(choices: list[dict[str, Any]]) -> None:
    shortcut, general = OpenAIChatStreamDecoder(), OpenAIChatStreamDecoder()
    for choice in choices:
        data = json.dumps({"choices": [choice]})
        got = _outcome(_fed, shortcut, data)
        want = _outcome(_through_choice, general, choice, data)
        # repr too: an index of 0.0 or True is == 0 and 1, but is not what the chunk holds.
        assert (got, repr(got)) == (want, repr(want))
        assert _state(shortcut) == _state(general)
