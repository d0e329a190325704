"""Retries are events on the call's one span: a whole call retried after an error status,
a stream sent again after it failed before its first content, and a call that runs out
of retries (its span ends with the last error)."""

from __future__ import annotations

import pytest
from opentelemetry.trace import StatusCode

from llm_connector import MockReply
from llm_connector.types import ChatRequest, Message
from tests.support.facade import Mode, client_class, wrap
from tests.support.otel_capture import Capture, attributes_of

MODES = pytest.mark.parametrize("mode", ["sync", "async"])
REQUEST = ChatRequest("mock-model").add_message(Message.user("Hello?"))
RETRY = "llm_connector.retry"


def retry_events(capture: Capture) -> list[dict[str, object]]:
    span = capture.span()
    return [dict(event.attributes or {}) for event in span.events if event.name == RETRY]


@MODES
async def test_a_retried_whole_call(capture: Capture, mode: Mode) -> None:
    replies: list[str | MockReply] = [MockReply.error(429, "Slow down", retry_after=0), "Hello."]
    api = wrap(client_class(mode).mock(replies, max_retries=2))
    capture.instrument(api.client)
    answer = await api.chat(REQUEST)
    assert answer.content == "Hello."
    (event,) = retry_events(capture)
    assert event == {
        "llm_connector.retry.attempt": 1,
        "llm_connector.retry.wait": 0.0,
        "error.type": "RateLimitError",
        "http.response.status_code": 429,
    }
    attributes = attributes_of(capture.span())
    assert "error.type" not in attributes
    (duration,) = capture.points("gen_ai.client.operation.duration")
    assert duration.count == 1  # one operation, whatever its attempts


@MODES
async def test_a_stream_sent_again_before_its_first_content(capture: Capture, mode: Mode) -> None:
    replies: list[str | MockReply] = [
        MockReply.error(529, "Overloaded", retry_after=0),
        "Hello again.",
    ]
    api = wrap(client_class(mode).mock(replies, provider="anthropic", max_retries=1))
    capture.instrument(api.client)
    chunks = await (await api.stream(REQUEST)).collect()
    assert "".join(c.get_content() or "" for c in chunks) == "Hello again."
    (event,) = retry_events(capture)
    assert event["error.type"] == "OverloadedError"
    assert event["http.response.status_code"] == 529
    attributes = attributes_of(capture.span())
    assert "error.type" not in attributes
    assert attributes["gen_ai.response.time_to_first_chunk"] > 0


@MODES
async def test_a_call_out_of_retries(capture: Capture, mode: Mode) -> None:
    replies = [MockReply.error(503, "Down", retry_after=0)] * 2
    api = wrap(client_class(mode).mock(replies, max_retries=1))
    capture.instrument(api.client)
    with pytest.raises(Exception, match="Down"):
        await api.chat(REQUEST)
    assert [e["llm_connector.retry.attempt"] for e in retry_events(capture)] == [1]
    span = capture.span()
    assert span.status.status_code is StatusCode.ERROR
    assert attributes_of(span)["error.type"] == "InternalServerError"
