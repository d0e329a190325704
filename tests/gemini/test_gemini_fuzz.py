"""Garbage in, only LLMErrors out: the Gemini decoder and whole-body reader under
arbitrary input, as tests/wire/test_openai_chat_fuzz.py does for OpenAI.

Hypothesis feeds frames of random text, random JSON, and response-shaped objects whose
every field may have any JSON type (``"candidates": "x"``, ``"parts": 5``,
``"functionCall": []``, ...) to the decoder, through ``StreamCore``, to ``parse_chat`` and as
raw bytes through both clients. What comes out must have the types its classes declare.
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
from llm_connector.types import ChatResponse, Delta, StreamChoice, StreamingResponse
from tests.gemini.gemini_wire import run
from tests.wire.fuzz_support import any_json, check_answer, check_chunk, maybe, obj
from tests.wire.wire_support import MODES, Mode

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: For the properties that run more code per example (the stream core, whole bodies).
FUZZ_LESS = settings(FUZZ, max_examples=200)

_text = st.text(max_size=8)
_count = st.integers(0, 10_000)
function_call = obj(
    name=maybe(_text), args=maybe(st.dictionaries(_text, any_json, max_size=2)), id=maybe(_text)
)
part = obj(
    text=maybe(_text),
    thought=maybe(st.booleans()),
    thoughtSignature=maybe(_text),
    functionCall=maybe(function_call),
    executableCode=any_json,
)
candidate = obj(
    index=maybe(st.integers(0, 2)),
    content=maybe(
        obj(role=maybe(st.just("model")), parts=maybe(st.lists(maybe(part), max_size=4)))
    ),
    finishReason=maybe(
        st.sampled_from(["STOP", "MAX_TOKENS", "SAFETY", "OTHER", "FINISH_REASON_UNSPECIFIED"])
    ),
    groundingMetadata=any_json,
)
usage = obj(
    promptTokenCount=maybe(_count),
    candidatesTokenCount=maybe(_count),
    thoughtsTokenCount=maybe(_count),
    toolUsePromptTokenCount=maybe(_count),
    cachedContentTokenCount=maybe(_count),
    totalTokenCount=maybe(_count),
)
error = obj(
    code=maybe(st.integers(100, 700)), message=maybe(_text), status=maybe(_text), details=any_json
)
response = obj(
    candidates=maybe(st.lists(maybe(candidate), max_size=3)),
    usageMetadata=maybe(usage),
    promptFeedback=maybe(obj(blockReason=maybe(_text), blockReasonMessage=maybe(_text))),
    responseId=maybe(_text),
    modelVersion=maybe(_text),
    error=maybe(error),
)
frame_data = st.one_of(
    response.map(json.dumps),
    response.map(json.dumps),  # twice: response-shaped frames are the interesting ones
    any_json.map(json.dumps),
    st.text(max_size=20),
    st.sampled_from(["", "{", "[" * 5000, "[DONE]"]),
)
frame = st.builds(SSEFrame, frame_data)


def check_signatures(out: StreamingResponse) -> None:
    for c in out.choices:
        signature = c.delta.reasoning_signature
        assert signature is None or type(signature) is str, out
        assert c.native_finish_reason is None or type(c.native_finish_reason) is str, out
        for call in c.delta.tool_calls:
            assert call.thought_signature is None or type(call.thought_signature) is str, out


def check_answer_signatures(answer: ChatResponse | None) -> None:
    if answer is None:
        return
    for c in answer.choices:
        for block in c.message.reasoning_blocks:
            assert type(block.text) is str, answer
            assert block.signature is None or type(block.signature) is str, answer


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


@settings(max_examples=60, deadline=None)
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.lists(frame_data, max_size=5).map(
            lambda datas: "".join(f"data: {d}\r\n\r\n" for d in datas).encode()
        ),
    ),
    mode=st.sampled_from(MODES),
)
def test_only_llm_errors_reach_a_client_whatever_the_body(body: bytes, mode: Mode) -> None:
    (outcome,) = run(mode, [[body]])
    for out in outcome.chunks:
        check_chunk(out)
    check_answer(outcome.final)
    if outcome.error is not None:
        check_answer(outcome.error.partial)


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
