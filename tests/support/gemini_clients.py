"""A Gemini client of either kind aimed at a scripted backend, and the key it sends."""

from __future__ import annotations

from typing import Any

from llm_connector import AsyncClient, Client
from tests.support.backends import Backend
from tests.support.facade import Mode
from tests.support.mock_backend import MockBackend

API_KEY = "gemini-key-0001"


def new_gemini(mode: Mode, backend: Backend, **options: Any) -> Client | AsyncClient:
    """A Gemini client of ``mode`` for ``backend``, retries off unless asked for."""
    cls = Client if mode == "sync" else AsyncClient
    options.setdefault("max_retries", 0)
    if isinstance(backend, MockBackend):
        # The private seam Client.mock uses, as tests/support/backends.py's new_client does.
        return cls("google", API_KEY, backend.base_url, _transport=backend.transport, **options)
    return cls.google(API_KEY, backend.base_url, **options)
