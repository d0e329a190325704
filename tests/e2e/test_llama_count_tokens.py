"""End-to-end: ``count_tokens`` on the llama.cpp row (an OpenAI-chat client), which counts
through the server's Anthropic endpoint, ``/v1/messages/count_tokens``: the count is the
one ``Client.anthropic`` gets for the same request, and tools add to it."""

from __future__ import annotations

from llm_connector import AsyncClient, Client
from llm_connector.types import ChatRequest, Message
from tests.support.llama import API_KEY, MODEL, WEATHER_TOOL, LlamaServer


async def test_count_tokens_on_the_llamacpp_row(mode: str, tools_server: LlamaServer) -> None:
    plain = (
        ChatRequest(MODEL)
        .add_message(Message.system("You are terse.").with_cache())
        .add_message(Message.user("What is the weather in Paris?"))
    )
    tooled = plain.with_tools([WEATHER_TOOL])
    origin = f"http://127.0.0.1:{tools_server.port}"
    if mode == "sync":
        with Client.openai_compatible(API_KEY, tools_server.base_url, name="llamacpp") as client:
            counts = [client.count_tokens(plain), client.count_tokens(tooled)]
        with Client.anthropic(API_KEY, origin) as anthropic:
            reference = anthropic.count_tokens(plain)
    else:
        async with AsyncClient.openai_compatible(
            API_KEY, tools_server.base_url, name="llamacpp"
        ) as aclient:
            counts = [await aclient.count_tokens(plain), await aclient.count_tokens(tooled)]
        async with AsyncClient.anthropic(API_KEY, origin) as aanthropic:
            reference = await aanthropic.count_tokens(plain)
    assert 0 < counts[0] < counts[1]
    assert counts[0] == reference
