"""Fixtures of the Anthropic client tests: the shared ones of tests/support/fixtures.py (a
scripted backend, real loopback server or MockTransport; the sync/async mode; the thread and
garbage checks; the retry-sleep recorder), and ``make``, a client factory for them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from llm_connector import AsyncClient, Client
from tests.support.anthropic_clients import KEY, Factory
from tests.support.backends import Backend
from tests.support.facade import Api, Mode, wrap
from tests.support.fixtures import (
    backend,
    mode,
    no_server_threads_left,
    nothing_left_for_the_collector,
    sleeps,
)
from tests.support.mock_backend import MockBackend

__all__ = [
    "backend",
    "make",
    "mode",
    "no_server_threads_left",
    "nothing_left_for_the_collector",
    "sleeps",
]


@pytest.fixture
async def make(mode: Mode, backend: Backend) -> AsyncIterator[Factory]:
    """``make(provider="anthropic", **options)``: a client of this test's mode aimed at the
    backend (through its transport for the mock), retries off unless asked; closed after."""
    made: list[Api] = []

    def factory(provider: str = "anthropic", **options: Any) -> Api:
        cls = Client if mode == "sync" else AsyncClient
        options.setdefault("max_retries", 0)
        base_url = options.pop("base_url", backend.origin)
        if isinstance(backend, MockBackend):
            client = cls(provider, KEY, base_url, _transport=backend.transport, **options)
        else:
            client = getattr(cls, provider)(KEY, base_url, **options)
        api = wrap(client)
        made.append(api)
        return api

    yield factory
    for api in made:
        await api.close()
