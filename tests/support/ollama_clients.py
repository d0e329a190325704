"""An Ollama client of either kind aimed at a scripted backend, and the factory type the
``make_ollama`` fixture (tests/ollama/conftest.py) hands out."""

from __future__ import annotations

from typing import Any, Protocol

from llm_connector import AsyncClient, Client
from tests.support.backends import Backend
from tests.support.facade import Api, Mode
from tests.support.mock_backend import MockBackend


class MakeOllama(Protocol):
    def __call__(self, backend: Backend, **options: Any) -> Api: ...


def new_ollama(mode: Mode, backend: Backend, **options: Any) -> Client | AsyncClient:
    """An Ollama client of ``mode`` aimed at ``backend`` (its origin: Ollama's paths start
    at the root), with retries off unless asked for."""
    cls = Client if mode == "sync" else AsyncClient
    options.setdefault("max_retries", 0)
    api_key = options.pop("api_key", None)
    base_url = options.pop("base_url", backend.origin)
    if isinstance(backend, MockBackend):
        return cls("ollama", api_key, base_url, _transport=backend.transport, **options)
    return cls.ollama(base_url, api_key, **options)
