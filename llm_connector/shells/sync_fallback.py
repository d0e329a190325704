"""The blocking fallback chain (``Client.fallback([...])``): each call asks the chain's
members in turn as calls/fallback.py decides. The asyncio twin, async_fallback.py,
differs in ``await`` only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from llm_connector.calls.hooks import fire
from llm_connector.calls.stream_core import AnswerT, ItemT
from llm_connector.errors import LLMError
from llm_connector.shells.fallback_base import (
    NOTHING,
    FallbackBase,
    FallbackStreamBase,
    routed,
)
from llm_connector.shells.sync_streams import ChatStream, ResponsesStream

if TYPE_CHECKING:
    from llm_connector.calls.fallback import ChainRun, FallbackMember
    from llm_connector.responses import ResponsesRequest, ResponsesResponse, ResponsesStreamEvent
    from llm_connector.shells.sync_client import Client
    from llm_connector.shells.sync_streams import _Stream
    from llm_connector.types import ChatRequest, ChatResponse, StreamingResponse
    from llm_connector.types._embedding import EmbedRequest, EmbedResponse

__all__ = ["Fallback", "FallbackStream"]

_T = TypeVar("_T")


class FallbackStream(
    FallbackStreamBase["_Stream[ItemT, AnswerT]", AnswerT], Generic[ItemT, AnswerT]
):
    """The stream of the member that answered a chain's streamed call: iterate it as that
    member's stream (``ChatStream``, ``ResponsesStream``); ``route`` says which member it
    is. Its first content had arrived when the call returned: from then on nothing
    switches, and an error is raised as it is, with what arrived on ``.partial``."""

    def __iter__(self) -> Iterator[ItemT]:
        try:
            first = self._take_first()
            if first is not NOTHING:
                yield first
            yield from self._stream
        finally:
            self.close()

    def __next__(self) -> ItemT:
        first = self._take_first()
        return next(self._stream) if first is NOTHING else first

    def close(self) -> None:
        """Stop reading and close the connection (as ``ChatStream.close``)."""
        self._stream.close()

    def final_response(self) -> AnswerT:
        """The whole answer (as ``ChatStream.final_response``), with its ``route``."""
        self._first = NOTHING
        return routed(self._stream.final_response(), self.route)

    def __enter__(self) -> FallbackStream[ItemT, AnswerT]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Fallback(FallbackBase["Client"]):
    """A fallback chain of blocking clients: ``Client.fallback([...])`` (see there, and
    docs/fallback.md). The same calls as a ``Client``; each answer's ``route`` says which
    member gave it. Safe to share between threads."""

    def chat(self, request: ChatRequest) -> ChatResponse:
        """``Client.chat`` on the first member that answers."""
        return self._ask(request, lambda client, r: client.chat(r))

    def chat_parse(self, request: ChatRequest, output_type: type[_T]) -> _T:
        """``Client.chat_parse`` on the first member that answers (the value carries no
        ``route``: use ``chat`` and ``answer.parse`` for it). A member's
        ``OutputValidationError`` or ``OutputRefusedError`` is the answer, not a reason to
        move on."""
        request = request.with_output_type(output_type)
        answer = self.chat(request)
        return answer.parse(output_type)

    def chat_stream(self, request: ChatRequest) -> FallbackStream[StreamingResponse, ChatResponse]:
        """``Client.chat_stream`` on the first member that answers: returns once its first
        content arrived (a member failing before that is passed over)."""
        return self._stream(
            request, lambda c, r: c._open(ChatStream, c._driver.chat_stream(r, held=True))
        )

    def invoke_responses(self, request: ResponsesRequest) -> ResponsesResponse:
        """``Client.invoke_responses`` on the first member that answers."""
        return self._ask(request, lambda client, r: client.invoke_responses(r))

    def invoke_responses_stream(
        self, request: ResponsesRequest
    ) -> FallbackStream[ResponsesStreamEvent, ResponsesResponse]:
        """``Client.invoke_responses_stream`` on the first member that answers (as
        :meth:`chat_stream`)."""
        return self._stream(
            request,
            lambda c, r: c._open(ResponsesStream, c._driver.invoke_responses_stream(r, held=True)),
        )

    def embed(self, request: EmbedRequest) -> EmbedResponse:
        """``Client.embed`` on the first member that answers."""
        return self._ask(request, lambda client, r: client.embed(r))

    def _next(self, run: ChainRun[Client]) -> FallbackMember[Client] | None:
        member = run.next()
        self._tell(run)
        return member

    def _tell(self, run: ChainRun[Client]) -> None:
        for skipped in run.untold():
            fire(self._on_fallback, skipped)

    def _ask(self, request: Any, ask: Callable[[Client, Any], _T]) -> _T:
        run = self._run(request)
        while (member := self._next(run)) is not None:
            try:
                answer = ask(member.client, run.request_for(member))
            except LLMError as exc:
                run.failed(member, exc)
                self._tell(run)
                continue
            return routed(answer, run.route(member))
        raise run.exhausted()

    def close(self) -> None:
        """Close the clients the chain built from names (not those you passed in)."""
        for client in self._owned:
            client.close()

    def __enter__(self) -> Fallback:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _stream(
        self, request: Any, open_stream: Callable[[Client, Any], _Stream[ItemT, AnswerT]]
    ) -> FallbackStream[ItemT, AnswerT]:
        run = self._run(request)
        while (member := self._next(run)) is not None:
            try:
                stream = open_stream(member.client, run.request_for(member))
            except LLMError as exc:
                run.failed(member, exc)
                self._tell(run)
                continue
            try:
                # The member held back what came before its first content: an item here
                # is content (or the whole of an answer without any).
                first = next(stream, NOTHING)
            except LLMError as exc:
                stream.close()
                run.failed(member, exc)
                self._tell(run)
                continue
            except BaseException:
                stream.close()
                raise
            return FallbackStream(stream, first, run.route(member))
        raise run.exhausted()
