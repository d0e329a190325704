"""Fixtures for the structured-output tests (tests/support/fixtures.py)."""

from __future__ import annotations

from tests.support.fixtures import mode, no_server_threads_left, nothing_left_for_the_collector

__all__ = ["mode", "no_server_threads_left", "nothing_left_for_the_collector"]
