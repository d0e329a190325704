"""The JSON schema of each kind of type, written out by hand: strict (every object closed,
every property required, optional values nullable), descriptions from docstrings and
field documentation, named types once under $defs; and types that have no strict schema
refused, naming where."""

from __future__ import annotations

import enum
from typing import Any, Literal

import jsonschema
import pytest

from llm_connector import RequestValidationError, ResponseFormat
from llm_connector.structured.schema import output_schema
from llm_connector.types import ChatRequest
from tests.support.structured_types import Address, Colour, Invoice, Item, Node, Person, Plain

ITEM = {
    "type": "object",
    "description": "One line of an invoice.",
    "properties": {
        "name": {"type": "string", "description": "What was bought."},
        "price": {"type": "number"},
        "quantity": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}, "description": "labels"},
    },
    "required": ["name", "price", "quantity", "tags"],
    "additionalProperties": False,
}
COLOUR = {
    "type": "string",
    "enum": ["red", "green", "blue"],
    "description": "A primary colour.",
}

GOLDENS: list[Any] = [
    pytest.param(Item, "Item", False, ITEM, id="dataclass"),
    pytest.param(
        Invoice,
        "Invoice",
        False,
        {
            "type": "object",
            "description": "An invoice, as printed.",
            "properties": {
                "number": {"type": "string", "description": "as printed, e.g. INV-7"},
                "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
                "paid": {"type": "boolean"},
                "colour": {"anyOf": [{"$ref": "#/$defs/Colour"}, {"type": "null"}]},
                "kind": {"type": "string", "enum": ["retail", "wholesale"]},
                "note": {"type": ["string", "null"], "description": "anything else written on it"},
            },
            "required": ["number", "items", "paid", "colour", "kind", "note"],
            "additionalProperties": False,
            "$defs": {"Item": ITEM, "Colour": COLOUR},
        },
        id="attrs-nested",
    ),
    pytest.param(
        Address,
        "Address",
        False,
        {
            "type": "object",
            "properties": {
                "street": {"type": "string"},
                "city": {"type": "string"},
                "postcode": {"type": ["string", "null"]},
            },
            "required": ["street", "city", "postcode"],
            "additionalProperties": False,
        },
        id="typeddict-not-required",
    ),
    pytest.param(
        Plain,
        "Plain",
        False,
        {
            "type": "object",
            "properties": {
                "count": {"type": "integer"},
                "ratio": {"type": "number"},
                "label": {"type": ["string", "null"]},
            },
            "required": ["count", "ratio", "label"],
            "additionalProperties": False,
        },
        id="no-docstring",
    ),
    pytest.param(
        Node,
        "Node",
        False,
        {
            "type": "object",
            "description": "A tree.",
            "properties": {
                "value": {"type": "integer"},
                "children": {"type": "array", "items": {"$ref": "#"}},
            },
            "required": ["value", "children"],
            "additionalProperties": False,
        },
        id="recursive",
    ),
    pytest.param(
        list[Item],
        "list_of_Item",
        True,
        {
            "type": "object",
            "properties": {"value": {"type": "array", "items": {"$ref": "#/$defs/Item"}}},
            "required": ["value"],
            "additionalProperties": False,
            "$defs": {"Item": ITEM},
        },
        id="list-root-wrapped",
    ),
    pytest.param(
        Colour,
        "Colour",
        True,
        {
            "type": "object",
            "properties": {"value": COLOUR},
            "required": ["value"],
            "additionalProperties": False,
        },
        id="enum-root-wrapped",
    ),
    pytest.param(
        Literal["yes", "no", 3],
        "output",
        True,
        {
            "type": "object",
            "properties": {"value": {"enum": ["yes", "no", 3]}},
            "required": ["value"],
            "additionalProperties": False,
        },
        id="mixed-literal",
    ),
    pytest.param(
        int | Item,
        "output",
        True,
        {
            "type": "object",
            "properties": {"value": {"anyOf": [{"type": "integer"}, {"$ref": "#/$defs/Item"}]}},
            "required": ["value"],
            "additionalProperties": False,
            "$defs": {"Item": ITEM},
        },
        id="union-root",
    ),
    pytest.param(
        Person,
        "Person",
        False,
        {
            "type": "object",
            "description": "Someone in the story.",
            "properties": {
                "name": {"type": "string"},
                "age": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                "title": {"type": "string"},
            },
            "required": ["name", "age", "title"],
            "additionalProperties": False,
        },
        id="pydantic",
    ),
]


@pytest.mark.parametrize(("tp", "name", "wrapped", "schema"), GOLDENS)
def test_the_schema_of_each_kind_of_type(
    tp: Any, name: str, wrapped: bool, schema: dict[str, Any]
) -> None:
    made = output_schema(tp)
    assert (made.name, made.wrapped) == (name, wrapped)
    assert made.schema == schema
    jsonschema.Draft202012Validator.check_schema(made.schema)


def test_a_request_asks_for_the_type_as_a_strict_json_schema() -> None:
    request = ChatRequest("m").with_output_type(Item)
    fmt = request.response_format
    assert fmt == ResponseFormat.json_schema(
        "Item", ITEM, strict=True, description="One line of an invoice."
    )
    assert fmt is not None and fmt.output_type is Item and fmt.wrapped is False


class Open(enum.Enum):
    A = 1


@pytest.mark.parametrize(
    ("tp", "message"),
    [
        (dict[str, int], "output_type: dict[str, int]: a dict has open keys"),
        (Any, "output_type: Any: Any has no schema: name a type"),
        (tuple[int, str], "output_type: tuple[int, str]: a fixed-length tuple"),
        (set[int], "output_type: set[int]: not a type llm_connector can describe"),
        (list[Person], "output_type: Person at []: a pydantic model inside another type"),
    ],
)
def test_a_type_without_a_strict_schema_is_refused(tp: Any, message: str) -> None:
    with pytest.raises(RequestValidationError) as raised:
        ChatRequest("m").with_output_type(tp)
    assert str(raised.value).startswith(message)
    assert raised.value.field == "output_type"


def test_a_field_with_no_schema_is_named_with_its_path() -> None:
    import dataclasses

    @dataclasses.dataclass
    class Bad:
        inner: list[dict[str, int]]

    with pytest.raises(
        RequestValidationError, match=r"^output_type: dict\[str, int\] at inner\[\]"
    ):
        output_schema(Bad)


def test_asking_again_for_the_same_type_keeps_the_request() -> None:
    request = ChatRequest("m").with_output_type(Item)
    assert request.with_output_type(Item) is request
    assert request.with_output_type(Plain).response_format.output_type is Plain  # type: ignore[union-attr]
