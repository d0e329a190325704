"""Gemini models from before responseJsonSchema get the schema in responseSchema's OpenAPI
subset: named types written out, nullable values, the fields' order kept."""

from __future__ import annotations

import json

import pytest

from llm_connector import Client, MockServer, RequestValidationError
from llm_connector.types import ChatRequest, Message
from tests.support.structured_types import Invoice, Item, Node

ITEM_OPENAPI = {
    "type": "object",
    "description": "One line of an invoice.",
    "properties": {
        "name": {"type": "string", "description": "What was bought."},
        "price": {"type": "number"},
        "quantity": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}, "description": "labels"},
    },
    "propertyOrdering": ["name", "price", "quantity", "tags"],
    "required": ["name", "price", "quantity", "tags"],
}
INVOICE_JSON = {
    "number": "INV-7",
    "items": [{"name": "tea", "price": 4.5, "quantity": 2, "tags": []}],
    "paid": True,
    "colour": None,
    "kind": "retail",
    "note": None,
}


def sent_config(model: str, tp: object, answer: object) -> dict[str, object]:
    server = MockServer(json.dumps(answer), provider="google")
    request = ChatRequest(model).add_message(Message.user("Read it"))
    Client.mock(server).chat_parse(request, tp)  # type: ignore[arg-type]
    config: dict[str, object] = server.requests[0]["generationConfig"]
    return config


def test_an_older_model_gets_the_openapi_subset() -> None:
    config = sent_config("gemini-2.0-flash", Invoice, INVOICE_JSON)
    assert "responseJsonSchema" not in config
    assert config["responseSchema"] == {
        "type": "object",
        "description": "An invoice, as printed.",
        "properties": {
            "number": {"type": "string", "description": "as printed, e.g. INV-7"},
            "items": {"type": "array", "items": ITEM_OPENAPI},
            "paid": {"type": "boolean"},
            "colour": {
                "type": "string",
                "enum": ["red", "green", "blue"],
                "description": "A primary colour.",
                "nullable": True,
            },
            "kind": {"type": "string", "enum": ["retail", "wholesale"]},
            "note": {
                "type": "string",
                "nullable": True,
                "description": "anything else written on it",
            },
        },
        "propertyOrdering": ["number", "items", "paid", "colour", "kind", "note"],
        "required": ["number", "items", "paid", "colour", "kind", "note"],
    }


@pytest.mark.parametrize("model", ["gemini-2.5-flash", "gemini-3-pro-preview", "custom-model"])
def test_a_newer_model_gets_json_schema(model: str) -> None:
    config = sent_config(model, Item, {"name": "a", "price": 1, "quantity": 1, "tags": []})
    assert "responseSchema" not in config
    assert config["responseJsonSchema"]["description"] == "One line of an invoice."  # type: ignore[index]


def test_a_recursive_type_cannot_go_to_an_older_model() -> None:
    server = MockServer("{}", provider="google")
    request = ChatRequest("gemini-1.5-pro").add_message(Message.user("x")).with_output_type(Node)
    with pytest.raises(RequestValidationError, match=r"^response_format: a recursive schema"):
        Client.mock(server).chat(request)
    assert server.requests == []
