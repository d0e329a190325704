"""Fixtures for the client tests: a backend (real loopback server or MockTransport), a
mode (sync or async), and a factory for clients of that mode talking to that backend.

Every client a test makes through ``make_api`` is closed after it; every loopback server
is stopped and its threads joined. The fixtures other folders share too (the backend, the
mode, the servers, the sleep recorder, the leak checks) are tests/support/fixtures.py's.
"""

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
    """``make_api(backend=None, **options)``: a client facade of this test's mode (for the
    test's ``backend`` fixture by default), closed after the test."""
    made: list[Api] = []

    def make(backend: Backend | None = None, **options: Any) -> Api:
        if backend is None:
            backend = request.getfixturevalue("backend")
        assert backend is not None
        api = wrap(new_client(mode, backend, **options))
        made.append(api)
        return api

    yield make
    for api in made:
        await api.close()


@pytest.fixture
async def api(make_api: MakeApi, backend: Backend) -> Api:
    """A client of this test's mode for this test's backend, with retries off."""
    return make_api(backend, max_retries=0)
