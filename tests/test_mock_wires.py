"""The offline mock speaks each provider's wire format, checked through that provider's
real codec: what a scripted reply says must come out of the client, sync and async,
streamed and whole."""

from __future__ import annotations

import pytest

from llm_connector import (
    AsyncClient,
    Client,
    InternalServerError,
    MockReply,
    MockServer,
    NotFoundError,
    RateLimitError,
)
from llm_connector._mock.server import Wire
from llm_connector.types import ChatRequest, ChatResponse, Message, Tool

WIRES: list[Wire] = ["openai", "anthropic", "google", "ollama"]
WEATHER = Tool.function("get_weather", "Weather", {"type": "object", "properties": {}})


def request(wire: Wire) -> ChatRequest:
    model = {"google": "gemini-2.5-flash", "ollama": "llama3.2"}.get(wire, "mock-model")
    return ChatRequest(model).add_message(Message.user("hello there")).with_tools([WEATHER])


def sync_client(wire: Wire, server: MockServer) -> Client:
    return Client.mock(server)


async def answers(
    wire: Wire, reply: MockReply, *, stream: bool
) -> tuple[ChatResponse, ChatResponse]:
    """The reply through the sync client and through the async client."""
    sync = Client.mock([reply], provider=wire)
    out_sync = (
        sync.chat_stream(request(wire)).final_response() if stream else sync.chat(request(wire))
    )
    async with AsyncClient.mock([reply], provider=wire) as aclient:
        if stream:
            out_async = await (await aclient.chat_stream(request(wire))).final_response()
        else:
            out_async = await aclient.chat(request(wire))
    return out_sync, out_async


def test_each_wire_uses_its_providers_codec() -> None:
    # The mock is a provider's server, not a different client: the client is that
    # provider's (its registry row and codec), named as a mock.
    names = {wire: repr(Client.mock(provider=wire)) for wire in WIRES}
    assert names["openai"].startswith("Client(provider='mock'")
    assert names["anthropic"].startswith("Client(provider='mock (anthropic)'")
    assert Client.mock(provider="google").provider == "google"
    assert Client.mock(MockServer(provider="ollama")).provider == "ollama"


@pytest.mark.parametrize("stream", [True, False])
@pytest.mark.parametrize("wire", WIRES)
async def test_text_reasoning_and_usage(wire: Wire, stream: bool) -> None:
    reply = MockReply.reasoning("Let me think it over.", "It is sunny in Paris.")
    for answer in await answers(wire, reply, stream=stream):
        assert answer.content == "It is sunny in Paris."
        assert answer.reasoning_content == "Let me think it over."
        assert answer.finish_reason == "stop"
        assert answer.usage is not None
        # The mock counts one token per word: 5 answer words + 5 reasoning words.
        assert answer.usage.completion_tokens == 10
        assert answer.usage.total_tokens == answer.usage.prompt_tokens + 10


@pytest.mark.parametrize("stream", [True, False])
@pytest.mark.parametrize("wire", WIRES)
async def test_tool_calls(wire: Wire, stream: bool) -> None:
    reply = MockReply.tool_call("get_weather", {"city": "Paris", "days": 2})
    for answer in await answers(wire, reply, stream=stream):
        (call,) = answer.tool_calls
        assert call.function.name == "get_weather"
        assert call.parse_arguments() == {"city": "Paris", "days": 2}
        assert call.id
        assert answer.finish_reason == "tool_calls"


@pytest.mark.parametrize("wire", WIRES)
async def test_signed_reasoning_where_the_provider_signs(wire: Wire) -> None:
    # Anthropic signs thinking blocks; Gemini signs function calls; the mock does as they do.
    reply = MockReply(
        content="ok", reasoning_content="Plan.", tool_calls=MockReply.tool_call("f", {}).tool_calls
    )
    answer, _ = await answers(wire, reply, stream=True)
    assert answer.message is not None
    signed_blocks = [b for b in answer.message.reasoning_blocks if b.signature]
    signed_calls = [c for c in answer.tool_calls if c.thought_signature]
    assert (len(signed_blocks), len(signed_calls)) == {
        "anthropic": (1, 0),
        "google": (0, 1),
    }.get(wire, (0, 0))


@pytest.mark.parametrize(
    ("status", "error"), [(429, RateLimitError), (404, NotFoundError), (500, InternalServerError)]
)
@pytest.mark.parametrize("wire", WIRES)
def test_error_replies(wire: Wire, status: int, error: type[Exception]) -> None:
    server = MockServer([MockReply.error(status, "scripted failure")], provider=wire)
    client = sync_client(wire, server)
    with pytest.raises(error) as caught:
        client.chat(request(wire))
    assert "scripted failure" in str(caught.value)


@pytest.mark.parametrize("wire", WIRES)
def test_an_error_mid_stream_keeps_what_arrived(wire: Wire) -> None:
    server = MockServer(
        [MockReply.error(500, "boom", partial_content="partial text")], provider=wire
    )
    client = sync_client(wire, server)
    with pytest.raises(InternalServerError) as caught:
        client.chat_stream(request(wire)).final_response()
    assert caught.value.partial is not None
    assert caught.value.partial.content == "partial text"


@pytest.mark.parametrize("wire", WIRES)
def test_models(wire: Wire) -> None:
    server = MockServer(provider=wire, model="mock-model")
    assert [m.id for m in sync_client(wire, server).models()] == ["mock-model"]
