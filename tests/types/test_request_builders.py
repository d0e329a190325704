"""ChatRequest: the fluent builders, keyword construction, and immutability."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest

from llm_connector.types import (
    ChatRequest,
    EmbedRequest,
    FunctionCall,
    ImagePart,
    Message,
    ResponseFormat,
    TextPart,
    Tool,
    ToolCall,
    ToolChoice,
)

WEATHER = Tool.function(
    "get_weather",
    "Current weather for a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def base() -> ChatRequest:
    return ChatRequest("gpt-4o").add_message(Message.user("Hi"))


def test_readme_example_builds_the_documented_request() -> None:
    request = ChatRequest("gpt-4o").add_message(Message.user("Tell me a story")).with_stream(True)
    assert request.model == "gpt-4o"
    assert request.messages == (Message("user", "Tell me a story"),)
    assert request.stream is True


BuilderCase = tuple[Callable[[ChatRequest], ChatRequest], str, Any]

BUILDERS: list[BuilderCase] = [
    (lambda r: r.with_stream(True), "stream", True),
    (lambda r: r.with_model("gpt-4.1"), "model", "gpt-4.1"),
    (lambda r: r.with_tools([WEATHER]), "tools", (WEATHER,)),
    (lambda r: r.with_tool_choice(ToolChoice.required()), "tool_choice", ToolChoice("required")),
    (lambda r: r.with_max_tokens(256), "max_tokens", 256),
    (lambda r: r.with_temperature(0.2), "temperature", 0.2),
    (lambda r: r.with_top_p(0.9), "top_p", 0.9),
    (lambda r: r.with_stop("END"), "stop", ("END",)),
    (lambda r: r.with_stop(["a", "b"]), "stop", ("a", "b")),
    (lambda r: r.with_seed(7), "seed", 7),
    (lambda r: r.with_presence_penalty(0.5), "presence_penalty", 0.5),
    (lambda r: r.with_frequency_penalty(-0.5), "frequency_penalty", -0.5),
    (lambda r: r.with_parallel_tool_calls(False), "parallel_tool_calls", False),
    (lambda r: r.with_reasoning_effort("high"), "reasoning_effort", "high"),
    (lambda r: r.with_thinking_budget(2048), "thinking_budget", 2048),
    (lambda r: r.with_user("user-42"), "user", "user-42"),
    (lambda r: r.with_safety_identifier("sid-42"), "safety_identifier", "sid-42"),
    (lambda r: r.with_prompt_cache_key("cache-42"), "prompt_cache_key", "cache-42"),
    (
        lambda r: r.with_response_format(ResponseFormat.json_object()),
        "response_format",
        ResponseFormat("json_object"),
    ),
    (
        # OpenAI's wire shape is accepted and becomes the typed value.
        lambda r: r.with_response_format(
            {
                "type": "json_schema",
                "json_schema": {
                    "name": "answer",
                    "schema": {"type": "object", "properties": {"a": {"type": "integer"}}},
                    "strict": True,
                },
            }
        ),
        "response_format",
        ResponseFormat(
            "json_schema",
            name="answer",
            schema={"type": "object", "properties": {"a": {"type": "integer"}}},
            strict=True,
        ),
    ),
    (lambda r: r.with_api_key("sk-override"), "api_key", "sk-override"),
    (lambda r: r.with_base_url("http://127.0.0.1:8080/v1"), "base_url", "http://127.0.0.1:8080/v1"),
    (lambda r: r.with_header("X-Trace", "abc"), "extra_headers", {"X-Trace": "abc"}),
    (lambda r: r.with_extra_body({"n": 2}), "extra_body", {"n": 2}),
    (
        lambda r: r.add_message(Message.assistant("Hello!")),
        "messages",
        (Message("user", "Hi"), Message("assistant", "Hello!")),
    ),
    (
        lambda r: r.with_messages([Message.system("Be brief.")]),
        "messages",
        (Message("system", "Be brief."),),
    ),
]


@pytest.mark.parametrize(("build", "field", "expected"), BUILDERS)
def test_builder_returns_a_new_request_and_leaves_the_original(
    build: Callable[[ChatRequest], ChatRequest], field: str, expected: Any
) -> None:
    original = base()
    updated = build(original)

    assert updated is not original
    assert getattr(updated, field) == expected
    # The original is exactly what it was before.
    assert original == base()
    # Nothing but that one field changed.
    assert attrs.evolve(updated, **{field: getattr(original, field)}) == original


def test_with_extra_body_merges_on_top_of_earlier_fields() -> None:
    first = base().with_extra_body({"a": 1, "b": 1})
    second = first.with_extra_body({"b": 2, "c": {"nested": True}})

    assert second.extra_body == {"a": 1, "b": 2, "c": {"nested": True}}
    assert first.extra_body == {"a": 1, "b": 1}


def test_with_header_adds_and_replaces_by_name() -> None:
    one = base().with_header("X-A", "1")
    two = one.with_header("X-B", "2").with_header("X-A", "3")

    assert two.extra_headers == {"X-A": "3", "X-B": "2"}
    assert one.extra_headers == {"X-A": "1"}


def test_with_tool_choice_accepts_the_openai_mode_strings() -> None:
    assert base().with_tool_choice("auto").tool_choice == ToolChoice.auto()
    assert base().with_tool_choice("none").tool_choice == ToolChoice.none()
    assert base().with_tool_choice("required").tool_choice == ToolChoice.required()


def test_keyword_construction_equals_the_fluent_form() -> None:
    messages = [Message.system("Be brief."), Message.user("Weather in Oslo?")]
    keywords = ChatRequest(
        model="gpt-4o",
        messages=messages,
        temperature=0.3,
        top_p=0.8,
        max_tokens=100,
        stop=["\n\n"],
        seed=1,
        tools=[WEATHER],
        tool_choice=ToolChoice.function("get_weather"),
        response_format=ResponseFormat.json_object(),
        reasoning_effort="low",
        thinking_budget=512,
        stream=True,
        user="u1",
        extra_body={"n": 1},
        api_key="sk-x",
        base_url="http://127.0.0.1:1/v1",
        extra_headers={"X-A": "1"},
    )
    fluent = (
        ChatRequest("gpt-4o")
        .add_message(Message.system("Be brief."))
        .add_message(Message.user("Weather in Oslo?"))
        .with_temperature(0.3)
        .with_top_p(0.8)
        .with_max_tokens(100)
        .with_stop(["\n\n"])
        .with_seed(1)
        .with_tools([WEATHER])
        .with_tool_choice(ToolChoice.function("get_weather"))
        .with_response_format(ResponseFormat.json_object())
        .with_reasoning_effort("low")
        .with_thinking_budget(512)
        .with_stream(True)
        .with_user("u1")
        .with_extra_body({"n": 1})
        .with_api_key("sk-x")
        .with_base_url("http://127.0.0.1:1/v1")
        .with_header("X-A", "1")
    )
    assert keywords == fluent


def test_defaults_of_an_empty_request() -> None:
    request = ChatRequest()
    assert request.model == ""
    assert request.messages == ()
    assert request.tools == ()
    assert request.stop is None
    assert request.extra_body is None
    assert request.extra_headers == {}
    assert request.stream is None


def test_caller_lists_and_dicts_are_copied() -> None:
    messages = [Message.user("one")]
    tools = [WEATHER]
    stop = ["x"]
    extra = {"k": 1}
    headers = {"X-A": "1"}
    request = ChatRequest(
        "m", messages, tools=tools, stop=stop, extra_body=extra, extra_headers=headers
    )

    messages.append(Message.user("two"))
    tools.clear()
    stop.append("y")
    extra["k"] = 2
    headers["X-B"] = "2"

    assert request.messages == (Message.user("one"),)
    assert isinstance(request.messages, tuple)
    assert request.tools == (WEATHER,)
    assert isinstance(request.tools, tuple)
    assert request.stop == ("x",)
    assert request.extra_body == {"k": 1}
    assert request.extra_headers == {"X-A": "1"}


def test_builder_lists_are_stored_as_tuples() -> None:
    tools = [WEATHER]
    request = base().with_tools(tools).with_messages([Message.user("a")])
    tools.append(Tool.function("other"))
    assert request.tools == (WEATHER,)
    assert isinstance(request.messages, tuple)


def test_message_parts_and_tool_calls_are_stored_as_tuples() -> None:
    parts: list[TextPart | ImagePart] = [TextPart("look"), ImagePart.from_url("https://x/a.png")]
    calls = [ToolCall.create("call_1", "f", {})]
    user = Message.user(parts)
    assistant = Message.assistant(tool_calls=calls)
    parts.clear()
    calls.clear()

    assert user.content == (TextPart("look"), ImagePart(url="https://x/a.png"))
    assert assistant.tool_calls == (ToolCall("call_1", FunctionCall("f", "{}")),)


def test_tool_parameters_are_copied() -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    tool = Tool.function("f", parameters=schema)
    schema["required"] = ["x"]
    assert tool.parameters == {"type": "object", "properties": {}}


def test_request_is_frozen_and_hashable() -> None:
    request = base().with_tools([WEATHER]).with_extra_body({"n": 1})
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        request.model = "other"  # type: ignore[misc]
    assert hash(request) == hash(base().with_tools([WEATHER]).with_extra_body({"n": 1}))


def test_embed_request_accepts_one_text_or_a_batch() -> None:
    assert EmbedRequest("emb", "hello").input == ("hello",)
    texts = ["a", "b"]
    request = EmbedRequest(model="emb", input=texts, dimensions=8)
    texts.append("c")
    assert request.input == ("a", "b")
    assert request.dimensions == 8
