"""The stream readers the benchmark compares, per protocol and mode.

Each reader takes the server's base URL for (protocol, n) and returns a function that
reads one whole stream and returns (seconds to the first item, number of items). The raw
floor is what any SDK must at least do: httpx, httpx-sse (or line iteration for NDJSON)
and ``json.loads`` per event, in a bare loop.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
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


def _first_and_count(items: Iterator[Any]) -> tuple[float, int]:
    start = time.perf_counter()
    first = 0.0
    count = 0
    for _ in items:
        if count == 0:
            first = time.perf_counter() - start
        count += 1
    return first, count


async def _afirst_and_count(items: AsyncIterator[Any]) -> tuple[float, int]:
    start = time.perf_counter()
    first = 0.0
    count = 0
    async for _ in items:
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

    return lambda: _first_and_count(events())


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

    return lambda: _afirst_and_count(events())


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

    def chunks() -> Iterator[Any]:
        # Sending the request is part of the time to the first chunk, as for the floor.
        yield from open_stream(client, protocol)

    return (lambda: _first_and_count(chunks())), client


def ours_async(root: str, protocol: str) -> tuple[AsyncRead, AsyncClient]:
    client: AsyncClient = _CONSTRUCTORS[protocol](AsyncClient, root)

    async def chunks() -> AsyncIterator[Any]:
        if protocol == "responses":
            stream: Any = await client.invoke_responses_stream(RESPONSES_REQUEST)
        else:
            stream = await client.chat_stream(REQUEST)
        async for chunk in stream:
            yield chunk

    return (lambda: _afirst_and_count(chunks())), client


# -- the official SDKs, where installed ------------------------------------------------------


def sdk_sync(root: str, protocol: str) -> SyncRead | None:
    """The official SDK's streaming call on the same stream, or None if not installed."""
    try:
        if protocol == "responses":
            import openai

            rc = openai.OpenAI(api_key="bench", base_url=root + "/v1", max_retries=0)
            return lambda: _first_and_count(
                iter(rc.responses.create(model="bench-model", input="Count to many.", stream=True))
            )
        if protocol == "openai":
            import openai

            oc = openai.OpenAI(api_key="bench", base_url=root + "/v1", max_retries=0)
            return lambda: _first_and_count(
                iter(
                    oc.chat.completions.create(
                        model="bench-model", messages=_BODY["messages"], stream=True
                    )
                )  # type: ignore[arg-type]
            )
        if protocol == "anthropic":
            import anthropic

            ac = anthropic.Anthropic(api_key="bench", base_url=root, max_retries=0)
            return lambda: _first_and_count(
                iter(
                    ac.messages.create(
                        model="bench-model",
                        max_tokens=1024,
                        messages=_BODY["messages"],
                        stream=True,
                    )
                )  # type: ignore[arg-type]
            )
        if protocol == "gemini":
            from google import genai
            from google.genai import types as gtypes

            gc = genai.Client(
                api_key="bench",
                http_options=gtypes.HttpOptions(base_url=root, api_version="v1beta"),
            )
            return lambda: _first_and_count(
                iter(
                    gc.models.generate_content_stream(
                        model="bench-model", contents="Count to many."
                    )
                )
            )
        if protocol == "ollama":
            import ollama

            olc = ollama.Client(host=root)
            return lambda: _first_and_count(
                iter(olc.chat(model="bench-model", messages=_BODY["messages"], stream=True))
            )
    except ImportError:
        return None
    return None


def sdk_async(root: str, protocol: str) -> AsyncRead | None:
    try:
        if protocol == "responses":
            import openai

            arc = openai.AsyncOpenAI(api_key="bench", base_url=root + "/v1", max_retries=0)

            async def read_responses() -> tuple[float, int]:
                stream = await arc.responses.create(
                    model="bench-model", input="Count to many.", stream=True
                )
                return await _afirst_and_count(stream.__aiter__())

            return read_responses
        if protocol == "openai":
            import openai

            oc = openai.AsyncOpenAI(api_key="bench", base_url=root + "/v1", max_retries=0)

            async def read_openai() -> tuple[float, int]:
                stream = await oc.chat.completions.create(
                    model="bench-model", messages=_BODY["messages"], stream=True
                )  # type: ignore[arg-type]
                return await _afirst_and_count(stream.__aiter__())

            return read_openai
        if protocol == "anthropic":
            import anthropic

            ac = anthropic.AsyncAnthropic(api_key="bench", base_url=root, max_retries=0)

            async def read_anthropic() -> tuple[float, int]:
                stream = await ac.messages.create(
                    model="bench-model", max_tokens=1024, messages=_BODY["messages"], stream=True
                )  # type: ignore[arg-type]
                return await _afirst_and_count(stream.__aiter__())

            return read_anthropic
        if protocol == "gemini":
            from google import genai
            from google.genai import types as gtypes

            gc = genai.Client(
                api_key="bench",
                http_options=gtypes.HttpOptions(base_url=root, api_version="v1beta"),
            )

            async def read_gemini() -> tuple[float, int]:
                stream = await gc.aio.models.generate_content_stream(
                    model="bench-model", contents="Count to many."
                )
                return await _afirst_and_count(stream.__aiter__())

            return read_gemini
        if protocol == "ollama":
            import ollama

            olc = ollama.AsyncClient(host=root)

            async def read_ollama() -> tuple[float, int]:
                stream = await olc.chat(
                    model="bench-model", messages=_BODY["messages"], stream=True
                )
                return await _afirst_and_count(stream.__aiter__())

            return read_ollama
    except ImportError:
        return None
    return None
