"""Garbage in, only ``LLMError``s out: the Responses decoder and its accumulator (native),
and the synthesizer (translated), fed recorded events with parts dropped, retyped or
replaced, in any order; what they build is typed as its classes declare."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_connector.calls.stream_core import BaseStreamCore
from llm_connector.codecs.contract import SSEFrame
from llm_connector.codecs.openai_responses.codec import NativeSource, OpenAIResponsesCodec
from llm_connector.codecs.openai_responses.fallback import TranslatedSource
from llm_connector.errors import APIStatusError, LLMError, StreamError
from llm_connector.providers.table import provider
from llm_connector.responses import (
    FunctionCallItem,
    MessageItem,
    OtherItem,
    ReasoningItem,
    ResponsesResponse,
    ResponsesStreamEvent,
)
from tests.support.framing import sse_events
from tests.support.responses_oracle import SSE_PATHS

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMALL = [p for p in SSE_PATHS if p.stat().st_size < 20_000]
REAL = [
    json.loads(e.frame.data)
    for p in SMALL
    for e in sse_events(p.read_bytes())
    if e.frame.data != "[DONE]"
]
CHAT = [
    e.frame.data
    for name in (
        "openai-chat/tool-call-include-usage-gpt4omini.sse",
        "openai-compat/deepseek-reasoner-stream.sse",
    )
    for e in sse_events((SSE_PATHS[0].parent.parent / name).read_bytes())
    if e.frame.data != "[DONE]"
][:60]

_leaf = st.none() | st.booleans() | st.integers(-2, 5) | st.text(max_size=5)
any_json = st.recursive(
    _leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutated(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    if depth > 5 or draw(st.integers(0, 7)) == 0:
        return draw(any_json)
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            action = draw(st.integers(0, 5))
            if action == 0:
                continue
            out[key] = draw(mutated(item, depth + 1)) if action == 1 else item
        return out
    if isinstance(value, list):
        return [draw(mutated(item, depth + 1)) for item in value if draw(st.booleans())]
    return value if draw(st.booleans()) else draw(any_json)


def frame_of(value: Any) -> SSEFrame:
    return SSEFrame(json.dumps(value))


real_event = st.sampled_from(REAL)
event_frames = st.lists(
    real_event.map(frame_of) | real_event.flatmap(mutated).map(frame_of), max_size=25
)


def check(response: ResponsesResponse) -> None:
    assert type(response.id) is str and type(response.model) is str
    assert response.status is None or type(response.status) is str
    for item in response.output:
        assert isinstance(item, (MessageItem, FunctionCallItem, ReasoningItem, OtherItem))
        if isinstance(item, MessageItem):
            assert type(item.text) is str
        elif isinstance(item, FunctionCallItem):
            assert type(item.arguments) is str and type(item.name) is str
        elif isinstance(item, ReasoningItem):
            assert all(type(t) is str for t in (*item.summary, *item.content))
    assert type(response.output_text) is str
    if response.usage is not None:
        assert type(response.usage.total_tokens) is int


def allowed(error: LLMError) -> bool:
    return isinstance(error, StreamError) or (isinstance(error, APIStatusError) and error.in_stream)


def run(
    core: BaseStreamCore[ResponsesStreamEvent, ResponsesResponse], frames: list[SSEFrame]
) -> None:
    error: LLMError | None = None
    try:
        for frame in frames:
            for event in core.feed(frame):
                assert type(event.event_type) is str and isinstance(event.data, dict)
        core.finish()
        check(core.final_response())
    except LLMError as exc:
        error = exc
    if error is not None:
        assert allowed(error), repr(error)
        check(core.snapshot())


@FUZZ
@given(event_frames, st.booleans())
def test_the_native_decoder_and_accumulator(frames: list[SSEFrame], hold: bool) -> None:
    core: BaseStreamCore[ResponsesStreamEvent, ResponsesResponse] = BaseStreamCore(
        NativeSource(OpenAIResponsesCodec()), hold=hold
    )
    run(core, frames)


chat_frames = st.lists(
    st.sampled_from(CHAT).map(SSEFrame)
    | st.sampled_from(CHAT).map(json.loads).flatmap(mutated).map(frame_of),
    max_size=25,
)


@FUZZ
@given(chat_frames)
def test_the_synthesizer(frames: list[SSEFrame]) -> None:
    source = TranslatedSource(provider("openai").codec(), "m", None)
    core: BaseStreamCore[ResponsesStreamEvent, ResponsesResponse] = BaseStreamCore(source)
    run(core, frames)
