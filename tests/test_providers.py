"""The provider registry's own logic: base URLs from the environment, Vertex URLs, paging,
and operations a protocol lacks (refused before anything is sent)."""

from __future__ import annotations

import httpx
import pytest

from llm_connector import AsyncClient, Client, ResponseDecodeError, UnsupportedFeatureError
from llm_connector.calls.driver import MAX_MODEL_PAGES, ModelPager
from llm_connector.calls.prepare import PreparedCall
from llm_connector.codecs.contract import RequestSpec
from llm_connector.errors import RequestValidationError
from llm_connector.providers.table import PROVIDERS
from llm_connector.providers.urls import vertex_base_url
from llm_connector.types import ChatRequest, Message, Model, ModelPage


@pytest.mark.parametrize(
    ("value", "url"),
    [
        # The forms Ollama's own docs give for OLLAMA_HOST: scheme and port are optional.
        ("0.0.0.0", "http://0.0.0.0:11434"),
        ("localhost:11434", "http://localhost:11434"),
        ("127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://ollama.lan", "http://ollama.lan:11434"),
        ("https://ollama.example.com", "https://ollama.example.com:443"),
        ("https://ollama.example.com:8443/", "https://ollama.example.com:8443"),
        ("[::1]:11434", "http://[::1]:11434"),
        ("[::1]", "http://[::1]:11434"),
    ],
)
def test_ollama_host_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, url: str
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", value)
    assert PROVIDERS["ollama"].resolve_base_url(None) == url


def test_ollama_host_default_and_explicit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    assert PROVIDERS["ollama"].resolve_base_url(None) == "http://localhost:11434"
    # An explicit URL is taken as given.
    assert PROVIDERS["ollama"].resolve_base_url("http://gpu-box:9999/") == "http://gpu-box:9999"


def test_gemini_key_falls_back_from_gemini_to_google(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.setenv("GOOGLE_API_KEY", "g-key")
    assert PROVIDERS["google"].resolve_api_key(None) == "g-key"
    monkeypatch.setenv("GEMINI_API_KEY", "gem-key")
    assert PROVIDERS["google"].resolve_api_key(None) == "gem-key"


def test_vertex_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert vertex_base_url("proj-1", "us-east5") == (
        "https://us-east5-aiplatform.googleapis.com/v1/projects/proj-1/locations/us-east5"
        "/publishers/anthropic/models"
    )
    # The global endpoint's host has no region prefix.
    assert vertex_base_url("p", "global") == (
        "https://aiplatform.googleapis.com/v1/projects/p/locations/global"
        "/publishers/anthropic/models"
    )
    monkeypatch.setenv("ANTHROPIC_VERTEX_PROJECT_ID", "env-proj")
    monkeypatch.setenv("CLOUD_ML_REGION", "europe-west1")
    assert "/projects/env-proj/locations/europe-west1/" in vertex_base_url(None, None)


@pytest.mark.parametrize(
    ("env", "field"), [("ANTHROPIC_VERTEX_PROJECT_ID", "project"), ("CLOUD_ML_REGION", "region")]
)
def test_vertex_needs_a_project_and_region(
    monkeypatch: pytest.MonkeyPatch, env: str, field: str
) -> None:
    monkeypatch.setenv("ANTHROPIC_VERTEX_PROJECT_ID", "p")
    monkeypatch.setenv("CLOUD_ML_REGION", "r")
    monkeypatch.delenv(env)
    with pytest.raises(RequestValidationError) as caught:
        Client.anthropic_vertex(access_token="t")
    assert caught.value.field == field


class _FakeClient:
    """Stands in for a client: records the page tokens it was asked for."""

    def __init__(self) -> None:
        self.tokens: list[str | None] = []

    def _prepare_models(self, page_token: str | None) -> PreparedCall:
        self.tokens.append(page_token)
        return PreparedCall(RequestSpec("GET", "http://x/models", {}), ())


def test_model_pager_follows_tokens_to_the_last_page() -> None:
    client = _FakeClient()
    pager = ModelPager(client._prepare_models)
    pages = [
        ModelPage((Model("a"),), "t1"),
        ModelPage((Model("b"), Model("c")), "t2"),
        ModelPage(()),
    ]
    while pager.next_call() is not None:
        pager.add(pages.pop(0))
    assert client.tokens == [None, "t1", "t2"]
    assert [m.id for m in pager.models] == ["a", "b", "c"]


def test_model_pager_stops_when_a_server_repeats_its_token() -> None:
    client = _FakeClient()
    pager = ModelPager(client._prepare_models)
    calls = 0
    while pager.next_call() is not None:
        calls += 1
        pager.add(ModelPage((Model(f"m{calls}"),), "same"))
    assert calls == 2
    assert client.tokens == [None, "same"]


def test_model_pager_gives_up_on_endless_pages() -> None:
    pager = ModelPager(_FakeClient()._prepare_models)
    for n in range(MAX_MODEL_PAGES):
        assert pager.next_call() is not None
        pager.add(ModelPage((), f"t{n}"))
    with pytest.raises(ResponseDecodeError):
        pager.next_call()


def _refusing_transport(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(500)

    return httpx.MockTransport(handle)


REQUEST = ChatRequest("gpt-test").add_message(Message.user("Hi"))


def test_operations_a_protocol_lacks_are_refused_before_sending() -> None:
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=_refusing_transport(seen))
    # DeepSeek: an OpenAI-chat provider without token counting (OpenAI has it).
    client = Client.deepseek("sk-test", http_client=http)
    with pytest.raises(UnsupportedFeatureError, match="deepseek has no token counting"):
        client.count_tokens(REQUEST)
    with pytest.raises(UnsupportedFeatureError, match="model pulling"):
        client.pull_model("llama3")
    with pytest.raises(UnsupportedFeatureError, match="model deletion"):
        client.delete_model("llama3")
    with pytest.raises(UnsupportedFeatureError, match="model details"):
        client.show_model("llama3")
    assert seen == []
    http.close()


async def test_operations_a_protocol_lacks_are_refused_before_sending_async() -> None:
    seen: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=_refusing_transport(seen)) as http:
        client = AsyncClient.deepseek("sk-test", http_client=http)
        with pytest.raises(UnsupportedFeatureError, match="deepseek has no token counting"):
            await client.count_tokens(REQUEST)
        with pytest.raises(UnsupportedFeatureError):
            await client.show_model("llama3")
    assert seen == []


def test_a_model_operation_needs_a_name() -> None:
    client = Client.openai("sk-test")
    with pytest.raises(RequestValidationError) as caught:
        client.pull_model(" ")
    assert caught.value.field == "name"
    client.close()
