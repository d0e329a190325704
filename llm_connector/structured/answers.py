"""A whole answer as a value of the asked type (``ChatResponse.parse``; pure)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from llm_connector.errors import OutputRefusedError, OutputValidationError
from llm_connector.structured.parse import parse_output
from llm_connector.structured.schema import OutputSchema, output_schema

if TYPE_CHECKING:
    from llm_connector.responses import ResponsesResponse
    from llm_connector.types import ChatResponse

__all__ = ["answer_text", "parse_answer", "parse_responses_answer", "schema_of"]

_T = TypeVar("_T")
_SCHEMAS: dict[Any, OutputSchema] = {}


def schema_of(tp: Any) -> OutputSchema:
    """``output_schema(tp)``, made once per type (a type that cannot be a key, each time)."""
    try:
        found = _SCHEMAS.get(tp)
    except TypeError:
        return output_schema(tp)
    if found is None:
        found = _SCHEMAS[tp] = output_schema(tp)
    return found


def answer_text(response: ChatResponse) -> str:
    """The JSON text of a structured answer: its text, or, when the provider was asked
    through a forced tool (Anthropic models without native structured output), the
    arguments of that one call. Raises ``OutputRefusedError`` for a refusal."""
    choice = response.choices[0] if response.choices else None
    if choice is not None and choice.native_finish_reason == "refusal":
        raise OutputRefusedError(response.content)
    text = response.content
    if not text.strip() and response.tool_calls:
        text = response.tool_calls[0].function.arguments
    return text


def parse_answer(response: ChatResponse, tp: type[_T]) -> _T:
    """``response`` as a ``tp`` (see ``ChatResponse.parse``)."""
    text = answer_text(response)
    if not text.strip():
        raise OutputValidationError("the answer is empty", text, "")
    return cast(_T, parse_output(tp, text, wrapped=schema_of(tp).wrapped))


def parse_responses_answer(response: ResponsesResponse, tp: type[_T]) -> _T:
    """A Responses API answer as a ``tp`` (see ``ResponsesResponse.parse``): a ``refusal``
    part raises ``OutputRefusedError``; the answer is the output text, or the arguments
    of its one function call when it has no text (a forced tool, through the chat
    translation)."""
    from llm_connector.responses._items import MessageItem, Refusal

    for item in response.output:
        if isinstance(item, MessageItem) and not isinstance(item.content, str):
            for part in item.content:
                if isinstance(part, Refusal):
                    raise OutputRefusedError(part.refusal)
    text = response.output_text
    if not text.strip() and response.function_calls:
        text = response.function_calls[0].arguments
    if not text.strip():
        raise OutputValidationError("the answer is empty", text, "")
    return cast(_T, parse_output(tp, text, wrapped=schema_of(tp).wrapped))
