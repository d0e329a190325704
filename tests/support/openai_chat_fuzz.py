"""Hypothesis strategies for garbage OpenAI chat input: stream frames and non-streamed
completions whose every field may be missing or of any JSON type. Shared by the decoder's
fuzz tests (tests/wire), the byte path's (tests/bytes) and the whole-response tests
(tests/codecs)."""

from __future__ import annotations

import json

from hypothesis import strategies as st

from llm_connector.codecs.contract import SSEFrame
from tests.support.fuzz import any_json, maybe, obj

_text = st.text(max_size=8)
_count = st.integers(0, 10_000)
function = obj(name=maybe(_text), arguments=maybe(_text))
tool_call = obj(
    index=maybe(st.integers(-1, 3)),
    id=maybe(_text),
    type=maybe(st.just("function")),
    function=maybe(function),
)
delta = obj(
    role=maybe(st.just("assistant")),
    content=maybe(_text),
    reasoning_content=maybe(_text),
    reasoning=maybe(_text),
    tool_calls=maybe(st.lists(maybe(tool_call), max_size=3)),
)
choice = obj(
    index=maybe(st.integers(0, 2)),
    delta=maybe(delta),
    finish_reason=maybe(st.sampled_from(["stop", "length", "tool_calls"])),
)
usage = obj(
    prompt_tokens=maybe(_count),
    completion_tokens=maybe(_count),
    total_tokens=maybe(_count),
    prompt_tokens_details=maybe(obj(cached_tokens=maybe(_count))),
    completion_tokens_details=maybe(obj(reasoning_tokens=maybe(_count))),
    prompt_cache_hit_tokens=maybe(_count),
)
error = obj(
    message=maybe(_text), code=maybe(st.integers(100, 700)), type=maybe(_text), param=maybe(_text)
)
chunk = obj(
    id=maybe(_text),
    model=maybe(_text),
    created=maybe(_count),
    system_fingerprint=maybe(_text),
    choices=maybe(st.lists(maybe(choice), max_size=3)),
    usage=maybe(usage),
    error=maybe(error),
)
frame_data = st.one_of(
    chunk.map(json.dumps),
    chunk.map(json.dumps),  # twice: chunk-shaped frames are the interesting ones
    any_json.map(json.dumps),
    st.text(max_size=20),
    st.sampled_from(["[DONE]", "", "{", "[" * 5000]),
)
frame = st.builds(SSEFrame, frame_data, st.sampled_from(["message", "message", "error", "ping"]))

_message = obj(
    role=maybe(st.just("assistant")),
    content=maybe(st.text(max_size=5)),
    reasoning_content=maybe(st.text(max_size=5)),
    tool_calls=maybe(
        st.lists(
            maybe(obj(id=any_json, function=maybe(obj(name=any_json, arguments=any_json)))),
            max_size=2,
        )
    ),
)
#: A non-streamed chat completion, any field possibly of the wrong type.
completion = obj(
    id=any_json,
    model=any_json,
    created=any_json,
    system_fingerprint=any_json,
    usage=any_json,
    choices=maybe(
        st.lists(maybe(obj(index=any_json, message=maybe(_message), finish_reason=any_json)))
    ),
)

#: Bodies a client may be answered with: random bytes, or garbage ``data:`` events.
bodies = st.one_of(
    st.binary(max_size=300),
    st.lists(frame_data, max_size=5).map(
        lambda datas: "".join(f"data: {d}\n\n" for d in datas).encode()
    ),
)
