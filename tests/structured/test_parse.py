"""Answers parsed into their type: each kind of type, the first mismatch named with its
path, refusals, and the forced-tool answers of models without native structured output."""

from __future__ import annotations

import json
from typing import Any, Literal

import pytest

from llm_connector import OutputRefusedError, OutputValidationError
from llm_connector.structured.parse import parse_output
from llm_connector.types import ChatResponse, Choice, Message, ToolCall
from tests.support.structured_types import Address, Colour, Invoice, Item, Node, Person

INVOICE = {
    "number": "INV-7",
    "items": [
        {"name": "tea", "price": 4.5, "quantity": 2, "tags": ["green"]},
        {"name": "cup", "price": 3, "quantity": 1, "tags": []},
    ],
    "paid": False,
    "colour": "red",
    "kind": "retail",
    "note": None,
}


def test_an_attrs_class_with_nested_dataclasses_and_an_enum() -> None:
    invoice = parse_output(Invoice, json.dumps(INVOICE))
    assert invoice == Invoice(
        number="INV-7",
        items=[Item("tea", 4.5, 2, ["green"]), Item("cup", 3.0, 1, [])],
        paid=False,
        colour=Colour.RED,
        kind="retail",
        note=None,
    )
    assert type(invoice.items[1].price) is float  # a JSON integer for a float field


def test_the_other_kinds() -> None:
    assert parse_output(Address, '{"street": "1 Rue", "city": "Paris", "postcode": null}') == {
        "street": "1 Rue",
        "city": "Paris",
    }
    assert parse_output(Node, '{"value": 1, "children": [{"value": 2, "children": []}]}') == Node(
        1, [Node(2, [])]
    )
    assert parse_output(list[Colour], '{"value": ["green", "blue"]}', wrapped=True) == [
        Colour.GREEN,
        Colour.BLUE,
    ]
    assert parse_output(int | Item, '{"value": 7}', wrapped=True) == 7
    assert parse_output(Literal["yes", "no"], '{"value": "no"}', wrapped=True) == "no"
    assert parse_output(Person, '{"name": "Ada", "age": null, "title": "Countess"}') == Person(
        name="Ada", age=None, title="Countess"
    )


def with_value(path: list[Any], value: Any) -> str:
    document = json.loads(json.dumps(INVOICE))
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(document)


@pytest.mark.parametrize(
    ("path", "value", "where", "message"),
    [
        (["items", 1, "price"], "12 EUR", "items[1].price", 'expected float, got "12 EUR"'),
        (["items", 0, "quantity"], 1.5, "items[0].quantity", "expected int, got 1.5"),
        (["items", 0, "quantity"], True, "items[0].quantity", "expected int, got true"),
        (["paid"], "no", "paid", 'expected bool, got "no"'),
        (["number"], 7, "number", "expected str, got 7"),
        (["items"], {"name": "tea"}, "items", 'expected array, got {"name": "tea"}'),
        (["items", 0, "tags"], "green", "items[0].tags", 'expected array, got "green"'),
    ],
)
def test_the_first_mismatch_is_named_with_its_path(
    path: list[Any], value: Any, where: str, message: str
) -> None:
    text = with_value(path, value)
    with pytest.raises(OutputValidationError) as raised:
        parse_output(Invoice, text)
    error = raised.value
    assert (error.path, error.message) == (where, message)
    assert str(error) == f"{where}: {message}"
    assert error.raw == text


def test_missing_and_unexpected_keys() -> None:
    with pytest.raises(OutputValidationError) as missing:
        parse_output(Address, '{"street": "1 Rue"}')
    assert (missing.value.path, missing.value.message) == ("city", "missing")
    with pytest.raises(OutputValidationError) as extra:
        parse_output(Item, '{"name": "a", "price": 1, "quantity": 1, "tags": [], "colour": 1}')
    assert extra.value.message == "unexpected keys: colour"


def test_an_answer_that_is_not_json_or_not_wrapped() -> None:
    with pytest.raises(OutputValidationError) as raised:
        parse_output(Item, "Sure! Here is the item: {")
    assert raised.value.path == ""
    assert raised.value.message.startswith("the answer is not JSON (Expecting value: line 1")
    with pytest.raises(OutputValidationError, match=r"^expected an object with one key, 'value'$"):
        parse_output(list[Item], "[]", wrapped=True)
    with pytest.raises(OutputValidationError) as union:
        parse_output(int | Item, '{"value": "seven"}', wrapped=True)
    assert union.value.message == 'expected int | Item, got "seven"'


def test_a_pydantic_model_reports_its_own_first_error() -> None:
    with pytest.raises(OutputValidationError) as raised:
        parse_output(Person, '{"name": "Ada", "age": "old", "title": "x"}')
    assert raised.value.path == "age"
    assert raised.value.message == "Input should be a valid integer"


def answer(
    content: str | None, *, native: str | None = None, calls: tuple[ToolCall, ...] = ()
) -> ChatResponse:
    message = Message("assistant", content, tool_calls=calls)
    return ChatResponse(choices=(Choice(0, message, "stop", native),))


def test_a_refusal_raises_with_its_text() -> None:
    with pytest.raises(OutputRefusedError) as raised:
        answer("I can't help with that.", native="refusal").parse(Item)
    assert raised.value.refusal == "I can't help with that."
    assert str(raised.value) == "the model refused: I can't help with that."


def test_a_forced_tool_call_carries_the_answer() -> None:
    call = ToolCall.create("toolu_1", "Item", {"name": "a", "price": 2, "quantity": 1, "tags": []})
    assert answer(None, calls=(call,)).parse(Item) == Item("a", 2.0, 1, [])


def test_an_empty_answer_is_not_silently_none() -> None:
    with pytest.raises(OutputValidationError, match=r"^the answer is empty$"):
        answer("").parse(Item)


def test_a_streamed_refusal_raises_too() -> None:
    # OpenAI streams a refusal as "refusal" deltas instead of content:
    # https://platform.openai.com/docs/guides/structured-outputs#refusals
    import httpx

    from llm_connector import Client
    from llm_connector.types import ChatRequest

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        body = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(body)}\n\n"

    sse = (
        chunk({"role": "assistant", "refusal": ""})
        + chunk({"refusal": "I'm sorry, "})
        + chunk({"refusal": "I can't help with that."})
        + chunk({}, "stop")
        + "data: [DONE]\n\n"
    )

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=sse)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    client = Client.openai("k", "http://openai.test/v1", http_client=http)
    request = ChatRequest("m").add_message(Message.user("x")).with_output_type(Item)
    final = client.chat_stream(request).final_response()
    with pytest.raises(OutputRefusedError) as raised:
        final.parse(Item)
    assert raised.value.refusal == "I'm sorry, I can't help with that."
    http.close()
