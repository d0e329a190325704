"""Client options and per-request overrides, as the server sees them."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from llm_connector import AsyncClient, Client, RequestValidationError
from llm_connector.types import ChatRequest, EmbedRequest, Message, Model
from tests.support.backends import API_KEY, Backend, MakeApi
from tests.support.facade import Api, Mode, client_class, wrap
from tests.support.loopback import LoopbackServer
from tests.support.script import (
    CHAT,
    EMBEDDINGS,
    MODELS,
    completion,
    json_reply,
    text_stream,
)

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Hi"))
EMBED_OK = json_reply({"object": "list", "data": [], "model": "e"})
MODELS_OK = json_reply({"object": "list", "data": []})


def script_all(backend: Backend) -> None:
    backend.script.on(CHAT, json_reply(completion("ok")))
    backend.script.on(MODELS, MODELS_OK)
    backend.script.on(EMBEDDINGS, EMBED_OK)


async def test_per_request_api_key(api: Api, backend: Backend) -> None:
    script_all(backend)
    await api.chat(REQUEST.with_api_key("sk-override"))
    await api.chat(REQUEST)
    first, second = backend.requests
    assert first.headers["authorization"] == "Bearer sk-override"
    assert second.headers["authorization"] == f"Bearer {API_KEY}"


async def test_per_request_base_url(
    make_api: MakeApi, server: LoopbackServer, server2: LoopbackServer
) -> None:
    server.script.on(CHAT, json_reply(completion("from one")))
    server2.script.on(CHAT, json_reply(completion("from two")))
    api = make_api(server)

    assert (await api.chat(REQUEST.with_base_url(server2.base_url + "/"))).content == "from two"
    assert (await api.chat(REQUEST)).content == "from one"

    assert server2.script.hits() == 1
    assert server.script.hits() == 1


async def models_of(api: Api, **overrides: str) -> list[Model]:
    """``models(**overrides)`` on the facade's own client, sync or async."""
    if isinstance(api.client, AsyncClient):
        return await api.client.models(**overrides)
    return api.client.models(**overrides)


async def test_models_per_call_api_key_and_base_url(
    make_api: MakeApi, server: LoopbackServer, server2: LoopbackServer
) -> None:
    # models() takes the overrides a request carries for the other calls (issue 25).
    server.script.on(MODELS, json_reply({"object": "list", "data": [{"id": "one"}]}))
    server2.script.on(MODELS, json_reply({"object": "list", "data": [{"id": "two"}]}))
    api = make_api(server)
    override = await models_of(api, api_key="sk-override", base_url=server2.base_url + "/")
    assert [m.id for m in override] == ["two"]
    assert [m.id for m in await models_of(api, api_key="sk-override")] == ["one"]
    assert [m.id for m in await models_of(api)] == ["one"]
    (elsewhere,) = server2.script.requests
    assert elsewhere.headers["authorization"] == "Bearer sk-override"
    keyed, own = server.script.requests
    assert (keyed.headers["authorization"], own.headers["authorization"]) == (
        "Bearer sk-override",
        f"Bearer {API_KEY}",
    )


async def test_per_request_header_and_constructor_headers(
    make_api: MakeApi, backend: Backend
) -> None:
    script_all(backend)
    api = make_api(headers={"X-Team": "red", "X-Trace": "client"})

    await api.chat(REQUEST.with_header("X-Trace", "request").with_header("X-Extra", "1"))
    stream = await api.stream(REQUEST)
    await stream.close()
    await api.models()
    await api.embed(EmbedRequest("e", "x"))

    chat, streamed, models, embed = backend.requests
    assert chat.headers["x-team"] == "red"
    assert chat.headers["x-trace"] == "request"
    assert chat.headers["x-extra"] == "1"
    for other in (streamed, models, embed):
        assert other.headers["x-team"] == "red"
        assert other.headers["x-trace"] == "client"
        assert "x-extra" not in other.headers


async def test_env_fallbacks(
    mode: Mode, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url + "/")
    server.script.on(CHAT, json_reply(completion("env")))
    api = wrap(client_class(mode).openai())
    try:
        assert api.client.base_url == server.base_url
        assert (await api.chat(REQUEST)).content == "env"
    finally:
        await api.close()
    assert server.requests[0].headers["authorization"] == "Bearer sk-from-env"


