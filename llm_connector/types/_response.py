"""Responses: ChatResponse, the streamed StreamingResponse chunks, usage, models, embeddings.

The streamed types sit on the per-chunk hot path: they are small slotted frozen classes
without validators, built once per chunk by a decoder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from llm_connector.types._message import Message, ToolCall

if TYPE_CHECKING:
    # Built by the embedding parsers, which load with the codecs: not at import.
    from llm_connector.types._embedding import Embedding


@attrs.frozen
class Usage:
    """Token counts. ``reasoning_tokens`` and ``cached_tokens`` are None when not reported."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    reasoning_tokens: int | None = None
    #: Prompt tokens read from the provider's cache (included in ``prompt_tokens``).
    cached_tokens: int | None = None
    #: Prompt tokens written to the cache (Anthropic; included in ``prompt_tokens``).
    cache_creation_tokens: int | None = None


@attrs.frozen
class Choice:
    """One alternative answer of a non-streamed response."""

    index: int
    message: Message
    #: In OpenAI's vocabulary: stop, length, tool_calls, content_filter.
    finish_reason: str | None = None
    #: The provider's own word for it (``end_turn``, ``MAX_TOKENS``, ...), when different.
    native_finish_reason: str | None = None


@attrs.frozen
class ChatResponse:
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


@attrs.frozen
class FunctionCallDelta:
    """A fragment of a streamed function call: the name comes once, arguments in pieces."""

    name: str | None = None
    arguments: str = ""


@attrs.frozen
class ToolCallDelta:
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


@attrs.frozen
class Delta:
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


@attrs.frozen
class StreamChoice:
    index: int
    delta: Delta
    #: In OpenAI's vocabulary: stop, length, tool_calls, content_filter.
    finish_reason: str | None = None
    #: The provider's own word for it, when different.
    native_finish_reason: str | None = None


@attrs.frozen
class StreamingResponse:
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


@attrs.frozen
class Model:
    """A model the provider lists."""

    id: str
    owned_by: str | None = None
    created: int | None = None
    #: A human-readable name, where the provider gives one (Anthropic, Gemini).
    display_name: str | None = None


@attrs.frozen
class ModelPage:
    """One page of a model listing; ``next_page_token`` is None on the last page."""

    models: tuple[Model, ...]
    next_page_token: str | None = None


@attrs.frozen
class ModelDetails:
    """What a provider says about one model (Ollama's ``/api/show``)."""

    id: str
    family: str | None = None
    parameter_size: str | None = None
    quantization_level: str | None = None
    format: str | None = None
    context_length: int | None = None
    capabilities: tuple[str, ...] = ()
    modified_at: str | None = None


@attrs.frozen
class EmbedResponse:
    model: str
    data: tuple[Embedding, ...]
    usage: Usage | None = None

    @property
    def embeddings(self) -> list[list[float]]:
        """The vectors, in input order."""
        return [item.embedding for item in sorted(self.data, key=lambda e: e.index)]
