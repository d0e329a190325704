"""The Responses types: building a ResponsesRequest (keywords, fluent, the API's JSON),
what it refuses, the items, ResponsesResponse's conveniences, and the translations to
chat."""

from __future__ import annotations

from typing import Any

import pytest

from llm_connector import UnsupportedFeatureError
from llm_connector.errors import RequestValidationError
from llm_connector.responses import (
    FunctionCallItem,
    FunctionCallOutputItem,
    HostedTool,
    IncompleteDetails,
    MessageItem,
    OtherItem,
    OutputText,
    Reasoning,
    ReasoningItem,
    Refusal,
    ResponsesError,
    ResponsesRequest,
    ResponsesResponse,
    ResponsesStreamEvent,
    ResponsesUsage,
    chat_request_for,
    chat_response_for,
)
from llm_connector.types import (
    ImagePart,
    Message,
    ResponseFormat,
    TextPart,
    Tool,
    ToolCall,
    ToolChoice,
    Usage,
)


def test_keywords_as_in_the_design() -> None:
    request = ResponsesRequest(model="gpt-4.1", input="Hi", stream=True)
    assert (request.model, request.input, request.stream) == ("gpt-4.1", "Hi", True)
    request.validate()
    # The crate's import path.
    from llm_connector.types import ResponsesRequest as FromTypes

    assert FromTypes is ResponsesRequest


def test_fluent_builders_return_new_requests() -> None:
    base = ResponsesRequest(model="m", input="first")
    built = (
        base.with_instructions("sys")
        .with_tools([Tool.function("f")])
        .with_tool_choice("required")
        .with_parallel_tool_calls(True)
        .with_reasoning("high", "detailed")
        .with_max_output_tokens(9)
        .with_temperature(0.1)
        .with_top_p(0.5)
        .with_store(True)
        .with_text_format({"type": "json_object"})
        .with_include(["reasoning.encrypted_content"])
        .with_safety_identifier("sid")
        .with_prompt_cache_key("pck")
        .with_stream(True)
        .with_extra_body({"a": 1})
        .with_extra_body({"b": 2})
        .with_header("X-Trace", "1")
        .with_api_key("sk-other")
        .with_base_url("http://other/v1")
        .with_timeout(5)
        .with_max_retries(0)
        .with_model("m2")
    )
    assert base == ResponsesRequest(model="m", input="first")
    assert built.tool_choice == ToolChoice.required()
    assert built.reasoning == Reasoning("high", "detailed")
    assert built.text_format == ResponseFormat.json_object()
    assert built.include == ("reasoning.encrypted_content",)
    assert (built.safety_identifier, built.prompt_cache_key) == ("sid", "pck")
    assert built.extra_body == {"a": 1, "b": 2}
    assert built.extra_headers == {"X-Trace": "1"} and built.model == "m2"
    assert "sk-other" not in repr(built)
    built.validate()


def test_add_input_turns_text_into_a_message_first() -> None:
    request = ResponsesRequest(model="m", input="hi").add_input(
        FunctionCallOutputItem("c", "1"), {"type": "item_reference", "id": "x"}
    )
    assert request.input == (
        MessageItem("user", "hi"),
        FunctionCallOutputItem("c", "1"),
        OtherItem("item_reference", {"type": "item_reference", "id": "x"}),
    )
    assert ResponsesRequest(model="m").add_input(MessageItem("user", "x")).input == (
        MessageItem("user", "x"),
    )


