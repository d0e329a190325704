"""Bad input raises RequestValidationError naming the field, before anything is sent."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from llm_connector import AsyncClient, Client
from llm_connector.codecs.contract import Endpoint
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.codecs.openai_chat.dialect import OPENAI_DIALECT
from llm_connector.errors import LLMError, RequestValidationError
from llm_connector.types import (
    ChatRequest,
    DocumentPart,
    EmbedRequest,
    ImagePart,
    Message,
    ResponseFormat,
    TextPart,
    Tool,
    ToolCall,
    ToolChoice,
)

HI = Message.user("Hi")
ENDPOINT = Endpoint(base_url="https://api.openai.com/v1", api_key="sk-test")


def raised(action: Callable[[], object]) -> RequestValidationError:
    """Run ``action``, which must raise RequestValidationError; return the error."""
    with pytest.raises(RequestValidationError) as info:
        action()
    error = info.value
    assert isinstance(error, ValueError)
    assert isinstance(error, LLMError)
    assert str(error).startswith(f"{error.field}: ")
    return error


def send(request: ChatRequest) -> None:
    """What the clients do first: build the wire request (checks run here)."""
    OpenAIChatCodec(OPENAI_DIALECT).build_chat(request, ENDPOINT, stream=False)


# -- raised while building the request ------------------------------------------------------

CONSTRUCTION: list[tuple[str, Callable[[], object], str]] = [
    ("unknown role", lambda: Message("wizard", "hi"), "role"),  # type: ignore[arg-type]
    ("tool without name", lambda: Tool.function(""), "tool.name"),
    ("tool with blank name", lambda: Tool(name="   "), "tool.name"),
    ("tool parameters not a mapping", lambda: Tool.function("f", parameters=[]), "tool.parameters"),  # type: ignore[arg-type]
    (
        "extra_body value not JSON",
        lambda: ChatRequest("m").with_extra_body({"when": datetime.datetime(2024, 1, 1)}),
        "extra_body['when']",
    ),
    (
        "extra_body NaN (not JSON)",
        lambda: ChatRequest("m", extra_body={"score": float("nan")}),
        "extra_body['score']",
    ),
    ("extra_body key not a string", lambda: ChatRequest("m", extra_body={1: "x"}), "extra_body"),  # type: ignore[dict-item]
    ("extra_body not a mapping", lambda: ChatRequest("m").with_extra_body([1]), "extra_body"),  # type: ignore[arg-type]
    (
        "invalid base64 image",
        lambda: ImagePart.from_base64("not base64!", "image/png"),
        "image.data",
    ),
    (
        "invalid data URL payload",
        lambda: ImagePart.from_url("data:image/png;base64,@@@"),
        "image.url",
    ),
    ("data URL without base64", lambda: ImagePart.from_url("data:image/png,abc"), "image.url"),
    ("image with neither url nor data", lambda: ImagePart(), "image"),
    ("inline image without media type", lambda: ImagePart(data="AAAA"), "image.media_type"),
    ("invalid base64 document", lambda: DocumentPart.from_base64("%%%"), "document.data"),
    ("document with two sources", lambda: DocumentPart(url="u", file_id="f"), "document"),
    (
        "bad reasoning effort",
        lambda: ChatRequest("m").with_reasoning_effort("extreme"),  # type: ignore[arg-type]
        "reasoning_effort",
    ),
    ("function choice without a name", lambda: ToolChoice("function"), "tool_choice.name"),
    ("name with a non-function choice", lambda: ToolChoice("auto", "f"), "tool_choice.name"),
    ("unknown tool choice mode", lambda: ToolChoice("sometimes"), "tool_choice"),  # type: ignore[arg-type]
    (
        "unknown tool choice string",
        lambda: ChatRequest("m").with_tool_choice("sometimes"),  # type: ignore[arg-type]
        "tool_choice",
    ),
    (
        "json_schema without a name",
        lambda: ResponseFormat("json_schema", schema={"type": "object"}),
        "response_format.name",
    ),
    (
        "json_schema without a schema",
        lambda: ResponseFormat("json_schema", name="answer"),
        "response_format.schema",
    ),
    (
        "OpenAI json_schema without a name",
        lambda: ResponseFormat.from_openai({"type": "json_schema", "json_schema": {"schema": {}}}),
        "response_format.name",
    ),
    (
        "OpenAI json_schema not an object",
        lambda: ResponseFormat.from_openai({"type": "json_schema", "json_schema": "x"}),
        "response_format.json_schema",
    ),
    ("unknown response format", lambda: ResponseFormat("yaml"), "response_format.type"),  # type: ignore[arg-type]
    (
        "response format as a bare string",
        lambda: ChatRequest("m").with_response_format("json"),  # type: ignore[arg-type]
        "response_format",
    ),
    (
        "non-Message in messages",
        lambda: ChatRequest("m", [HI, "hello"]),  # type: ignore[list-item]
        "messages[1]",
    ),
    ("non-Message added", lambda: ChatRequest("m", [HI]).add_message("x"), "messages[1]"),  # type: ignore[arg-type]
    (
        "non-Tool in tools",
        lambda: ChatRequest("m").with_tools([Tool.function("f"), "g"]),  # type: ignore[list-item]
        "tools[1]",
    ),
    ("bare string part", lambda: Message.user([TextPart("a"), "b"]), "content[1]"),  # type: ignore[list-item]
    ("unknown part", lambda: Message.user([{"type": "text"}]), "content[0]"),  # type: ignore[list-item]
    ("non-ToolCall", lambda: Message.assistant(tool_calls=["c"]), "tool_calls[0]"),  # type: ignore[list-item]
]


@pytest.mark.parametrize(
    ("content", "kind"), [(123, "int"), (4.5, "float"), (b"hi", "bytes"), ({"a": 1}, "dict")]
)
def test_content_that_is_neither_text_nor_parts_names_the_field(content: object, kind: str) -> None:
    error = raised(lambda: Message.user(content))  # type: ignore[arg-type]
    assert error.field == "content"
    assert str(error) == (
        "content: expected text, a sequence of TextPart, ImagePart or DocumentPart, "
        f"or None, got {kind}"
    )


@pytest.mark.parametrize(
    ("action", "field"), [pytest.param(a, f, id=i) for i, a, f in CONSTRUCTION]
)
def test_invalid_values_are_rejected_when_built(action: Callable[[], object], field: str) -> None:
    assert raised(action).field == field


def test_missing_image_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.png"
    error = raised(lambda: ImagePart.from_path(path))
    assert error.field == "image.path"
    assert str(path) in str(error)
    assert "does not exist" in str(error)


def test_directory_as_image(tmp_path: Path) -> None:
    error = raised(lambda: ImagePart.from_path(tmp_path))
    assert error.field == "image.path"
    assert str(tmp_path) in str(error)


# -- raised when the request is sent (the codec builds it first) --------------------------

SEND: list[tuple[str, ChatRequest, str]] = [
    ("no model", ChatRequest(messages=[HI]), "model"),
    ("blank model", ChatRequest("  ", [HI]), "model"),
    ("no messages", ChatRequest("gpt-4o"), "messages"),
    (
        "tool message without id",
        ChatRequest("m", [HI, Message("tool", "42")]),
        "messages[1].tool_call_id",
    ),
    (
        "tool message with empty id",
        ChatRequest("m", [HI, Message.tool("42", "")]),
        "messages[1].tool_call_id",
    ),
    (
        "duplicate tool names",
        ChatRequest("m", [HI], tools=[Tool.function("f"), Tool.function("g"), Tool.function("f")]),
        "tools[2].name",
    ),
    ("temperature below 0", ChatRequest("m", [HI], temperature=-0.1), "temperature"),
    ("temperature above 2", ChatRequest("m", [HI], temperature=2.01), "temperature"),
    ("temperature NaN", ChatRequest("m", [HI], temperature=float("nan")), "temperature"),
    ("temperature as text", ChatRequest("m", [HI], temperature="0.5"), "temperature"),  # type: ignore[arg-type]
    ("top_p above 1", ChatRequest("m", [HI], top_p=1.5), "top_p"),
    ("top_p below 0", ChatRequest("m", [HI], top_p=-0.5), "top_p"),
    ("top_k zero", ChatRequest("m", [HI], top_k=0), "top_k"),
    ("max_tokens zero", ChatRequest("m", [HI], max_tokens=0), "max_tokens"),
    ("max_tokens negative", ChatRequest("m", [HI], max_tokens=-5), "max_tokens"),
    ("max_tokens bool", ChatRequest("m", [HI], max_tokens=True), "max_tokens"),
    ("max_tokens float", ChatRequest("m", [HI], max_tokens=1.5), "max_tokens"),  # type: ignore[arg-type]
    ("negative thinking budget", ChatRequest("m", [HI], thinking_budget=-1), "thinking_budget"),
    ("user not text", ChatRequest("m", [HI], user=42), "user"),  # type: ignore[arg-type]
    ("empty safety_identifier", ChatRequest("m", [HI], safety_identifier=""), "safety_identifier"),
    (
        "safety_identifier not text",
        ChatRequest("m", [HI], safety_identifier=7),  # type: ignore[arg-type]
        "safety_identifier",
    ),
    (
        "safety_identifier over OpenAI's 64 characters",
        ChatRequest("m", [HI], safety_identifier="s" * 65),
        "safety_identifier",
    ),
    ("blank prompt_cache_key", ChatRequest("m", [HI], prompt_cache_key="  "), "prompt_cache_key"),
    (
        "prompt_cache_key not text",
        ChatRequest("m", [HI], prompt_cache_key=["k"]),  # type: ignore[arg-type]
        "prompt_cache_key",
    ),
    (
        "tool_choice without tools",
        ChatRequest("m", [HI], tool_choice=ToolChoice.auto()),
        "tool_choice",
    ),
    (
        "parallel_tool_calls without tools",
        ChatRequest("m", [HI], parallel_tool_calls=False),
        "parallel_tool_calls",
    ),
    (
        "forced tool that is not offered",
        ChatRequest("m", [HI], tools=[Tool.function("f")], tool_choice=ToolChoice.function("g")),
        "tool_choice.name",
    ),
    ("presence_penalty above 2", ChatRequest("m", [HI], presence_penalty=2.5), "presence_penalty"),
    (
        "frequency_penalty below -2",
        ChatRequest("m", [HI], frequency_penalty=-2.1),
        "frequency_penalty",
    ),
    (
        "image in an assistant message",
        ChatRequest("m", [HI, Message("assistant", [ImagePart.from_url("https://x/a.png")])]),
        "messages[1].content[0]",
    ),
    (
        "image in a system message",
        ChatRequest(
            "m", [Message("system", [TextPart("a"), ImagePart.from_url("https://x/a.png")]), HI]
        ),
        "messages[0].content[1]",
    ),
    (
        "document in a system message",
        ChatRequest("m", [Message("system", [DocumentPart.from_file_id("file-1")]), HI]),
        "messages[0].content[0]",
    ),
    (
        "document by URL",
        ChatRequest(
            "m",
            [HI, Message.user([TextPart("read"), DocumentPart.from_url("https://x/a.pdf")])],
        ),
        "messages[1].content[1]",
    ),
]


@pytest.mark.parametrize(("request_", "field"), [pytest.param(r, f, id=i) for i, r, f in SEND])
def test_invalid_requests_are_rejected_before_sending(request_: ChatRequest, field: str) -> None:
    assert raised(lambda: send(request_)).field == field


@pytest.mark.parametrize(
    "request_",
    [
        ChatRequest("m", [HI], temperature=0.0, top_p=0.0, max_tokens=1, thinking_budget=0),
        ChatRequest("m", [HI], temperature=2.0, top_p=1.0),
        ChatRequest("m", [HI], temperature=1),  # an int is a number too
        ChatRequest("m", [HI], presence_penalty=-2.0, frequency_penalty=2.0),
        ChatRequest("m", [HI], safety_identifier="s" * 64, prompt_cache_key="k" * 200),
        ChatRequest(
            "m",
            [HI],
            tools=[Tool.function("f")],
            tool_choice=ToolChoice.function("f"),
            parallel_tool_calls=False,
        ),
        ChatRequest("m", [HI, Message.assistant(tool_calls=[ToolCall.create("c", "f", "{}")])]),
    ],
)
def test_boundary_values_are_accepted(request_: ChatRequest) -> None:
    request_.validate()
    send(request_)


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (EmbedRequest("", ["a"]), "model"),
        (EmbedRequest("emb", []), "input"),
        (EmbedRequest("emb", ["a"], dimensions=0), "dimensions"),
    ],
)
def test_invalid_embed_requests(request_: EmbedRequest, field: str) -> None:
    codec = OpenAIChatCodec()
    assert raised(lambda: codec.build_embed(request_, ENDPOINT)).field == field


def test_non_string_embed_input() -> None:
    assert raised(lambda: EmbedRequest("emb", ["a", 2])).field == "input[1]"  # type: ignore[list-item]


# -- nothing reaches the transport ----------------------------------------------------------


def recording_transport(calls: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={})

    return httpx.MockTransport(handler)


def test_sync_client_sends_nothing_for_a_request_without_model() -> None:
    calls: list[httpx.Request] = []
    with httpx.Client(transport=recording_transport(calls)) as http:
        client = Client.openai("sk-test", "https://api.openai.com/v1", http_client=http)
        request = ChatRequest(messages=[HI])
        assert raised(lambda: client.chat(request)).field == "model"
        assert raised(lambda: client.chat_stream(request)).field == "model"
    assert calls == []


async def test_async_client_sends_nothing_for_a_request_without_model() -> None:
    calls: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=recording_transport(calls)) as http:
        client = AsyncClient.openai("sk-test", "https://api.openai.com/v1", http_client=http)
        with pytest.raises(RequestValidationError) as info:
            await client.chat(ChatRequest(messages=[HI]))
        assert info.value.field == "model"
    assert calls == []
