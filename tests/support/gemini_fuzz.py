"""Hypothesis strategies for garbage Gemini input (responses whose every field may be
missing or of any JSON type: ``"candidates": "x"``, ``"parts": 5``, ``"functionCall": []``,
...), and checks of Gemini's own typed fields (signatures, raw finish reasons). Shared by
the decoder's fuzz tests (tests/gemini) and the byte path's (tests/bytes)."""

from __future__ import annotations

import json

from hypothesis import strategies as st

from llm_connector.codecs.contract import SSEFrame
from llm_connector.types import ChatResponse, StreamingResponse
from tests.support.fuzz import any_json, maybe, obj

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


#: Bodies a client may be answered with: random bytes, or garbage events as Gemini frames
#: them (CRLF).
bodies = st.one_of(
    st.binary(max_size=300),
    st.lists(frame_data, max_size=5).map(
        lambda datas: "".join(f"data: {d}\r\n\r\n" for d in datas).encode()
    ),
)
