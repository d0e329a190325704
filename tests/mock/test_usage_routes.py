"""A Responses call reports the same usage on both of its routes: ``/responses`` and, on a
server without it, chat completions (the mock speaks OpenAI's usage on both: nothing
cached is a reported 0, not a missing figure)."""

from __future__ import annotations

import pytest

from llm_connector import AsyncClient, Client
from llm_connector.responses import ResponsesRequest, ResponsesUsage

REQUEST = ResponsesRequest(model="mock-model", input="Hello there")


@pytest.mark.parametrize("responses_api", [True, False], ids=["native", "fallback"])
def test_blocking_cached_tokens_are_the_same_on_both_routes(responses_api: bool) -> None:
    client = Client.mock("Hi back.", responses_api=responses_api)
    usage = client.invoke_responses(REQUEST).usage
    assert usage is not None
    assert usage.cached_tokens == 0


async def test_asyncio_cached_tokens_are_the_same_on_both_routes() -> None:
    native = await AsyncClient.mock("Hi back.", responses_api=True).invoke_responses(REQUEST)
    fallback = await AsyncClient.mock("Hi back.").invoke_responses(REQUEST)
    assert isinstance(native.usage, ResponsesUsage)
    assert isinstance(fallback.usage, ResponsesUsage)
    assert native.usage.cached_tokens == fallback.usage.cached_tokens == 0
