"""Driving ``invoke_responses`` / ``invoke_responses_stream`` of either client the same way
(the sync client called from inside the event loop, as in a notebook), so each client test
is written once; plus the fixtures' client factory."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from llm_connector import AsyncClient, Client, ResponsesStream
from llm_connector.responses import ResponsesRequest, ResponsesResponse, ResponsesStreamEvent
from llm_connector.shells.async_client import AsyncResponsesStream
from tests.support.facade import Mode
from tests.support.script import Script

API_KEY = "sk-test-key-0001"


class Responses:
    """One client of either kind, spoken to through the same async methods."""

    def __init__(self, client: Client | AsyncClient) -> None:
        self.client = client
        self.mode: Mode = "sync" if isinstance(client, Client) else "async"

    async def invoke(self, request: ResponsesRequest) -> ResponsesResponse:
        if isinstance(self.client, AsyncClient):
            return await self.client.invoke_responses(request)
        return self.client.invoke_responses(request)

    async def stream(
        self, request: ResponsesRequest
    ) -> tuple[list[ResponsesStreamEvent], ResponsesResponse]:
        """Every event (a plain loop), then ``final_response()``."""
        if isinstance(self.client, AsyncClient):
            astream = await self.client.invoke_responses_stream(request)
            events = [event async for event in astream]
            return events, await astream.final_response()
        sstream = self.client.invoke_responses_stream(request)
        events = list(sstream)
        return events, sstream.final_response()

    async def collect_until_error(
        self, request: ResponsesRequest
    ) -> tuple[list[ResponsesStreamEvent], BaseException | None, ResponsesResponse]:
        """The events a loop saw before it raised, the error, and ``snapshot()``."""
        events: list[ResponsesStreamEvent] = []
        raw: ResponsesStream | AsyncResponsesStream | None = None
        try:
            if isinstance(self.client, AsyncClient):
                raw = await self.client.invoke_responses_stream(request)
                async for event in raw:
                    events.append(event)
            else:
                raw = self.client.invoke_responses_stream(request)
                for event in raw:
                    events.append(event)
        except Exception as exc:
            assert raw is not None
            return events, exc, raw.snapshot()
        assert raw is not None
        return events, None, raw.snapshot()

    async def take_then_break(
        self, request: ResponsesRequest, n: int
    ) -> list[ResponsesStreamEvent]:
        got: list[ResponsesStreamEvent] = []
        if isinstance(self.client, AsyncClient):
            async with self.client.invoke_responses_stream(request) as astream:
                async for event in astream:
                    got.append(event)
                    if len(got) == n:
                        break
        else:
            with self.client.invoke_responses_stream(request) as sstream:
                for event in sstream:
                    got.append(event)
                    if len(got) == n:
                        break
        return got

    async def close(self) -> None:
        if isinstance(self.client, AsyncClient):
            await self.client.aclose()
        else:
            self.client.close()

    async def settle(self) -> None:
        for _ in range(10):
            await asyncio.sleep(0)


def client_for(mode: Mode, provider: str, base_url: str, **options: Any) -> Responses:
    cls = Client if mode == "sync" else AsyncClient
    options.setdefault("max_retries", 0)
    return Responses(cls(provider, API_KEY, base_url, **options))


@contextlib.asynccontextmanager
async def responses_client(
    mode: Mode, provider: str, base_url: str, **options: Any
) -> AsyncIterator[Responses]:
    api = client_for(mode, provider, base_url, **options)
    try:
        yield api
    finally:
        await api.close()


def paths(script: Script) -> list[str]:
    return [request.path for request in script.requests]
