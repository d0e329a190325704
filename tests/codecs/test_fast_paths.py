"""The per-chunk fast paths build exactly what the plain ones do (docs/performance.md).

The stream decoders build chunks through private constructors (types/_fast.py), parse
frames with the json module's scanner directly (codecs/codecs/json_readers.py), and the shells
frame NDJSON lines as LineFrame; none of that may show.
"""

from __future__ import annotations

import copy
import json
import pickle
import weakref
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from llm_connector.codecs.contract import SSEFrame
from llm_connector.codecs.framing.ndjson import LineFrame
from llm_connector.codecs.json_readers import frame_object, text_object
from llm_connector.codecs.ollama.stream import OllamaStreamDecoder
from llm_connector.errors import StreamDecodeError
from llm_connector.responses import ResponsesStreamEvent
from llm_connector.responses._event import new_event
from llm_connector.types import (
    Delta,
    FunctionCallDelta,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
    Usage,
)
from llm_connector.types._fast import new_choice, new_chunk, new_delta

text = st.none() | st.text(max_size=5)


@given(role=text, content=text, reasoning=text, signature=text, redacted=text)
def test_new_delta_is_the_public_delta(
    role: str | None,
    content: str | None,
    reasoning: str | None,
    signature: str | None,
    redacted: str | None,
) -> None:
    calls = (ToolCallDelta(0, "call_1", FunctionCallDelta("f", "{}")),)
    fast = new_delta(role, content, reasoning, calls, signature, redacted)
    plain = Delta(role, content, reasoning, calls, signature, redacted)
    assert fast == plain
    assert hash(fast) == hash(plain)
    assert repr(fast) == repr(plain)
    assert attrs.asdict(fast) == attrs.asdict(plain)


def test_fast_objects_are_the_public_ones_and_frozen() -> None:
    delta = new_delta("assistant", "hi")
    choice = new_choice(0, delta, "stop", "end_turn")
    chunk = new_chunk("id", "model", (choice,), Usage(1, 2, 3), 7, "fp")
    assert chunk == StreamingResponse(
        "id",
        "model",
        (StreamChoice(0, Delta("assistant", "hi"), "stop", "end_turn"),),
        Usage(1, 2, 3),
        7,
        "fp",
    )
    assert type(chunk) is StreamingResponse
    assert type(choice) is StreamChoice
    assert type(delta) is Delta
    for obj, field in ((chunk, "id"), (choice, "index"), (delta, "content")):
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(obj, field, None)
    assert attrs.evolve(chunk, model="other").model == "other"
    assert new_chunk("", "", ()) == StreamingResponse()
    assert new_choice(1, Delta()) == StreamChoice(1, Delta())


def test_fast_objects_pickle_copy_and_take_weak_references() -> None:
    # Built as a builder twin and then given their class: nothing of the twin may remain.
    chunk = new_chunk("id", "m", (new_choice(0, new_delta(None, "hi")),), None, 1, None)
    assert pickle.loads(pickle.dumps(chunk)) == chunk
    assert type(pickle.loads(pickle.dumps(chunk)).choices[0].delta) is Delta
    assert copy.deepcopy(chunk) == chunk
    assert weakref.ref(chunk)() is chunk
    assert weakref.ref(chunk.choices[0].delta)() is chunk.choices[0].delta
    event = new_event("response.created", {"type": "response.created"})
    assert pickle.loads(pickle.dumps(event)) == event
    assert weakref.ref(event)() is event


def test_new_event_is_the_public_event() -> None:
    data = {"type": "response.output_text.delta", "delta": "hi"}
    fast = new_event("response.output_text.delta", data)
    assert fast == ResponsesStreamEvent("response.output_text.delta", data)
    assert type(fast) is ResponsesStreamEvent
    assert fast.delta == "hi"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fast.event_type = "x"  # type: ignore[misc]


# Texts json.loads reads differently from a bare scanner call, or rejects.
TRICKY = [
    '{"a": 1}',
    ' {"a": 1}',
    '{"a": 1} ',
    '\t{"a": 1}\r\n',
    '{"a": 1}{"b": 2}',
    '{"a": 1} x',
    "\ufeff{}",
    '{"a": NaN, "b": Infinity, "c": -Infinity}',
    '{"big": 123456789012345678901234567890, "small": -9223372036854775809}',
    '{"a": 1e400, "b": -0, "c": 2.5e-324}',
    '{"s": "\\ud800 \\u0000 \\u00e9 é"}',
    '{"a": 1, "a": 2}',
    "[1, 2]",
    '"text"',
    "1",
    "null",
    "",
    " ",
    "{",
    '{"a": }',
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 100_000 + "1" + "}" * 100_000,
]


def _outcome(read: Any, value: str) -> tuple[str, Any]:
    try:
        result = read(value)
    except Exception as exc:  # the class of the failure is what is compared
        return "raises", type(exc)
    return "returns", json.dumps(result, sort_keys=True, allow_nan=True)


@pytest.mark.parametrize("value", TRICKY, ids=range(len(TRICKY)))
def test_text_object_is_json_loads(value: str) -> None:
    assert _outcome(text_object, value) == _outcome(json.loads, value)


@pytest.mark.parametrize("value", TRICKY, ids=range(len(TRICKY)))
def test_frame_object_is_json_loads_of_an_object(value: str) -> None:
    expected = _outcome(json.loads, value)
    if expected[0] == "raises" or type(json.loads(value)) is not dict:
        expected = ("raises", StreamDecodeError)
    assert _outcome(lambda v: frame_object(SSEFrame(v)), value) == expected


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=20,
    )
)
def test_text_object_reads_what_json_writes(value: object) -> None:
    encoded = json.dumps(value)
    assert _outcome(text_object, encoded) == _outcome(json.loads, encoded)


def test_ndjson_lines_decode_as_sse_frames_do() -> None:
    lines = [
        '{"model":"m","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant",'
        '"content":"<think>a"},"done":false}',
        '{"model":"m","created_at":"2025-01-01T00:00:01Z","message":{"role":"assistant",'
        '"content":"</think>b"},"done":false}',
        '{"model":"m","created_at":"2025-01-01T00:00:02Z","message":{"role":"assistant",'
        '"content":""},"done":true,"done_reason":"stop","eval_count":2}',
    ]
    as_lines, as_frames = OllamaStreamDecoder(), OllamaStreamDecoder()
    for line in lines:
        assert as_lines.feed(LineFrame(line)) == as_frames.feed(SSEFrame(line))
    assert as_lines.close() == as_frames.close()
    assert LineFrame("x").event == SSEFrame("x").event
