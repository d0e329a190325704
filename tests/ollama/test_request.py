"""Requests the Ollama codec builds: the HTTP request of every endpoint, every field, and
every refusal (``RequestValidationError`` naming the field, before anything is sent). The
golden bodies are in test_request_golden.py."""

from __future__ import annotations

from typing import Any

import pytest

from llm_connector.codecs.contract import Endpoint
from llm_connector.errors import RequestValidationError
from llm_connector.types import (
    ChatRequest,
    DocumentPart,
    EmbedRequest,
    ImagePart,
    Message,
    ResponseFormat,
    TextPart,
    ToolCall,
    ToolChoice,
)
from tests.support.ollama_requests import CODEC, LOCAL, PNG, WEATHER, body_of, chat
from tests.support.schemas import validated_request_bodies  # noqa: F401  (autouse)

# -- the HTTP request ------------------------------------------------------------------------


def test_stream_and_non_stream_requests() -> None:
    request = ChatRequest("m", [Message.user("hi")])
    stream = CODEC.build_chat(request, LOCAL, stream=True)
    assert (stream.method, stream.url, stream.framing) == (
        "POST",
        "http://localhost:11434/api/chat",
        "ndjson",
    )
    assert dict(stream.headers) == {
        "Content-Type": "application/json",
        "Accept": "application/x-ndjson",
    }
    whole = CODEC.build_chat(request, LOCAL, stream=False)
    assert (whole.framing, whole.headers["Accept"], body_of(whole)["stream"]) == (
        "json",
        "application/json",
        False,
    )


def test_a_key_is_sent_as_a_bearer_token_and_extra_headers_win() -> None:
    # Hosted Ollama: https://github.com/ollama/ollama/blob/main/docs/api/authentication.mdx
    hosted = Endpoint("https://ollama.com", api_key="k-123", headers={"accept": "*/*"})
    spec = CODEC.build_chat(ChatRequest("m", [Message.user("hi")]), hosted, stream=True)
    assert spec.url == "https://ollama.com/api/chat"
    assert dict(spec.headers) == {
        "Content-Type": "application/json",
        "accept": "*/*",
        "Authorization": "Bearer k-123",
    }


def test_the_other_endpoints() -> None:
    models = CODEC.build_models(LOCAL)
    assert (models.method, models.url, models.body) == (
        "GET",
        "http://localhost:11434/api/tags",
        None,
    )
    assert "Content-Type" not in models.headers
    expected = {
        CODEC.build_pull_model: ("POST", "/api/pull", {"model": "llama3.2", "stream": False}),
        CODEC.build_delete_model: ("DELETE", "/api/delete", {"model": "llama3.2"}),
        CODEC.build_show_model: ("POST", "/api/show", {"model": "llama3.2"}),
    }
    for build, (method, path, body) in expected.items():
        spec = build("llama3.2", LOCAL)
        assert (spec.method, spec.url, body_of(spec), spec.framing) == (
            method,
            f"http://localhost:11434{path}",
            body,
            "json",
        )


def test_embed_request() -> None:
    # https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings
    request = EmbedRequest(
        "all-minilm",
        ["Why is the sky blue?", "Why is the grass green?"],
        dimensions=256,
        encoding_format="float",
        user="dropped",
        extra_body={"truncate": False, "keep_alive": 0},
    )
    spec = CODEC.build_embed(request, LOCAL)
    assert (spec.method, spec.url) == ("POST", "http://localhost:11434/api/embed")
    assert body_of(spec) == {
        "model": "all-minilm",
        "input": ["Why is the sky blue?", "Why is the grass green?"],
        "dimensions": 256,
        "truncate": False,
        "keep_alive": 0,
    }
    with pytest.raises(RequestValidationError) as caught:
        CODEC.build_embed(EmbedRequest("m", "x", encoding_format="base64"), LOCAL)
    assert caught.value.field == "encoding_format"


# -- fields ----------------------------------------------------------------------------------

BASE = ChatRequest("m", [Message.user("hi")])


@pytest.mark.parametrize(
    ("settings", "think"),
    [
        ({"reasoning_effort": "none"}, False),
        ({"reasoning_effort": "minimal"}, "low"),
        ({"reasoning_effort": "low"}, "low"),
        ({"reasoning_effort": "medium"}, "medium"),
        ({"reasoning_effort": "high"}, "high"),
        ({"reasoning_effort": "xhigh"}, "high"),
        ({"thinking_budget": 0}, False),
        ({"thinking_budget": 1024}, "low"),
        ({"thinking_budget": 4096}, "medium"),
        ({"thinking_budget": 32000}, "high"),
        ({"reasoning_effort": "low", "thinking_budget": 32000}, "low"),
        ({"extra_body": {"think": "max"}}, "max"),
        ({"reasoning_effort": "none", "extra_body": {"think": True}}, True),
        ({}, None),
    ],
)
def test_think(settings: dict[str, Any], think: bool | str | None) -> None:
    # https://github.com/ollama/ollama/blob/main/docs/capabilities/thinking.mdx
    body = chat(ChatRequest("m", [Message.user("hi")], **settings))
    assert body.get("think") == think


