"""The values and types the client tests share: the scripted backend a client talks to
(a real loopback server or a MockTransport), the API key the clients send, the client
factory's type, the retry-sleep log, and an OpenAI client aimed at a backend.

The fixtures that hand these out live in the conftest.py files (tests/support/fixtures.py
holds the ones several folders share); the test modules import the names from here.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias

from llm_connector import AsyncClient, Client
from tests.support.facade import Api, Mode
from tests.support.loopback import LoopbackServer
from tests.support.mock_backend import MockBackend

Backend: TypeAlias = LoopbackServer | MockBackend

API_KEY = "sk-test-key-0001"

#: The waits the shells asked to sleep for (the ``sleeps`` fixture records them instead).
SleepLog: TypeAlias = list[float]


class MakeApi(Protocol):
    def __call__(self, backend: Backend | None = None, **options: Any) -> Api: ...


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
