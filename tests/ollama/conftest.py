"""Fixtures of the Ollama client tests: the shared ones of tests/support/fixtures.py
(backend, mode, server-thread and leak checks), imported, and a factory of Ollama clients
for a backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.backends import Backend
from tests.support.facade import Api, Mode, wrap
from tests.support.fixtures import (
    backend,
    mode,
    no_server_threads_left,
    nothing_left_for_the_collector,
)
from tests.support.ollama_clients import MakeOllama, new_ollama

__all__ = [
    "backend",
    "make_ollama",
    "mode",
    "no_server_threads_left",
    "nothing_left_for_the_collector",
    "ollama",
]


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