async def test_explicit_arguments_beat_env(
    make_api: MakeApi, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/never")
    server.script.on(CHAT, json_reply(completion("explicit")))
    api = make_api(server, api_key="sk-explicit")
    assert (await api.chat(REQUEST)).content == "explicit"
    assert server.requests[0].headers["authorization"] == "Bearer sk-explicit"


async def test_no_api_key_anywhere(
    mode: Mode, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    server.script.on(CHAT, json_reply(completion("keyed")))
    client = client_class(mode).openai(base_url=server.base_url)
    api = wrap(client)
    try:
        # Nothing is sent without a key: every call names the missing field.
        with pytest.raises(RequestValidationError) as caught:
            await api.chat(REQUEST)
        assert caught.value.field == "api_key"
        assert "OPENAI_API_KEY" in caught.value.message
        with pytest.raises(RequestValidationError):
            client.chat_stream(REQUEST)  # async: raised before anything is awaited
        with pytest.raises(RequestValidationError):
            await api.models()
        with pytest.raises(RequestValidationError):
            await api.embed(EmbedRequest("e", "x"))
        assert server.requests == []
        # A key given per request is enough.
        assert (await api.chat(REQUEST.with_api_key("sk-late"))).content == "keyed"
    finally:
        await api.close()
    assert len(server.requests) == 1


def test_injected_http_client_is_used_and_not_closed_sync(server: LoopbackServer) -> None:
    server.script.on(CHAT, json_reply(completion("via injected")))
    seen: list[str] = []

    def hook(request: httpx.Request) -> None:
        seen.append(str(request.url))

    with httpx.Client(event_hooks={"request": [hook]}) as http:
        client = Client.openai(API_KEY, server.base_url, http_client=http)
        assert client.chat(REQUEST).content == "via injected"
        client.close()
        assert not http.is_closed
    assert seen == [f"{server.base_url}/chat/completions"]


async def test_injected_http_client_is_used_and_not_closed_async(server: LoopbackServer) -> None:
    server.script.on(CHAT, json_reply(completion("via injected")))
    seen: list[str] = []

    async def hook(request: httpx.Request) -> None:
        seen.append(str(request.url))

    async with httpx.AsyncClient(event_hooks={"request": [hook]}) as http:
        client = AsyncClient.openai(API_KEY, server.base_url, http_client=http)
        assert (await client.chat(REQUEST)).content == "via injected"
        await client.aclose()
        assert not http.is_closed
    assert seen == [f"{server.base_url}/chat/completions"]


async def test_owned_pool_is_closed_by_close(mode: Mode, server: LoopbackServer) -> None:
    server.script.on(CHAT, text_stream("x"))
    api = wrap(client_class(mode).openai(API_KEY, server.base_url))
    stream = await api.stream(REQUEST)
    await stream.collect()
    await api.close()
    # The pooled keep-alive connection is closed with the client.
    assert server.count("connect") == 1
    for _ in range(250):
        if server.count("disconnect") == 1:
            break
        await _pause()
    assert server.count("disconnect") == 1


async def _pause() -> None:
    await asyncio.sleep(0.01)


async def test_context_managers_close_the_client(mode: Mode, server: LoopbackServer) -> None:
    server.script.on(CHAT, json_reply(completion("cm")))
    if mode == "sync":
        with Client.openai(API_KEY, server.base_url) as client:
            assert client.chat(REQUEST).content == "cm"
        with pytest.raises(RuntimeError, match="closed"):
            client.chat(REQUEST)
    else:
        async with AsyncClient.openai(API_KEY, server.base_url) as aclient:
            assert (await aclient.chat(REQUEST)).content == "cm"
        with pytest.raises(RuntimeError, match="closed"):
            await aclient.chat(REQUEST)


async def test_requests_go_through_the_proxy(mode: Mode, server: LoopbackServer) -> None:
    # The loopback server stands in for a plain-HTTP forward proxy: the client sends it the
    # absolute URL of a host that does not exist, which only a proxy can answer for.
    server.script.on(CHAT, json_reply(completion("via proxy")))
    origin = "http://llm.example.invalid/v1"
    api = wrap(client_class(mode).openai(API_KEY, origin, proxy=server.origin))
    try:
        assert (await api.chat(REQUEST)).content == "via proxy"
    finally:
        await api.close()
    (seen,) = server.requests
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["host"] == "llm.example.invalid"
    assert seen.headers["authorization"] == f"Bearer {API_KEY}"


def test_proxy_with_http_client_is_rejected() -> None:
    with httpx.Client() as http, pytest.raises(RequestValidationError) as caught:
        Client.openai("sk-x", http_client=http, proxy="http://127.0.0.1:3128")
    assert caught.value.field == "proxy"


async def test_proxy_with_http_client_is_rejected_async() -> None:
    async with httpx.AsyncClient() as http:
        with pytest.raises(RequestValidationError) as caught:
            AsyncClient.openai("sk-x", http_client=http, proxy="http://127.0.0.1:3128")
    assert caught.value.field == "proxy"


async def test_http_client_of_the_wrong_kind_is_rejected() -> None:
    async with httpx.AsyncClient() as ahttp:
        with pytest.raises(RequestValidationError) as caught:
            Client.openai("sk-x", http_client=ahttp)  # type: ignore[arg-type]
    assert caught.value.field == "http_client"
    assert "httpx.Client" in caught.value.message
    with httpx.Client() as http, pytest.raises(RequestValidationError) as caught:
        AsyncClient.openai("sk-x", http_client=http)  # type: ignore[arg-type]
    assert caught.value.field == "http_client"


@pytest.mark.parametrize("value", [-1, 1.5, True, "2"])
def test_invalid_max_retries(value: object) -> None:
    with pytest.raises(RequestValidationError) as caught:
        Client.openai("sk-x", max_retries=value)  # type: ignore[arg-type]
    assert caught.value.field == "max_retries"


async def test_repr_and_base_url(api: Api, backend: Backend) -> None:
    cls = type(api.client).__name__
    assert repr(api.client) == (
        f"{cls}(provider='openai', base_url='{backend.base_url}', api_key=set)"
    )
    assert api.client.provider == "openai"
