"""The offline mock of Anthropic's wire caches as Anthropic does: the prompt up to the last
breakpoint is written the first time and read after, and the usage says so, whole and
streamed, on both clients (so that code reading the cache figures can be tested offline)."""

from __future__ import annotations

from llm_connector import AsyncClient, Client
from llm_connector.types import ChatRequest, Message

_RULES = "Answer in one short sentence. Be polite."  # 7 words: the mock's 7 tokens
_REQUEST = ChatRequest(
    "claude-sonnet-4-5",
    [Message.system(_RULES).with_cache(), Message.user("Hello there")],
)


def _figures(usage: object) -> tuple[object, ...]:
    return (
        getattr(usage, "prompt_tokens", None),
        getattr(usage, "cached_tokens", None),
        getattr(usage, "cache_creation_tokens", None),
    )


def test_blocking_the_second_request_reads_what_the_first_wrote() -> None:
    with Client.mock("Hi.", provider="anthropic") as client:
        first = client.chat(_REQUEST)
        second = client.chat_stream(_REQUEST).final_response()
        other = client.chat(ChatRequest("claude-sonnet-4-5", [Message.user("Hello there")]))
    assert _figures(first.usage) == (9, 0, 7)
    assert _figures(second.usage) == (9, 7, 0)
    # Without a breakpoint, Anthropic reports no cache figures.
    assert _figures(other.usage) == (2, None, None)


async def test_asyncio_the_second_request_reads_what_the_first_wrote() -> None:
    async with AsyncClient.mock("Hi.", provider="anthropic") as client:
        first = await (await client.chat_stream(_REQUEST)).final_response()
        second = await client.chat(_REQUEST)
    assert _figures(first.usage) == (9, 0, 7)
    assert _figures(second.usage) == (9, 7, 0)
