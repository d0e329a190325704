"""Requests are valid JSON or refused: NaN, infinities and values JSON cannot hold (a set, a
datetime, bytes, any object, a non-string key) anywhere in a request raise
RequestValidationError naming their exact path, before anything is sent."""

from __future__ import annotations

import collections
import datetime
import decimal
import enum
import math
import types
from collections.abc import Callable
from typing import Any

import pytest

from llm_connector import AsyncClient, Client
from llm_connector.codecs.contract import Endpoint, dump_json
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.errors import RequestValidationError
from llm_connector.responses import (
    FunctionCallItem,
    HostedTool,
    MessageItem,
    OutputText,
    ResponsesRequest,
)
from llm_connector.types import (
    ChatRequest,
    EmbedRequest,
    FunctionCall,
    Message,
    ResponseFormat,
    Tool,
    ToolCall,
)
from llm_connector.types._json_values import find_json_problem
from tests.support.mock_backend import MockBackend

NAN = math.nan
INF = math.inf
HI = Message.user("Hi")
ENDPOINT = Endpoint(base_url="https://api.openai.com/v1", api_key="sk-test")


def cannot(what: str, instead: str = "use null or a number") -> str:
    return f"is {what}, which JSON cannot hold; {instead}"


IS_NAN = cannot("NaN")
IS_INF = cannot("inf")
IS_SET = cannot("a set", "use a list")
IS_DATETIME = cannot("a datetime", "use an ISO 8601 string (value.isoformat())")
ANY = "use a dict, list, str, number, bool or None"


def raised(action: Callable[[], object]) -> RequestValidationError:
    with pytest.raises(RequestValidationError) as info:
        action()
    error = info.value
    assert str(error) == f"{error.field}: {error.problem}"
    return error


def tool(**properties: Any) -> Tool:
    return Tool.function("f", parameters={"type": "object", "properties": properties})


def chat(**fields: Any) -> ChatRequest:
    return ChatRequest("m", [HI], **fields)


def called(arguments: str) -> ChatRequest:
    """A conversation whose assistant turn called ``f`` with ``arguments`` (as JSON text, as
    a model wrote it)."""
    turn = Message.assistant(tool_calls=[ToolCall("c1", FunctionCall("f", arguments))])
    return ChatRequest("m", [HI, turn, Message.tool("ok", "c1")])


def responses(**fields: Any) -> ResponsesRequest:
    return ResponsesRequest(**{"model": "m", "input": "hi", **fields})


def out_of_range(what: str, low: float, high: float) -> str:
    return f"is {what}, which JSON cannot hold; use a number between {low} and {high}"


def json_schema(**properties: Any) -> ResponseFormat:
    return ResponseFormat.json_schema("answer", {"type": "object", "properties": properties})


# -- the walk itself ------------------------------------------------------------------------


class Color(enum.Enum):
    RED = "red"


class Size(str, enum.Enum):
    BIG = "big"


@pytest.mark.parametrize(
    ("value", "path", "problem"),
    [
        (NAN, "", IS_NAN),
        (-INF, "", cannot("-inf")),
        ({"a": [1, 2, {"b": NAN}]}, ".a[2].b", IS_NAN),
        ({"$defs": {"when": {"default": INF}}}, "['$defs'].when.default", IS_INF),
        ({"two words": [NAN]}, "['two words'][0]", IS_NAN),
        ({"tags": frozenset()}, ".tags", cannot("a frozenset", "use a list")),
        ({"when": datetime.datetime(2024, 1, 1)}, ".when", IS_DATETIME),
        ({"raw": b"\x00"}, ".raw", cannot("bytes", "decode them to text, or base64-encode them")),
        (
            {"price": decimal.Decimal("1.5")},
            ".price",
            cannot("a Decimal", "use a float, or a string to keep every digit"),
        ),
        ({"m": types.MappingProxyType({})}, ".m", cannot("a mappingproxy", "use dict(value)")),
        ({"color": Color.RED}, ".color", cannot("a tests.types.test_json_values.Color", ANY)),
        ([object()], "[0]", cannot("an object", ANY)),
        ({"p": {1: "x"}}, ".p", "has the non-string key 1; JSON object keys are strings"),
        (
            {"a": (1, {None: 2})},
            ".a[1]",
            "has the non-string key None; JSON object keys are strings",
        ),
    ],
)
def test_the_first_bad_value_is_named_by_its_path(value: Any, path: str, problem: str) -> None:
    assert find_json_problem(value) == (path, problem)


