"""One async-shaped way to drive either client, so each test is written once.

The sync side calls ``Client`` / ``ChatStream`` directly from inside the running event loop
(the Jupyter case); each method is the plain sync idiom (``for``, ``with``, ``next``). The
async side uses the async idioms (``async for``, ``async with``, ``await``). Nothing else
happens in between: a facade method is the idiom it is named after and nothing more.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, Literal, Protocol, TypeAlias

from llm_connector import AsyncChatStream, AsyncClient, ChatStream, Client
from llm_connector.types import (
    ChatRequest,
    ChatResponse,
    EmbedRequest,
    EmbedResponse,
    Model,
    StreamingResponse,
)

Mode: TypeAlias = Literal["sync", "async"]
#: Both kinds of client, in the order tests are parametrized with them.
MODES: tuple[Mode, ...] = ("sync", "async")


class Stream(Protocol):
    @property
    def raw(self) -> ChatStream | AsyncChatStream: ...

    async def next(self) -> StreamingResponse: ...
    async def collect(self) -> list[StreamingResponse]: ...
    async def take_then_break(self, n: int) -> list[StreamingResponse]: ...
    async def take_then_raise(self, n: int, exc: BaseException) -> list[StreamingResponse]: ...
    async def final_response(self) -> ChatResponse: ...
    async def close(self) -> None: ...


class Api(Protocol):
    @property
    def mode(self) -> Mode: ...
    @property
    def client(self) -> Client | AsyncClient: ...

    async def chat(self, request: ChatRequest) -> ChatResponse: ...
    async def stream(self, request: ChatRequest) -> Stream: ...
    def stream_context(
        self, request: ChatRequest
    ) -> contextlib.AbstractAsyncContextManager[Stream]: ...
    async def models(self) -> list[Model]: ...
    async def embed(self, request: EmbedRequest) -> EmbedResponse: ...
    async def close(self) -> None: ...
    async def settle(self) -> None: ...


class SyncStream:
    def __init__(self, raw: ChatStream) -> None:
        self.raw = raw

    async def next(self) -> StreamingResponse:
        return next(self.raw)

    async def collect(self) -> list[StreamingResponse]:
        return list(self.raw)

    async def take_then_break(self, n: int) -> list[StreamingResponse]:
        got = []
        for chunk in self.raw:
            got.append(chunk)
            if len(got) == n:
                break
        return got

    async def take_then_raise(self, n: int, exc: BaseException) -> list[StreamingResponse]:
        got = []
        for chunk in self.raw:
            got.append(chunk)
            if len(got) == n:
                raise exc
        return got

    async def final_response(self) -> ChatResponse:
        return self.raw.final_response()

    async def close(self) -> None:
        self.raw.close()


class AsyncStream:
    def __init__(self, raw: AsyncChatStream) -> None:
        self.raw = raw

    async def next(self) -> StreamingResponse:
        return await self.raw.__anext__()

    async def collect(self) -> list[StreamingResponse]:
        return [chunk async for chunk in self.raw]

    async def take_then_break(self, n: int) -> list[StreamingResponse]:
        got = []
        async for chunk in self.raw:
            got.append(chunk)
            if len(got) == n:
                break
        return got

    async def take_then_raise(self, n: int, exc: BaseException) -> list[StreamingResponse]:
        got = []
        async for chunk in self.raw:
            got.append(chunk)
            if len(got) == n:
                raise exc
        return got

    async def final_response(self) -> ChatResponse:
        return await self.raw.final_response()

    async def close(self) -> None:
        await self.raw.aclose()


class SyncApi:
    mode: Mode = "sync"

    def __init__(self, client: Client) -> None:
        self.client = client

    async def chat(self, request: ChatRequest) -> ChatResponse:
        return self.client.chat(request)

    async def stream(self, request: ChatRequest) -> Stream:
        return SyncStream(self.client.chat_stream(request))

    @contextlib.asynccontextmanager
    async def stream_context(self, request: ChatRequest) -> AsyncIterator[Stream]:
        with self.client.chat_stream(request) as stream:
            yield SyncStream(stream)

    async def models(self) -> list[Model]:
        return self.client.models()

    async def embed(self, request: EmbedRequest) -> EmbedResponse:
        return self.client.embed(request)

    async def close(self) -> None:
        self.client.close()

    async def settle(self) -> None:
        """Nothing: the blocking client has finished its work when a call returns."""


class AsyncApi:
    mode: Mode = "async"

    def __init__(self, client: AsyncClient) -> None:
        self.client = client

    async def chat(self, request: ChatRequest) -> ChatResponse:
        return await self.client.chat(request)

    async def stream(self, request: ChatRequest) -> Stream:
        return AsyncStream(await self.client.chat_stream(request))

    @contextlib.asynccontextmanager
    async def stream_context(self, request: ChatRequest) -> AsyncIterator[Stream]:
        async with self.client.chat_stream(request) as stream:
            yield AsyncStream(stream)

    async def models(self) -> list[Model]:
        return await self.client.models()

    async def embed(self, request: EmbedRequest) -> EmbedResponse:
        return await self.client.embed(request)

    async def close(self) -> None:
        await self.client.aclose()

    async def settle(self) -> None:
        """A few turns of the event loop: asyncio finalizes an abandoned async generator
        (the ``async for`` left by ``break``) in a task it schedules."""
        for _ in range(10):
            await asyncio.sleep(0)


def client_class(mode: Mode) -> type[Client] | type[AsyncClient]:
    return Client if mode == "sync" else AsyncClient


def wrap(client: Any) -> Api:
    """The facade for a client of either kind."""
    if isinstance(client, Client):
        return SyncApi(client)
    assert isinstance(client, AsyncClient)
    return AsyncApi(client)
