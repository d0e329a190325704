"""Fixtures for the client tests: a backend (real loopback server or MockTransport), a
mode (sync or async), and a factory for clients of that mode talking to that backend.

Every client a test makes through ``make_api`` is closed after it; every loopback server
is stopped and its threads joined.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any, Protocol, TypeAlias

import pytest

import llm_connector.shells.async_streams as async_shell
import llm_connector.shells.sync_streams as sync_shell
from llm_connector import AsyncClient, Client
from tests.support.facade import Api, Mode, wrap
from tests.support.loopback import SERVER_THREADS, LoopbackServer
from tests.support.mock_backend import MockBackend

Backend: TypeAlias = LoopbackServer | MockBackend

API_KEY = "sk-test-key-0001"


class MakeApi(Protocol):
    def __call__(self, backend: Backend | None = None, **options: Any) -> Api: ...


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


def new_client(mode: Mode, backend: Backend, **options: Any) -> Client | AsyncClient:
    """An OpenAI client of ``mode`` aimed at ``backend`` (through its transport for the
    mock backend: the same private seam ``Client.mock`` uses, so the client owns its pool
    exactly as it does over the network)."""
    cls = Client if mode == "sync" else AsyncClient
    options.setdefault("api_key", API_KEY)
    options.setdefault("base_url", backend.base_url)
    api_key = options.pop("api_key")
    base_url = options.pop("base_url")
    if isinstance(backend, MockBackend):
        return cls("openai", api_key, base_url, _transport=backend.transport, **options)
    return cls.openai(api_key, base_url, **options)


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


SleepLog: TypeAlias = list[float]


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
