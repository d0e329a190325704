"""Fixtures of the Ollama client tests: the shared ones of tests/clients (backend, mode,
server-thread and leak checks), imported, and a factory of Ollama clients for a backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol

import pytest

import tests.clients.conftest as shared
from llm_connector import AsyncClient, Client
from tests.clients.conftest import Backend
from tests.support.facade import Api, Mode, wrap
from tests.support.mock_backend import MockBackend

# The shared fixtures, under their names (pytest finds fixtures by name in a conftest).
backend = shared.backend
mode = shared.mode
no_server_threads_left = shared.no_server_threads_left
nothing_left_for_the_collector = shared.nothing_left_for_the_collector


class MakeOllama(Protocol):
    def __call__(self, backend: Backend, **options: Any) -> Api: ...


def new_ollama(mode: Mode, backend: Backend, **options: Any) -> Client | AsyncClient:
    """An Ollama client of ``mode`` aimed at ``backend`` (its origin: Ollama's paths start
    at the root), with retries off unless asked for."""
    cls = Client if mode == "sync" else AsyncClient
    options.setdefault("max_retries", 0)
    api_key = options.pop("api_key", None)
    base_url = options.pop("base_url", backend.origin)
    if isinstance(backend, MockBackend):
        return cls("ollama", api_key, base_url, _transport=backend.transport, **options)
    return cls.ollama(base_url, api_key, **options)


@pytest.fixture
async def make_ollama(mode: Mode) -> AsyncIterator[MakeOllama]:
    made: list[Api] = []

    def make(backend: Backend, **options: Any) -> Api:
        api = wrap(new_ollama(mode, backend, **options))
        made.append(api)
        return api

    yield make
    for api in made:
        await api.close()


@pytest.fixture
async def ollama(make_ollama: MakeOllama, backend: Backend) -> Api:
    """An Ollama client of this test's mode for this test's backend, retries off."""
    return make_ollama(backend)
