"""The fixtures several test folders share: the sync/async mode, the scripted backend
(real loopback server or MockTransport), loopback servers, the retry-sleep recorder, and
the checks that no server thread and no unclosed resource outlives a test.

A conftest.py takes the ones its folder needs by importing them (pytest finds fixtures by
name in a conftest's namespace): tests/clients, tests/anthropic, tests/gemini,
tests/ollama and tests/reliability do. One definition, so the folders cannot drift apart.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Iterator

import pytest

import llm_connector.shells.async_streams as async_shell
import llm_connector.shells.sync_streams as sync_shell
from tests.support.backends import Backend, SleepLog
from tests.support.facade import Mode
from tests.support.loopback import SERVER_THREADS, LoopbackServer
from tests.support.mock_backend import MockBackend


@pytest.fixture(autouse=True)
def no_server_threads_left() -> Iterator[None]:
    """After each test and its fixtures, no loopback server thread is still running."""
    yield
    alive = [t.name for t in threading.enumerate() if t.name.startswith(SERVER_THREADS)]
    assert alive == [], f"server threads outlived the test: {alive}"


@pytest.fixture(autouse=True, scope="module")
def nothing_left_for_the_collector() -> Iterator[None]:
    """Unclosed sockets and responses warn when collected (an error under
    ``filterwarnings = error``); collect after each module so a leak in a reference cycle
    fails this module rather than some later test (or nothing at all)."""
    yield
    gc.collect()


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> Mode:
    value: Mode = request.param
    return value


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A loopback server (tests that need real sockets use this directly)."""
    srv = LoopbackServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def server2() -> Iterator[LoopbackServer]:
    """A second loopback server (for per-request base URL overrides)."""
    srv = LoopbackServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(params=["loopback", "mock"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """The scripted server behind either transport."""
    if request.param == "mock":
        yield MockBackend()
        return
    srv = LoopbackServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> SleepLog:
    """Record the shells' retry waits instead of sleeping (the async one still yields to
    the loop once). Only the shells' own ``sleep`` functions are replaced."""
    log: SleepLog = []
    real_sleep = asyncio.sleep

    def fake_sleep(seconds: float) -> None:
        log.append(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        log.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(sync_shell, "sleep", fake_sleep)
    monkeypatch.setattr(async_shell, "sleep", fake_async_sleep)
    return log