def test_input_items_from_the_api_json() -> None:
    request = ResponsesRequest(
        model="m",
        input=[
            {"role": "user", "content": "hi"},
            {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "a"}],
            },
            {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c", "output": "1"},
            {"type": "reasoning", "id": "rs", "summary": [{"type": "summary_text", "text": "s"}]},
            # A part not modelled keeps its whole item as JSON (sent back unchanged).
            {"role": "user", "content": [{"type": "input_image", "file_id": "file_1"}]},
        ],
    )
    assert request.input == (
        MessageItem("user", "hi"),
        MessageItem("assistant", (OutputText("a"),)),
        FunctionCallItem("c", "f", "{}"),
        FunctionCallOutputItem("c", "1"),
        ReasoningItem("rs", ("s",)),
        OtherItem(
            "message", {"role": "user", "content": [{"type": "input_image", "file_id": "file_1"}]}
        ),
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"input": 5}, "input"),
        ({"input": {"role": "user"}}, "input"),
        ({"input": [5]}, "input[0]"),
        ({"tools": ["f"]}, "tools[0]"),
        ({"tools": [{"type": "function", "function": {"name": "f"}}]}, "tools[0]"),
        ({"tools": [{"type": "function"}]}, "tools[0].name"),
        ({"tool_choice": "sometimes"}, "tool_choice"),
        ({"reasoning": {"effort": "huge"}}, "reasoning.effort"),
        ({"reasoning": {"summary": "long"}}, "reasoning.summary"),
        ({"reasoning": {"efort": "low"}}, "reasoning"),
        ({"text_format": {"type": "json_schema", "name": "x"}}, "text_format.schema"),
        ({"max_retries": -1}, "max_retries"),
        ({"extra_body": {"x": object()}}, "extra_body['x']"),
    ],
)
def test_bad_values_are_refused_naming_the_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        ResponsesRequest(model="m", **fields)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (ResponsesRequest(input="hi"), "model"),
        (ResponsesRequest(model="m"), "input"),
        (ResponsesRequest(model="m", input=()), "input"),
        (ResponsesRequest(model="m", input="x", tool_choice="auto"), "tool_choice"),
        (
            ResponsesRequest(
                model="m",
                input="x",
                tools=[Tool.function("f")],
                tool_choice=ToolChoice.function("g"),
            ),
            "tool_choice.name",
        ),
        (
            ResponsesRequest(model="m", input="x", tools=[Tool.function("f"), Tool.function("f")]),
            "tools",
        ),
        (ResponsesRequest(model="m", input="x", parallel_tool_calls=True), "parallel_tool_calls"),
        (ResponsesRequest(model="m", input="x", temperature=3.0), "temperature"),
        (ResponsesRequest(model="m", input="x", top_p=-0.1), "top_p"),
        (ResponsesRequest(model="m", input="x", max_output_tokens=0), "max_output_tokens"),
        (ResponsesRequest(model="m", input="x", safety_identifier=""), "safety_identifier"),
        (
            ResponsesRequest(model="m", input="x", safety_identifier="s" * 65),
            "safety_identifier",
        ),
        (
            ResponsesRequest(model="m", input="x", safety_identifier=1),  # type: ignore[arg-type]
            "safety_identifier",
        ),
        (ResponsesRequest(model="m", input="x", prompt_cache_key=" "), "prompt_cache_key"),
        (
            ResponsesRequest(model="m", input="x", prompt_cache_key=b"k"),  # type: ignore[arg-type]
            "prompt_cache_key",
        ),
    ],
)
def test_validation(request_: ResponsesRequest, field: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        request_.validate()
    assert caught.value.field == field


def test_previous_response_id_stands_in_for_input() -> None:
    ResponsesRequest(model="m", previous_response_id="resp_1").validate()


def test_tools_and_choices_from_json() -> None:
    request = ResponsesRequest(
        model="m",
        input="x",
        tools=[
            {
                "type": "function",
                "name": "f",
                "description": "d",
                "parameters": {"type": "object"},
                "strict": True,
            },
            {"type": "web_search", "search_context_size": "low"},
        ],
        tool_choice={"type": "function", "name": "f"},
        text_format={
            "type": "json_schema",
            "name": "n",
            "schema": {"type": "object"},
            "strict": False,
        },
    )
    assert request.tools == (
        Tool.function("f", "d", {"type": "object"}, strict=True),
        HostedTool({"type": "web_search", "search_context_size": "low"}),
    )
    assert request.tools[1].type == "web_search"
    assert request.tool_choice == ToolChoice.function("f")
    assert request.text_format == ResponseFormat.json_schema("n", {"type": "object"}, strict=False)
    # Chat completions' shape is taken too.
    chat_shape = {"type": "json_schema", "json_schema": {"name": "n", "schema": {}}}
    assert ResponsesRequest(
        model="m", text_format=chat_shape
    ).text_format == ResponseFormat.json_schema("n", {}, strict=None)


def test_item_conveniences() -> None:
    message = MessageItem("assistant", (OutputText("a"), Refusal("no"), OutputText("b")))
    assert (message.text, message.refusal) == ("ab", "no")
    assert (MessageItem("user", "x").text, MessageItem("user", "x").refusal) == ("x", None)
    assert FunctionCallItem("c", "f", '{"a": [1]}').parse_arguments() == {"a": [1]}
    assert FunctionCallItem("c", "f").parse_arguments() == {}
    reasoning = ReasoningItem(summary=("one", "two"), content=("x", "y"))
    assert (reasoning.text, reasoning.summary_text) == ("xy", "one\n\ntwo")
    other = OtherItem("web_search_call", {"id": "ws_1", "status": "completed"})
    assert (other.id, other.status) == ("ws_1", "completed")
    assert OtherItem("x", {"id": 5}).id is None
    with pytest.raises(RequestValidationError, match="role"):
        MessageItem("tool", "x")  # type: ignore[arg-type]
    with pytest.raises(RequestValidationError, match=r"content\[0\]"):
        MessageItem("user", ["text"])  # type: ignore[list-item]


RESPONSE = ResponsesResponse(
    id="resp_1",
    status="completed",
    model="m",
    output=(
        ReasoningItem("rs_1", ("sum",), ("raw",)),
        MessageItem("assistant", (OutputText("Hello"),)),
        OtherItem("web_search_call", {"id": "ws"}),
        MessageItem("assistant", (OutputText(" world"),)),
        FunctionCallItem("call_1", "f", "{}"),
    ),
    usage=ResponsesUsage(3, 4, 7, 1, 2),
    created_at=12.5,
)


def test_response_conveniences() -> None:
    assert RESPONSE.output_text == "Hello world"
    assert RESPONSE.function_calls == (FunctionCallItem("call_1", "f", "{}"),)
    assert (RESPONSE.reasoning_text, RESPONSE.reasoning_summary) == ("raw", "sum")
    assert RESPONSE.refusal is None and RESPONSE.other_items == (
        OtherItem("web_search_call", {"id": "ws"}),
    )
    empty = ResponsesResponse()
    assert (empty.output_text, empty.reasoning_text, empty.reasoning_summary) == ("", None, None)


def test_a_response_as_a_chat_answer() -> None:
    chat = chat_response_for(RESPONSE)
    assert chat.content == "Hello world" and chat.reasoning_content == "raw"
    assert chat.tool_calls == (ToolCall.create("call_1", "f", "{}"),)
    assert chat.finish_reason == "tool_calls" and chat.created == 12
    assert chat.usage == Usage(3, 4, 7, 2, 1)
    cut = ResponsesResponse(
        status="incomplete", incomplete_details=IncompleteDetails("content_filter")
    )
    assert chat_response_for(cut).finish_reason == "content_filter"
    assert chat_response_for(cut).choices[0].native_finish_reason == "content_filter"
    failed = ResponsesResponse(status="failed", error=ResponsesError("x", "server_error"))
    assert chat_response_for(failed).finish_reason is None


def test_the_chat_request_a_responses_request_stands_for() -> None:
    request = ResponsesRequest(
        model="m",
        instructions="sys",
        input=[
            MessageItem("user", [TextPart("see"), ImagePart.from_url("https://x/i.png")]),
            ReasoningItem("rs", content=("hmm",)),
            MessageItem("assistant", "calling"),
            FunctionCallItem("c1", "f", ""),
            FunctionCallItem("c2", "g", '{"a":1}'),
            FunctionCallOutputItem("c1", "1"),
            FunctionCallOutputItem("c2", "2"),
            ReasoningItem("rs2", summary=("plan",)),
            FunctionCallItem("c3", "f", "{}"),
            MessageItem("developer", (Refusal("r"), OutputText("o"))),
        ],
        tools=[Tool.function("f"), Tool.function("g")],
        tool_choice="auto",
        parallel_tool_calls=True,
        reasoning=Reasoning("low", "auto"),
        max_output_tokens=7,
        temperature=0.3,
        top_p=0.8,
        text_format=ResponseFormat.json_object(),
        extra_body={"stop": ["x"]},
        max_retries=1,
    )
    chat = chat_request_for(request)
    assert [(m.role, m.content) for m in chat.messages] == [
        ("system", "sys"),
        ("user", (TextPart("see"), ImagePart.from_url("https://x/i.png"))),
        ("assistant", "calling"),
        ("tool", "1"),
        ("tool", "2"),
        ("assistant", None),
        ("developer", (TextPart("r"), TextPart("o"))),
    ]
    assert chat.messages[2].reasoning_content == "hmm"
    assert [c.id for c in chat.messages[2].tool_calls] == ["c1", "c2"]
    assert chat.messages[2].tool_calls[0].function.arguments == "{}"  # none sent: an empty object
    assert chat.messages[5].reasoning_content == "plan"
    assert [c.id for c in chat.messages[5].tool_calls] == ["c3"]
    assert (chat.max_tokens, chat.temperature, chat.top_p, chat.reasoning_effort) == (
        7,
        0.3,
        0.8,
        "low",
    )
    assert chat.tool_choice == ToolChoice.auto() and chat.parallel_tool_calls is True
    assert chat.response_format == ResponseFormat.json_object()
    assert chat.extra_body == {"stop": ["x"]} and chat.max_retries == 1
    chat.validate()


@pytest.mark.parametrize(
    "request_",
    [
        ResponsesRequest(model="m", input="x", previous_response_id="resp_1"),
        ResponsesRequest(model="m", input="x", tools=[HostedTool({"type": "web_search"})]),
        ResponsesRequest(
            model="m", input=[OtherItem("item_reference", {"type": "item_reference"})]
        ),
    ],
    ids=["previous_response_id", "hosted-tool", "unknown-item"],
)
def test_what_chat_cannot_say(request_: ResponsesRequest) -> None:
    with pytest.raises(UnsupportedFeatureError):
        chat_request_for(request_)


def test_event_properties_on_absent_or_wrong_fields() -> None:
    event = ResponsesStreamEvent(
        "x", {"sequence_number": "1", "delta": 5, "item": [], "response": 3}
    )
    assert (event.sequence_number, event.delta, event.item, event.response) == (
        None,
        None,
        None,
        None,
    )
    assert (
        event.output_index,
        event.content_index,
        event.item_id,
        event.text,
        event.arguments,
    ) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert not event.is_terminal and ResponsesStreamEvent("response.failed", {}).is_terminal
    assert hash(event) == hash(ResponsesStreamEvent("x", {}))  # data is not hashed
    item = ResponsesStreamEvent(
        "response.output_item.added", {"item": {"type": "mystery", "id": "z"}}
    )
    assert item.item == OtherItem("mystery", {"type": "mystery", "id": "z"})
    message = Message.user("x")
    assert message.role == "user"
