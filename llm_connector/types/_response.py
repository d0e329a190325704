"""Responses: ChatResponse, the streamed StreamingResponse chunks and usage (model listings
are in ``_models``, embeddings in ``_embedding``).

The streamed types sit on the per-chunk hot path: they are small slotted frozen classes
without validators, built once per chunk by a decoder.
"""

from __future__ import annotations

from typing import TypeVar

import attrs

from llm_connector.types._message import Message, ToolCall
from llm_connector.types._route import Route
from llm_connector.types._value import FrozenValue

_T = TypeVar("_T")


@attrs.frozen(repr=False, eq=False)
class Usage(FrozenValue):
    """Token counts. ``reasoning_tokens`` and ``cached_tokens`` are None when not reported."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    reasoning_tokens: int | None = None
    #: Prompt tokens read from the provider's cache (included in ``prompt_tokens``).
    cached_tokens: int | None = None
    #: Prompt tokens written to the cache (Anthropic; included in ``prompt_tokens``).
    cache_creation_tokens: int | None = None


@attrs.frozen(repr=False, eq=False)
class Choice(FrozenValue):
    """One alternative answer of a non-streamed response."""

    index: int
    message: Message
    #: In OpenAI's vocabulary: stop, length, tool_calls, content_filter.
    finish_reason: str | None = None
    #: The provider's own word for it (``end_turn``, ``MAX_TOKENS``, ...), when different.
    native_finish_reason: str | None = None


@attrs.frozen(repr=False, eq=False)
class ChatResponse(FrozenValue):
    """A complete answer (from ``chat()``, or accumulated by ``final_response()``).

    ``content``, ``reasoning_content``, ``tool_calls`` and ``finish_reason`` are those of
    the first choice; ``choices`` has them all.
    """

    id: str = ""
    model: str = ""
    choices: tuple[Choice, ...] = ()
    usage: Usage | None = None
    created: int | None = None
    system_fingerprint: str | None = None
    #: Which member of a fallback chain answered (None: the answer of a client).
    route: Route | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def message(self) -> Message | None:
        """The first choice's message, or None when there is no choice."""
        return self.choices[0].message if self.choices else None

    @property
    def content(self) -> str:
        """The first choice's text ("" when it has none)."""
        return self.choices[0].message.text() if self.choices else ""

    @property
    def reasoning_content(self) -> str | None:
        return self.choices[0].message.reasoning_content if self.choices else None

    @property
    def tool_calls(self) -> tuple[ToolCall, ...]:
        return self.choices[0].message.tool_calls if self.choices else ()

    @property
    def finish_reason(self) -> str | None:
        return self.choices[0].finish_reason if self.choices else None

    def get_content(self) -> str | None:
        """The first choice's text, or None when it is empty."""
        return self.content or None

    def parse(self, output_type: type[_T]) -> _T:
        """The answer as a value of ``output_type`` (the type given to
        ``with_output_type``). Raises ``OutputRefusedError`` when the model refused,
        ``OutputValidationError`` (with the raw text and the path of the first mismatch)
        when the answer is not JSON of that type; neither is retried."""
        from llm_connector.structured.answers import parse_answer

        return parse_answer(self, output_type)


@attrs.frozen(repr=False, eq=False)
class FunctionCallDelta(FrozenValue):
    """A fragment of a streamed function call: the name comes once, arguments in pieces."""

    name: str | None = None
    arguments: str = ""


@attrs.frozen(repr=False, eq=False)
class ToolCallDelta(FrozenValue):
    """A fragment of the tool call at position ``index`` of the answer.

    The first fragment of a call carries its ``id`` and ``function.name``; later ones carry
    more ``function.arguments`` text. Concatenate the arguments of equal ``index``.
    """

    index: int
    id: str | None = None
    function: FunctionCallDelta = FunctionCallDelta()
    type: str | None = None
    #: Gemini's signature of the reasoning behind this call (see ``ToolCall``).
    thought_signature: str | None = None


@attrs.frozen(repr=False, eq=False)
class Delta(FrozenValue):
    """What one chunk adds to a choice."""

    role: str | None = None
    content: str | None = None
    reasoning_content: str | None = None
    tool_calls: tuple[ToolCallDelta, ...] = ()
    #: Ends the current reasoning block with the provider's signature of it (Anthropic's
    #: ``signature_delta``); the accumulated answer keeps the signed blocks.
    reasoning_signature: str | None = None
    #: A whole redacted reasoning block's opaque data (Anthropic ``redacted_thinking``).
    redacted_reasoning: str | None = None


@attrs.frozen(repr=False, eq=False)
class StreamChoice(FrozenValue):
    index: int
    delta: Delta
    #: In OpenAI's vocabulary: stop, length, tool_calls, content_filter.
    finish_reason: str | None = None
    #: The provider's own word for it, when different.
    native_finish_reason: str | None = None


@attrs.frozen(repr=False, eq=False)
class StreamingResponse(FrozenValue):
    """One chunk of a streamed answer.

    ``content``, ``reasoning_content``, ``tool_calls`` and ``finish_reason`` are those of
    the first choice's delta; ``usage`` is set on the chunk that reports it (usually the
    last).
    """

    id: str = ""
    model: str = ""
    choices: tuple[StreamChoice, ...] = ()
    usage: Usage | None = None
    created: int | None = None
    system_fingerprint: str | None = None

    @property
    def content(self) -> str:
        """The text this chunk adds ("" when none)."""
        if self.choices:
            return self.choices[0].delta.content or ""
        return ""

    @property
    def reasoning_content(self) -> str | None:
        """The reasoning text this chunk adds, or None."""
        return self.choices[0].delta.reasoning_content if self.choices else None

    @property
    def tool_calls(self) -> tuple[ToolCallDelta, ...]:
        return self.choices[0].delta.tool_calls if self.choices else ()

    @property
    def finish_reason(self) -> str | None:
        return self.choices[0].finish_reason if self.choices else None

    def get_content(self) -> str | None:
        """The text this chunk adds, or None when it adds none."""
        if self.choices:
            return self.choices[0].delta.content or None
        return None
