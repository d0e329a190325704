"""Fixtures for the Gemini client tests: the client tests' backends (a real loopback server
or a MockTransport) and modes (sync or async), and a Gemini client of that mode aimed at
that backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import tests.clients.conftest as client_fixtures
from llm_connector import AsyncClient, Client
from tests.clients.conftest import Backend
from tests.support.facade import Api, Mode, wrap
from tests.support.mock_backend import MockBackend

# The client tests' fixtures, shared: the backend, the mode, and the leak checks.
backend = client_fixtures.backend
mode = client_fixtures.mode
no_server_threads_left = client_fixtures.no_server_threads_left
nothing_left_for_the_collector = client_fixtures.nothing_left_for_the_collector

API_KEY = "gemini-key-0001"


@pytest.fixture
async def gemini(mode: Mode, backend: Backend) -> AsyncIterator[Api]:
    """A Gemini client of this test's mode for this test's backend, retries off."""
    cls = Client if mode == "sync" else AsyncClient
    if isinstance(backend, MockBackend):
        # The private seam Client.mock uses, as tests/clients/conftest.py does.
        client = cls(
            "google", API_KEY, backend.base_url, max_retries=0, _transport=backend.transport
        )
    else:
        client = cls.google(API_KEY, backend.base_url, max_retries=0)
    api = wrap(client)
    yield api
    await api.close()
