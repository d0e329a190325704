"""Hypothesis strategies for garbage Ollama input: NDJSON lines whose every field may be
missing or of any JSON type, text with pieces of think tags among it. Shared by the
decoder's fuzz tests (tests/ollama) and the byte path's (tests/bytes)."""

from __future__ import annotations

import json

from hypothesis import strategies as st

from llm_connector.codecs.contract import SSEFrame
from tests.support.fuzz import any_json, maybe, obj

_text = st.text(max_size=8) | st.sampled_from(["<think>", "</think>", "<thi", "nk>", "\n"])
_count = st.integers(0, 10_000)
function = obj(index=maybe(st.integers(0, 2)), name=maybe(_text), arguments=maybe(any_json))
tool_call = obj(id=maybe(_text), function=maybe(function))
message = obj(
    role=maybe(st.just("assistant")),
    content=maybe(_text),
    thinking=maybe(_text),
    tool_calls=maybe(st.lists(maybe(tool_call), max_size=2)),
)
line = obj(
    model=maybe(_text),
    created_at=maybe(st.sampled_from(["2025-12-02T07:05:39.5082547Z", "0001-01-01T00:00:00Z"])),
    message=maybe(message),
    response=maybe(_text),
    thinking=maybe(_text),
    done=maybe(st.booleans()),
    done_reason=maybe(st.sampled_from(["stop", "length", "load"])),
    prompt_eval_count=maybe(_count),
    eval_count=maybe(_count),
    error=maybe(_text),
)
line_data = st.one_of(
    line.map(json.dumps),
    line.map(json.dumps),  # twice: line-shaped data is the interesting kind
    any_json.map(json.dumps),
    st.text(max_size=20),
    st.sampled_from(["", "{", "[" * 5000]),
)
frame = st.builds(SSEFrame, line_data)

#: Bodies a client may be answered with: random bytes, or garbage lines.
bodies = st.one_of(
    st.binary(max_size=300),
    st.lists(line_data, max_size=5).map(lambda datas: "".join(f"{d}\n" for d in datas).encode()),
)
