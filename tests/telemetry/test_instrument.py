"""``instrument()`` for every client and for one; the content switch from the
environment; telemetry that fails never fails a call; each member of a fallback chain
makes its own span; and the observer the driver calls hears the same events in the same
order from both clients."""

from __future__ import annotations

import logging

import attrs
import pytest

from llm_connector import Client, MockReply, RequestValidationError, instrument, uninstrument
from llm_connector.calls.hooks import RetryInfo
from llm_connector.calls.observer import CallStart
from llm_connector.types import ChatRequest, Message
from tests.support.facade import Mode, client_class, wrap
from tests.support.otel_capture import Capture, attributes_of

REQUEST = ChatRequest("mock-model").add_message(Message.user("Hello?"))
MODES = pytest.mark.parametrize("mode", ["sync", "async"])


def test_every_client_and_then_none(capture: Capture) -> None:
    made_before = Client.mock("One.")
    capture.instrument()
    made_before.chat(REQUEST)
    Client.mock("Two.").chat(REQUEST)
    assert len(capture.spans()) == 2
    uninstrument()
    Client.mock("Three.").chat(REQUEST)
    assert len(capture.spans()) == 2


def test_a_clients_own_instrumentation_comes_first(capture: Capture) -> None:
    own = Capture()
    capture.instrument()
    client = Client.mock("One.")
    own.instrument(client)
    client.chat(REQUEST)
    assert capture.spans() == []
    assert len(own.spans()) == 1
    uninstrument(client)  # back to the global instrumentation
    client.chat(REQUEST)
    assert len(capture.spans()) == 1
    own.shutdown()


@pytest.mark.parametrize(
    ("setting", "captured"), [("true", True), ("SPAN_ONLY", True), ("false", False), ("", False)]
)
def test_content_follows_the_conventions_variable(
    capture: Capture, monkeypatch: pytest.MonkeyPatch, setting: str, captured: bool
) -> None:
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", setting)
    client = Client.mock("Fine.")
    telemetry = instrument(
        client, tracer_provider=capture.tracer_provider, meter_provider=capture.meter_provider
    )
    assert telemetry.capture_content is captured
    client.chat(REQUEST)
    assert ("gen_ai.input.messages" in attributes_of(capture.span())) is captured


def test_only_a_client_is_instrumented() -> None:
    with pytest.raises(RequestValidationError, match="Client"):
        instrument("not a client")  # type: ignore[arg-type]


def test_failing_telemetry_never_fails_a_call(
    capture: Capture, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client.mock("Still answered.")
    telemetry = capture.instrument(client)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("exporter bug")

    telemetry.duration.record = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="llm_connector"):
        assert client.chat(REQUEST).content == "Still answered."
        assert "".join(c.get_content() or "" for c in client.chat_stream(REQUEST))
    assert "telemetry failed in ended" in caplog.text


def test_each_fallback_member_makes_its_own_span(capture: Capture) -> None:
    capture.instrument()
    down = Client.mock(MockReply.error(503, "Down"), provider="anthropic")
    up = Client.mock("From the second.", provider="google")
    with Client.fallback([down, up]) as chain:
        assert chain.chat(REQUEST).content == "From the second."
    failed, answered = sorted(capture.spans(), key=lambda span: span.start_time or 0)
    assert attributes_of(failed)["gen_ai.provider.name"] == "anthropic"
    assert attributes_of(failed)["error.type"] == "InternalServerError"
    assert attributes_of(answered)["gen_ai.provider.name"] == "gcp.gemini"
    assert "error.type" not in attributes_of(answered)


# -- the observer the driver calls (no OpenTelemetry involved) ------------------------------


@attrs.define
class Recorder:
    """An observer factory that writes down what each call's observer hears."""

    heard: list[str] = attrs.field(factory=list)

    def __call__(self, start: CallStart) -> Recorder.Observer:
        self.heard.append(f"start {start.operation} {start.model} stream={start.stream}")
        return Recorder.Observer(self.heard)

    @attrs.define
    class Observer:
        heard: list[str]

        def began(self) -> None:
            self.heard.append("began")

        def retrying(self, info: RetryInfo) -> None:
            self.heard.append(f"retrying {info.error_class.__name__}")

        def first_content(self) -> None:
            self.heard.append("first_content")

        def ended(self, answer: object) -> None:
            self.heard.append(f"ended {type(answer).__name__}")

        def closed(self, answer: object | None) -> None:
            self.heard.append(f"closed {type(answer).__name__}")

        def failed(self, error: BaseException) -> None:
            self.heard.append(f"failed {type(error).__name__}")


async def heard(mode: Mode) -> list[str]:
    """What the observers hear of a run of calls through one client of ``mode``."""
    replies: list[str | MockReply] = [
        "Whole.",
        MockReply.error(529, "Overloaded", retry_after=0),
        "Streamed after a retry.",
        "Closed early.",
        MockReply.error(529, "Overloaded", partial_content="Half"),
    ]
    client = client_class(mode).mock(replies, provider="anthropic", max_retries=1)
    recorder = Recorder()
    client._driver.observe = recorder
    api = wrap(client)
    await api.chat(REQUEST)
    await (await api.stream(REQUEST)).collect()
    stream = await api.stream(REQUEST)
    await stream.next()
    await stream.close()
    with pytest.raises(Exception, match="Overloaded"):
        await (await api.stream(REQUEST)).collect()
    await api.close()
    return recorder.heard


@MODES
async def test_the_observer_hears_each_call_once(mode: Mode) -> None:
    assert await heard(mode) == [
        "start chat mock-model stream=False",
        "began",
        "ended ChatResponse",
        "start chat mock-model stream=True",
        "began",
        "retrying OverloadedError",
        "first_content",
        "ended ChatResponse",
        "start chat mock-model stream=True",
        "began",
        "first_content",  # held back until content (a retry was possible)
        "closed ChatResponse",
        "start chat mock-model stream=True",
        "began",
        "first_content",
        "failed OverloadedError",
    ]
