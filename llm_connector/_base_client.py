"""What Client and AsyncClient share: configuration, constructors, request preparation.

Nothing here does I/O. The two shells subclass ``BaseClient`` and add only the methods
that send (``chat``, ``chat_stream``, ``models``, ``embed``), which differ between them in
nothing but ``await``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
import httpx

from llm_connector._providers import MOCK_BASE_URL, ProviderSpec, provider
from llm_connector._redact import redact_error, secrets_of
from llm_connector._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from llm_connector._shell import USER_AGENT, to_timeout
from llm_connector.codecs._base import Endpoint, RequestSpec
from llm_connector.errors import LLMError, RequestValidationError
from llm_connector.types import ChatRequest, EmbedRequest

if TYPE_CHECKING:
    from llm_connector._mock import MockReply, MockServer

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
_C = TypeVar("_C", bound="BaseClient[Any]")
_T = TypeVar("_T")


@attrs.frozen
class PreparedCall:
    """A request ready to send, with the secrets to scrub from anything it produces."""

    spec: RequestSpec
    secrets: tuple[str, ...] = attrs.field(repr=False)


class BaseClient(Generic[HttpT]):
    """Shared configuration of the two clients. Use ``Client`` or ``AsyncClient``."""

    def __init__(
        self,
        provider_name: str = "openai",
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        name: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: str | httpx.Proxy | None = None,
        http_client: HttpT | None = None,
        _transport: Any = None,
    ) -> None:
        spec = provider(provider_name)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise RequestValidationError(
                "max_retries", f"must be a non-negative integer, got {max_retries!r}"
            )
        if http_client is not None and proxy is not None:
            raise RequestValidationError(
                "proxy", "set the proxy on the http_client you pass instead"
            )
        self._provider: ProviderSpec = spec
        self.name = name or spec.name
        self._codec = spec.codec()
        self._api_key = spec.resolve_api_key(api_key)
        self._base_url = spec.resolve_base_url(base_url)
        self._headers: dict[str, str] = {"User-Agent": USER_AGENT, **(headers or {})}
        self._timeout = to_timeout(timeout)
        self._retry = RetryPolicy(max_retries=max_retries)
        self._owns_http = http_client is None
        self._http: HttpT = (
            http_client if http_client is not None else self._new_http_client(proxy, _transport)
        )

    def _new_http_client(self, proxy: str | httpx.Proxy | None, transport: Any) -> HttpT:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def provider(self) -> str:
        return self._provider.name

    def __repr__(self) -> str:
        # Never the key: only whether one is set.
        key = "set" if self._api_key else "none"
        return (
            f"{type(self).__name__}(provider={self.name!r}, "
            f"base_url={self._base_url!r}, api_key={key})"
        )

    # -- constructors (one per provider; the same on both clients) ---------------------

    @classmethod
    def openai(
        cls: type[_C],
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: str | httpx.Proxy | None = None,
        http_client: Any = None,
    ) -> _C:
        """OpenAI. ``api_key`` defaults to ``$OPENAI_API_KEY``, ``base_url`` to
        ``$OPENAI_BASE_URL`` or ``https://api.openai.com/v1``."""
        return cls(
            "openai",
            api_key,
            base_url,
            timeout=timeout,
            max_retries=max_retries,
            headers=headers,
            proxy=proxy,
            http_client=http_client,
        )

    @classmethod
    def openai_compatible(
        cls: type[_C],
        api_key: str | None = None,
        base_url: str | None = None,
        name: str = "openai_compatible",
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: str | httpx.Proxy | None = None,
        http_client: Any = None,
    ) -> _C:
        """Any server that speaks OpenAI chat completions at ``base_url`` (e.g.
        ``http://localhost:8080/v1``). The key is optional; ``name`` labels the client."""
        return cls(
            "openai_compatible",
            api_key,
            base_url,
            name=name,
            timeout=timeout,
            max_retries=max_retries,
            headers=headers,
            proxy=proxy,
            http_client=http_client,
        )

    @classmethod
    def mock(
        cls: type[_C],
        replies: MockServer | str | MockReply | Sequence[str | MockReply] | None = None,
        *,
        model: str = "mock-model",
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
    ) -> _C:
        """An offline client: scripted replies served as real OpenAI wire bodies through an
        in-process transport, so the same codec and stream code run as against a server.

        ``replies`` are used in order, one per request; the last one repeats. Pass a
        :class:`~llm_connector.MockServer` to inspect the requests it received.
        """
        from llm_connector._mock import MockServer

        server = replies if isinstance(replies, MockServer) else MockServer(replies, model=model)
        return cls(
            "mock",
            None,
            MOCK_BASE_URL,
            timeout=timeout,
            max_retries=max_retries,
            headers=headers,
            _transport=server.transport(),
        )

    # -- preparing requests (pure) ----------------------------------------------------

    def _endpoint(
        self, api_key: str | None, base_url: str | None, extra_headers: Mapping[str, str]
    ) -> tuple[Endpoint, tuple[str, ...]]:
        key = api_key or self._api_key
        if key is None and self._provider.requires_api_key:
            env = " or ".join(f"${name}" for name in self._provider.api_key_env)
            raise RequestValidationError(
                "api_key",
                f"no API key for {self.name}: pass api_key=" + (f" or set {env}" if env else ""),
            )
        headers = {**self._headers, **extra_headers}
        endpoint = Endpoint(
            base_url=base_url.rstrip("/") if base_url else self._base_url,
            api_key=key,
            auth=self._provider.auth,
            headers=headers,
        )
        return endpoint, secrets_of(key, {**endpoint.auth_headers(), **headers})

    def _prepare_chat(self, request: ChatRequest, *, stream: bool) -> PreparedCall:
        if not isinstance(request, ChatRequest):
            raise RequestValidationError(
                "request", f"expected ChatRequest, got {type(request).__name__}"
            )
        endpoint, secrets = self._endpoint(request.api_key, request.base_url, request.extra_headers)
        return PreparedCall(self._codec.build_chat(request, endpoint, stream=stream), secrets)

    def _prepare_models(self) -> PreparedCall:
        endpoint, secrets = self._endpoint(None, None, {})
        return PreparedCall(self._codec.build_models(endpoint), secrets)

    def _prepare_embed(self, request: EmbedRequest) -> PreparedCall:
        if not isinstance(request, EmbedRequest):
            raise RequestValidationError(
                "request", f"expected EmbedRequest, got {type(request).__name__}"
            )
        endpoint, secrets = self._endpoint(request.api_key, request.base_url, request.extra_headers)
        return PreparedCall(self._codec.build_embed(request, endpoint), secrets)

    @staticmethod
    def _decode(call: PreparedCall, parse: Callable[[bytes], _T], body: bytes) -> _T:
        """Run a codec parser; any error it raises is scrubbed of secrets."""
        try:
            return parse(body)
        except LLMError as exc:
            redact_error(exc, call.secrets)
            raise
