"""Converse requests: the URL, the signed headers and the body of each feature, against
goldens written out by hand from the API reference
(https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html). No
published JSON schema of Converse exists to validate against (tests/support/schemas.py).

The signed requests' expected Authorization is derived here on its own: the canonical
request and the string to sign are written out by hand (with the model id's ``%3A``
encoded again, as the IAM guide says every non-S3 service's path is), and only the HMAC
chain of the IAM guide is computed, with hashlib and hmac, not with codecs/bedrock/sigv4.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

from llm_connector.codecs.bedrock.codec import BedrockCodec
from llm_connector.codecs.contract import Endpoint, RequestSpec
from llm_connector.errors import RequestValidationError
from llm_connector.types import (
    ChatRequest,
    DocumentPart,
    ImagePart,
    Message,
    ReasoningBlock,
    ResponseFormat,
    TextPart,
    Tool,
    ToolCall,
    ToolChoice,
)

HOST = "bedrock-runtime.us-east-1.amazonaws.com"
BASE = f"https://{HOST}"
KEY_ID, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
WHEN = 1440938160  # 20150830T123600Z
MODEL = "us.amazon.nova-micro-v1:0"
HI = [Message.user("hi")]


def endpoint(key: str = f"{KEY_ID}:{SECRET}", **headers: str) -> Endpoint:
    return Endpoint(BASE, key, "aws-sigv4", headers, timestamp=WHEN)


def build(request: ChatRequest, *, stream: bool = False, key: str | None = None) -> RequestSpec:
    return BedrockCodec("us-east-1").build_chat(
        request, endpoint() if key is None else endpoint(key), stream=stream
    )


def body(request: ChatRequest) -> dict[str, Any]:
    spec = build(request)
    assert spec.body is not None
    parsed: dict[str, Any] = json.loads(spec.body)
    return parsed


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def expected_authorization(canonical: str, signed_headers: str) -> str:
    scope = "20150830/us-east-1/bedrock/aws4_request"
    string_to_sign = (
        f"AWS4-HMAC-SHA256\n20150830T123600Z\n{scope}\n"
        + hashlib.sha256(canonical.encode()).hexdigest()
    )
    key = _hmac(f"AWS4{SECRET}".encode(), "20150830")
    for part in ("us-east-1", "bedrock", "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"AWS4-HMAC-SHA256 Credential={KEY_ID}/{scope}, SignedHeaders={signed_headers}, "
        f"Signature={signature}"
    )


# -- URL and signature --------------------------------------------------------------------


@pytest.mark.parametrize(("stream", "operation"), [(False, "converse"), (True, "converse-stream")])
def test_signed_converse_request(stream: bool, operation: str) -> None:
    spec = build(ChatRequest(MODEL, HI), stream=stream)
    assert spec.method == "POST"
    assert spec.url == f"{BASE}/model/us.amazon.nova-micro-v1%3A0/{operation}"
    assert spec.body == b'{"messages":[{"role":"user","content":[{"text":"hi"}]}]}'
    assert spec.framing == ("eventstream" if stream else "json")
    canonical = (
        f"POST\n/model/us.amazon.nova-micro-v1%253A0/{operation}\n\n"
        f"content-type:application/json\nhost:{HOST}\nx-amz-date:20150830T123600Z\n\n"
        "content-type;host;x-amz-date\n" + hashlib.sha256(spec.body).hexdigest()
    )
    assert dict(spec.headers) == {
        "Content-Type": "application/json",
        "Accept": "application/vnd.amazon.eventstream" if stream else "application/json",
        "X-Amz-Date": "20150830T123600Z",
        "Authorization": expected_authorization(canonical, "content-type;host;x-amz-date"),
    }


def test_temporary_credentials_sign_the_session_token() -> None:
    spec = build(ChatRequest(MODEL, HI), key=f"{KEY_ID}:{SECRET}:the-session-token")
    assert spec.body is not None
    canonical = (
        "POST\n/model/us.amazon.nova-micro-v1%253A0/converse\n\n"
        f"content-type:application/json\nhost:{HOST}\nx-amz-date:20150830T123600Z\n"
        "x-amz-security-token:the-session-token\n\n"
        "content-type;host;x-amz-date;x-amz-security-token\n"
        + hashlib.sha256(spec.body).hexdigest()
    )
    assert spec.headers["X-Amz-Security-Token"] == "the-session-token"
    assert spec.headers["Authorization"] == expected_authorization(
        canonical, "content-type;host;x-amz-date;x-amz-security-token"
    )


def test_an_inference_profile_arn_is_one_path_segment() -> None:
    arn = (
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
        "us.anthropic.claude-3-7-sonnet-20250219-v1:0"
    )
    spec = build(ChatRequest(arn, HI), stream=True)
    assert spec.url == (
        f"{BASE}/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile"
        "%2Fus.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream"
    )


def test_a_bedrock_api_key_is_a_bearer_token() -> None:
    spec = build(ChatRequest(MODEL, HI), key="bedrock-api-key-YmVkcm9jaw==")
    assert spec.headers["Authorization"] == "Bearer bedrock-api-key-YmVkcm9jaw=="
    assert "X-Amz-Date" not in spec.headers


def test_the_region_is_the_hosts_without_one_given() -> None:
    vpce = "https://vpce-0abc-1234.bedrock-runtime.eu-west-3.vpce.amazonaws.com"
    spec = BedrockCodec().build_chat(
        ChatRequest(MODEL, HI), Endpoint(vpce, f"{KEY_ID}:{SECRET}", timestamp=WHEN), stream=False
    )
    assert "/20150830/eu-west-3/bedrock/aws4_request" in spec.headers["Authorization"]


def test_missing_credentials_say_what_to_set() -> None:
    with pytest.raises(RequestValidationError) as caught:
        BedrockCodec("us-east-1").build_chat(
            ChatRequest(MODEL, HI), Endpoint(BASE, None, timestamp=WHEN), stream=False
        )
    assert caught.value.field == "api_key"
    for name in ("$AWS_ACCESS_KEY_ID", "$AWS_SECRET_ACCESS_KEY", "$AWS_BEARER_TOKEN_BEDROCK"):
        assert name in str(caught.value)


# -- bodies, feature by feature -------------------------------------------------------------


def test_system_multi_turn_and_inference_config() -> None:
    request = ChatRequest(
        MODEL,
        [
            Message.system("Be brief."),
            Message.developer("Answer in French."),
            Message.user("hi"),
            Message.assistant("salut"),
            Message.user("again"),
            Message.user("and again"),
        ],
        max_tokens=100,
        temperature=0.5,
        top_p=0.9,
        stop=["END"],
        top_k=5,
        seed=1,
    )
    assert body(request) == {
        "messages": [
            {"role": "user", "content": [{"text": "hi"}]},
            {"role": "assistant", "content": [{"text": "salut"}]},
            {"role": "user", "content": [{"text": "again"}, {"text": "and again"}]},
        ],
        "system": [{"text": "Be brief."}, {"text": "Answer in French."}],
        "inferenceConfig": {
            "maxTokens": 100,
            "temperature": 0.5,
            "topP": 0.9,
            "stopSequences": ["END"],
        },
    }


WEATHER = Tool(
    "get_weather",
    "The weather of a city.",
    {"type": "object", "properties": {"city": {"type": "string"}}},
)
WEATHER_SPEC = {
    "toolSpec": {
        "name": "get_weather",
        "description": "The weather of a city.",
        "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}}},
    }
}


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        (None, None),
        (ToolChoice.auto(), {"auto": {}}),
        (ToolChoice.required(), {"any": {}}),
        (ToolChoice.function("get_weather"), {"tool": {"name": "get_weather"}}),
    ],
)
def test_tools_and_tool_choice(choice: ToolChoice | None, wire: dict[str, Any] | None) -> None:
    config: dict[str, Any] = {"tools": [WEATHER_SPEC]}
    if wire is not None:
        config["toolChoice"] = wire
    request = ChatRequest(MODEL, HI, tools=[WEATHER], tool_choice=choice)
    assert body(request)["toolConfig"] == config


def test_tool_choice_none_is_refused() -> None:
    with pytest.raises(RequestValidationError, match="no tool_choice 'none'"):
        body(ChatRequest(MODEL, HI, tools=[WEATHER], tool_choice=ToolChoice.none()))


PARIS, LYON, TEMPERATURE = {"city": "Paris"}, {"city": "Lyon"}, {"temperature": 21}


def test_tool_use_and_tool_result_turns() -> None:
    call = ToolCall.create("tooluse_1", "get_weather", {"city": "Paris"})
    other = ToolCall.create("tooluse_2", "get_weather", {"city": "Lyon"})
    request = ChatRequest(
        MODEL,
        [
            Message.user("weather?"),
            Message.assistant("Let me look.", tool_calls=[call, other]),
            Message.tool('{"temperature": 21}', "tooluse_1"),
            Message.tool("sunny", "tooluse_2"),
            Message.user("thanks"),
        ],
        tools=[WEATHER],
    )
    assert body(request)["messages"] == [
        {"role": "user", "content": [{"text": "weather?"}]},
        {
            "role": "assistant",
            "content": [
                {"text": "Let me look."},
                {"toolUse": {"toolUseId": "tooluse_1", "name": "get_weather", "input": PARIS}},
                {"toolUse": {"toolUseId": "tooluse_2", "name": "get_weather", "input": LYON}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"toolResult": {"toolUseId": "tooluse_1", "content": [{"json": TEMPERATURE}]}},
                {"toolResult": {"toolUseId": "tooluse_2", "content": [{"text": "sunny"}]}},
                {"text": "thanks"},
            ],
        },
    ]  # fmt: skip


def test_images_and_documents() -> None:
    request = ChatRequest(
        MODEL,
        [
            Message.user(
                [
                    TextPart("What is in these?"),
                    ImagePart(data="aW1hZ2U=", media_type="image/png"),
                    DocumentPart("cGRm", "application/pdf", filename="Q3_report.v2.pdf"),
                    DocumentPart(data="dGV4dA==", media_type="text/plain"),
                ]
            )
        ],
    )  # fmt: skip
    assert body(request)["messages"][0]["content"] == [
        {"text": "What is in these?"},
        {"image": {"format": "png", "source": {"bytes": "aW1hZ2U="}}},
        {"document": {"format": "pdf", "name": "Q3 report v2", "source": {"bytes": "cGRm"}}},
        {"document": {"format": "txt", "name": "document 4", "source": {"bytes": "dGV4dA=="}}},
    ]


def test_an_image_by_url_is_refused() -> None:
    with pytest.raises(RequestValidationError, match="not by URL"):
        body(ChatRequest(MODEL, [Message.user([ImagePart(url="https://x.test/a.png")])]))


SIGNED = "c2lnbmF0dXJl"


def test_reasoning_is_sent_back_signed_or_redacted() -> None:
    previous = Message.assistant(
        "It is 4.",
        reasoning_blocks=[
            ReasoningBlock("2 + 2 = 4", signature="c2lnbmF0dXJl"),
            ReasoningBlock(redacted="cmVkYWN0ZWQ="),
            ReasoningBlock("unsigned, from elsewhere"),
        ],
    )
    request = ChatRequest(
        "us.anthropic.claude-sonnet-4-20250514-v1:0",
        [Message.user("2+2?"), previous, Message.user("and 3+3?")],
        thinking_budget=2048,
    )
    sent = body(request)
    assert sent["messages"][1] == {
        "role": "assistant",
        "content": [
            {"reasoningContent": {"reasoningText": {"text": "2 + 2 = 4", "signature": SIGNED}}},
            {"reasoningContent": {"redactedContent": "cmVkYWN0ZWQ="}},
            {"text": "It is 4."},
        ],
    }  # fmt: skip
    assert sent["additionalModelRequestFields"] == {
        "thinking": {"type": "enabled", "budget_tokens": 2048}
    }


def test_reasoning_settings_of_other_models_go_through_extra_body() -> None:
    with pytest.raises(RequestValidationError, match="extra_body"):
        body(ChatRequest(MODEL, HI, reasoning_effort="low"))
    request = ChatRequest(
        "openai.gpt-oss-120b-1:0",
        HI,
        extra_body={
            "reasoning_effort": "low",
            "additionalModelRequestFields": {"top_k": 40},
            "performanceConfig": {"latency": "optimized"},
        },
    )
    sent = body(request)
    assert sent["additionalModelRequestFields"] == {"reasoning_effort": "low", "top_k": 40}
    assert sent["performanceConfig"] == {"latency": "optimized"}


def test_structured_output() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    request = ChatRequest(MODEL, HI, response_format=ResponseFormat.json_schema("Answer", schema))
    assert body(request)["outputConfig"] == {
        "textFormat": {
            "type": "json_schema",
            "structure": {"jsonSchema": {"schema": json.dumps(schema), "name": "Answer"}},
        }
    }
    with pytest.raises(RequestValidationError, match="no JSON mode"):
        body(ChatRequest(MODEL, HI, response_format=ResponseFormat.json_object()))
