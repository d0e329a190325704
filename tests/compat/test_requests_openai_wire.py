"""Request goldens for the OpenAI-wire constructors: URL, headers and body, as each
provider's documentation (linked at its dialect in openai_chat/dialects.py) or a recorded
request says, sent by ``Client`` and ``AsyncClient``."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx
import pytest

from llm_connector import AsyncClient, Client, RequestValidationError
from llm_connector.responses import ResponsesRequest
from llm_connector.types import ChatRequest, ImagePart, Message, TextPart, ToolChoice
from tests.support.compat_requests import (
    BASIC,
    BASIC_MESSAGES,
    CALL_WIRE,
    CONVERSATION,
    WEATHER_WIRE,
    assistant_reasoning,
    body_of,
    headers_of,
    sent,
)
from tests.support.facade import MODES, Mode
from tests.support.paths import DATA
from tests.support.schemas import validated_request_bodies  # noqa: F401  (autouse)

ALL_MODES = pytest.mark.parametrize("mode", MODES)
BEARER = {
    "content-type": "application/json",
    "accept": "text/event-stream",
    "authorization": "Bearer sk-test",
}
STREAMED = {"stream": True, "stream_options": {"include_usage": True}}


def basic_body(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": "model-x",
        "messages": BASIC_MESSAGES,
        "temperature": 0.5,
        "max_tokens": 256,
        "tools": [WEATHER_WIRE],
        "tool_choice": "auto",
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


# (constructor, URL, body for BASIC streamed with reasoning_effort "high")
GOLDENS = [
    pytest.param(
        lambda cls, http: cls.deepseek("sk-test", http_client=http),
        "https://api.deepseek.com/chat/completions",
        basic_body(**STREAMED, thinking={"type": "enabled"}, reasoning_effort="high"),
        id="deepseek",
    ),
    pytest.param(
        lambda cls, http: cls.moonshot("sk-test", http_client=http),
        "https://api.moonshot.cn/v1/chat/completions",
        basic_body(**STREAMED, thinking={"type": "enabled"}, reasoning_effort="high"),
        id="moonshot",
    ),
    pytest.param(
        lambda cls, http: cls.moonshot("sk-test", region="international", http_client=http),
        "https://api.moonshot.ai/v1/chat/completions",
        basic_body(**STREAMED, thinking={"type": "enabled"}, reasoning_effort="high"),
        id="moonshot-international",
    ),
    pytest.param(
        lambda cls, http: cls.zhipu("sk-test", http_client=http),
        "https://open.bigmodel.cn/api/paas/v4/chat/completions",
        basic_body(**STREAMED, thinking={"type": "enabled"}),
        id="zhipu",
    ),
    pytest.param(
        lambda cls, http: cls.zhipu_openai_compatible("sk-test", http_client=http),
        "https://open.bigmodel.cn/api/paas/v4/chat/completions",
        basic_body(**STREAMED, thinking={"type": "enabled"}),
        id="zhipu-openai-compatible",
    ),
    pytest.param(
        lambda cls, http: cls.zhipu_openai_compatible(
            "sk-test", region="international", http_client=http
        ),
        "https://api.z.ai/api/paas/v4/chat/completions",
        basic_body(**STREAMED, thinking={"type": "enabled"}),
        id="zai",
    ),
    pytest.param(
        lambda cls, http: cls.aliyun_openai_compatible("sk-test", http_client=http),
        "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions",
        basic_body(**STREAMED, enable_thinking=True),
        id="aliyun-openai-compatible",
    ),
    pytest.param(
        lambda cls, http: cls.aliyun_openai_compatible(
            "sk-test", region="international", http_client=http
        ),
        "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions",
        basic_body(**STREAMED, enable_thinking=True),
        id="aliyun-openai-compatible-international",
    ),
    pytest.param(
        lambda cls, http: cls.volcengine("sk-test", http_client=http),
        "https://ark.cn-beijing.volces.com/api/v3/chat/completions",
        basic_body(**STREAMED, thinking={"type": "enabled"}),
        id="volcengine",
    ),
    pytest.param(
        lambda cls, http: cls.xiaomi("sk-test", http_client=http),
        "https://api.xiaomimimo.com/v1/chat/completions",
        basic_body(
            **STREAMED, max_tokens=None, max_completion_tokens=256, thinking={"type": "enabled"}
        ),
        id="xiaomi",
    ),
    pytest.param(
        lambda cls, http: cls.tencent_openai_compatible("sk-test", http_client=http),
        "https://api.hunyuan.cloud.tencent.com/v1/chat/completions",
        basic_body(**STREAMED, enable_thinking=True),
        id="tencent-openai-compatible",
    ),
    pytest.param(
        lambda cls, http: cls.openai_compatible("sk-test", name="openrouter", http_client=http),
        "https://openrouter.ai/api/v1/chat/completions",
        basic_body(**STREAMED, reasoning={"effort": "high"}),
        id="openrouter",
    ),
    pytest.param(
        lambda cls, http: cls.openai_compatible("sk-test", name="groq", http_client=http),
        "https://api.groq.com/openai/v1/chat/completions",
        basic_body(**STREAMED, reasoning_effort="high"),
        id="groq",
    ),
    pytest.param(
        lambda cls, http: cls.openai_compatible("sk-test", name="mistral", http_client=http),
        "https://api.mistral.ai/v1/chat/completions",
        basic_body(stream=True),  # no stream_options; reasoning chosen by model
        id="mistral",
    ),
    pytest.param(
        lambda cls, http: cls.openai_compatible("sk-test", name="siliconflow", http_client=http),
        "https://api.siliconflow.cn/v1/chat/completions",
        basic_body(**STREAMED, enable_thinking=True),
        id="siliconflow",
    ),
    pytest.param(
        lambda cls, http: cls.openai_compatible(
            "sk-test", "http://localhost:9000/v1", "my-server", http_client=http
        ),
        "http://localhost:9000/v1/chat/completions",
        basic_body(**STREAMED, reasoning_effort="high"),
        id="openai-compatible",
    ),
]


@ALL_MODES
@pytest.mark.parametrize(("make", "url", "body"), GOLDENS)
def test_request_golden(make: Any, url: str, body: dict[str, Any], mode: Mode) -> None:
    request = sent(make, BASIC.with_reasoning_effort("high"), mode, stream=True)
    assert (request.method, str(request.url)) == ("POST", url)
    assert headers_of(request) == BEARER
    assert body_of(request) == body


@ALL_MODES
def test_azure_deployment_path_and_api_version(mode: Mode) -> None:
    # https://learn.microsoft.com/azure/ai-foundry/openai/reference#chat-completions
    request = sent(
        lambda cls, http: cls.azure_openai(
            "azure-key", "https://res.openai.azure.com", "2024-10-21", http_client=http
        ),
        BASIC.with_model("gpt-4o-deploy"),
        mode,
    )
    assert str(request.url) == (
        "https://res.openai.azure.com/openai/deployments/gpt-4o-deploy/chat/completions"
        "?api-version=2024-10-21"
    )
    assert headers_of(request) == {
        "content-type": "application/json",
        "accept": "application/json",
        "api-key": "azure-key",
    }
    assert body_of(request) == basic_body(
        model="gpt-4o-deploy", max_tokens=None, max_completion_tokens=256
    )


@ALL_MODES
def test_azure_v1_form(mode: Mode, monkeypatch: pytest.MonkeyPatch) -> None:
    # https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle: no
    # api-version, the model in the body. The resource URL may come from the environment.
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com/")
    monkeypatch.delenv("OPENAI_API_VERSION", raising=False)
    request = sent(lambda cls, http: cls.azure_openai("azure-key", http_client=http), BASIC, mode)
    assert str(request.url) == "https://res.openai.azure.com/openai/v1/chat/completions"
    assert request.headers["api-key"] == "azure-key"
    assert "authorization" not in request.headers


def test_azure_needs_an_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_OPENAI_ENDPOINT", raising=False)
    with pytest.raises(RequestValidationError) as caught:
        Client.azure_openai("k")
    assert caught.value.field == "endpoint"


def recorded(name: str) -> Any:
    return json.loads((DATA / "openai-compat" / name).read_text("utf-8"))


@ALL_MODES
def test_zai_request_as_recorded(mode: Mode) -> None:
    # pydantic-ai's recorded Z.ai request: thinking enabled, preserved (clear_thinking).
    request = ChatRequest("glm-4.7", [Message.user("What is 2 + 2?")]).with_extra_body(
        {"thinking": {"type": "enabled", "clear_thinking": False}}
    )
    make = lambda cls, http: cls.zhipu_openai_compatible(  # noqa: E731
        "k", region="international", http_client=http
    )
    assert body_of(sent(make, request, mode, stream=True)) == recorded(
        "zai-glm-thinking-stream.request.json"
    )


@ALL_MODES
@pytest.mark.parametrize(
    ("name", "model", "prompt"),
    [
        (
            "mistral-thinking-content-chunks",
            "magistral-medium-latest",
            "How do I cross the street?",
        ),
        ("mistral-text-stream", "mistral-tiny", "Tell me a joke about OpenTelemetry"),
    ],
)
def test_mistral_requests_as_recorded(name: str, model: str, prompt: str, mode: Mode) -> None:
    # Mistral refuses unknown fields: the recorded requests have no stream_options.
    make = lambda cls, http: cls.openai_compatible("k", name="mistral", http_client=http)  # noqa: E731
    request = ChatRequest(model, [Message.user(prompt)])
    assert body_of(sent(make, request, mode, stream=True)) == recorded(f"{name}.request.json")


# -- reasoning sent back --------------------------------------------------------------------


@ALL_MODES
@pytest.mark.parametrize(
    ("make", "reasoning"),
    [
        # DeepSeek: the tool turn's reasoning (both messages), not the plain turn's.
        (
            lambda cls, http: cls.deepseek("k", http_client=http),
            ["Need the tool.", "The tool said so.", None],
        ),
        # Moonshot, Xiaomi and Zhipu keep all of it.
        (
            lambda cls, http: cls.moonshot("k", http_client=http),
            ["Need the tool.", "The tool said so.", "No tool this time."],
        ),
        (
            lambda cls, http: cls.xiaomi("k", http_client=http),
            ["Need the tool.", "The tool said so.", "No tool this time."],
        ),
        (
            lambda cls, http: cls.zhipu("k", http_client=http),
            ["Need the tool.", "The tool said so.", "No tool this time."],
        ),
        # Hunyuan refuses it; OpenAI too (unknown field); DashScope documents no use.
        (lambda cls, http: cls.tencent_openai_compatible("k", http_client=http), [None] * 3),
        (lambda cls, http: cls.openai("k", http_client=http), [None] * 3),
        (lambda cls, http: cls.aliyun_openai_compatible("k", http_client=http), [None] * 3),
    ],
    ids=["deepseek", "moonshot", "xiaomi", "zhipu", "hunyuan", "openai", "dashscope"],
)
def test_reasoning_round_trip(make: Any, reasoning: list[str | None], mode: Mode) -> None:
    body = body_of(sent(make, CONVERSATION, mode))
    assert assistant_reasoning(body) == reasoning
    # The rest of each message is as always.
    assert body["messages"][1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [CALL_WIRE],
        **({"reasoning_content": reasoning[0]} if reasoning[0] else {}),
    }


# -- fields a provider does not take ------------------------------------------------------------


def test_rejected_fields_are_left_out_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    request = BASIC.with_seed(7).with_top_k(5).with_user("user-42").with_presence_penalty(0.5)
    caplog.set_level(logging.DEBUG, logger="llm_connector")
    body = body_of(sent(lambda cls, http: cls.zhipu("k", http_client=http), request, "sync"))
    # Zhipu: no seed, top_k or penalties; the caller id is user_id.
    assert "seed" not in body and "top_k" not in body and "presence_penalty" not in body
    assert body["user_id"] == "user-42" and "user" not in body
    lines = [r.getMessage() for r in caplog.records if "not sending" in r.getMessage()]
    assert lines == [
        "zhipu: not sending ['presence_penalty', 'seed', 'top_k'] (the provider rejects it)"
    ]
    assert all("user-42" not in r.getMessage() for r in caplog.records)


# Where the end user's ids go: OpenAI and Azure deprecated ``user`` for ``safety_identifier``
# and take ``prompt_cache_key`` (https://platform.openai.com/docs/api-reference/chat/create);
# other servers keep ``user`` as their documents say (or leave it out) and are not sent the
# two fields they do not document.
@pytest.mark.parametrize(
    ("make", "ids"),
    [
        (
            lambda cls, http: cls.openai("k", http_client=http),
            {"safety_identifier": "sid-1", "prompt_cache_key": "pck-1"},
        ),
        (
            lambda cls, http: cls.azure_openai(
                "k", "https://res.openai.azure.com", "2024-10-21", http_client=http
            ),
            {"safety_identifier": "sid-1", "prompt_cache_key": "pck-1"},
        ),
        (lambda cls, http: cls.deepseek("k", http_client=http), {"user": "u-1"}),
        (lambda cls, http: cls.zhipu("k", http_client=http), {"user_id": "u-1"}),
        (lambda cls, http: cls.volcengine("k", http_client=http), {}),
        (lambda cls, http: cls.openai_compatible("k", name="mistral", http_client=http), {}),
        (
            lambda cls, http: cls.openai_compatible("k", "http://127.0.0.1:1/v1", http_client=http),
            {"user": "u-1"},
        ),
    ],
    ids=["openai", "azure", "deepseek", "zhipu", "volcengine", "mistral", "compatible"],
)
@ALL_MODES
def test_end_user_ids_per_provider(make: Any, ids: dict[str, str], mode: Mode) -> None:
    request = BASIC.with_user("u-1").with_safety_identifier("sid-1").with_prompt_cache_key("pck-1")
    body = body_of(sent(make, request, mode))
    names = ("user", "user_id", "safety_identifier", "prompt_cache_key")
    assert {k: body[k] for k in names if k in body} == ids


def test_mistral_seed_is_random_seed() -> None:
    body = body_of(
        sent(
            lambda cls, http: cls.openai_compatible("k", name="mistral", http_client=http),
            BASIC.with_seed(7).with_user("u"),
            "sync",
        )
    )
    assert (body.get("random_seed"), "seed" in body, "user" in body) == (7, False, False)


def test_extra_body_is_the_callers_and_is_kept() -> None:
    # A field a dialect drops is still sent when the caller asks for it explicitly.
    request = BASIC.with_extra_body({"seed": 1})
    body = body_of(sent(lambda cls, http: cls.zhipu("k", http_client=http), request, "sync"))
    assert body["seed"] == 1


@pytest.mark.parametrize("choice", [ToolChoice.required(), ToolChoice.function("get_weather")])
def test_zhipu_refuses_a_forced_tool_before_sending(choice: ToolChoice) -> None:
    with pytest.raises(RequestValidationError) as caught:
        Client.zhipu("k")._driver.settings.prepare_chat(
            BASIC.with_tool_choice(choice), stream=False
        )
    assert caught.value.field == "tool_choice"


@pytest.mark.parametrize(
    ("effort", "budget", "fields"),
    [
        ("none", None, {"thinking": {"type": "disabled"}}),
        (None, 0, {"thinking": {"type": "disabled"}}),
        (None, 4096, {"thinking": {"type": "enabled"}}),
    ],
)
def test_thinking_switch_off_and_by_budget(
    effort: Any, budget: int | None, fields: dict[str, Any]
) -> None:
    request = ChatRequest(
        "m", [Message.user("hi")], reasoning_effort=effort, thinking_budget=budget
    )
    body = body_of(sent(lambda cls, http: cls.deepseek("k", http_client=http), request, "sync"))
    assert {k: body[k] for k in ("thinking", "reasoning_effort") if k in body} == fields


def test_enable_thinking_with_a_budget() -> None:
    request = ChatRequest("m", [Message.user("hi")], thinking_budget=2048)
    make = lambda cls, http: cls.aliyun_openai_compatible("k", http_client=http)  # noqa: E731
    body = body_of(sent(make, request, "sync"))
    assert (body["enable_thinking"], body["thinking_budget"]) == (True, 2048)


@ALL_MODES
@pytest.mark.parametrize("stream", [False, True])
def test_deepseek_refuses_images_before_sending(mode: Mode, stream: bool) -> None:
    # DeepSeek's chat reference takes a message's content as text only
    # (https://api-docs.deepseek.com/api/create-chat-completion) and answers an image part
    # with a 400: the request is refused before it is sent, naming the part. The transport
    # would answer 200, so the error can only come from before sending.
    image = ImagePart(data="iVBORw0KGgo=", media_type="image/png")
    request = ChatRequest("deepseek-chat").add_message(Message.user("Hi"))
    request = request.add_message(Message.user([TextPart("What is this?"), image]))
    deepseek = lambda cls, http: cls.deepseek("k", http_client=http)  # noqa: E731
    with pytest.raises(RequestValidationError) as caught:
        sent(deepseek, request, mode, stream=stream)
    assert (caught.value.field, str(caught.value)) == (
        "messages[1].content[1]",
        "messages[1].content[1]: deepseek does not accept images (its models read text only)",
    )
    # Text-only parts still go.
    text_only = ChatRequest("deepseek-chat").add_message(Message.user([TextPart("Hi")]))
    assert body_of(sent(deepseek, text_only, mode))["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Hi"}]}
    ]


@ALL_MODES
@pytest.mark.parametrize("stream", [False, True])
def test_deepseek_refuses_images_in_a_responses_request_before_sending(
    mode: Mode, stream: bool
) -> None:
    # DeepSeek's row asks /responses first, where the image would go as an input_image;
    # without the refusal there the fallback to chat refused it only after that request.
    # Nothing reaches the transport, and the error names the part as the request has it.
    sent_requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent_requests.append(request)
        return httpx.Response(404)

    image = ImagePart(data="iVBORw0KGgo=", media_type="image/png")
    request = ResponsesRequest(
        model="deepseek-chat", input=[Message.user([TextPart("What is this?"), image])]
    )
    transport = httpx.MockTransport(handle)

    async def ask() -> None:
        if mode == "sync":
            with Client.deepseek("k", http_client=httpx.Client(transport=transport)) as client:
                if stream:
                    client.invoke_responses_stream(request)
                else:
                    client.invoke_responses(request)
            return
        http = httpx.AsyncClient(transport=transport)
        async with AsyncClient.deepseek("k", http_client=http) as aclient:
            if stream:
                await aclient.invoke_responses_stream(request)
            else:
                await aclient.invoke_responses(request)

    with pytest.raises(RequestValidationError) as caught:
        asyncio.run(ask())
    assert (caught.value.field, str(caught.value), sent_requests) == (
        "input[0].content[1]",
        "input[0].content[1]: deepseek does not accept images (its models read text only)",
        [],
    )
