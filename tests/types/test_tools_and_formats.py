"""Tools, tool choice, response formats and tool calls."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_connector.types import FunctionCall, ResponseFormat, Tool, ToolCall, ToolChoice

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}


def test_tool_function() -> None:
    tool = Tool.function("get_weather", "Weather for a city", SCHEMA, strict=True)
    assert tool.name == "get_weather"
    assert tool.description == "Weather for a city"
    assert tool.parameters == SCHEMA
    assert tool.strict is True
    assert tool.type == "function"


def test_tool_without_parameters_takes_no_arguments() -> None:
    empty = {"type": "object", "properties": {}}
    assert Tool.function("ping").parameters == empty
    assert Tool.function("ping").description is None
    assert Tool.function("ping").strict is None
    # The keyword form means the same as the classmethod.
    assert Tool(name="ping").parameters == empty
    assert Tool(name="ping") == Tool.function("ping")


def test_tool_keyword_form_equals_function() -> None:
    assert Tool(name="f", description="d", parameters=SCHEMA) == Tool.function("f", "d", SCHEMA)


@pytest.mark.parametrize(
    ("choice", "mode", "name"),
    [
        (ToolChoice.auto(), "auto", None),
        (ToolChoice.none(), "none", None),
        (ToolChoice.required(), "required", None),
        (ToolChoice.function("get_weather"), "function", "get_weather"),
    ],
)
def test_tool_choice_factories(choice: ToolChoice, mode: str, name: str | None) -> None:
    assert choice.mode == mode
    assert choice.name == name


def test_response_format_factories() -> None:
    assert ResponseFormat.text() == ResponseFormat("text")
    assert ResponseFormat.json_object() == ResponseFormat("json_object")
    fmt = ResponseFormat.json_schema("weather", SCHEMA, description="A forecast")
    assert fmt.type == "json_schema"
    assert fmt.name == "weather"
    assert fmt.schema == SCHEMA
    assert fmt.strict is True  # strict by default: the schema is meant to hold
    assert fmt.description == "A forecast"
    assert ResponseFormat.json_schema("w", SCHEMA, strict=None).strict is None


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ({"type": "text"}, ResponseFormat("text")),
        ({"type": "json_object"}, ResponseFormat("json_object")),
        (
            {
                "type": "json_schema",
                "json_schema": {
                    "name": "weather",
                    "description": "A forecast",
                    "schema": SCHEMA,
                    "strict": True,
                },
            },
            ResponseFormat(
                "json_schema", name="weather", schema=SCHEMA, strict=True, description="A forecast"
            ),
        ),
        (
            # No "strict" on the wire: it stays unset rather than defaulting to True.
            {"type": "json_schema", "json_schema": {"name": "weather", "schema": SCHEMA}},
            ResponseFormat("json_schema", name="weather", schema=SCHEMA),
        ),
    ],
)
def test_response_format_from_openai(wire: dict[str, Any], expected: ResponseFormat) -> None:
    assert ResponseFormat.from_openai(wire) == expected


def test_tool_call_create_from_text_and_from_a_mapping() -> None:
    from_text = ToolCall.create("call_1", "get_weather", '{"city": "Oslo"}')
    assert from_text == ToolCall("call_1", FunctionCall("get_weather", '{"city": "Oslo"}'))
    assert from_text.name == "get_weather"
    assert from_text.arguments == '{"city": "Oslo"}'
    assert from_text.type == "function"

    from_mapping = ToolCall.create("call_2", "get_weather", {"city": "Zürich"})
    # Non-ASCII stays readable in the JSON text.
    assert from_mapping.arguments == '{"city": "Zürich"}'


@pytest.mark.parametrize(
    ("arguments", "parsed"),
    [
        ('{"city": "Oslo", "days": 3}', {"city": "Oslo", "days": 3}),
        ("", {}),
        ("{}", {}),
        ("[1, 2]", [1, 2]),
    ],
)
def test_parse_arguments(arguments: str, parsed: Any) -> None:
    assert ToolCall.create("c", "f", arguments).parse_arguments() == parsed


def test_parse_arguments_of_invalid_json_raises_value_error() -> None:
    call = ToolCall.create("c", "f", '{"city": "Os')
    with pytest.raises(ValueError, match="Unterminated string") as info:
        call.parse_arguments()
    assert isinstance(info.value, json.JSONDecodeError)
