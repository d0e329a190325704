"""Private constructors of the streamed types, for the stream decoders' per-chunk path.

Every streamed chunk is three frozen objects (StreamingResponse, StreamChoice, Delta), and
building them was the largest cost a decoder adds to ``json.loads`` (docs/performance.md).
attrs' generated ``__init__`` of a frozen class stores each field through a bound
``object.__setattr__`` (1.4 us for the three); storing through the slots' descriptors
takes 1.0 us. These functions build each object as an instance of a *builder*: a plain
class with the very same slots and base, whose fields are set by ordinary attribute
stores (which CPython specialises to a direct slot write), then give it its real class by
``__class__`` assignment, which CPython allows between classes of one layout. That takes
0.6 us for the three (``_value.builder_of``).

The result is the same object as the class's own constructor makes (same type, same
slots, frozen from then on); tests/codecs/test_fast_paths.py compares them. The classes
have no validators, converters or ``__attrs_post_init__`` to skip. ``builder_of`` fails
loudly at import if a field is added to a class without being added here, or if the
interpreter refuses the class assignment.
"""

from __future__ import annotations

from llm_connector.types._response import (
    Delta,
    FunctionCallDelta,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
    Usage,
)
from llm_connector.types._value import builder_of

_new = object.__new__

_DeltaBuilder = builder_of(
    Delta,
    "role",
    "content",
    "reasoning_content",
    "tool_calls",
    "reasoning_signature",
    "redacted_reasoning",
)
_ChoiceBuilder = builder_of(StreamChoice, "index", "delta", "finish_reason", "native_finish_reason")
_ChunkBuilder = builder_of(
    StreamingResponse, "id", "model", "choices", "usage", "created", "system_fingerprint"
)


def new_delta(
    role: str | None,
    content: str | None,
    reasoning_content: str | None = None,
    tool_calls: tuple[ToolCallDelta, ...] = (),
    reasoning_signature: str | None = None,
    redacted_reasoning: str | None = None,
) -> Delta:
    """``Delta(role, content, ...)``, built faster."""
    delta = _new(_DeltaBuilder)
    delta.role = role
    delta.content = content
    delta.reasoning_content = reasoning_content
    delta.tool_calls = tool_calls
    delta.reasoning_signature = reasoning_signature
    delta.redacted_reasoning = redacted_reasoning
    delta.__class__ = Delta
    return delta  # type: ignore[no-any-return]


def new_choice(
    index: int,
    delta: Delta,
    finish_reason: str | None = None,
    native_finish_reason: str | None = None,
) -> StreamChoice:
    """``StreamChoice(index, delta, ...)``, built faster."""
    choice = _new(_ChoiceBuilder)
    choice.index = index
    choice.delta = delta
    choice.finish_reason = finish_reason
    choice.native_finish_reason = native_finish_reason
    choice.__class__ = StreamChoice
    return choice  # type: ignore[no-any-return]


def new_chunk(
    id: str,
    model: str,
    choices: tuple[StreamChoice, ...],
    usage: Usage | None = None,
    created: int | None = None,
    system_fingerprint: str | None = None,
) -> StreamingResponse:
    """``StreamingResponse(id, model, choices, ...)``, built faster."""
    chunk = _new(_ChunkBuilder)
    chunk.id = id
    chunk.model = model
    chunk.choices = choices
    chunk.usage = usage
    chunk.created = created
    chunk.system_fingerprint = system_fingerprint
    chunk.__class__ = StreamingResponse
    return chunk  # type: ignore[no-any-return]


#: The Delta of a chunk that adds nothing to its choice (a finish, a keep-alive choice):
#: one shared object, as frozen objects can be.
EMPTY_DELTA = Delta()
#: The FunctionCallDelta default, for tool-call fragments without one.
EMPTY_FUNCTION = FunctionCallDelta()
