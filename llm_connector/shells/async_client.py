"""The asyncio client: each method asks the call driver for the call's steps and does them
with the client's ``httpx.AsyncClient``; a streamed call goes on in the stream it
returns (both in shells/async_streams.py). The blocking client's methods, awaited."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from llm_connector.shells.async_streams import (
    AsyncChatStream,
    AsyncChatStreamContext,
    AsyncResponsesStream,
    AsyncResponsesStreamContext,
    AsyncSteps,
)
from llm_connector.shells.base import ShellBase
from llm_connector.shells.http import POOL_LIMITS

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from llm_connector.calls.fallback import FallbackMember, FallbackPolicy
    from llm_connector.calls.streaming import StreamRun
    from llm_connector.responses import ResponsesRequest, ResponsesResponse
    from llm_connector.shells.async_fallback import AsyncFallback
    from llm_connector.shells.fallback_base import FallbackHook
    from llm_connector.types import ChatRequest, ChatResponse
    from llm_connector.types._cached_content import CachedContent
    from llm_connector.types._embedding import EmbedRequest, EmbedResponse
    from llm_connector.types._models import Model, ModelDetails

__all__ = [
    "AsyncChatStream",
    "AsyncChatStreamContext",
    "AsyncClient",
    "AsyncResponsesStream",
    "AsyncResponsesStreamContext",
]

_T = TypeVar("_T")
_StreamT = TypeVar("_StreamT", AsyncChatStream, AsyncResponsesStream)


class AsyncClient(ShellBase[httpx.AsyncClient, AsyncSteps]):
    """An asyncio client for one provider; the async twin of :class:`~llm_connector.Client`.

    Use it as ``async with`` or call :meth:`aclose`. Errors are the same as ``Client``'s.
    """

    _http_client_class = httpx.AsyncClient
    _awaits_hooks = True

    def _new_http_client(
        self, proxy: str | httpx.Proxy | None, transport: Any
    ) -> httpx.AsyncClient:
        return httpx.AsyncClient(proxy=proxy, transport=transport, limits=POOL_LIMITS)

    @classmethod
    def fallback(
        cls,
        members: Sequence[AsyncClient | FallbackMember[AsyncClient] | str],
        *,
        policy: FallbackPolicy | None = None,
        on_fallback: FallbackHook | Iterable[FallbackHook] | None = None,
    ) -> AsyncFallback:
        """A fallback chain of asyncio clients: :meth:`Client.fallback
        <llm_connector.Client.fallback>` says how it goes (docs/fallback.md); its
        ``on_fallback`` hooks may be ``async def``."""
        from llm_connector.shells.async_fallback import AsyncFallback

        return AsyncFallback(members, client_class=cls, policy=policy, on_fallback=on_fallback)

    def _new_steps(self, http: httpx.AsyncClient) -> AsyncSteps:
        return AsyncSteps(http)

    async def aclose(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """Send a chat request and return the whole answer."""
        return await self._steps.run(self._driver.chat(request))

    def chat_stream(self, request: ChatRequest) -> AsyncChatStreamContext:
        """Stream a chat answer: ``stream = await client.chat_stream(r)`` or
        ``async with client.chat_stream(r) as stream``.

        The request is checked now (bad input raises here) and sent when awaited.
        """
        run = self._driver.chat_stream(request)
        return AsyncChatStreamContext(lambda: self._open(AsyncChatStream, run))

    async def chat_parse(self, request: ChatRequest, output_type: type[_T]) -> _T:
        """Ask for an answer of ``output_type`` and return it typed: ``request`` with
        ``with_output_type(output_type)`` (unless it already asks for that type), sent
        whole, its answer parsed (see ``ChatResponse.parse``: ``OutputRefusedError``,
        ``OutputValidationError``). docs/structured.md."""
        request = request.with_output_type(output_type)
        answer = await self.chat(request)
        return answer.parse(output_type)

    async def invoke_responses(self, request: ResponsesRequest) -> ResponsesResponse:
        """Send a Responses API request and return the whole answer (see
        :meth:`Client.invoke_responses <llm_connector.Client.invoke_responses>`: the same
        fallback to chat completions and the same errors)."""
        return await self._steps.run(self._driver.invoke_responses(request))

    def invoke_responses_stream(self, request: ResponsesRequest) -> AsyncResponsesStreamContext:
        """Stream a Responses API answer as ``ResponsesStreamEvent``s:
        ``stream = await client.invoke_responses_stream(r)`` or
        ``async with client.invoke_responses_stream(r) as stream``.

        The request is checked now (bad input raises here) and sent when awaited.
        """
        run = self._driver.invoke_responses_stream(request)
        return AsyncResponsesStreamContext(lambda: self._open(AsyncResponsesStream, run))

    async def _open(self, stream: type[_StreamT], run: StreamRun[Any, Any]) -> _StreamT:
        return stream(self._steps, run, await self._steps.start(run))

    async def models(
        self, *, api_key: str | None = None, base_url: str | None = None
    ) -> list[Model]:
        """The models the provider lists (every page of them). ``api_key`` and ``base_url``
        override the client's for this call, as a request's own do for the other calls."""
        return await self._steps.run(self._driver.models(api_key=api_key, base_url=base_url))

    async def embed(self, request: EmbedRequest) -> EmbedResponse:
        """Embed one text or a batch."""
        return await self._steps.run(self._driver.embed(request))

    async def count_tokens(self, request: ChatRequest) -> int:
        """How many input tokens ``request`` would use: the request chat would send, system
        prompt, tools and images included (Anthropic, OpenAI, Gemini, Bedrock, llama.cpp;
        the others raise ``UnsupportedFeatureError``: docs/caching.md)."""
        return await self._steps.run(self._driver.count_tokens(request))

    async def create_cache(
        self, request: ChatRequest, *, ttl: float | None = None, display_name: str | None = None
    ) -> CachedContent:
        """Cache ``request``'s prompt (system prompt, messages, tools) on the provider for
        ``ttl`` seconds (None: its default); answer from it with
        ``request.with_cached_content(cache.name)``. Gemini's explicit caches; the other
        providers raise ``UnsupportedFeatureError`` (docs/caching.md)."""
        from llm_connector.calls.caches import create_cache

        steps = create_cache(self._driver, request, ttl=ttl, display_name=display_name)
        return await self._steps.run(steps)

    async def delete_cache(self, name: str) -> None:
        """Delete the explicit cache ``name`` (``cachedContents/...``) now, before it expires."""
        from llm_connector.calls.caches import delete_cache

        await self._steps.run(delete_cache(self._driver, name))

    async def pull_model(self, name: str) -> None:
        """Download a model to the server (Ollama); returns when it is ready."""
        await self._steps.run(self._driver.pull_model(name))

    async def delete_model(self, name: str) -> None:
        """Delete a model from the server (Ollama)."""
        await self._steps.run(self._driver.delete_model(name))

    async def show_model(self, name: str) -> ModelDetails:
        """What the server knows about one model (Ollama)."""
        return await self._steps.run(self._driver.show_model(name))
