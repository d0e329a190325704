"""Fixtures for the Gemini client tests: the shared backends (a real loopback server or a
MockTransport), modes (sync or async) and leak checks of tests/support/fixtures.py, and a
Gemini client of that mode aimed at that backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.backends import Backend
from tests.support.facade import Api, Mode, wrap
from tests.support.fixtures import (
    backend,
    mode,
    no_server_threads_left,
    nothing_left_for_the_collector,
)
from tests.support.gemini_clients import new_gemini

__all__ = ["backend", "gemini", "mode", "no_server_threads_left", "nothing_left_for_the_collector"]


@pytest.fixture
async def gemini(mode: Mode, backend: Backend) -> AsyncIterator[Api]:
    """A Gemini client of this test's mode for this test's backend, retries off."""
    api = wrap(new_gemini(mode, backend))
    yield api
    await api.close()