def test_extra_options_merge_into_the_options_and_win() -> None:
    request = ChatRequest(
        "m",
        [Message.user("hi")],
        temperature=0.5,
        top_k=10,
        extra_body={"options": {"top_k": 20, "num_ctx": 4096}},
    )
    assert chat(request)["options"] == {"temperature": 0.5, "top_k": 20, "num_ctx": 4096}
    only_extra = BASE.with_extra_body({"options": {"num_gpu": 0}})
    assert chat(only_extra)["options"] == {"num_gpu": 0}
    assert "options" not in chat(BASE)
    assert "options" not in chat(BASE.with_extra_body({"options": {}}))


@pytest.mark.parametrize("keep_alive", ["5m", 0, -1, "24h"])
def test_keep_alive_passes_through(keep_alive: str | int) -> None:
    # https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion
    assert chat(BASE.with_extra_body({"keep_alive": keep_alive}))["keep_alive"] == keep_alive


def test_extra_body_wins_over_every_top_level_field() -> None:
    body = chat(BASE.with_extra_body({"stream": False, "format": "json", "model": "other"}))
    assert (body["stream"], body["format"], body["model"]) == (False, "json", "other")


def test_response_formats() -> None:
    assert "format" not in chat(BASE.with_response_format(ResponseFormat.text()))
    assert chat(BASE.with_response_format(ResponseFormat.json_object()))["format"] == "json"
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    raw = {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}
    assert chat(BASE.with_response_format(raw))["format"] == schema


def test_tool_choice() -> None:
    with_tools = BASE.with_tools([WEATHER])
    assert len(chat(with_tools)["tools"]) == 1
    assert len(chat(with_tools.with_tool_choice("auto"))["tools"]) == 1
    assert "tools" not in chat(with_tools.with_tool_choice(ToolChoice.none()))
    # No parallel_tool_calls switch in Ollama: True is what it does anyway, so nothing is sent.
    assert chat(with_tools.with_parallel_tool_calls(True)) == chat(with_tools)


def test_a_tool_result_names_its_call() -> None:
    calls = [ToolCall.create("a", "first", "{}"), ToolCall.create("b", "second", "{}")]
    request = ChatRequest(
        "m",
        [
            Message.user("go"),
            Message.assistant(tool_calls=calls),
            Message.tool("2", "b"),
            Message.tool("1", "a", name="explicit"),
            Message.tool("?", "unknown-id"),
        ],
    )
    tools = chat(request)["messages"][2:]
    assert tools == [
        {"role": "tool", "content": "2", "tool_name": "second", "tool_call_id": "b"},
        {"role": "tool", "content": "1", "tool_name": "explicit", "tool_call_id": "a"},
        {"role": "tool", "content": "?", "tool_call_id": "unknown-id"},
    ]


def test_an_assistant_turn_with_text_and_calls() -> None:
    call = ToolCall.create("c1", "f", '{"x": [1, 2]}')
    request = ChatRequest(
        "m", [Message.user("hi"), Message.assistant([TextPart("Let me check.")], tool_calls=[call])]
    )
    assert chat(request)["messages"][1] == {
        "role": "assistant",
        "content": "Let me check.",
        "tool_calls": [{"id": "c1", "function": {"name": "f", "arguments": {"x": [1, 2]}}}],
    }


# -- refusals --------------------------------------------------------------------------------


def refused(request: ChatRequest) -> str:
    with pytest.raises(RequestValidationError) as caught:
        CODEC.build_chat(request, LOCAL, stream=True)
    return caught.value.field


def test_an_image_url_is_refused_naming_the_part() -> None:
    request = ChatRequest(
        "llava",
        [
            Message.user("first"),
            Message.user([TextPart("look"), ImagePart.from_url("https://example.com/cat.png")]),
        ],
    )
    assert refused(request) == "messages[1].content[1]"


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (ChatRequest("", [Message.user("hi")]), "model"),
        (ChatRequest("m"), "messages"),
        (
            ChatRequest(
                "m", [Message.user([TextPart("read"), DocumentPart.from_base64("JVBERg==")])]
            ),
            "messages[0].content[1]",
        ),
        (BASE.with_tools([WEATHER]).with_tool_choice("required"), "tool_choice"),
        (
            BASE.with_tools([WEATHER]).with_tool_choice(ToolChoice.function("get_weather")),
            "tool_choice",
        ),
        (BASE.with_tools([WEATHER]).with_parallel_tool_calls(False), "parallel_tool_calls"),
        (
            BASE.add_message(Message.assistant(tool_calls=[ToolCall.create("c", "f", "[1]")])),
            "messages[1].tool_calls[0].function.arguments",
        ),
        (
            BASE.add_message(Message.assistant(tool_calls=[ToolCall.create("c", "f", "{oops")])),
            "messages[1].tool_calls[0].function.arguments",
        ),
        (BASE.with_extra_body({"options": [1]}), "extra_body['options']"),
        (
            BASE.add_message(
                Message("tool", [ImagePart.from_base64(PNG, "image/png")], tool_call_id="c")
            ),
            "messages[1].content",
        ),
    ],
)
def test_refusals_name_the_field(request_: ChatRequest, field: str) -> None:
    assert refused(request_) == field