@pytest.mark.parametrize(
    "value",
    [
        None,
        {"type": "object", "properties": {"n": {"type": "number", "minimum": -1.5e308}}},
        [True, False, 0, -1, 10**40, 1.0, "NaN", "Infinity", ""],
        (1, (2, [3])),  # tuples are sent as lists
        collections.OrderedDict(a=1),
        {"size": Size.BIG},  # a str enum is a str to the encoder
        {"big": 10**400},  # JSON numbers have no range
    ],
)
def test_what_json_holds_passes(value: Any) -> None:
    assert find_json_problem(value) is None


def test_a_value_that_contains_itself() -> None:
    loop: dict[str, Any] = {"a": []}
    loop["a"].append(loop)
    assert find_json_problem(loop) == (".a[0]", "contains itself, which JSON cannot hold")


def test_depth_alone_is_no_reason_to_refuse() -> None:
    # Deeper than the walk goes but not than the encoder does: accepted, as before.
    value: Any = 1
    for _ in range(600):
        value = [value]
    assert find_json_problem(value) is None
    for _ in range(5000):
        value = [value]
    assert find_json_problem(value) == ("", "is nested too deeply to be sent as JSON")


# -- ChatRequest: named in the user's terms -------------------------------------------------

WHEN = datetime.datetime(2024, 1, 1)
OPENAI_FORMAT = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"a": [NAN]}}}
TOOL = "tools[0].parameters.properties"
FORMAT = "response_format.schema"
ARGS = "messages[1].tool_calls[0].function.arguments"
KEY_1 = "has the non-string key 1; JSON object keys are strings"
CHAT: list[tuple[str, ChatRequest, str, str]] = [
    ("tool NaN", chat(tools=[tool(when={"default": NAN})]), f"{TOOL}.when.default", IS_NAN),
    (
        "tool datetime",
        chat(tools=[Tool.function("g"), tool(when=WHEN)]),
        "tools[1].parameters.properties.when",
        IS_DATETIME,
    ),
    ("tool set", chat(tools=[tool(a={"required": {"a"}})]), f"{TOOL}.a.required", IS_SET),
    ("tool key", chat(tools=[tool(a={1: "one"})]), f"{TOOL}.a", KEY_1),
    (
        "format inf",
        chat(response_format=json_schema(a={"maximum": INF})),
        f"{FORMAT}.properties.a.maximum",
        IS_INF,
    ),
    ("format as JSON", chat(response_format=OPENAI_FORMAT), f"{FORMAT}.a[0]", IS_NAN),
    ("arguments NaN", called('{"x": NaN}'), f"{ARGS}.x", IS_NAN),
    (
        "arguments -Infinity",
        called('{"a": {"b": [1, -Infinity]}}'),
        f"{ARGS}.a.b[1]",
        cannot("-inf"),
    ),
    ("temperature NaN", chat(temperature=NAN), "temperature", out_of_range("NaN", 0.0, 2.0)),
    ("top_p inf", chat(top_p=INF), "top_p", out_of_range("inf", 0.0, 1.0)),
    (
        "presence_penalty -inf",
        chat(presence_penalty=-INF),
        "presence_penalty",
        out_of_range("-inf", -2.0, 2.0),
    ),
    (
        "frequency_penalty NaN",
        chat(frequency_penalty=NAN),
        "frequency_penalty",
        out_of_range("NaN", -2.0, 2.0),
    ),
]


@pytest.mark.parametrize(
    ("request_", "field", "problem"),
    [pytest.param(r, f, p, id=i) for i, r, f, p in CHAT],
)
def test_chat_request_validation_names_the_path(
    request_: ChatRequest, field: str, problem: str
) -> None:
    error = raised(request_.validate)
    assert (error.field, error.problem) == (field, problem)


def test_a_schema_changed_after_the_tool_was_made_is_still_checked() -> None:
    request = chat(tools=[tool()])
    request.validate()
    request.tools[0].parameters["properties"]["when"] = NAN
    assert raised(request.validate).field == "tools[0].parameters.properties.when"


