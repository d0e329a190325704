"""What every fuzz test shares: hypothesis strategies for arbitrary JSON and for objects
whose every field may be missing or of any type, and checks that a chunk or an answer has
the types its classes declare (docs/architecture.md: typed values at every boundary).

The protocols' own strategies (tests/support/<protocol>_fuzz.py) are built from these.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from llm_connector.types import ChatResponse, StreamingResponse, Usage

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
