"""One span per call, with the GenAI conventions' attributes, for every protocol the mock
speaks, on both clients, whole and streamed; and the metrics beside it."""

from __future__ import annotations

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from llm_connector import Client, MockReply
from llm_connector.responses import ResponsesRequest
from llm_connector.types import ChatRequest, ChatResponse, EmbedRequest, Message
from tests.support.facade import Mode, client_class, wrap
from tests.support.otel_capture import Capture, attributes_of, one_per_protocol

MODES = pytest.mark.parametrize("mode", ["sync", "async"])
PROTOCOLS = pytest.mark.parametrize("provider", one_per_protocol())
TEXT = "It is sunny in Paris."
REQUEST = ChatRequest(
    "mock-model", max_tokens=64, temperature=0.5, top_p=0.9, stop=["END"], seed=7
).add_message(Message.user("Weather in Paris?"))
CONVENTION_PROVIDER = {
    "openai": "mock",  # the mock's own row speaks OpenAI's wire (test_attributes maps "openai")
    "anthropic": "anthropic",
    "google": "gcp.gemini",
    "bedrock": "aws.bedrock",
    "ollama": "ollama",
    "aliyun": "aliyun",
    "tencent": "tencent",
}


def check_request_attributes(attributes: dict[str, object], provider: str) -> None:
    assert attributes["gen_ai.operation.name"] == "chat"
    assert attributes["gen_ai.provider.name"] == CONVENTION_PROVIDER[provider]
    assert attributes["gen_ai.request.model"] == "mock-model"
    assert attributes["gen_ai.request.max_tokens"] == 64
    assert attributes["gen_ai.request.temperature"] == 0.5
    assert attributes["gen_ai.request.top_p"] == 0.9
    assert attributes["gen_ai.request.stop_sequences"] == ("END",)
    assert attributes["gen_ai.request.seed"] == 7
    assert attributes["server.address"] == "mock.llm-connector.invalid"
    assert attributes["server.port"] == 443
    assert "gen_ai.system" not in attributes  # replaced by gen_ai.provider.name (1.37.0)


def check_answer_attributes(attributes: dict[str, object], answer: ChatResponse) -> None:
    # Bedrock's Converse API does not name the model in its answer.
    assert attributes.get("gen_ai.response.model", "") == answer.model
    assert attributes.get("gen_ai.response.id", "") == answer.id
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert isinstance(attributes["gen_ai.usage.input_tokens"], int)
    assert isinstance(attributes["gen_ai.usage.output_tokens"], int)
    assert attributes["gen_ai.usage.output_tokens"] > 0
    assert "error.type" not in attributes
    assert "gen_ai.input.messages" not in attributes  # content only when opted in
    assert "gen_ai.output.messages" not in attributes


@PROTOCOLS
@MODES
async def test_a_whole_call_makes_one_client_span(
    capture: Capture, mode: Mode, provider: str
) -> None:
    client = client_class(mode).mock(TEXT, provider=provider)  # type: ignore[arg-type]
    capture.instrument(client)
    api = wrap(client)
    answer = await api.chat(REQUEST)
    await api.close()
    span = capture.span()
    assert span.name == "chat mock-model"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    attributes = attributes_of(span)
    check_request_attributes(attributes, provider)
    check_answer_attributes(attributes, answer)
    assert attributes["gen_ai.usage.output_tokens"] == answer.usage.completion_tokens  # type: ignore[union-attr]
    assert "gen_ai.response.time_to_first_chunk" not in attributes
    (duration,) = capture.points("gen_ai.client.operation.duration")
    assert duration.count == 1
    assert duration.attributes == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": CONVENTION_PROVIDER[provider],
        "gen_ai.request.model": "mock-model",
        **({"gen_ai.response.model": answer.model} if answer.model else {}),
        "server.address": "mock.llm-connector.invalid",
        "server.port": 443,
    }
    tokens = {
        p.attributes["gen_ai.token.type"]: p.sum
        for p in capture.points("gen_ai.client.token.usage")
    }
    assert tokens == {
        "input": attributes["gen_ai.usage.input_tokens"],
        "output": attributes["gen_ai.usage.output_tokens"],
    }
    assert capture.points("gen_ai.client.operation.time_to_first_chunk") == []


