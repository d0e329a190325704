"""Gemini request bodies, golden: every expected body is written out by hand from the API
reference (https://ai.google.dev/api/generate-content#request-body), or is a request that a
real client recorded (tests/data/gemini/*.request.json)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_connector.codecs.contract import Endpoint, RequestSpec
from llm_connector.codecs.gemini.codec import GeminiCodec
from llm_connector.errors import RequestValidationError
from llm_connector.types import (
    ChatRequest,
    DocumentPart,
    EmbedRequest,
    ImagePart,
    Message,
    ReasoningBlock,
    ResponseFormat,
    TextPart,
    Tool,
    ToolCall,
    ToolChoice,
)
from tests.support.gemini_oracle import DATA
from tests.support.schemas import validated_request_bodies  # noqa: F401

CODEC = GeminiCodec()
BASE = "https://generativelanguage.googleapis.com/v1beta"
ENDPOINT = Endpoint(BASE, api_key="g-key", auth="x-goog-api-key")
HI = Message.user("Hi")


def build(request: ChatRequest, *, stream: bool = False) -> RequestSpec:
    return CODEC.build_chat(request, ENDPOINT, stream=stream)


def body_of(request: ChatRequest, *, stream: bool = False) -> dict[str, Any]:
    spec = build(request, stream=stream)
    assert spec.body is not None
    result: dict[str, Any] = json.loads(spec.body)
    return result


def recorded(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((DATA / f"{name}.request.json").read_bytes())
    return result


# -- URL, headers, framing -------------------------------------------------------------------


def test_a_chat_request() -> None:
    spec = build(ChatRequest("gemini-2.5-flash", [HI]))
    assert (spec.method, spec.url, spec.framing) == (
        "POST",
        f"{BASE}/models/gemini-2.5-flash:generateContent",
        "json",
    )
    assert dict(spec.headers) == {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "x-goog-api-key": "g-key",
    }
    assert spec.body == b'{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}'


def test_a_stream_request_asks_for_sse() -> None:
    # https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
    spec = build(ChatRequest("gemini-2.5-flash", [HI]), stream=True)
    assert spec.url == f"{BASE}/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    assert (spec.framing, spec.headers["Accept"]) == ("sse", "text/event-stream")
    # Whether it streams is in the URL; the body is the same.
    assert spec.body == build(ChatRequest("gemini-2.5-flash", [HI])).body


@pytest.mark.parametrize(
    ("model", "path"),
    [
        ("models/gemini-2.5-flash", "models/gemini-2.5-flash"),
        ("tunedModels/my-tune-7", "tunedModels/my-tune-7"),
        ("gemini 2.5?x#y:z", "models/gemini%202.5%3Fx%23y%3Az"),
    ],
)
def test_the_model_goes_in_the_path(model: str, path: str) -> None:
    assert build(ChatRequest(model, [HI])).url == f"{BASE}/{path}:generateContent"


def test_the_api_version_is_the_base_urls_path_segment() -> None:
    # Gemini's version is in the path (docs/providers.md, "API versions"): the row's base URL
    # says v1beta, and a base_url ending in /v1 speaks v1 with the same codec.
    # https://ai.google.dev/gemini-api/docs/api-versions
    stable = Endpoint("https://generativelanguage.googleapis.com/v1", "k", "x-goog-api-key")
    spec = CODEC.build_chat(ChatRequest("gemini-2.5-flash", [HI]), stable, stream=True)
    assert spec.url == (
        "https://generativelanguage.googleapis.com/v1/models/gemini-2.5-flash"
        ":streamGenerateContent?alt=sse"
    )


def test_endpoint_headers_win_and_no_bearer_is_sent() -> None:
    endpoint = Endpoint(BASE, api_key="k", auth="x-goog-api-key", headers={"accept": "x/y"})
    spec = CODEC.build_chat(ChatRequest("m", [HI]), endpoint, stream=False)
    assert dict(spec.headers) == {
        "Content-Type": "application/json",
        "x-goog-api-key": "k",
        "accept": "x/y",
    }


# -- what real clients sent -------------------------------------------------------------------


def test_the_recorded_plain_request() -> None:
    assert body_of(ChatRequest("gemini-2.5-flash", [Message.user("What is ai?")])) == recorded(
        "nonstream-generate-content"
    )


def test_the_recorded_request_with_a_system_instruction() -> None:
    want = recorded("sse-text-basic")
    got = body_of(
        ChatRequest(
            "gemini-2.0-flash-exp",
            [
                Message.system("You are a helpful chatbot."),
                Message.user("What is the capital of France?"),
            ],
            temperature=0.0,
        ),
        stream=True,
    )
    # pydantic-ai also says role "user" in systemInstruction, which Gemini ignores.
    assert got == {**want, "systemInstruction": {"parts": want["systemInstruction"]["parts"]}}


def test_the_recorded_request_with_a_tool() -> None:
    # llm-gemini sends the OpenAPI-subset "parameters"; the same JSON schema goes as
    # "parametersJsonSchema" here, and its safety settings through extra_body.
    want = recorded("jsonarray-function-call-gemini3")
    (declaration,) = want["tools"][0]["functionDeclarations"]
    tool = Tool.function(declaration["name"], declaration["description"], declaration["parameters"])
    got = body_of(
        ChatRequest(
            "gemini-3-flash-preview",
            [Message.user("What is 5 times 3?")],
            tools=[tool],
            extra_body={"safetySettings": want["safetySettings"]},
        )
    )
    declaration["parametersJsonSchema"] = declaration.pop("parameters")
    assert got == want


def test_the_recorded_request_asking_for_thoughts() -> None:
    # Thoughts at the model's default budget: no neutral field says that (thinking_budget
    # must be >= 0, Gemini's "dynamic" is -1), so it goes through extra_body, merged in.
    want = recorded("jsonarray-text")
    got = body_of(
        ChatRequest(
            "gemini-flash-latest",
            [Message.user("Name for a pet pelican, just the name")],
            extra_body={
                "safetySettings": want["safetySettings"],
                "generationConfig": {"thinkingConfig": {"includeThoughts": True}},
            },
        )
    )
    assert got == want


# -- generation config ------------------------------------------------------------------------


def test_every_sampling_field() -> None:
    request = ChatRequest(
        "gemini-2.5-flash",
        [HI],
        temperature=0.7,
        top_p=0.9,
        top_k=40,
        max_tokens=256,
        stop=["END", "STOP"],
        seed=7,
        presence_penalty=0.5,
        frequency_penalty=-0.5,
        user="ignored: Gemini has no such field",
    )
    assert body_of(request)["generationConfig"] == {
        "temperature": 0.7,
        "topP": 0.9,
        "topK": 40,
        "maxOutputTokens": 256,
        "stopSequences": ["END", "STOP"],
        "seed": 7,
        "presencePenalty": 0.5,
        "frequencyPenalty": -0.5,
    }
    assert set(body_of(request)) == {"contents", "generationConfig"}


def test_response_formats() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "integer"}},
        "additionalProperties": False,
    }
    config = body_of(
        ChatRequest("m", [HI], response_format=ResponseFormat.json_schema("r", schema))
    )
    assert config["generationConfig"] == {
        "responseMimeType": "application/json",
        "responseJsonSchema": schema,
    }
    config = body_of(ChatRequest("m", [HI], response_format=ResponseFormat.json_object()))
    assert config["generationConfig"] == {"responseMimeType": "application/json"}
    assert "generationConfig" not in body_of(
        ChatRequest("m", [HI], response_format=ResponseFormat.text())
    )


@pytest.mark.parametrize(
    ("effort", "level", "budget"),
    [
        ("none", "minimal", 0),
        ("minimal", "minimal", 512),
        ("low", "low", 1024),
        ("medium", "medium", 8192),
        ("high", "high", 24576),
        ("xhigh", "high", 24576),
    ],
)
def test_reasoning_effort_is_a_level_on_gemini_3_and_a_budget_before(
    effort: Any, level: str, budget: int
) -> None:
    thoughts = {} if effort == "none" else {"includeThoughts": True}
    for model in ("gemini-3-pro-preview", "models/gemini-3-flash-preview", "gemini-4-ultra"):
        config = body_of(ChatRequest(model, [HI], reasoning_effort=effort))["generationConfig"]
        assert config == {"thinkingConfig": {"thinkingLevel": level, **thoughts}}, model
    for model in ("gemini-2.5-flash", "gemini-2.0-flash", "gemini-flash-latest", "gemma-3-27b-it"):
        config = body_of(ChatRequest(model, [HI], reasoning_effort=effort))["generationConfig"]
        assert config == {"thinkingConfig": {"thinkingBudget": budget, **thoughts}}, model


def test_a_thinking_budget_is_sent_as_it_is_and_wins_over_effort() -> None:
    request = ChatRequest(
        "gemini-3-pro-preview", [HI], reasoning_effort="low", thinking_budget=2048
    )
    assert body_of(request)["generationConfig"] == {
        "thinkingConfig": {"thinkingBudget": 2048, "includeThoughts": True}
    }
    off = ChatRequest("gemini-2.5-flash", [HI], thinking_budget=0)
    assert body_of(off)["generationConfig"] == {"thinkingConfig": {"thinkingBudget": 0}}


def test_extra_body_merges_into_objects() -> None:
    request = ChatRequest(
        "m",
        [HI],
        temperature=0.5,
        extra_body={
            "generationConfig": {"responseModalities": ["TEXT"], "temperature": 1.0},
            "cachedContent": "cachedContents/abc",
        },
    )
    assert body_of(request) == {
        "contents": [{"role": "user", "parts": [{"text": "Hi"}]}],
        "generationConfig": {"temperature": 1.0, "responseModalities": ["TEXT"]},
        "cachedContent": "cachedContents/abc",
    }


# -- tools ----------------------------------------------------------------------------------

WEATHER = Tool.function(
    "weather", "Weather in a city", {"type": "object", "properties": {"city": {"type": "string"}}}
)
TIME = Tool.function("time")


def test_tools_are_function_declarations() -> None:
    # https://ai.google.dev/api/caching#FunctionDeclaration
    assert body_of(ChatRequest("m", [HI], tools=[WEATHER, TIME]))["tools"] == [
        {
            "functionDeclarations": [
                {
                    "name": "weather",
                    "description": "Weather in a city",
                    "parametersJsonSchema": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                    },
                },
                {"name": "time", "parametersJsonSchema": {"type": "object", "properties": {}}},
            ]
        }
    ]


@pytest.mark.parametrize(
    ("choice", "config"),
    [
        # https://ai.google.dev/api/caching#FunctionCallingConfig
        (ToolChoice.auto(), {"mode": "AUTO"}),
        (ToolChoice.none(), {"mode": "NONE"}),
        (ToolChoice.required(), {"mode": "ANY"}),
        (ToolChoice.function("time"), {"mode": "ANY", "allowedFunctionNames": ["time"]}),
    ],
)
def test_tool_choice_is_the_function_calling_config(choice: ToolChoice, config: Any) -> None:
    body = body_of(ChatRequest("m", [HI], tools=[WEATHER, TIME], tool_choice=choice))
    assert body["toolConfig"] == {"functionCallingConfig": config}


# -- messages -------------------------------------------------------------------------------


def test_system_and_developer_messages_are_the_system_instruction() -> None:
    request = ChatRequest(
        "m",
        [
            Message.system("Be brief."),
            HI,
            Message.developer("Answer in French."),
            Message("system", [TextPart("One"), TextPart("Two")]),
        ],
    )
    body = body_of(request)
    assert body["systemInstruction"] == {
        "parts": [
            {"text": "Be brief."},
            {"text": "Answer in French."},
            {"text": "One"},
            {"text": "Two"},
        ]
    }
    assert body["contents"] == [{"role": "user", "parts": [{"text": "Hi"}]}]


def test_images_and_documents() -> None:
    # https://ai.google.dev/api/caching#Part: inlineData (base64 + mimeType), fileData (URIs)
    message = Message.user(
        [
            TextPart("What is this?"),
            ImagePart.from_base64("iVBORw0KGgo=", "image/png"),
            ImagePart.from_url("https://example.com/cat.jpg?size=large"),
            ImagePart.from_url("gs://bucket/object"),
            DocumentPart.from_base64("JVBERi0=", filename="a.pdf"),
            DocumentPart.from_url("https://example.com/paper.pdf"),
            DocumentPart.from_file_id(
                "https://generativelanguage.googleapis.com/v1beta/files/abc-123"
            ),
        ]
    )
    assert body_of(ChatRequest("m", [message]))["contents"][0]["parts"] == [
        {"text": "What is this?"},
        {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
        {
            "fileData": {
                "fileUri": "https://example.com/cat.jpg?size=large",
                "mimeType": "image/jpeg",
            }
        },
        {"fileData": {"fileUri": "gs://bucket/object"}},
        {"inlineData": {"mimeType": "application/pdf", "data": "JVBERi0="}},
        {"fileData": {"fileUri": "https://example.com/paper.pdf", "mimeType": "application/pdf"}},
        {
            "fileData": {
                "fileUri": "https://generativelanguage.googleapis.com/v1beta/files/abc-123",
                "mimeType": "application/pdf",
            }
        },
    ]


def test_a_tool_round_trip_finds_each_result_s_function_name() -> None:
    calls = [
        ToolCall.create("call_a", "weather", {"city": "Paris"}),
        ToolCall.create("call_b", "time", ""),
    ]
    request = ChatRequest(
        "m",
        [
            HI,
            Message.assistant("Let me check.", tool_calls=calls),
            Message.tool("18C", "call_a"),
            Message.tool("noon", "call_b"),
            Message.user("Thanks"),
        ],
        tools=[WEATHER, TIME],
    )
    assert body_of(request)["contents"] == [
        {"role": "user", "parts": [{"text": "Hi"}]},
        {
            "role": "model",
            "parts": [
                {"text": "Let me check."},
                {"functionCall": {"id": "call_a", "name": "weather", "args": {"city": "Paris"}}},
                {"functionCall": {"id": "call_b", "name": "time", "args": {}}},
            ],
        },
        # Both results in one turn, as Gemini wants for parallel calls.
        {
            "role": "user",
            "parts": [
                {
                    "functionResponse": {
                        "id": "call_a",
                        "name": "weather",
                        "response": {"output": "18C"},
                    }
                },
                {
                    "functionResponse": {
                        "id": "call_b",
                        "name": "time",
                        "response": {"output": "noon"},
                    }
                },
            ],
        },
        {"role": "user", "parts": [{"text": "Thanks"}]},
    ]


def test_a_tool_result_for_an_unknown_call_takes_its_name_or_is_refused() -> None:
    named = ChatRequest("m", [HI, Message.tool("42", "elsewhere", name="answer")])
    assert body_of(named)["contents"][1] == {
        "role": "user",
        "parts": [
            {
                "functionResponse": {
                    "id": "elsewhere",
                    "name": "answer",
                    "response": {"output": "42"},
                }
            }
        ],
    }
    with pytest.raises(RequestValidationError) as caught:
        build(ChatRequest("m", [HI, Message.tool("42", "elsewhere")]))
    assert caught.value.field == "messages[1].tool_call_id"


@pytest.mark.parametrize(
    ("message", "field"),
    [
        (Message.assistant(), "messages[1].content"),
        (Message.assistant([ImagePart.from_url("https://x/y.png")]), "messages[1].content[0]"),
        (Message("system", [ImagePart.from_url("https://x/y.png")]), "messages[1].content[0]"),
        (
            Message.assistant(tool_calls=[ToolCall.create("c", "f", "{not json")]),
            "messages[1].tool_calls[0].function.arguments",
        ),
        (
            Message.assistant(tool_calls=[ToolCall.create("c", "f", "[1, 2]")]),
            "messages[1].tool_calls[0].function.arguments",
        ),
        (
            Message("tool", [ImagePart.from_url("https://x/y.png")], tool_call_id="c", name="f"),
            "messages[1].content[0]",
        ),
    ],
)
def test_what_gemini_cannot_take_is_refused_naming_the_field(message: Message, field: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        build(ChatRequest("m", [HI, message]))
    assert caught.value.field == field


def test_the_request_itself_is_validated_first() -> None:
    with pytest.raises(RequestValidationError) as caught:
        build(ChatRequest("m", []))
    assert caught.value.field == "messages"


# -- thought signatures go back where they came from --------------------------------------------


def test_signed_reasoning_and_signed_calls_go_back_on_their_parts() -> None:
    message = Message.assistant(
        "Here you go.",
        tool_calls=[
            ToolCall(
                "c1", ToolCall.create("c1", "weather", "{}").function, thought_signature="SIG-CALL"
            ),
            ToolCall.create("c2", "weather", '{"city": "Rome"}'),
        ],
        reasoning_content="plan ignored",
        reasoning_blocks=[
            ReasoningBlock("I should look it up.", "SIG-THOUGHT"),
            ReasoningBlock("an unsigned tail"),
            ReasoningBlock(redacted="anthropic-only"),
        ],
    )
    parts = body_of(ChatRequest("m", [HI, message]))["contents"][1]["parts"]
    assert parts == [
        {"text": "I should look it up.", "thought": True, "thoughtSignature": "SIG-THOUGHT"},
        {"text": "Here you go."},
        {
            "functionCall": {"id": "c1", "name": "weather", "args": {}},
            "thoughtSignature": "SIG-CALL",
        },
        {"functionCall": {"id": "c2", "name": "weather", "args": {"city": "Rome"}}},
    ]


def test_a_signature_without_reasoning_text_goes_on_the_last_text_part() -> None:
    # Gemini 3 signs the last part of a text answer:
    # https://ai.google.dev/gemini-api/docs/thought-signatures
    message = Message.assistant(
        [TextPart("one"), TextPart("two")], reasoning_blocks=[ReasoningBlock("", "SIG")]
    )
    parts = body_of(ChatRequest("m", [HI, message]))["contents"][1]["parts"]
    assert parts == [{"text": "one"}, {"text": "two", "thoughtSignature": "SIG"}]


# -- models and embeddings --------------------------------------------------------------------


def test_the_model_list_asks_for_big_pages_and_follows_the_token() -> None:
    # https://ai.google.dev/api/models#method:-models.list
    first = CODEC.build_models(ENDPOINT)
    assert (first.method, first.url, first.body) == ("GET", f"{BASE}/models?pageSize=1000", None)
    assert dict(first.headers) == {"Accept": "application/json", "x-goog-api-key": "g-key"}
    later = CODEC.build_models(ENDPOINT, "tok/en+=")
    assert later.url == f"{BASE}/models?pageSize=1000&pageToken=tok%2Fen%2B%3D"


def test_one_text_is_embed_content() -> None:
    # https://ai.google.dev/api/embeddings#method:-models.embedcontent
    spec = CODEC.build_embed(
        EmbedRequest(
            "gemini-embedding-001",
            "hello",
            dimensions=768,
            extra_body={"taskType": "RETRIEVAL_QUERY"},
        ),
        ENDPOINT,
    )
    assert (spec.method, spec.url) == ("POST", f"{BASE}/models/gemini-embedding-001:embedContent")
    assert spec.headers["x-goog-api-key"] == "g-key"
    assert json.loads(spec.body or b"") == {
        "content": {"parts": [{"text": "hello"}]},
        "outputDimensionality": 768,
        "taskType": "RETRIEVAL_QUERY",
    }


def test_several_texts_are_batch_embed_contents() -> None:
    # https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
    spec = CODEC.build_embed(EmbedRequest("models/text-embedding-004", ["a", "b"]), ENDPOINT)
    assert spec.url == f"{BASE}/models/text-embedding-004:batchEmbedContents"
    assert json.loads(spec.body or b"") == {
        "requests": [
            {"model": "models/text-embedding-004", "content": {"parts": [{"text": "a"}]}},
            {"model": "models/text-embedding-004", "content": {"parts": [{"text": "b"}]}},
        ]
    }


def test_base64_embeddings_are_refused() -> None:
    with pytest.raises(RequestValidationError) as caught:
        CODEC.build_embed(EmbedRequest("e", "x", encoding_format="base64"), ENDPOINT)
    assert caught.value.field == "encoding_format"
