"""Hypothesis strategies for garbage OpenAI chat input, and checks that what a decoder
makes of it has the types its classes declare (DESIGN.md rule 6: typed values at every
boundary). Shared by the stream fuzz tests and the whole-response tests."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from llm_connector.codecs.contract import SSEFrame
from llm_connector.types import ChatResponse, StreamingResponse, Usage

# -- strategies -----------------------------------------------------------------------------

_leaf = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6)
any_json = st.recursive(
    _leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


def maybe(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field's plausible value, or any JSON value at all in its place."""
    return plausible | any_json


def obj(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object with any subset of the given fields."""
    return st.fixed_dictionaries({}, optional=fields)


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


# -- type checks of what comes out ------------------------------------------------------------


def _opt_str(value: object) -> bool:
    return value is None or type(value) is str


def check_usage(value: Usage | None) -> None:
    if value is not None:
        for n in (value.prompt_tokens, value.completion_tokens, value.total_tokens):
            assert type(n) is int, value
        assert value.reasoning_tokens is None or type(value.reasoning_tokens) is int, value
        assert value.cached_tokens is None or type(value.cached_tokens) is int, value


def check_chunk(out: StreamingResponse) -> None:
    assert type(out.id) is str and type(out.model) is str, out
    assert out.created is None or type(out.created) is int, out
    assert _opt_str(out.system_fingerprint), out
    check_usage(out.usage)
    for c in out.choices:
        assert type(c.index) is int and _opt_str(c.finish_reason), out
        d = c.delta
        assert _opt_str(d.role) and _opt_str(d.content) and _opt_str(d.reasoning_content), out
        for call in d.tool_calls:
            assert type(call.index) is int and _opt_str(call.id) and _opt_str(call.type), out
            assert _opt_str(call.function.name) and type(call.function.arguments) is str, out


def check_answer(answer: ChatResponse | None) -> None:
    if answer is None:
        return
    assert type(answer.id) is str and type(answer.model) is str, answer
    assert answer.created is None or type(answer.created) is int, answer
    assert _opt_str(answer.system_fingerprint), answer
    check_usage(answer.usage)
    for c in answer.choices:
        assert type(c.index) is int and _opt_str(c.finish_reason), answer
        assert _opt_str(c.message.content) and _opt_str(c.message.reasoning_content), answer
        for call in c.message.tool_calls:
            assert type(call.id) is str and type(call.function.name) is str, answer
            assert type(call.function.arguments) is str, answer
