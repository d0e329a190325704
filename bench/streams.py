"""The stream readers the benchmark compares, per protocol and mode.

Each reader takes the server's base URL for (protocol, n) and returns a function that
reads one whole stream and returns (seconds to the first item, number of items). The raw
floor is what any SDK must at least do: httpx, httpx-sse (or line iteration for NDJSON)
and ``json.loads`` per event, in a bare loop.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import Any

import httpx
from httpx_sse import EventSource

from llm_connector import AsyncClient, Client
from llm_connector.types import ChatRequest, Message, ResponsesRequest

SyncRead = Callable[[], tuple[float, int]]
AsyncRead = Callable[[], Awaitable[tuple[float, int]]]

REQUEST = ChatRequest("bench-model").add_message(Message.user("Count to many."))
RESPONSES_REQUEST = ResponsesRequest(model="bench-model", input="Count to many.", stream=True)
# Where each protocol's SDK request goes under a base URL, and what it sends.
_PATHS = {
    "openai": "/v1/chat/completions",
    "anthropic": "/v1/messages",
    "gemini": "/v1beta/models/bench-model:streamGenerateContent?alt=sse",
    "ollama": "/api/chat",
    "responses": "/v1/responses",
}
_BODY = {"model": "bench-model", "messages": [{"role": "user", "content": "Count to many."}]}


def _first_and_count(open_items: Callable[[], Iterable[Any]]) -> tuple[float, int]:
    """Open a stream and read it all. The clock starts before it is opened, so the time to
    the first item includes sending the request, whichever reader opens it; and the items
    are read in this loop itself, as a user's ``for`` would, through no wrapper."""
    start = time.perf_counter()
    first = 0.0
    count = 0
    for _ in open_items():
        if count == 0:
            first = time.perf_counter() - start
        count += 1
    return first, count


async def _afirst_and_count(
    open_items: Callable[[], Awaitable[AsyncIterable[Any]]],
) -> tuple[float, int]:
    """The asyncio twin of _first_and_count."""
    start = time.perf_counter()
    first = 0.0
    count = 0
    async for _ in await open_items():
        if count == 0:
            first = time.perf_counter() - start
        count += 1
    return first, count


# -- the raw floor -----------------------------------------------------------------------


def floor_sync(http: httpx.Client, root: str, protocol: str) -> SyncRead:
    url = root + _PATHS[protocol]

    def events() -> Iterator[Any]:
        with http.stream("POST", url, json=_BODY) as response:
            if protocol == "ollama":
                for line in response.iter_lines():
                    if line:
                        yield json.loads(line)
            else:
                for sse in EventSource(response).iter_sse():
                    if sse.data != "[DONE]":
                        yield json.loads(sse.data)

    return lambda: _first_and_count(events)


def floor_async(http: httpx.AsyncClient, root: str, protocol: str) -> AsyncRead:
    url = root + _PATHS[protocol]

    async def events() -> AsyncIterator[Any]:
        async with http.stream("POST", url, json=_BODY) as response:
            if protocol == "ollama":
                async for line in response.aiter_lines():
                    if line:
                        yield json.loads(line)
            else:
                async for sse in EventSource(response).aiter_sse():
                    if sse.data != "[DONE]":
                        yield json.loads(sse.data)

    async def opened() -> AsyncIterator[Any]:
        return events()  # the request goes out at the first item, inside the clock

    return lambda: _afirst_and_count(opened)


# -- llm_connector -------------------------------------------------------------------------

_CONSTRUCTORS = {
    "openai": lambda cls, root: cls.openai_compatible("bench", root + "/v1"),
    "anthropic": lambda cls, root: cls.anthropic("bench", root),
    "gemini": lambda cls, root: cls.google("bench", root + "/v1beta"),
    "ollama": lambda cls, root: cls.ollama(root),
    "responses": lambda cls, root: cls.openai_compatible("bench", root + "/v1"),
}


def open_stream(client: Client, protocol: str) -> Any:
    """The protocol's streaming call: chat, or the Responses API's."""
    if protocol == "responses":
        return client.invoke_responses_stream(RESPONSES_REQUEST)
    return client.chat_stream(REQUEST)


def ours_sync(root: str, protocol: str) -> tuple[SyncRead, Client]:
    client: Client = _CONSTRUCTORS[protocol](Client, root)
    return (lambda: _first_and_count(lambda: open_stream(client, protocol))), client


def ours_async(root: str, protocol: str) -> tuple[AsyncRead, AsyncClient]:
    client: AsyncClient = _CONSTRUCTORS[protocol](AsyncClient, root)

    async def opened() -> AsyncIterable[Any]:
        if protocol == "responses":
            return await client.invoke_responses_stream(RESPONSES_REQUEST)
        return await client.chat_stream(REQUEST)

    return (lambda: _afirst_and_count(opened)), client


# -- the official SDKs, where installed ------------------------------------------------------


def sdk_sync(root: str, protocol: str) -> SyncRead | None:
    """The official SDK's streaming call on the same stream, or None if not installed."""
    opener = _sdk_opener(root, protocol, aio=False)
    if opener is None:
        return None
    return lambda: _first_and_count(opener)


def sdk_async(root: str, protocol: str) -> AsyncRead | None:
    opener = _sdk_opener(root, protocol, aio=True)
    if opener is None:
        return None
    return lambda: _afirst_and_count(opener)


def _sdk_opener(root: str, protocol: str, *, aio: bool) -> Callable[[], Any] | None:
    """The call that opens the official SDK's stream (a coroutine's, with ``aio``), or
    None where the SDK is not installed."""
    messages: Any = _BODY["messages"]
    try:
        if protocol in ("openai", "responses"):
            import openai

            oc: Any = (openai.AsyncOpenAI if aio else openai.OpenAI)(
                api_key="bench", base_url=root + "/v1", max_retries=0
            )
            if protocol == "responses":
                return lambda: oc.responses.create(
                    model="bench-model", input="Count to many.", stream=True
                )
            return lambda: oc.chat.completions.create(
                model="bench-model", messages=messages, stream=True
            )
        if protocol == "anthropic":
            import anthropic

            ac: Any = (anthropic.AsyncAnthropic if aio else anthropic.Anthropic)(
                api_key="bench", base_url=root, max_retries=0
            )
            return lambda: ac.messages.create(
                model="bench-model", max_tokens=1024, messages=messages, stream=True
            )
        if protocol == "gemini":
            from google import genai
            from google.genai import types as gtypes

            gc = genai.Client(
                api_key="bench",
                http_options=gtypes.HttpOptions(base_url=root, api_version="v1beta"),
            )
            # The lambda holds the client itself: once collected, it closes its connections.
            return lambda: (gc.aio.models if aio else gc.models).generate_content_stream(
                model="bench-model", contents="Count to many."
            )
        if protocol == "ollama":
            import ollama

            olc: Any = (ollama.AsyncClient if aio else ollama.Client)(host=root)
            return lambda: olc.chat(model="bench-model", messages=messages, stream=True)
    except ImportError:
        return None
    return None
