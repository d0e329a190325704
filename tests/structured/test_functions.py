"""Tools from functions, tool arguments parsed into a type, and a streamed tool call's
arguments shown as they arrive."""

from __future__ import annotations

import copy
import dataclasses
from typing import Literal

import pytest

from llm_connector import (
    Client,
    MockReply,
    MockServer,
    OutputValidationError,
    RequestValidationError,
)
from llm_connector.types import ChatRequest, Message, Tool, ToolCall
from tests.support.structured_types import Colour


def get_weather(city: str, unit: Literal["C", "F"] = "C", days: int = 1) -> str:
    """Current weather for a city.

    Looks it up in the forecast service.

    Args:
        city: The city, e.g. Paris.
        unit (str): Celsius or Fahrenheit,
            as the user prefers.
        days: How many days ahead.
    """
    return f"{city} {unit} {days}"


def paint(colour: Colour, coats: int) -> None:
    """Paint the wall.

    :param colour: which colour
    :param coats: how many coats
    """


def test_a_tool_from_a_function_with_google_docs() -> None:
    tool = Tool.from_function(get_weather)
    assert tool == Tool.function(
        "get_weather",
        "Current weather for a city.",
        {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "The city, e.g. Paris."},
                "unit": {
                    "type": "string",
                    "enum": ["C", "F"],
                    "description": "Celsius or Fahrenheit, as the user prefers.",
                },
                "days": {"type": "integer", "description": "How many days ahead."},
            },
            "required": ["city"],
            "additionalProperties": False,
        },
    )


def test_a_tool_from_a_function_with_sphinx_docs_and_an_enum() -> None:
    tool = Tool.from_function(paint)
    assert tool.description == "Paint the wall."
    assert tool.parameters == {
        "type": "object",
        "properties": {
            "colour": {"$ref": "#/$defs/Colour"},
            "coats": {"type": "integer", "description": "how many coats"},
        },
        "required": ["colour", "coats"],
        "additionalProperties": False,
        "$defs": {
            "Colour": {
                "type": "string",
                "enum": ["red", "green", "blue"],
                "description": "A primary colour.",
            }
        },
    }


def no_annotation(x):  # type: ignore[no-untyped-def]
    return x


def splat(*values: int) -> None: ...


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (no_annotation, "function: no_annotation: parameter 'x' has no type annotation"),
        (splat, "function: splat: *values has no place in a tool's arguments"),
        (lambda x: x, "function: expected a named function"),
    ],
)
def test_a_function_that_is_no_tool_is_refused(function: object, message: str) -> None:
    with pytest.raises(RequestValidationError) as raised:
        Tool.from_function(function)  # type: ignore[arg-type]
    assert str(raised.value).startswith(message)


@dataclasses.dataclass
class Weather:
    city: str
    unit: Literal["C", "F"]
    days: int


def test_tool_arguments_parse_into_a_type() -> None:
    call = ToolCall.create("c1", "get_weather", {"city": "Paris", "unit": "C", "days": 2})
    assert call.parse_arguments(Weather) == Weather("Paris", "C", 2)
    assert call.parse_arguments() == {"city": "Paris", "unit": "C", "days": 2}
    assert get_weather(**call.parse_arguments()) == "Paris C 2"
    bad = ToolCall.create("c2", "get_weather", {"city": "Paris", "unit": "K", "days": 2})
    with pytest.raises(OutputValidationError) as raised:
        bad.parse_arguments(Weather)
    assert raised.value.path == "unit"


def test_a_streamed_tool_call_shows_its_arguments_as_they_arrive() -> None:
    arguments = {"city": "Paris", "unit": "C", "days": 2}
    server = MockServer(MockReply.tool_call("get_weather", arguments))
    request = (
        ChatRequest()
        .add_message(Message.user("Weather?"))
        .with_tools([Tool.from_function(get_weather)])
    )
    seen = []
    with Client.mock(server).chat_stream(request) as stream:
        for _ in stream:
            seen.append(copy.deepcopy(stream.partial_tool_arguments()))
    assert seen[-1] == {0: arguments}
    sent = server.requests[0]["tools"][0]["function"]
    assert sent["parameters"] == Tool.from_function(get_weather).parameters
