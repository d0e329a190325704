"""What the shared codec helpers must know about Anthropic's error types
(https://docs.anthropic.com/en/api/errors)."""

from __future__ import annotations

import pytest

from llm_connector.codecs.contract import ErrorInfo
from llm_connector.codecs.error_bodies import in_stream_error, status_for_error


@pytest.mark.parametrize(
    ("error_type", "status"), [("billing_error", 402), ("request_too_large", 413)]
)
def test_the_shared_error_table_knows_every_anthropic_error_type(
    error_type: str, status: int
) -> None:
    info = ErrorInfo("m", error_type)
    assert status_for_error(info, 500) == status
    assert in_stream_error(info, "{}").status_code == status
