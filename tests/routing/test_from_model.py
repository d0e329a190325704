"""Clients from "provider/model" names (every row of the table, presets and aliases),
and the ``model=`` option every constructor takes."""

from __future__ import annotations

import json

import httpx
import pytest

from llm_connector import (
    AsyncClient,
    BadRequestError,
    Client,
    MockServer,
    RequestValidationError,
    supported_providers,
)
from llm_connector.providers import row
from llm_connector.responses import ResponsesRequest
from llm_connector.types import ChatRequest, Message
from llm_connector.types._embedding import EmbedRequest

MODEL = "test-model-7"
HELLO = ChatRequest().add_message(Message.user("hello"))
# Where a provider's client must be told more than the environment says.
OPTIONS = {
    "openai_compatible": {"base_url": "http://127.0.0.1:9/v1"},
    # A Vertex AI token comes from gcloud, not from a variable of its own.
    "anthropic_vertex": {"access_token": "gcloud-token"},
}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every provider's key variables set, and what Azure and Vertex AI read."""
    for name in supported_providers():
        for variable in row(name).api_key_env:
            monkeypatch.setenv(variable, "env-key")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://resource.openai.azure.com")
    monkeypatch.setenv("ANTHROPIC_VERTEX_PROJECT_ID", "project-1")
    monkeypatch.setenv("CLOUD_ML_REGION", "us-east5")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    for variable in ("OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "OLLAMA_HOST"):
        monkeypatch.delenv(variable, raising=False)


@pytest.mark.usefixtures("environment")
@pytest.mark.parametrize("provider", [p for p in supported_providers() if p != "mock"])
def test_every_provider_is_built_from_its_name(provider: str) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(400, json={"error": {"message": "recorded"}})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    client = Client.from_model(f"{provider}/{MODEL}", http_client=http, **OPTIONS.get(provider, {}))
    expected = row(provider)
    assert client.provider == provider
    assert client.model == MODEL
    assert client.capabilities == expected.capabilities
    if (
        expected.default_base_url
        and "{" not in expected.default_base_url
        and provider not in OPTIONS
    ):
        assert client.base_url == expected.default_base_url
    with pytest.raises(BadRequestError):
        client.chat(HELLO)
    [request] = sent
    # The model reaches the wire: in the body, or in the URL (Gemini, Vertex AI, Azure).
    assert (
        MODEL in request.url.path
        or json.loads(request.content).get("model", json.loads(request.content).get("Model"))
        == MODEL
    )
    http.close()


def test_a_mock_from_its_name_answers_as_that_model() -> None:
    client = Client.from_model("mock/echo-1")
    answer = client.chat(HELLO)
    assert (client.provider, client.model, answer.model, answer.content) == (
        "mock",
        "echo-1",
        "echo-1",
        "(offline mock) You said: hello",
    )


@pytest.mark.usefixtures("environment")
@pytest.mark.parametrize(
    ("name", "provider", "model"),
    [
        ("groq/llama-3.3-70b-versatile", "groq", "llama-3.3-70b-versatile"),
        ("ollama/qwen3", "ollama", "qwen3"),
        ("openrouter/anthropic/claude-sonnet-4.5", "openrouter", "anthropic/claude-sonnet-4.5"),
        ("zai/glm-4.6", "zai", "glm-4.6"),
        ("gemini/gemini-2.5-flash", "google", "gemini-2.5-flash"),
        ("azure/gpt-4o", "azure_openai", "gpt-4o"),
        ("dashscope/qwen-max", "aliyun", "qwen-max"),
        ("hunyuan/hunyuan-turbos-latest", "tencent", "hunyuan-turbos-latest"),
        (" Anthropic/claude-sonnet-4-5 ", "anthropic", "claude-sonnet-4-5"),
        ("lmstudio/qwen3-8b", "lmstudio", "qwen3-8b"),
    ],
)
def test_presets_regions_and_aliases(name: str, provider: str, model: str) -> None:
    client = Client.from_model(name)
    assert (client.provider, client.model) == (provider, model)


@pytest.mark.usefixtures("environment")
def test_options_go_to_the_constructor() -> None:
    client = Client.from_model(
        "moonshot/kimi-k2", api_key="own-key", region="international", max_retries=5
    )
    assert client.base_url == "https://api.moonshot.ai/v1"
    assert client._driver.settings.api_key == "own-key"
    assert client._driver.settings.retry.max_retries == 5
    assert AsyncClient.from_model("openai/gpt-4o").__class__ is AsyncClient


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "antropic/claude",
            "model: unknown provider 'antropic' in 'antropic/claude' (did you mean "
            "'anthropic' or 'anthropic_vertex' or 'longcat_anthropic'?); the providers are: ",
        ),
        (
            "gpt-4o",
            "model: 'gpt-4o' names no provider: write 'provider/model' (e.g. 'openai/gpt-4o', "
            "'anthropic/claude-sonnet-4-5')",
        ),
        ("openai/ ", "model: 'openai/ ' names no model after the '/'"),
        ("nosuch/m", "model: unknown provider 'nosuch' in 'nosuch/m'; the providers are: "),
    ],
)
def test_a_bad_name_says_what_is_wrong(name: str, message: str) -> None:
    with pytest.raises(RequestValidationError) as raised:
        Client.from_model(name)
    assert str(raised.value).startswith(message)
    if "the providers are" in message:
        listed = str(raised.value).split("the providers are: ")[1].split(", ")
        assert listed == sorted(
            {*supported_providers(), "mock", "gemini", "azure", "dashscope", "hunyuan"}
        )


def test_a_name_that_is_not_text_is_refused() -> None:
    with pytest.raises(RequestValidationError, match=r"^model: must be 'provider/model' text"):
        Client.from_model(42)  # type: ignore[arg-type]


def test_the_model_option_names_the_model_of_requests_without_one() -> None:
    server = MockServer(provider="openai", responses_api=True)
    assert Client.mock(server).model == "mock-model"  # the model the mock plays
    assert Client.openai("k").model is None

    http = httpx.Client(transport=server.transport())
    explicit = Client.openai(
        "k", "https://mock.llm-connector.invalid/v1", model="default-model", http_client=http
    )
    assert explicit.model == "default-model"
    explicit.chat(HELLO)
    explicit.chat(HELLO.with_model("own-model"))
    explicit.invoke_responses(ResponsesRequest(input="hi"))
    explicit.embed(EmbedRequest("", "text"))
    assert [body.get("model") for body in server.requests] == [
        "default-model",
        "own-model",
        "default-model",
        "default-model",
    ]
    http.close()


@pytest.mark.parametrize("bad", ["", "  ", 7])
def test_a_bad_model_option_is_refused(bad: object) -> None:
    with pytest.raises(RequestValidationError, match=r"^model: must be a model name or None"):
        Client.openai("k", model=bad)  # type: ignore[arg-type]
