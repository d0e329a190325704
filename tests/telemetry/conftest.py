"""The telemetry tests' fixture: an in-memory capture, and no instrumentation left over."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from llm_connector.telemetry import uninstrument
from tests.support.otel_capture import Capture

__all__ = ["capture"]


@pytest.fixture
def capture() -> Iterator[Capture]:
    found = Capture()
    try:
        yield found
    finally:
        uninstrument()  # a test that instrumented every client leaves none behind
        found.shutdown()
