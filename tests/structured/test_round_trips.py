"""A type goes in and a value of it comes out, through the mock of every protocol that
has structured output, on both clients, whole and streamed, with the value growing while
it streams; a provider without structured output refuses before sending."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from llm_connector import AsyncClient, Client, MockServer, RequestValidationError
from llm_connector.types import ChatRequest, Message, Tool
from tests.support.facade import Mode
from tests.support.structured_types import Address, Colour, Invoice, Item, Person

PROVIDERS = ["openai", "deepseek", "anthropic", "google", "ollama", "aliyun", "bedrock"]
INVOICE_JSON = {
    "number": "INV-7",
    "items": [{"name": "tea", "price": 4.5, "quantity": 2, "tags": ["green", "loose"]}],
    "paid": True,
    "colour": "blue",
    "kind": "retail",
    "note": "thanks",
}
# Item's schema, written out (tests/structured/test_schema.py holds the maker to it).
ITEM_SCHEMA = {
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
CASES: list[Any] = [
    pytest.param(
        Invoice,
        INVOICE_JSON,
        Invoice(
            "INV-7",
            [Item("tea", 4.5, 2, ["green", "loose"])],
            True,
            Colour.BLUE,
            "retail",
            "thanks",
        ),
        id="attrs",
    ),
    pytest.param(
        Item,
        {"name": "cup", "price": 3, "quantity": 1, "tags": []},
        Item("cup", 3.0, 1, []),
        id="dataclass",
    ),
    pytest.param(
        Address,
        {"street": "1 Rue de Rivoli", "city": "Paris", "postcode": None},
        {"street": "1 Rue de Rivoli", "city": "Paris"},
        id="typeddict",
    ),
    pytest.param(
        Person,
        {"name": "Ada", "age": 36, "title": "Countess"},
        Person(name="Ada", age=36, title="Countess"),
        id="pydantic",
    ),
    pytest.param(
        list[Colour], {"value": ["red", "green"]}, [Colour.RED, Colour.GREEN], id="list-root"
    ),
]


def client_of(mode: Mode, server: MockServer) -> Client | AsyncClient:
    return Client.mock(server) if mode == "sync" else AsyncClient.mock(server)


async def whole(client: Client | AsyncClient, request: ChatRequest, tp: Any) -> Any:
    if isinstance(client, Client):
        return client.chat_parse(request, tp)
    return await client.chat_parse(request, tp)


async def streamed(
    client: Client | AsyncClient, request: ChatRequest, tp: Any
) -> tuple[Any, list[Any]]:
    """The parsed value, and a copy of ``partial_output()`` after each chunk."""
    seen: list[Any] = []
    if isinstance(client, Client):
        with client.chat_stream(request) as stream:
            for _ in stream:
                seen.append(copy.deepcopy(stream.partial_output()))
            return stream.final_response().parse(tp), seen
    async with client.chat_stream(request) as astream:
        async for _ in astream:
            seen.append(copy.deepcopy(astream.partial_output()))
        return (await astream.final_response()).parse(tp), seen


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(("tp", "document", "expected"), CASES)
async def test_a_type_in_a_value_out(
    mode: Mode, provider: Any, tp: Any, document: Any, expected: Any
) -> None:
    server = MockServer(json.dumps(document), provider=provider)
    client = client_of(mode, server)
    request = ChatRequest().add_message(Message.user("Read it"))
    assert await whole(client, request, tp) == expected
    value, seen = await streamed(client, request.with_output_type(tp), tp)
    assert value == expected
    # The value so far, after each chunk: it grows into the whole document.
    whole_document = document["value"] if "value" in document and len(document) == 1 else document
    assert seen[-1] == whole_document
    assert len({json.dumps(s) for s in seen}) > 2  # it was seen growing, not all at once


@pytest.mark.parametrize("provider", ["tencent"])
def test_a_provider_without_structured_output_refuses_before_sending(provider: Any) -> None:
    server = MockServer("{}", provider=provider)
    with pytest.raises(RequestValidationError, match=r"^response_format: Hunyuan's native API"):
        Client.mock(server).chat_parse(ChatRequest().add_message(Message.user("x")), Item)
    assert server.requests == []


@pytest.mark.parametrize(
    ("provider", "native"),
    [("openai", True), ("groq", True), ("deepseek", False), ("moonshot", False), ("zhipu", False)],
)
def test_a_dialect_without_json_schema_gets_json_mode_and_the_schema_in_words(
    provider: Any, native: bool
) -> None:
    server = MockServer(
        json.dumps({"name": "cup", "price": 3, "quantity": 1, "tags": []}), provider=provider
    )
    request = ChatRequest("m").add_message(Message.user("A cup?"))
    assert Client.mock(server).chat_parse(request, Item) == Item("cup", 3.0, 1, [])
    [sent] = server.requests
    if native:
        assert sent["response_format"]["type"] == "json_schema"
        assert sent["messages"] == [{"role": "user", "content": "A cup?"}]
        return
    assert sent["response_format"] == {"type": "json_object"}
    schema = json.dumps(ITEM_SCHEMA, separators=(",", ":"))
    assert sent["messages"] == [
        {
            "role": "system",
            "content": "Answer with a single JSON value, and nothing else (no prose, no code "
            f"fence), that is valid against this JSON Schema: {schema}",
        },
        {"role": "user", "content": "A cup?"},
    ]


ITEM_ARGS = {"name": "cup", "price": 3, "quantity": 1, "tags": []}


@pytest.mark.parametrize("model", ["claude-3-5-sonnet-20241022", "claude-sonnet-4-20250514"])
async def test_an_older_claude_answers_through_a_forced_tool(mode: Mode, model: str) -> None:
    from llm_connector import MockReply

    server = MockServer(MockReply.tool_call("Item", ITEM_ARGS), provider="anthropic")
    client = client_of(mode, server)
    request = ChatRequest(model).add_message(Message.user("A cup?")).with_output_type(Item)
    assert await whole(client, request, Item) == Item("cup", 3.0, 1, [])
    value, seen = await streamed(client, request, Item)
    assert value == Item("cup", 3.0, 1, [])
    assert seen[-1] == ITEM_ARGS
    sent = server.requests[0]
    assert "output_config" not in sent
    assert sent["tools"] == [
        {"name": "Item", "input_schema": ITEM_SCHEMA, "description": "One line of an invoice."}
    ]
    assert sent["tool_choice"] == {"type": "tool", "name": "Item"}


def test_a_newer_claude_takes_the_schema_natively() -> None:
    server = MockServer(json.dumps(ITEM_ARGS), provider="anthropic")
    request = ChatRequest("claude-sonnet-4-5").add_message(Message.user("A cup?"))
    assert Client.mock(server).chat_parse(request, Item) == Item("cup", 3.0, 1, [])
    sent = server.requests[0]
    assert sent["output_config"] == {"format": {"type": "json_schema", "schema": ITEM_SCHEMA}}
    assert "tools" not in sent and "tool_choice" not in sent


@pytest.mark.parametrize(
    ("request_", "why"),
    [
        (
            ChatRequest("claude-3-7-sonnet-20250219").with_thinking_budget(2048),
            "cannot be used with thinking on",
        ),
        (
            ChatRequest("claude-3-7-sonnet-20250219").with_tools(
                [Tool.function("f", "f", {"type": "object", "properties": {}})]
            ),
            "cannot be combined with your own tools",
        ),
    ],
)
def test_a_forced_tool_that_cannot_be_used_is_refused_before_sending(
    request_: ChatRequest, why: str
) -> None:
    server = MockServer("{}", provider="anthropic")
    request = request_.add_message(Message.user("x")).with_output_type(Item)
    with pytest.raises(RequestValidationError) as raised:
        Client.mock(server).chat(request)
    assert str(raised.value) == (
        "response_format: claude-3-7-sonnet-20250219 has no structured outputs, and the "
        f"forced tool that stands in for them {why}"
    )
    assert server.requests == []


@pytest.mark.parametrize("provider", ["openai", "anthropic", "google"])
async def test_the_responses_api_asks_for_a_type_too(mode: Mode, provider: Any) -> None:
    from llm_connector.responses import ResponsesRequest

    server = MockServer(
        json.dumps(ITEM_ARGS), provider=provider, responses_api=provider == "openai"
    )
    client = client_of(mode, server)
    request = ResponsesRequest(input="A cup?").with_output_type(Item)
    if isinstance(client, Client):
        answer = client.invoke_responses(request)
    else:
        answer = await client.invoke_responses(request)
    assert answer.parse(Item) == Item("cup", 3.0, 1, [])
    sent = server.requests[0]
    if provider == "openai":
        assert sent["text"]["format"] == {
            "type": "json_schema",
            "name": "Item",
            "schema": ITEM_SCHEMA,
            "strict": True,
            "description": "One line of an invoice.",
        }
