"""What a ResponsesRequest accepts, converted to typed values: input items (typed items,
neutral ``Message`` objects, or the API's JSON), tools, tool choice, reasoning settings and
the text format. Bad values raise ``RequestValidationError`` naming the field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypeAlias

import attrs

from llm_connector.errors import RequestValidationError
from llm_connector.responses._items import (
    ITEM_TYPES,
    FunctionCallItem,
    FunctionCallOutputItem,
    MessageContent,
    MessageItem,
    OutputText,
    ResponsesItem,
)
from llm_connector.responses._json import item_from_json
from llm_connector.types._message import Message, TextPart
from llm_connector.types._request import REASONING_EFFORTS, ReasoningEffort
from llm_connector.types._tools import ResponseFormat, Tool, ToolChoice
from llm_connector.types._value import FrozenValue

SummaryMode: TypeAlias = Literal["auto", "concise", "detailed"]
_SUMMARY_MODES = frozenset({"auto", "concise", "detailed"})


@attrs.frozen(repr=False, eq=False)
class Reasoning(FrozenValue):
    """Reasoning settings: ``effort`` (``"none"`` ... ``"xhigh"``) and ``summary``
    (``"auto"``, ``"concise"``, ``"detailed"``: ask for reasoning summaries).
    https://platform.openai.com/docs/api-reference/responses/create#responses-create-reasoning
    """

    effort: ReasoningEffort | None = None
    summary: SummaryMode | None = None

    def __attrs_post_init__(self) -> None:
        if self.effort is not None and self.effort not in REASONING_EFFORTS:
            raise RequestValidationError(
                "reasoning.effort",
                f"unknown effort {self.effort!r}; use one of {sorted(REASONING_EFFORTS)}",
            )
        if self.summary is not None and self.summary not in _SUMMARY_MODES:
            raise RequestValidationError(
                "reasoning.summary",
                f"unknown summary {self.summary!r}; use one of {sorted(_SUMMARY_MODES)}",
            )


@attrs.frozen(repr=False, eq=False)
class HostedTool(FrozenValue):
    """A tool the provider runs itself (``{"type": "web_search"}``, ``{"type": "mcp",
    ...}``), sent as this JSON. Only the native Responses endpoint has them; the fallback
    to chat completions refuses a request that uses one."""

    spec: dict[str, Any] = attrs.field(hash=False)

    @property
    def type(self) -> str:
        kind = self.spec.get("type")
        return kind if isinstance(kind, str) else ""


ResponsesTool: TypeAlias = Tool | HostedTool


def to_input(
    value: str | Iterable[ResponsesItem | Message | Mapping[str, Any]] | None,
) -> str | tuple[ResponsesItem, ...] | None:
    """The request's ``input``: text, or items (typed, ``Message`` objects, or dicts)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping) or not isinstance(value, Iterable):
        raise RequestValidationError("input", "must be a string or a list of items")
    items: list[ResponsesItem] = []
    for i, item in enumerate(value):
        if isinstance(item, ITEM_TYPES):
            items.append(item)
        elif isinstance(item, Message):
            items.extend(items_of_message(item, f"input[{i}]"))
        elif isinstance(item, Mapping):
            items.append(item_from_json(item, strict=True))
        else:
            raise RequestValidationError(
                f"input[{i}]",
                f"expected an item (MessageItem, FunctionCallItem, ...), a Message or a dict, "
                f"got {type(item).__name__}",
            )
    return tuple(items)


def items_of_message(message: Message, field: str = "input") -> list[ResponsesItem]:
    """A neutral chat message as Responses items: a message, plus one item per tool call of
    an assistant turn; a tool result becomes a function call output."""
    if message.role == "tool":
        if not message.tool_call_id:
            raise RequestValidationError(f"{field}.tool_call_id", "a tool message needs its id")
        return [FunctionCallOutputItem(message.tool_call_id, message.text())]
    content: str | tuple[MessageContent, ...]
    if message.content is None or isinstance(message.content, str):
        content = message.content or ""
    elif message.role == "assistant":
        content = tuple(OutputText(p.text) for p in message.content if isinstance(p, TextPart))
    else:
        content = message.content
    items: list[ResponsesItem] = []
    if content or not message.tool_calls:
        items.append(MessageItem(message.role, content))
    items.extend(
        FunctionCallItem(call.id, call.function.name, call.function.arguments)
        for call in message.tool_calls
    )
    return items


