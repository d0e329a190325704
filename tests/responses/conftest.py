"""Fixtures of the Responses client tests: the mode (sync or async) and loopback servers,
stopped (their threads joined) after each test, and the leak checks; all of them the
shared ones of tests/support/fixtures.py."""

from __future__ import annotations

from tests.support.fixtures import (
    mode,
    no_server_threads_left,
    nothing_left_for_the_collector,
    server,
    server2,
)

__all__ = ["mode", "no_server_threads_left", "nothing_left_for_the_collector", "server", "server2"]
