"""Fixtures for the routing tests: the shared mode and loopback servers, and the checks
that nothing outlives a test (tests/support/fixtures.py)."""

from __future__ import annotations

from tests.support.fixtures import (
    mode,
    no_server_threads_left,
    nothing_left_for_the_collector,
    server,
    server2,
)

__all__ = ["mode", "no_server_threads_left", "nothing_left_for_the_collector", "server", "server2"]
