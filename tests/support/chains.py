"""One async-shaped way to drive either fallback chain, so each test is written once (as
tests/support/facade.py does for clients): the sync side calls ``Fallback`` directly
inside the running loop, the async side awaits ``AsyncFallback``.

``Clocked`` is a clock a test moves by hand, for the chain's cool-downs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llm_connector import (
    AsyncClient,
    AsyncFallback,
    Client,
    Fallback,
    FallbackPolicy,
    MockServer,
)
from llm_connector.calls.clock import Clock
from llm_connector.responses import ResponsesRequest, ResponsesResponse, ResponsesStreamEvent
from llm_connector.types import ChatRequest, ChatResponse, StreamingResponse
from llm_connector.types._embedding import EmbedRequest, EmbedResponse
from llm_connector.types._route import Route
from tests.support.facade import Mode

__all__ = ["ChainApi", "Clocked", "chain_of", "mock_member"]


class Clocked:
    """Monotonic seconds a test sets (``advance``); ``clock`` is the chain's Clock."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.clock = Clock(now=lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


def mock_member(mode: Mode, server: MockServer, **options: Any) -> Client | AsyncClient:
    """A client of ``mode`` answered by ``server`` (in its provider's wire)."""
    cls = Client if mode == "sync" else AsyncClient
    return cls.mock(server, **options)


class ChainApi:
    """A chain of either kind, driven by the idioms its kind is used with."""

    def __init__(self, chain: Fallback | AsyncFallback) -> None:
        self.chain = chain

    async def chat(self, request: ChatRequest) -> ChatResponse:
        if isinstance(self.chain, Fallback):
            return self.chain.chat(request)
        return await self.chain.chat(request)

    async def stream(self, request: ChatRequest) -> tuple[list[StreamingResponse], Route]:
        """Every chunk of a streamed chat, and the stream's route."""
        if isinstance(self.chain, Fallback):
            with self.chain.chat_stream(request) as stream:
                return list(stream), stream.route
        async with self.chain.chat_stream(request) as astream:
            return [chunk async for chunk in astream], astream.route

    async def stream_final(self, request: ChatRequest) -> ChatResponse:
        if isinstance(self.chain, Fallback):
            return self.chain.chat_stream(request).final_response()
        return await (await self.chain.chat_stream(request)).final_response()

    async def responses(self, request: ResponsesRequest) -> ResponsesResponse:
        if isinstance(self.chain, Fallback):
            return self.chain.invoke_responses(request)
        return await self.chain.invoke_responses(request)

    async def responses_stream(
        self, request: ResponsesRequest
    ) -> tuple[list[ResponsesStreamEvent], ResponsesResponse]:
        if isinstance(self.chain, Fallback):
            with self.chain.invoke_responses_stream(request) as stream:
                return list(stream), stream.final_response()
        async with self.chain.invoke_responses_stream(request) as astream:
            return [event async for event in astream], await astream.final_response()

    async def embed(self, request: EmbedRequest) -> EmbedResponse:
        if isinstance(self.chain, Fallback):
            return self.chain.embed(request)
        return await self.chain.embed(request)


def chain_of(
    mode: Mode,
    members: Sequence[Any],
    *,
    policy: FallbackPolicy | None = None,
    clocked: Clocked | None = None,
    on_fallback: Any = None,
) -> ChainApi:
    """A chain of ``mode`` over ``members`` (clients of that mode), on ``clocked``'s
    clock when given."""
    options: dict[str, Any] = {"policy": policy, "on_fallback": on_fallback}
    if clocked is not None:
        options["_clock"] = clocked.clock
    if mode == "sync":
        return ChainApi(Fallback(members, client_class=Client, **options))
    return ChainApi(AsyncFallback(members, client_class=AsyncClient, **options))
