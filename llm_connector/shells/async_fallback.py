"""The asyncio fallback chain (``AsyncClient.fallback([...])``): the twin of
sync_fallback.py, differing in ``await`` only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from llm_connector.calls.hooks import afire
from llm_connector.calls.stream_core import AnswerT, ItemT
from llm_connector.errors import LLMError
from llm_connector.shells.async_streams import (
    AsyncChatStream,
    AsyncResponsesStream,
    AsyncStreamContext,
)
from llm_connector.shells.fallback_base import (
    NOTHING,
    FallbackBase,
    FallbackStreamBase,
    routed,
)

if TYPE_CHECKING:
    from llm_connector.calls.fallback import ChainRun, FallbackMember
    from llm_connector.responses import ResponsesRequest, ResponsesResponse, ResponsesStreamEvent
    from llm_connector.shells.async_client import AsyncClient
    from llm_connector.shells.async_streams import _AsyncStream
    from llm_connector.types import ChatRequest, ChatResponse, StreamingResponse
    from llm_connector.types._embedding import EmbedRequest, EmbedResponse

__all__ = ["AsyncFallback", "AsyncFallbackStream", "AsyncFallbackStreamContext"]

_T = TypeVar("_T")


class AsyncFallbackStream(
    FallbackStreamBase["_AsyncStream[ItemT, AnswerT]", AnswerT], Generic[ItemT, AnswerT]
):
    """The asyncio twin of :class:`~llm_connector.FallbackStream`."""

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        try:
            first = self._take_first()
            if first is not NOTHING:
                yield first
            async for item in self._stream:
                yield item
        finally:
            await self.aclose()

    async def __anext__(self) -> ItemT:
        first = self._take_first()
        return await self._stream.__anext__() if first is NOTHING else first

    async def aclose(self) -> None:
        """Stop reading and close the connection (as ``AsyncChatStream.aclose``)."""
        await self._stream.aclose()

    async def final_response(self) -> AnswerT:
        """The whole answer (as ``AsyncChatStream.final_response``), with its ``route``."""
        self._first = NOTHING
        return routed(await self._stream.final_response(), self.route)

    async def __aenter__(self) -> AsyncFallbackStream[ItemT, AnswerT]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class AsyncFallbackStreamContext(
    AsyncStreamContext[AsyncFallbackStream[ItemT, AnswerT]], Generic[ItemT, AnswerT]
):
    """What a chain's streaming calls return: await it for the stream, or use it as
    ``async with`` to have the stream closed on exit."""


class AsyncFallback(FallbackBase["AsyncClient"]):
    """A fallback chain of asyncio clients: ``AsyncClient.fallback([...])``, the twin of
    :class:`~llm_connector.Fallback`. Safe to share between tasks; its ``on_fallback``
    hooks may be ``async def``."""

    _awaits_hooks = True

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """``AsyncClient.chat`` on the first member that answers."""
        return await self._ask(request, lambda client, r: client.chat(r))

    async def chat_parse(self, request: ChatRequest, output_type: type[_T]) -> _T:
        """``AsyncClient.chat_parse`` on the first member that answers (the value carries no
        ``route``: use ``chat`` and ``answer.parse`` for it). A member's
        ``OutputValidationError`` or ``OutputRefusedError`` is the answer, not a reason to
        move on."""
        request = request.with_output_type(output_type)
        answer = await self.chat(request)
        return answer.parse(output_type)

    def chat_stream(
        self, request: ChatRequest
    ) -> AsyncFallbackStreamContext[StreamingResponse, ChatResponse]:
        """``AsyncClient.chat_stream`` on the first member that answers: ``await`` it or
        ``async with`` it; it is there once its first content arrived."""
        return AsyncFallbackStreamContext(
            lambda: self._stream(
                request,
                lambda c, r: c._open(AsyncChatStream, c._driver.chat_stream(r, held=True)),
            )
        )

    async def invoke_responses(self, request: ResponsesRequest) -> ResponsesResponse:
        """``AsyncClient.invoke_responses`` on the first member that answers."""
        return await self._ask(request, lambda client, r: client.invoke_responses(r))

    def invoke_responses_stream(
        self, request: ResponsesRequest
    ) -> AsyncFallbackStreamContext[ResponsesStreamEvent, ResponsesResponse]:
        """``AsyncClient.invoke_responses_stream`` on the first member that answers (as
        :meth:`chat_stream`)."""
        return AsyncFallbackStreamContext(
            lambda: self._stream(
                request,
                lambda c, r: c._open(
                    AsyncResponsesStream, c._driver.invoke_responses_stream(r, held=True)
                ),
            )
        )

    async def embed(self, request: EmbedRequest) -> EmbedResponse:
        """``AsyncClient.embed`` on the first member that answers."""
        return await self._ask(request, lambda client, r: client.embed(r))

    async def _next(self, run: ChainRun[AsyncClient]) -> FallbackMember[AsyncClient] | None:
        member = run.next()
        await self._tell(run)
        return member

    async def _tell(self, run: ChainRun[AsyncClient]) -> None:
        for skipped in run.untold():
            await afire(self._on_fallback, skipped)

    async def _ask(self, request: Any, ask: Callable[[AsyncClient, Any], Awaitable[_T]]) -> _T:
        run = self._run(request)
        while (member := await self._next(run)) is not None:
            try:
                answer = await ask(member.client, run.request_for(member))
            except LLMError as exc:
                run.failed(member, exc)
                await self._tell(run)
                continue
            return routed(answer, run.route(member))
        raise run.exhausted()

    async def aclose(self) -> None:
        """Close the clients the chain built from names (not those you passed in)."""
        for client in self._owned:
            await client.aclose()

    async def __aenter__(self) -> AsyncFallback:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _stream(
        self,
        request: Any,
        open_stream: Callable[[AsyncClient, Any], Awaitable[_AsyncStream[ItemT, AnswerT]]],
    ) -> AsyncFallbackStream[ItemT, AnswerT]:
        run = self._run(request)
        while (member := await self._next(run)) is not None:
            try:
                stream = await open_stream(member.client, run.request_for(member))
            except LLMError as exc:
                run.failed(member, exc)
                await self._tell(run)
                continue
            try:
                # The member held back what came before its first content: an item here
                # is content (or the whole of an answer without any).
                first = await anext(stream, NOTHING)
            except LLMError as exc:
                await stream.aclose()
                run.failed(member, exc)
                await self._tell(run)
                continue
            except BaseException:
                await stream.aclose()
                raise
            return AsyncFallbackStream(stream, first, run.route(member))
        raise run.exhausted()
