"""Request goldens for the two native protocols, DashScope and Tencent Hunyuan (URL,
headers, body), sent by ``Client`` and ``AsyncClient``; the TC3-HMAC-SHA256 signature
against Tencent's published worked example; and the Tencent secret key kept out of every
repr, error and log line."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from llm_connector import Client, RequestValidationError, errors
from llm_connector.calls.redact import secrets_of
from llm_connector.codecs.hunyuan.signing import authorization
from llm_connector.types import ChatRequest, ImagePart, Message, TextPart, ToolChoice
from tests.support.compat_requests import (
    BASIC,
    BASIC_MESSAGES,
    CONVERSATION,
    DASHSCOPE_ANSWER,
    HUNYUAN_ANSWER,
    WEATHER_WIRE,
    body_of,
    headers_of,
    sent,
)
from tests.support.facade import MODES, Mode

ALL_MODES = pytest.mark.parametrize("mode", MODES)
DASHSCOPE = "https://dashscope.aliyuncs.com/api/v1/services/aigc"


def aliyun(**options: Any) -> Any:
    return lambda cls, http: cls.aliyun("sk-test", http_client=http, **options)


# -- DashScope ---------------------------------------------------------------------------------


@ALL_MODES
def test_dashscope_streamed_request(mode: Mode) -> None:
    # https://help.aliyun.com/zh/model-studio/qwen-api-via-dashscope: SSE on the
    # X-DashScope-SSE header, messages under input, settings under parameters.
    request = sent(aliyun(), BASIC.with_reasoning_effort("high"), mode, stream=True,
                   answer=DASHSCOPE_ANSWER)  # fmt: skip
    assert str(request.url) == f"{DASHSCOPE}/text-generation/generation"
    assert headers_of(request) == {
        "content-type": "application/json",
        "accept": "text/event-stream",
        "authorization": "Bearer sk-test",
        "x-dashscope-sse": "enable",
    }
    assert body_of(request) == {
        "model": "model-x",
        "input": {"messages": BASIC_MESSAGES},
        "parameters": {
            "result_format": "message",
            "incremental_output": True,
            "temperature": 0.5,
            "max_tokens": 256,
            "tools": [WEATHER_WIRE],
            "tool_choice": "auto",
            "enable_thinking": True,
        },
    }


@ALL_MODES
def test_dashscope_whole_answer_request_and_regions(mode: Mode) -> None:
    request = sent(aliyun(region="international"), BASIC, mode, answer=DASHSCOPE_ANSWER)
    assert str(request.url) == (
        "https://dashscope-intl.aliyuncs.com/api/v1/services/aigc/text-generation/generation"
    )
    assert "x-dashscope-sse" not in request.headers
    assert request.headers["accept"] == "application/json"
    assert "incremental_output" not in body_of(request)["parameters"]


@ALL_MODES
def test_dashscope_images_go_to_the_multimodal_endpoint(mode: Mode) -> None:
    # https://help.aliyun.com/zh/model-studio/vision: content as a list of parts.
    image = ImagePart.from_url("https://example.com/cat.png")
    request = ChatRequest(
        "qwen-vl-plus",
        [Message.system("Describe."), Message.user([image, TextPart("What is this?")])],
    )
    sent_request = sent(aliyun(), request, mode, answer=DASHSCOPE_ANSWER)
    assert str(sent_request.url) == f"{DASHSCOPE}/multimodal-generation/generation"
    assert body_of(sent_request)["input"]["messages"] == [
        {"role": "system", "content": [{"text": "Describe."}]},
        {
            "role": "user",
            "content": [{"image": "https://example.com/cat.png"}, {"text": "What is this?"}],
        },
    ]


def test_dashscope_conversation_and_what_it_cannot_take() -> None:
    body = body_of(sent(aliyun(), CONVERSATION, "sync", answer=DASHSCOPE_ANSWER))
    messages = body["input"]["messages"]
    assert messages[1]["tool_calls"][0]["function"] == {
        "name": "get_weather",
        "arguments": '{"city":"Paris"}',
    }
    assert messages[2] == {"role": "tool", "content": "Sunny, 21 C", "tool_call_id": "call_1"}
    assert all("reasoning_content" not in m for m in messages)
    with pytest.raises(RequestValidationError) as caught:
        Client.aliyun("k")._driver.settings.prepare_chat(
            BASIC.with_tool_choice(ToolChoice.required()), stream=True
        )
    assert caught.value.field == "tool_choice"
    conflicting = BASIC.with_extra_body({"parameters": {"incremental_output": False}})
    with pytest.raises(RequestValidationError) as caught:
        Client.aliyun("k")._driver.settings.prepare_chat(conflicting, stream=True)
    assert caught.value.field == "extra_body.parameters.incremental_output"
    # extra_body's parameters merge key by key.
    searched = BASIC.with_extra_body({"parameters": {"enable_search": True}})
    body = body_of(sent(aliyun(), searched, "sync", answer=DASHSCOPE_ANSWER))
    assert body["parameters"]["enable_search"] is True
    assert body["parameters"]["temperature"] == 0.5


# -- Tencent Hunyuan --------------------------------------------------------------------------


def test_tc3_signature_reproduces_tencents_worked_example() -> None:
    # "Signature v3", https://www.tencentcloud.com/document/product/267/37447 (the same
    # example in Chinese: https://cloud.tencent.com/document/api/1729/101843): CVM
    # DescribeInstances at 1551113065 with the documented example keys and payload.
    payload = (
        b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    )
    assert hashlib.sha256(payload).hexdigest() == (
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )
    assert authorization(
        "AKID**********************0123456789EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        1551113065,
        "cvm.tencentcloudapi.com",
        payload,
        content_type="application/json; charset=utf-8",
    ) == (
        "TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/"
        "tc3_request, SignedHeaders=content-type;host, "
        "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )


def reference_signature(secret_key: str, timestamp: int, host: str, payload: bytes) -> str:
    """The doc's four steps, written out again here (independently of codecs/hunyuan/signing.py)."""
    hashed = hashlib.sha256(payload).hexdigest()
    canonical = (
        f"POST\n/\n\ncontent-type:application/json\nhost:{host}\n\ncontent-type;host\n{hashed}"
    )
    date = datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d")
    service = host.split(".")[0]
    to_sign = (
        f"TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n"
        + hashlib.sha256(canonical.encode()).hexdigest()
    )
    key = ("TC3" + secret_key).encode()
    for part in (date, service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def tencent(**options: Any) -> Any:
    return lambda cls, http: cls.tencent(
        "AKIDexampleid0001", "exampleSecretKey0123456789", http_client=http, **options
    )


@ALL_MODES
@pytest.mark.parametrize(
    ("options", "host"),
    [
        ({}, "hunyuan.tencentcloudapi.com"),
        (
            {"host": "hunyuan.internal.example", "region": "ap-guangzhou"},
            "hunyuan.internal.example",
        ),
    ],
)
def test_hunyuan_request_is_signed(options: dict[str, Any], host: str, mode: Mode) -> None:
    # https://cloud.tencent.com/document/api/1729/105701 (ChatCompletions, API 3.0).
    request = sent(tencent(**options), BASIC, mode, stream=True, answer=HUNYUAN_ANSWER)
    assert str(request.url) == f"https://{host}/"
    headers = headers_of(request)
    timestamp = int(headers["x-tc-timestamp"])
    signature = reference_signature("exampleSecretKey0123456789", timestamp, host, request.content)
    date = datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d")
    expected = {
        "content-type": "application/json",
        "accept": "text/event-stream",
        "x-tc-action": "ChatCompletions",
        "x-tc-version": "2023-09-01",
        "x-tc-timestamp": str(timestamp),
        "authorization": (
            f"TC3-HMAC-SHA256 Credential=AKIDexampleid0001/{date}/hunyuan/tc3_request, "
            f"SignedHeaders=content-type;host, Signature={signature}"
        ),
    }
    if "region" in options:
        expected["x-tc-region"] = "ap-guangzhou"
    assert headers == expected
    assert body_of(request) == {
        "Model": "model-x",
        "Messages": [
            {"Role": "system", "Content": "Be brief."},
            {"Role": "user", "Content": "Weather in Paris?"},
        ],
        "Stream": True,
        "Temperature": 0.5,
        "Tools": [
            {
                "Type": "function",
                "Function": {
                    "Name": "get_weather",
                    # A JSON string (the SDK's ToolFunction.Parameters).
                    "Parameters": '{"type": "object", "properties": {"city": {"type": '
                    '"string"}}, "required": ["city"]}',
                    "Description": "Current weather for a city",
                },
            }
        ],
        "ToolChoice": "auto",
    }


def test_hunyuan_conversation_never_sends_reasoning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="llm_connector")
    request = CONVERSATION.with_max_tokens(100).with_tools(BASIC.tools)
    body = body_of(sent(tencent(), request, "sync", answer=HUNYUAN_ANSWER))
    assert body["Messages"][1:4] == [
        {
            "Role": "assistant",
            "Content": "",
            "ToolCalls": [
                {
                    "Id": "call_1",
                    "Type": "function",
                    "Function": {"Name": "get_weather", "Arguments": '{"city":"Paris"}'},
                }
            ],
        },
        {"Role": "tool", "Content": "Sunny, 21 C", "ToolCallId": "call_1"},
        {"Role": "assistant", "Content": "Sunny and 21 C."},
    ]
    assert "ReasoningContent" not in str(body)
    assert "MaxTokens" not in body
    assert "hunyuan: not sending ['max_tokens'] (the API has no such field)" in caplog.messages


