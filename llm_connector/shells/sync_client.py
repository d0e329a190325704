"""The blocking client. Each method asks the call driver for the call's steps and does them
with the client's ``httpx.Client``; a streamed call goes on in the stream it
returns (both in shells/sync_streams.py)."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from llm_connector.shells.base import ShellBase
from llm_connector.shells.http import POOL_LIMITS
from llm_connector.shells.sync_streams import ChatStream, ResponsesStream, SyncSteps

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from llm_connector.calls.fallback import FallbackMember, FallbackPolicy
    from llm_connector.calls.streaming import StreamRun
    from llm_connector.responses import ResponsesRequest, ResponsesResponse
    from llm_connector.shells.fallback_base import FallbackHook
    from llm_connector.shells.sync_fallback import Fallback
    from llm_connector.types import ChatRequest, ChatResponse
    from llm_connector.types._cached_content import CachedContent
    from llm_connector.types._embedding import EmbedRequest, EmbedResponse
    from llm_connector.types._models import Model, ModelDetails

__all__ = ["ChatStream", "Client", "ResponsesStream"]

_T = TypeVar("_T")
_StreamT = TypeVar("_StreamT", ChatStream, ResponsesStream)


class Client(ShellBase[httpx.Client, SyncSteps]):
    """A blocking client for one provider. Build it with a constructor such as
    :meth:`Client.openai`; use it as a context manager or call :meth:`close`.

    Errors: :class:`~llm_connector.errors.RequestValidationError` before sending,
    ``APIConnectionError`` / ``APITimeoutError`` without an answer, an ``APIStatusError``
    subclass for an error answer (after retries), ``StreamError`` subclasses mid-stream.
    """

    _http_client_class = httpx.Client

    def _new_http_client(self, proxy: str | httpx.Proxy | None, transport: Any) -> httpx.Client:
        return httpx.Client(proxy=proxy, transport=transport, limits=POOL_LIMITS)

    @classmethod
    def fallback(
        cls,
        members: Sequence[Client | FallbackMember[Client] | str],
        *,
        policy: FallbackPolicy | None = None,
        on_fallback: FallbackHook | Iterable[FallbackHook] | None = None,
    ) -> Fallback:
        """A fallback chain: the same calls as a client, each going to the first member
        that answers (docs/fallback.md). ``members`` are clients (each with its ``model``,
        or asked for the request's), ``FallbackMember``s with rules of their own, or
        ``"provider/model"`` names (built with :meth:`from_model`, closed with the chain).

        A call moves on from a member that fails before any content reached the caller
        with an error of ``policy.switch_on`` (by default: overloaded, rate limited, 5xx,
        no connection, a timeout, a broken answer), after the member's own retries; that
        member then cools down (``policy.cooldown``, or the provider's ``Retry-After``). A
        member that cannot take the request is skipped with its reason. Each answer's
        ``route`` says which member gave it and why those before it did not; when none
        did, ``FallbackExhaustedError`` holds every member's error. ``on_fallback`` is
        called with each member a call passes over (a ``SkippedMember``), as it happens.
        """
        from llm_connector.shells.sync_fallback import Fallback

        return Fallback(members, client_class=cls, policy=policy, on_fallback=on_fallback)

    def _new_steps(self, http: httpx.Client) -> SyncSteps:
        return SyncSteps(http)

    def close(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def chat(self, request: ChatRequest) -> ChatResponse:
        """Send a chat request and return the whole answer."""
        return self._steps.run(self._driver.chat(request))

    def chat_stream(self, request: ChatRequest) -> ChatStream:
        """Send a chat request and stream the answer as ``StreamingResponse`` chunks.

        The request is sent now; HTTP errors raise here. Iterate the returned stream;
        leaving the loop early closes the connection.
        """
        return self._open(ChatStream, self._driver.chat_stream(request))

    def chat_parse(self, request: ChatRequest, output_type: type[_T]) -> _T:
        """Ask for an answer of ``output_type`` and return it typed: ``request`` with
        ``with_output_type(output_type)`` (unless it already asks for that type), sent
        whole, its answer parsed (see ``ChatResponse.parse``: ``OutputRefusedError``,
        ``OutputValidationError``). docs/structured.md."""
        request = request.with_output_type(output_type)
        answer = self.chat(request)
        return answer.parse(output_type)

    def invoke_responses(self, request: ResponsesRequest) -> ResponsesResponse:
        """Send a Responses API request and return the whole answer.

        Goes to ``/responses`` where the provider may serve it; a server that turns out
        to have no such route (404, 405, 501, or an error naming the route) is asked
        through chat completions instead, and remembered. Providers with another protocol
        (Anthropic, Gemini, Ollama) are always asked through their chat protocol.

        Raises ``UnsupportedFeatureError`` when the request needs ``/responses`` and the
        server has none (``previous_response_id``, hosted tools); a failed response
        raises the ``APIStatusError`` its error code stands for.
        """
        return self._steps.run(self._driver.invoke_responses(request))

    def invoke_responses_stream(self, request: ResponsesRequest) -> ResponsesStream:
        """Send a Responses API request and stream the answer as ``ResponsesStreamEvent``s
        (the fallback to chat completions of :meth:`invoke_responses` applies, and
        synthesizes the events ``/responses`` would have sent).

        The request is sent now; HTTP errors raise here. Iterate the returned stream;
        leaving the loop early closes the connection.
        """
        return self._open(ResponsesStream, self._driver.invoke_responses_stream(request))

    def _open(self, stream: type[_StreamT], run: StreamRun[Any, Any]) -> _StreamT:
        return stream(self._steps, run, self._steps.start(run))

    def models(self, *, api_key: str | None = None, base_url: str | None = None) -> list[Model]:
        """The models the provider lists (every page of them). ``api_key`` and ``base_url``
        override the client's for this call, as a request's own do for the other calls."""
        return self._steps.run(self._driver.models(api_key=api_key, base_url=base_url))

    def embed(self, request: EmbedRequest) -> EmbedResponse:
        """Embed one text or a batch."""
        return self._steps.run(self._driver.embed(request))

    def count_tokens(self, request: ChatRequest) -> int:
        """How many input tokens ``request`` would use: the request chat would send, system
        prompt, tools and images included (Anthropic, OpenAI, Gemini, Bedrock, llama.cpp;
        the others raise ``UnsupportedFeatureError``: docs/caching.md)."""
        return self._steps.run(self._driver.count_tokens(request))

    def create_cache(
        self, request: ChatRequest, *, ttl: float | None = None, display_name: str | None = None
    ) -> CachedContent:
        """Cache ``request``'s prompt (system prompt, messages, tools) on the provider for
        ``ttl`` seconds (None: its default); answer from it with
        ``request.with_cached_content(cache.name)``. Gemini's explicit caches; the other
        providers raise ``UnsupportedFeatureError`` (docs/caching.md)."""
        from llm_connector.calls.caches import create_cache

        steps = create_cache(self._driver, request, ttl=ttl, display_name=display_name)
        return self._steps.run(steps)

    def delete_cache(self, name: str) -> None:
        """Delete the explicit cache ``name`` (``cachedContents/...``) now, before it expires."""
        from llm_connector.calls.caches import delete_cache

        self._steps.run(delete_cache(self._driver, name))

    def pull_model(self, name: str) -> None:
        """Download a model to the server (Ollama); returns when it is ready."""
        self._steps.run(self._driver.pull_model(name))

    def delete_model(self, name: str) -> None:
        """Delete a model from the server (Ollama)."""
        self._steps.run(self._driver.delete_model(name))

    def show_model(self, name: str) -> ModelDetails:
        """What the server knows about one model (Ollama)."""
        return self._steps.run(self._driver.show_model(name))
