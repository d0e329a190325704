"""The body of a Responses request: the recorded request bodies rebuilt from typed
requests, and each field's mapping (flat function tools, tool choice, text.format,
reasoning, the items of ``input``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llm_connector.codecs.contract import Endpoint
from llm_connector.codecs.openai_responses.codec import OpenAIResponsesCodec
from llm_connector.codecs.openai_responses.request import item_json, request_body
from llm_connector.errors import RequestValidationError
from llm_connector.responses import (
    FunctionCallItem,
    FunctionCallOutputItem,
    HostedTool,
    MessageItem,
    OtherItem,
    OutputText,
    Reasoning,
    ReasoningItem,
    Refusal,
    ResponsesRequest,
)
from llm_connector.types import (
    DocumentPart,
    ImagePart,
    Message,
    ResponseFormat,
    TextPart,
    Tool,
    ToolCall,
    ToolChoice,
)
from tests.support.schemas import validated_request_bodies  # noqa: F401

DATA = Path(__file__).parent.parent / "data" / "openai-responses"
RECORDED = sorted(
    p for p in DATA.glob("*.request.json") if p.name != "error-400-decimal-below-min.request.json"
)
FIELDS = {
    "model",
    "input",
    "instructions",
    "tools",
    "tool_choice",
    "reasoning",
    "include",
    "store",
    "previous_response_id",
    "temperature",
}


def from_recorded(body: dict[str, Any]) -> ResponsesRequest:
    """The typed request a recorded body stands for; fields without one go to extra_body."""
    fields = {k: v for k, v in body.items() if k in FIELDS and v is not None}
    extra = {k: v for k, v in body.items() if k not in FIELDS and k != "stream"}
    return ResponsesRequest(**fields, extra_body=extra or None)


def normalized(body: dict[str, Any]) -> dict[str, Any]:
    """A recorded body as this package writes it. The differences are optional forms (an
    input message always says ``"type": "message"``, which llama.cpp needs; null fields and
    ``"stream": false`` are left out) and one meaning: a function tool the request does not
    make strict says ``"strict": false``, since the Responses API makes a tool without
    ``strict`` strict."""
    out = {k: v for k, v in body.items() if v is not None and (k, v) != ("stream", False)}
    if isinstance(out.get("input"), list):
        out["input"] = [
            {"type": "message", **item} if "role" in item and "type" not in item else item
            for item in out["input"]
        ]
    if "tools" in out:
        out["tools"] = [{k: v for k, v in t.items() if v is not None} for t in out["tools"]]
        out["tools"] = [
            {"strict": False, **t} if t["type"] == "function" else t for t in out["tools"]
        ]
    return out


@pytest.mark.parametrize("path", RECORDED, ids=lambda p: p.name.removesuffix(".request.json"))
def test_recorded_requests_are_rebuilt(path: Path) -> None:
    recorded = json.loads(path.read_text("utf-8"))
    request = from_recorded(recorded)
    body = request_body(request, stream=bool(recorded.get("stream")))
    assert body == normalized(recorded)


def test_the_codec_builds_the_http_request() -> None:
    codec = OpenAIResponsesCodec()
    endpoint = Endpoint("https://api.example/v1", "sk-key", headers={"X-Extra": "1"})
    request = ResponsesRequest(model="m", input="hi")
    spec = codec.build_responses(request, endpoint, stream=True)
    assert (spec.method, spec.url, spec.framing) == (
        "POST",
        "https://api.example/v1/responses",
        "sse",
    )
    assert dict(spec.headers) == {
        "Content-Type": "application/json",
        "Accept": "text/event-stream",
        "Authorization": "Bearer sk-key",
        "X-Extra": "1",
    }
    assert spec.body is not None
    assert json.loads(spec.body) == {"model": "m", "input": "hi", "stream": True}
    whole = codec.build_responses(request, endpoint, stream=False)
    assert whole.framing == "json" and whole.headers["Accept"] == "application/json"
    assert whole.body is not None and json.loads(whole.body) == {"model": "m", "input": "hi"}


def test_the_codec_validates_first() -> None:
    recorded = json.loads((DATA / "error-400-decimal-below-min.request.json").read_text())
    request = from_recorded(recorded)
    with pytest.raises(RequestValidationError, match="temperature"):
        OpenAIResponsesCodec().build_responses(request, Endpoint("http://x"), stream=True)


def test_every_field() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    request = ResponsesRequest(
        model="m",
        input="hi",
        instructions="be terse",
        tools=[
            Tool.function("f", "does f", schema, strict=True),
            HostedTool({"type": "web_search"}),
        ],
        tool_choice=ToolChoice.function("f"),
        parallel_tool_calls=False,
        reasoning=Reasoning("low", "auto"),
        max_output_tokens=50,
        temperature=0.5,
        top_p=0.9,
        previous_response_id="resp_1",
        store=False,
        text_format=ResponseFormat.json_schema("answer", schema),
        include=["reasoning.encrypted_content"],
        safety_identifier="sid-1",
        prompt_cache_key="pck-1",
        extra_body={"truncation": "auto", "temperature": 0.2},
    )
    assert request_body(request, stream=False) == {
        "model": "m",
        "input": "hi",
        "instructions": "be terse",
        "parallel_tool_calls": False,
        "max_output_tokens": 50,
        "temperature": 0.2,  # extra_body wins
        "top_p": 0.9,
        "previous_response_id": "resp_1",
        "store": False,
        "include": ["reasoning.encrypted_content"],
        "safety_identifier": "sid-1",
        "prompt_cache_key": "pck-1",
        "tools": [
            {
                "type": "function",
                "name": "f",
                "description": "does f",
                "parameters": schema,
                "strict": True,
            },
            {"type": "web_search"},
        ],
        "tool_choice": {"type": "function", "name": "f"},
        "reasoning": {"effort": "low", "summary": "auto"},
        "text": {
            "format": {"type": "json_schema", "name": "answer", "schema": schema, "strict": True}
        },
        "truncation": "auto",
    }


def test_items_as_json() -> None:
    assert item_json(
        MessageItem(
            "user",
            [
                TextPart("look"),
                ImagePart.from_url("https://x/cat.png", detail="low"),
                DocumentPart.from_file_id("file_1"),
                DocumentPart.from_base64("JVBERi0=", filename="a.pdf"),
                DocumentPart.from_url("https://x/a.pdf"),
            ],
        )
    ) == {
        "type": "message",
        "role": "user",
        "content": [
            {"type": "input_text", "text": "look"},
            {"type": "input_image", "image_url": "https://x/cat.png", "detail": "low"},
            {"type": "input_file", "file_id": "file_1"},
            {
                "type": "input_file",
                "filename": "a.pdf",
                "file_data": "data:application/pdf;base64,JVBERi0=",
            },
            {"type": "input_file", "file_url": "https://x/a.pdf"},
        ],
    }
    note = {"type": "url_citation", "url": "https://x", "start_index": 0, "end_index": 1}
    assert item_json(
        MessageItem(
            "assistant",
            [OutputText("a", (note,)), TextPart("b"), Refusal("no")],
            id="msg_1",
            status="completed",
            phase="commentary",
        )
    ) == {
        "type": "message",
        "role": "assistant",
        "content": [
            {"type": "output_text", "text": "a", "annotations": [note]},
            {"type": "output_text", "text": "b", "annotations": []},
            {"type": "refusal", "refusal": "no"},
        ],
        "id": "msg_1",
        "status": "completed",
        "phase": "commentary",
    }
    assert item_json(FunctionCallItem("c", "f", "{}", id="fc_1")) == {
        "type": "function_call",
        "call_id": "c",
        "name": "f",
        "arguments": "{}",
        "id": "fc_1",
    }
    assert item_json(FunctionCallOutputItem("c", "42")) == {
        "type": "function_call_output",
        "call_id": "c",
        "output": "42",
    }
    assert item_json(ReasoningItem("rs_1", ("s",), ("t",), "enc")) == {
        "type": "reasoning",
        "id": "rs_1",
        "summary": [{"type": "summary_text", "text": "s"}],
        "content": [{"type": "reasoning_text", "text": "t"}],
        "encrypted_content": "enc",
    }
    assert item_json(ReasoningItem("rs_2")) == {"type": "reasoning", "id": "rs_2", "summary": []}
    other = {"type": "item_reference", "id": "x"}
    assert item_json(OtherItem("item_reference", other)) is other


def test_an_assistant_message_holds_only_text() -> None:
    item = MessageItem("assistant", [ImagePart.from_url("https://x/cat.png")])
    with pytest.raises(RequestValidationError, match=r"input\[0\]\.content\[0\]"):
        request_body(ResponsesRequest(model="m", input=[item]), stream=False)


def test_neutral_messages_become_items() -> None:
    call = ToolCall.create("call_1", "f", {"a": 1})
    request = ResponsesRequest(
        model="m",
        input=[
            Message.system("sys"),
            Message.user("hi"),
            Message.assistant("calling", tool_calls=[call]),
            Message.tool("3", "call_1"),
            Message.assistant([TextPart("done")]),
        ],
    )
    assert request.input == (
        MessageItem("system", "sys"),
        MessageItem("user", "hi"),
        MessageItem("assistant", "calling"),
        FunctionCallItem("call_1", "f", '{"a": 1}'),
        FunctionCallOutputItem("call_1", "3"),
        MessageItem("assistant", (OutputText("done"),)),
    )


def test_function_tools_always_say_whether_they_are_strict() -> None:
    # Without ``strict`` the Responses API makes a function strict (every property
    # required); only a tool the user made strict says true:
    # https://platform.openai.com/docs/guides/function-calling?api-mode=responses#strict-mode
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    request = ResponsesRequest(
        model="m",
        input="hi",
        tools=[
            Tool.function("loose", parameters=schema),
            Tool.function("off", parameters=schema, strict=False),
            Tool.function("on", parameters=schema, strict=True),
            {"type": "function", "name": "json", "parameters": schema},
        ],
    )
    assert request_body(request, stream=False)["tools"] == [
        {"type": "function", "name": "loose", "parameters": schema, "strict": False},
        {"type": "function", "name": "off", "parameters": schema, "strict": False},
        {"type": "function", "name": "on", "parameters": schema, "strict": True},
        {"type": "function", "name": "json", "parameters": schema, "strict": False},
    ]


def test_images_always_say_their_detail() -> None:
    # ``detail`` is required on an input_image; "auto" is the documented default.
    item = MessageItem(
        "user",
        [
            ImagePart.from_url("https://x/cat.png"),
            ImagePart.from_base64("iVBORw0KGgo=", "image/png", detail="high"),
        ],
    )
    assert item_json(item)["content"] == [
        {"type": "input_image", "image_url": "https://x/cat.png", "detail": "auto"},
        {
            "type": "input_image",
            "image_url": "data:image/png;base64,iVBORw0KGgo=",
            "detail": "high",
        },
    ]
    request = ResponsesRequest(model="m", input=[Message.user([ImagePart.from_url("https://x/a")])])
    assert request_body(request, stream=False)["input"] == [
        {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_image", "image_url": "https://x/a", "detail": "auto"}],
        }
    ]


def test_end_user_ids_are_sent_as_their_fields() -> None:
    request = (
        ResponsesRequest(model="m", input="hi")
        .with_safety_identifier("sid-1")
        .with_prompt_cache_key("pck-1")
    )
    spec = OpenAIResponsesCodec().build_responses(request, Endpoint("http://x"), stream=False)
    assert spec.body is not None
    assert json.loads(spec.body) == {
        "model": "m",
        "input": "hi",
        "safety_identifier": "sid-1",
        "prompt_cache_key": "pck-1",
    }
    with pytest.raises(RequestValidationError) as caught:
        OpenAIResponsesCodec().build_responses(
            request.with_safety_identifier("s" * 65), Endpoint("http://x"), stream=False
        )
    assert caught.value.field == "safety_identifier"