def to_tools(value: Iterable[Tool | HostedTool | Mapping[str, Any]]) -> tuple[ResponsesTool, ...]:
    """Function tools (``Tool``, or the flat ``{"type": "function", "name": ...}`` JSON) and
    hosted tools (``HostedTool``, or any other tool JSON)."""
    if isinstance(value, (str, Mapping)) or not isinstance(value, Iterable):
        raise RequestValidationError("tools", "must be a list of tools")
    tools: list[ResponsesTool] = []
    for i, tool in enumerate(value):
        if isinstance(tool, (Tool, HostedTool)):
            tools.append(tool)
        elif isinstance(tool, Mapping):
            tools.append(_tool_from_json(tool, f"tools[{i}]"))
        else:
            raise RequestValidationError(
                f"tools[{i}]", f"expected Tool, HostedTool or a dict, got {type(tool).__name__}"
            )
    return tuple(tools)


def _tool_from_json(raw: Mapping[str, Any], field: str) -> ResponsesTool:
    if raw.get("type") != "function":
        return HostedTool(dict(raw))
    if "function" in raw:
        raise RequestValidationError(
            field, "Responses function tools are flat: {'type': 'function', 'name': ...}"
        )
    name = raw.get("name")
    if not isinstance(name, str):
        raise RequestValidationError(f"{field}.name", "a function tool needs a name")
    strict = raw.get("strict")
    return Tool.function(
        name,
        raw.get("description"),
        raw.get("parameters"),
        strict=strict if isinstance(strict, bool) else None,
    )


def to_tool_choice(value: ToolChoice | str | Mapping[str, Any] | None) -> ToolChoice | None:
    if value is None or isinstance(value, ToolChoice):
        return value
    if isinstance(value, str) and value in ("auto", "none", "required"):
        return ToolChoice(value)  # type: ignore[arg-type]
    if isinstance(value, Mapping) and value.get("type") == "function":
        name = value.get("name")
        if isinstance(name, str) and name:
            return ToolChoice.function(name)
    raise RequestValidationError(
        "tool_choice",
        f"expected ToolChoice, 'auto', 'none', 'required' or "
        f"{{'type': 'function', 'name': ...}}; got {value!r}",
    )


def to_reasoning(value: Reasoning | Mapping[str, Any] | None) -> Reasoning | None:
    if value is None or isinstance(value, Reasoning):
        return value
    if not isinstance(value, Mapping):
        raise RequestValidationError("reasoning", "expected Reasoning or a dict")
    unknown = set(value) - {"effort", "summary"}
    if unknown:
        raise RequestValidationError(
            "reasoning", f"unknown keys {sorted(unknown)}; use 'effort' and 'summary'"
        )
    return Reasoning(value.get("effort"), value.get("summary"))


def to_text_format(value: ResponseFormat | Mapping[str, Any] | None) -> ResponseFormat | None:
    """``text.format``: a ResponseFormat, or its JSON, in the Responses API's flat shape
    (``{"type": "json_schema", "name": ..., "schema": ...}``) or chat completions' one."""
    if value is None or isinstance(value, ResponseFormat):
        return value
    if not isinstance(value, Mapping):
        raise RequestValidationError("text_format", "expected ResponseFormat or a dict")
    if value.get("type") == "json_schema" and "json_schema" not in value:
        schema = value.get("schema")
        if not isinstance(schema, Mapping):
            raise RequestValidationError("text_format.schema", "json_schema needs a schema")
        return ResponseFormat.json_schema(
            value.get("name") or "",
            schema,
            strict=value.get("strict"),
            description=value.get("description"),
        )
    return ResponseFormat.from_openai(value)
