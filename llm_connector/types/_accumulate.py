"""Folding streamed chunks into a complete ChatResponse (pure).

Used by every stream so that ``final_response()`` works after partial iteration and so that
an error that interrupts a stream can carry everything that arrived before it.
"""

from __future__ import annotations

from llm_connector.types import (
    ChatResponse,
    Choice,
    Delta,
    FunctionCallDelta,
    Message,
    ReasoningBlock,
    StreamChoice,
    StreamingResponse,
    ToolCall,
    ToolCallDelta,
    Usage,
)
from llm_connector.types._message import FunctionCall
from llm_connector.types._text import BATCH, TextBuffer


class _ToolCallBuilder:
    __slots__ = ("arguments", "id", "name", "signature", "type")

    def __init__(self) -> None:
        self.id: str | None = None
        self.name: str | None = None
        self.type: str | None = None
        self.signature: str | None = None
        self.arguments = TextBuffer()


class _ChoiceBuilder:
    __slots__ = (
        "blocks",
        "content",
        "finish_reason",
        "native_finish_reason",
        "open_block",
        "reasoning",
        "signed",
        "tool_calls",
    )

    def __init__(self) -> None:
        self.content = TextBuffer()
        self.reasoning = TextBuffer()
        self.tool_calls: dict[int, _ToolCallBuilder] = {}
        self.finish_reason: str | None = None
        self.native_finish_reason: str | None = None
        # Reasoning as blocks, for providers that sign it: a signature closes the block of
        # reasoning text since the previous one; a redacted block stands alone.
        self.blocks: list[ReasoningBlock] = []
        self.open_block = TextBuffer()  # reasoning since the last block ended
        self.signed = False

    def add_reasoning(self, text: str) -> None:
        self.reasoning.append(text)
        self.open_block.append(text)

    def close_block(self, signature: str | None) -> None:
        text = self.open_block.take()
        if text or signature:
            self.blocks.append(ReasoningBlock(text=text, signature=signature))

    def reasoning_blocks(self) -> tuple[ReasoningBlock, ...]:
        if not self.signed:
            return ()  # nothing signed: reasoning_content says it all
        tail = self.open_block.text()
        return (*self.blocks, ReasoningBlock(text=tail)) if tail else tuple(self.blocks)


class StreamAccumulator:
    """Adds up chunks: text and reasoning concatenated, tool-call fragments joined by index,
    signed reasoning kept as blocks."""

    __slots__ = ("_choices", "_created", "_fingerprint", "_id", "_model", "_started", "_usage")

    def __init__(self) -> None:
        self._started = False
        self._id = ""
        self._model = ""
        self._created: int | None = None
        self._fingerprint: str | None = None
        self._usage: Usage | None = None
        self._choices: dict[int, _ChoiceBuilder] = {}

    def output_buffer(self) -> TextBuffer | None:
        """The text a structured answer arrives in: the first choice's, or, when it has
        none, its first tool call's arguments (a forced tool carrying the answer)."""
        builder = self._choices.get(0)
        if builder is None:
            return None
        if builder.content.has_pieces or not builder.tool_calls:
            return builder.content
        return builder.tool_calls[min(builder.tool_calls)].arguments

    def tool_argument_buffers(self) -> dict[int, TextBuffer]:
        """The arguments text of each tool call of the first choice so far, by index."""
        builder = self._choices.get(0)
        if builder is None:
            return {}
        return {index: call.arguments for index, call in builder.tool_calls.items()}

    def add(self, chunk: StreamingResponse) -> None:
        if not self._started and (chunk.id or chunk.model or chunk.created):
            # The first chunk that names anything names the answer (some providers, Ollama
            # for one, send no id). Azure first sends its prompt's content-filter results in
            # a chunk with no choices, an empty id and model and "created": 0
            # (tests/data/openai-compat/azure-openai-deployment-gpt35-stream.sse).
            self._started = True
            self._id = chunk.id
            self._model = chunk.model
            self._created = chunk.created
        if chunk.system_fingerprint:
            self._fingerprint = chunk.system_fingerprint
        if chunk.usage is not None:
            # Later usage reports supersede earlier ones (some providers repeat running totals).
            self._usage = chunk.usage
        for choice in chunk.choices:
            builder = self._choices.get(choice.index)
            if builder is None:
                builder = self._choices[choice.index] = _ChoiceBuilder()
            delta = choice.delta
            content = delta.content
            if content:
                # TextBuffer.append, inline: this runs for every chunk.
                pending = builder.content.pending
                pending.append(content)
                if len(pending) >= BATCH:
                    builder.content.settle()
            if (
                delta.reasoning_content
                or delta.tool_calls
                or delta.reasoning_signature is not None
                or delta.redacted_reasoning is not None
            ):
                _add_reasoning_and_calls(builder, delta)
            if choice.finish_reason:
                builder.finish_reason = choice.finish_reason
            if choice.native_finish_reason:
                builder.native_finish_reason = choice.native_finish_reason

    def snapshot(self) -> ChatResponse:
        """The response as accumulated so far (complete once the stream has ended)."""
        choices = []
        for index in sorted(self._choices):
            builder = self._choices[index]
            calls = [
                ToolCall(
                    id=tool.id or f"call_{index}_{position}",
                    function=FunctionCall(name=tool.name or "", arguments=tool.arguments.text()),
                    type=tool.type or "function",
                    thought_signature=tool.signature,
                )
                for position, tool in sorted(builder.tool_calls.items())
            ]
            content = builder.content.text()
            message = Message(
                "assistant",
                content if content or not calls else None,
                tool_calls=calls,
                reasoning_content=builder.reasoning.text() or None,
                reasoning_blocks=builder.reasoning_blocks(),
            )
            choices.append(
                Choice(
                    index=index,
                    message=message,
                    finish_reason=builder.finish_reason,
                    native_finish_reason=builder.native_finish_reason,
                )
            )
        return ChatResponse(
            id=self._id,
            model=self._model,
            choices=tuple(choices),
            usage=self._usage,
            created=self._created,
            system_fingerprint=self._fingerprint,
        )