@pytest.mark.parametrize("arguments", ['{"s": "NaN", "t": "-Infinity"}', "{}", "", "bad: NaN"])
def test_tool_call_arguments_without_a_bad_number_pass(arguments: str) -> None:
    # "NaN" inside a string is text; text that is not JSON is each codec's to judge.
    called(arguments).validate()


def test_tool_call_arguments_must_be_text() -> None:
    bad = ToolCall("c1", FunctionCall("f", {"x": 1}))  # type: ignore[arg-type]
    error = raised(ChatRequest("m", [HI, Message.assistant(tool_calls=[bad])]).validate)
    assert error.field == "messages[1].tool_calls[0].function.arguments"
    assert error.problem.startswith("must be JSON text (a str), got dict")


# -- built values: refused when made ---------------------------------------------------------

BUILT: list[tuple[str, Callable[[], object], str, str]] = [
    (
        "extra_body NaN deep inside",
        lambda: ChatRequest("m", extra_body={"metadata": {"scores": [0.5, 1.0, NAN]}}),
        "extra_body['metadata'].scores[2]",
        IS_NAN,
    ),
    (
        "extra_body set",
        lambda: ChatRequest("m").with_extra_body({"ids": {1, 2}}),
        "extra_body['ids']",
        IS_SET,
    ),
    (
        "extra_body non-string nested key",
        lambda: ChatRequest("m", extra_body={"logit_bias": {50256: -100}}),
        "extra_body['logit_bias']",
        "has the non-string key 50256; JSON object keys are strings",
    ),
    (
        "extra_body of an embed request",
        lambda: EmbedRequest("e", ["a"], extra_body={"options": {"when": WHEN}}),
        "extra_body['options'].when",
        IS_DATETIME,
    ),
    (
        "extra_body of a Responses request",
        lambda: responses(extra_body={"x": [INF]}),
        "extra_body['x'][0]",
        IS_INF,
    ),
    ("create NaN", lambda: ToolCall.create("c", "f", {"x": NAN}), "tool_call.arguments.x", IS_NAN),
    ("create set", lambda: ToolCall.create("c", "f", {"s": {1}}), "tool_call.arguments.s", IS_SET),
    (
        "create datetime",
        lambda: ToolCall.create("c1", "f", {"when": {"at": WHEN}}),
        "tool_call.arguments.when.at",
        IS_DATETIME,
    ),
]


@pytest.mark.parametrize(
    ("action", "field", "problem"), [pytest.param(a, f, p, id=i) for i, a, f, p in BUILT]
)
def test_built_values_name_the_path(action: Callable[[], object], field: str, problem: str) -> None:
    error = raised(action)
    assert (error.field, error.problem) == (field, problem)


def test_tool_call_create_takes_any_mapping() -> None:
    created = ToolCall.create("c1", "f", types.MappingProxyType({"x": 1}))
    assert created.arguments == '{"x": 1}'


# -- ResponsesRequest -------------------------------------------------------------------------

FLAT_TOOL = {"type": "function", "name": "f", "parameters": {"minimum": NAN}}
HOSTED = HostedTool({"type": "mcp", "allowed_tools": {"a"}})
TEXT_FORMAT = {"type": "json_schema", "name": "a", "schema": {"maximum": INF}}
OTHER_ITEM = {"type": "web_search_call", "id": "ws1", "at": WHEN}
ANNOTATED = MessageItem("assistant", [OutputText("see", ({"type": "x", "score": NAN},))])
RESPONSES: list[tuple[str, ResponsesRequest, str, str]] = [
    (
        "tool schema",
        responses(tools=[tool(when={"default": NAN})]),
        "tools[0].parameters.properties.when.default",
        IS_NAN,
    ),
    ("tool as JSON", responses(tools=[FLAT_TOOL]), "tools[0].parameters.minimum", IS_NAN),
    ("hosted tool", responses(tools=[HOSTED]), "tools[0].allowed_tools", IS_SET),
    ("text format", responses(text_format=TEXT_FORMAT), "text_format.schema.maximum", IS_INF),
    (
        "function call arguments",
        responses(input=[FunctionCallItem("c1", "f", '{"x": [NaN]}')]),
        "input[0].arguments.x[0]",
        IS_NAN,
    ),
    (
        "item as JSON",
        responses(input=[{"role": "user", "content": "hi"}, OTHER_ITEM]),
        "input[1].at",
        IS_DATETIME,
    ),
    (
        "annotation sent back",
        responses(input=[ANNOTATED, MessageItem("user", "and?")]),
        "input[0].content[0].annotations[0].score",
        IS_NAN,
    ),
    ("temperature", responses(temperature=INF), "temperature", out_of_range("inf", 0.0, 2.0)),
]