@PROTOCOLS
@MODES
async def test_a_stream_makes_one_span_ending_with_the_stream(
    capture: Capture, mode: Mode, provider: str
) -> None:
    client = client_class(mode).mock(TEXT, provider=provider)  # type: ignore[arg-type]
    capture.instrument(client)
    api = wrap(client)
    stream = await api.stream(REQUEST)
    assert capture.spans() == []  # open while the answer is read
    answer = await stream.final_response()
    await api.close()
    attributes = attributes_of(capture.span())
    check_request_attributes(attributes, provider)
    check_answer_attributes(attributes, answer)
    assert "llm_connector.stream.closed_early" not in attributes
    first = attributes["gen_ai.response.time_to_first_chunk"]
    assert isinstance(first, float)
    assert first > 0
    (chunk,) = capture.points("gen_ai.client.operation.time_to_first_chunk")
    assert chunk.count == 1
    assert chunk.sum == first
    assert chunk.attributes["gen_ai.request.model"] == "mock-model"


@MODES
@pytest.mark.parametrize("native", [True, False], ids=["native", "translated"])
async def test_responses_api_calls_are_chat_spans(
    capture: Capture, mode: Mode, native: bool
) -> None:
    client = client_class(mode).mock(TEXT, responses_api=native)
    capture.instrument(client)
    request = ResponsesRequest(
        "mock-model", input="Weather?", max_output_tokens=32, temperature=0.2
    )
    if isinstance(client, Client):
        whole = client.invoke_responses(request)
        streamed = client.invoke_responses_stream(request).final_response()
    else:
        whole = await client.invoke_responses(request)
        streamed = await (await client.invoke_responses_stream(request)).final_response()
    for span, answer in zip(capture.spans(), (whole, streamed), strict=True):
        attributes = attributes_of(span)
        assert span.name == "chat mock-model"
        assert attributes["gen_ai.request.max_tokens"] == 32
        assert attributes["gen_ai.request.temperature"] == 0.2
        assert attributes["gen_ai.response.finish_reasons"] == ("completed",)
        assert answer.usage is not None
        assert attributes["gen_ai.usage.output_tokens"] == answer.usage.output_tokens
        assert attributes.get("gen_ai.response.id", "") == answer.id


@MODES
async def test_embeddings_are_spans_of_their_own_operation(capture: Capture, mode: Mode) -> None:
    client = client_class(mode).mock()
    capture.instrument(client)
    api = wrap(client)
    answer = await api.embed(EmbedRequest("mock-embed", ["one", "two"], dimensions=8))
    await api.close()
    span = capture.span()
    attributes = attributes_of(span)
    assert span.name == "embeddings mock-embed"
    assert attributes["gen_ai.operation.name"] == "embeddings"
    assert attributes["gen_ai.embeddings.dimension.count"] == 8
    if answer.usage is not None:
        assert attributes["gen_ai.usage.input_tokens"] == answer.usage.prompt_tokens


@MODES
async def test_an_error_answer_ends_the_span_with_its_type(capture: Capture, mode: Mode) -> None:
    client = client_class(mode).mock(MockReply.error(429, "Slow down"))
    capture.instrument(client)
    api = wrap(client)
    with pytest.raises(Exception, match="Slow down"):
        await api.chat(REQUEST)
    span = capture.span()
    assert span.status.status_code is StatusCode.ERROR
    assert attributes_of(span)["error.type"] == "RateLimitError"
    (duration,) = capture.points("gen_ai.client.operation.duration")
    assert duration.attributes["error.type"] == "RateLimitError"
    assert capture.points("gen_ai.client.token.usage") == []


@MODES
async def test_message_content_only_when_asked(capture: Capture, mode: Mode) -> None:
    client = client_class(mode).mock(TEXT)
    capture.instrument(client, capture_content=True)
    api = wrap(client)
    request = REQUEST.add_message(Message.system("Be brief."))
    await (await api.stream(request)).collect()
    attributes = attributes_of(capture.span())
    assert attributes["gen_ai.input.messages"] == (
        '[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]'
    )
    assert attributes["gen_ai.system_instructions"] == '[{"type":"text","content":"Be brief."}]'
    assert attributes["gen_ai.output.messages"] == (
        '[{"role":"assistant","parts":[{"type":"text","content":"It is sunny in Paris."}],'
        '"finish_reason":"stop"}]'
    )
