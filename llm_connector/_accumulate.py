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
    StreamChoice,
    StreamingResponse,
    ToolCall,
    ToolCallDelta,
    Usage,
)
from llm_connector.types._message import FunctionCall


class _ToolCallBuilder:
    __slots__ = ("arguments", "id", "name", "type")

    def __init__(self) -> None:
        self.id: str | None = None
        self.name: str | None = None
        self.type: str | None = None
        self.arguments: list[str] = []


class _ChoiceBuilder:
    __slots__ = ("content", "finish_reason", "reasoning", "tool_calls")

    def __init__(self) -> None:
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.tool_calls: dict[int, _ToolCallBuilder] = {}
        self.finish_reason: str | None = None


class StreamAccumulator:
    """Adds up chunks: text and reasoning concatenated, tool-call fragments joined by index."""

    __slots__ = ("_choices", "_created", "_fingerprint", "_id", "_model", "_usage")

    def __init__(self) -> None:
        self._id = ""
        self._model = ""
        self._created: int | None = None
        self._fingerprint: str | None = None
        self._usage: Usage | None = None
        self._choices: dict[int, _ChoiceBuilder] = {}

    def add(self, chunk: StreamingResponse) -> None:
        if not self._id:
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
            if delta.content:
                builder.content.append(delta.content)
            if delta.reasoning_content:
                builder.reasoning.append(delta.reasoning_content)
            for call in delta.tool_calls:
                tool = builder.tool_calls.get(call.index)
                if tool is None:
                    tool = builder.tool_calls[call.index] = _ToolCallBuilder()
                if call.id and tool.id is None:
                    tool.id = call.id
                if call.function.name and tool.name is None:
                    tool.name = call.function.name
                if call.type and tool.type is None:
                    tool.type = call.type
                if call.function.arguments:
                    tool.arguments.append(call.function.arguments)
            if choice.finish_reason:
                builder.finish_reason = choice.finish_reason

    def snapshot(self) -> ChatResponse:
        """The response as accumulated so far (complete once the stream has ended)."""
        choices = []
        for index in sorted(self._choices):
            builder = self._choices[index]
            calls = [
                ToolCall(
                    id=tool.id or f"call_{index}_{position}",
                    function=FunctionCall(name=tool.name or "", arguments="".join(tool.arguments)),
                    type=tool.type or "function",
                )
                for position, tool in sorted(builder.tool_calls.items())
            ]
            content = "".join(builder.content)
            message = Message(
                "assistant",
                content if content or not calls else None,
                tool_calls=calls,
                reasoning_content="".join(builder.reasoning) or None,
            )
            choices.append(
                Choice(index=index, message=message, finish_reason=builder.finish_reason)
            )
        return ChatResponse(
            id=self._id,
            model=self._model,
            choices=tuple(choices),
            usage=self._usage,
            created=self._created,
            system_fingerprint=self._fingerprint,
        )


def response_as_chunk(response: ChatResponse) -> StreamingResponse:
    """A whole response as the single chunk a stream of it would have been."""
    choices = tuple(
        StreamChoice(
            choice.index,
            Delta(
                role=choice.message.role,
                content=choice.message.text() or None,
                reasoning_content=choice.message.reasoning_content,
                tool_calls=tuple(
                    ToolCallDelta(
                        position,
                        call.id,
                        FunctionCallDelta(call.function.name, call.function.arguments),
                        call.type,
                    )
                    for position, call in enumerate(choice.message.tool_calls)
                ),
            ),
            choice.finish_reason,
        )
        for choice in response.choices
    )
    return StreamingResponse(
        id=response.id,
        model=response.model,
        choices=choices,
        usage=response.usage,
        created=response.created,
        system_fingerprint=response.system_fingerprint,
    )
