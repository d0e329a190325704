"""Fixtures of the reliability tests: the shared ones (tests/support/fixtures.py: the
loopback server, the sync/async mode, the retry-sleep recorder, the thread and garbage
checks), under their names, plus a client factory that checks, after every test, that its
clients' connection pools have nothing checked out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.backends import Backend, MakeApi, new_client
from tests.support.facade import Api, Mode, wrap
from tests.support.fixtures import (
    backend,
    mode,
    no_server_threads_left,
    nothing_left_for_the_collector,
    server,
    server2,
    sleeps,
)
from tests.support.pool import connections_in_use

__all__ = [
    "backend",
    "mode",
    "no_server_threads_left",
    "nothing_left_for_the_collector",
    "server",
    "server2",
    "sleeps",
]


@pytest.fixture
async def make_api(mode: Mode, request: pytest.FixtureRequest) -> AsyncIterator[MakeApi]:
    """As in tests/clients, and after the test (before closing them) no client has a
    connection checked out of its pool: every error path handed its connection back or
    closed it."""
    made: list[Api] = []

    def make(backend: Backend | None = None, **options: Any) -> Api:
        if backend is None:
            backend = request.getfixturevalue("server")
        assert backend is not None
        api = wrap(new_client(mode, backend, **options))
        made.append(api)
        return api

    yield make
    try:
        for api in made:
            await api.settle()
            assert connections_in_use(api.client) == 0, "a connection was left checked out"
    finally:
        for api in made:
            await api.close()