@pytest.mark.parametrize(
    ("request_", "field", "problem"), [pytest.param(r, f, p, id=i) for i, r, f, p in RESPONSES]
)
def test_responses_request_validation_names_the_path(
    request_: ResponsesRequest, field: str, problem: str
) -> None:
    error = raised(request_.validate)
    assert (error.field, error.problem) == (field, problem)


# -- the wire backstop: dump_json -------------------------------------------------------------


def test_dump_json_names_the_wire_path() -> None:
    body = {"tools": [{"function": {"parameters": {"properties": {"when": NAN}}}}]}
    error = raised(lambda: dump_json(body))
    assert (error.field, error.problem) == (
        "body.tools[0].function.parameters.properties.when",
        IS_NAN,
    )
    # The bytes Python's encoder writes by default (bare Infinity) are not JSON.
    assert raised(lambda: dump_json({"temperature": INF})).field == "body.temperature"
    assert dump_json({"a": [1.5, None, "NaN"]}) == b'{"a":[1.5,null,"NaN"]}'


def test_a_value_changed_after_the_checks_is_stopped_at_the_wire() -> None:
    # extra_body is checked when the request is made; a later change is caught when the
    # body is written, named by where it sits in the body.
    request = chat(extra_body={"metadata": {"scores": [1.0]}})
    request.extra_body["metadata"]["scores"].append(NAN)  # type: ignore[index]
    error = raised(lambda: OpenAIChatCodec().build_chat(request, ENDPOINT, stream=False))
    assert (error.field, error.problem) == ("body.metadata.scores[1]", IS_NAN)


# -- through the clients: nothing is sent -----------------------------------------------------

PROVIDERS = ["openai", "anthropic", "google", "ollama"]
THROUGH_CLIENTS = ["tool NaN", "format inf", "arguments NaN", "temperature NaN"]


def client(provider: str, backend: MockBackend) -> Client:
    return Client(provider, "sk", backend.base_url, max_retries=0, _transport=backend.transport)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    ("request_", "field"),
    [pytest.param(r, f, id=i) for i, r, f, _ in CHAT if i in THROUGH_CLIENTS],
)
def test_every_protocol_refuses_before_sending(
    provider: str, request_: ChatRequest, field: str
) -> None:
    backend = MockBackend()
    with client(provider, backend) as api:
        assert raised(lambda: api.chat(request_)).field == field
        assert raised(lambda: api.chat_stream(request_)).field == field
    assert backend.requests == []


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_the_async_client_refuses_before_sending(provider: str) -> None:
    backend = MockBackend()
    request = chat(tools=[tool(when={"type": "string", "default": {"x"}})])
    api = AsyncClient(provider, "sk", backend.base_url, max_retries=0, _transport=backend.transport)
    try:
        with pytest.raises(RequestValidationError) as info:
            await api.chat(request)
    finally:
        await api.aclose()
    assert info.value.field == "tools[0].parameters.properties.when.default"
    assert backend.requests == []


# The native endpoint (openai) and the translation to a chat protocol (anthropic).
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize(
    ("request_", "field"),
    [
        pytest.param(r, f, id=i)
        for i, r, f, _ in RESPONSES
        if i in ("tool schema", "text format", "function call arguments")
    ],
)
def test_responses_requests_are_refused_before_sending(
    provider: str, request_: ResponsesRequest, field: str
) -> None:
    backend = MockBackend()
    with client(provider, backend) as api:
        assert raised(lambda: api.invoke_responses(request_)).field == field
        assert raised(lambda: api.invoke_responses_stream(request_)).field == field
    assert backend.requests == []