def test_hunyuan_tool_choice_mapping() -> None:
    forced = BASIC.with_tool_choice(ToolChoice.function("get_weather"))
    body = body_of(sent(tencent(), forced, "sync", answer=HUNYUAN_ANSWER))
    assert body["ToolChoice"] == "custom"
    assert body["CustomTool"]["Function"]["Name"] == "get_weather"
    with pytest.raises(RequestValidationError) as caught:
        Client.tencent("AKIDx", "keyx")._driver.settings.prepare_chat(
            BASIC.with_tool_choice(ToolChoice.required()), stream=False
        )
    assert caught.value.field == "tool_choice"


# -- the secret key stays secret ----------------------------------------------------------------

SECRET_KEY = "Tencent-Secret-Key-0123456789abcdef"


def test_the_secret_key_is_scrubbed_like_a_key() -> None:
    found = secrets_of((f"AKIDsomeid00001:{SECRET_KEY}",), {})
    assert SECRET_KEY in found
    # Short parts of a key with a colon are not blanked from every message.
    assert "user" not in secrets_of(("user:a-long-password-here",), {})


def test_the_secret_key_is_never_in_a_repr_an_error_or_a_log(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG, logger="llm_connector")
    requests: list[httpx.Request] = []

    def echo(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        # A server (or proxy) that quotes the secret key back in an error.
        error = {"Code": "AuthFailure.SignatureFailure", "Message": f"bad key {SECRET_KEY}"}
        body = {"Response": {"Error": error, "RequestId": "r"}}
        return httpx.Response(401, json=body)

    with httpx.Client(transport=httpx.MockTransport(echo)) as http:
        client = Client.tencent("AKIDsomeid00001", SECRET_KEY, http_client=http, max_retries=0)
        assert SECRET_KEY not in repr(client)
        with pytest.raises(errors.AuthenticationError) as caught:
            client.chat(BASIC)
    error = caught.value
    assert SECRET_KEY not in str(error) and SECRET_KEY not in (error.body or "")
    assert "bad key ***" in error.message
    assert all(SECRET_KEY not in v for r in requests for v in r.headers.values())
    assert SECRET_KEY.encode() not in requests[0].content
    assert all(SECRET_KEY not in r.getMessage() for r in caplog.records)
    # From the environment too, and a missing half is named.
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDfromenv0001")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    assert SECRET_KEY not in repr(Client.tencent())
    with pytest.raises(RequestValidationError) as missing:
        Client.tencent("AKIDonly")
    assert missing.value.field == "secret_key" and SECRET_KEY not in str(missing.value)