def _add_reasoning_and_calls(builder: _ChoiceBuilder, delta: Delta) -> None:
    """What a delta adds besides its text, in this order: reasoning, its signature or a
    redacted block, tool-call fragments."""
    if delta.reasoning_content:
        builder.add_reasoning(delta.reasoning_content)
    if delta.reasoning_signature is not None:
        builder.signed = True
        builder.close_block(delta.reasoning_signature)
    if delta.redacted_reasoning is not None:
        builder.signed = True
        builder.close_block(None)
        builder.blocks.append(ReasoningBlock(redacted=delta.redacted_reasoning))
    for call in delta.tool_calls:
        _add_tool_call(builder, call)


def _add_tool_call(builder: _ChoiceBuilder, call: ToolCallDelta) -> None:
    tool = builder.tool_calls.get(call.index)
    if tool is None:
        tool = builder.tool_calls[call.index] = _ToolCallBuilder()
    if call.id and tool.id is None:
        tool.id = call.id
    if call.function.name and tool.name is None:
        tool.name = call.function.name
    if call.type and tool.type is None:
        tool.type = call.type
    if call.thought_signature and tool.signature is None:
        tool.signature = call.thought_signature
    if call.function.arguments:
        tool.arguments.append(call.function.arguments)


def response_as_chunks(response: ChatResponse) -> list[StreamingResponse]:
    """A whole response as the chunks a stream of it would have been: one chunk per signed
    reasoning block (so the signatures survive accumulation), then one with the rest of
    each choice; the usage rides on the last chunk."""
    choices: list[StreamChoice] = []
    for choice in response.choices:
        message = choice.message
        choices.extend(
            StreamChoice(
                choice.index,
                Delta(
                    reasoning_content=block.text or None,
                    reasoning_signature=block.signature,
                    redacted_reasoning=block.redacted,
                ),
            )
            for block in message.reasoning_blocks
        )
        delta = Delta(
            role=message.role,
            content=message.text() or None,
            reasoning_content=None if message.reasoning_blocks else message.reasoning_content,
            tool_calls=tuple(
                ToolCallDelta(
                    position,
                    call.id,
                    FunctionCallDelta(call.function.name, call.function.arguments),
                    call.type,
                    call.thought_signature,
                )
                for position, call in enumerate(message.tool_calls)
            ),
        )
        choices.append(
            StreamChoice(choice.index, delta, choice.finish_reason, choice.native_finish_reason)
        )
    last = len(choices) - 1
    return [
        StreamingResponse(
            id=response.id,
            model=response.model,
            choices=(choice,),
            usage=response.usage if n == last else None,
            created=response.created,
            system_fingerprint=response.system_fingerprint,
        )
        for n, choice in enumerate(choices)
    ] or [
        StreamingResponse(
            id=response.id,
            model=response.model,
            usage=response.usage,
            created=response.created,
            system_fingerprint=response.system_fingerprint,
        )
    ]
