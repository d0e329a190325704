"""Fixtures of the Responses client tests: the mode (sync or async) and loopback servers,
stopped (their threads joined) after each test."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from tests.support.facade import Mode
from tests.support.loopback import SERVER_THREADS, LoopbackServer


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> Mode:
    value: Mode = request.param
    return value


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def server2() -> Iterator[LoopbackServer]:
    srv = LoopbackServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(autouse=True)
def no_server_threads_left() -> Iterator[None]:
    yield
    alive = [t.name for t in threading.enumerate() if t.name.startswith(SERVER_THREADS)]
    assert alive == [], f"server threads outlived the test: {alive}"


@pytest.fixture(autouse=True, scope="module")
def nothing_left_for_the_collector() -> Iterator[None]:
    yield
    gc.collect()
