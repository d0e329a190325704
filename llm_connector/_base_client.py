"""What Client and AsyncClient share: configuration, constructors, request preparation.

Nothing here does I/O. The two shells subclass ``BaseClient`` and add only the methods
that send (``chat``, ``chat_stream``, ``models``, ``embed``), which differ between them in
nothing but ``await``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar
from urllib.parse import urlsplit

import attrs
import httpx

from llm_connector._providers import MOCK_BASE_URL, ProviderSpec, provider
from llm_connector._redact import redact_error, redact_url, secrets_of
from llm_connector._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from llm_connector._shell import USER_AGENT, add_request_id, to_timeout
from llm_connector.codecs._base import Endpoint, RequestSpec, merge_headers
from llm_connector.errors import LLMError, RequestValidationError, ResponseDecodeError
from llm_connector.types import ChatRequest, EmbedRequest
from llm_connector.types._request import SECRET_HEADERS

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

    #: The httpx client class this shell drives (an injected ``http_client`` must be one).
    _http_client_class: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]]

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
        if http_client is not None and not isinstance(http_client, self._http_client_class):
            # An httpx.AsyncClient in a Client (or the reverse) would fail only at the first
            # request, with a confusing error (or a coroutine that is never awaited).
            expected = self._http_client_class
            raise RequestValidationError(
                "http_client",
                f"{type(self).__name__} needs an {expected.__module__}.{expected.__name__}, "
                f"got {type(http_client).__module__}.{type(http_client).__name__}",
            )
        self._provider: ProviderSpec = spec
        self.name = name or spec.name
        self._codec = spec.codec()
        self._api_key = _checked_key(spec.resolve_api_key(api_key))
        self._base_url = _checked_base_url(spec.resolve_base_url(base_url))
        self._headers: dict[str, str] = {
            "User-Agent": USER_AGENT,
            **_checked_headers("headers", headers or {}),
        }
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
        max_retries: int = 0,
        headers: Mapping[str, str] | None = None,
    ) -> _C:
        """An offline client: scripted replies served as real OpenAI wire bodies through an
        in-process transport, so the same codec and stream code run as against a server.

        ``replies`` are used in order, one per request; the last one repeats. Pass a
        :class:`~llm_connector.MockServer` to inspect the requests it received.

        Unlike the network constructors, ``max_retries`` defaults to 0: a scripted error
        reply is raised to the caller as scripted (at once, without backoff waits) instead
        of being retried into the next reply. With ``max_retries`` set, retries behave as
        against a real server: each retry is a new request and takes the next reply.
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
        key = _checked_key(api_key) or self._api_key
        if key is None and self._provider.requires_api_key:
            env = " or ".join(f"${name}" for name in self._provider.api_key_env)
            raise RequestValidationError(
                "api_key",
                f"no API key for {self.name}: pass api_key=" + (f" or set {env}" if env else ""),
            )
        headers = merge_headers(self._headers, _checked_headers("extra_headers", extra_headers))
        endpoint = Endpoint(
            base_url=_checked_base_url(base_url.rstrip("/")) if base_url else self._base_url,
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
    def _decode(call: PreparedCall, parse: Callable[[bytes], _T], response: httpx.Response) -> _T:
        """Run a codec parser on a read response; any error it raises is scrubbed of
        secrets and carries the response's request id. Codecs raise only LLMErrors;
        anything else (a codec bug) becomes a ResponseDecodeError."""
        body = response.content
        try:
            return parse(body)
        except LLMError as exc:
            redact_error(exc, call.secrets)
            add_request_id(exc, response)
            raise
        except Exception as exc:
            error = ResponseDecodeError(
                f"could not decode the response ({exc!r})", body=body.decode("utf-8", "replace")
            )
            redact_error(error, call.secrets)
            raise error from exc


# -- checks on what goes into the HTTP request line and headers (pure) --------------------

# What an HTTP header value may hold as httpx sends it: printable ASCII and tabs. Anything
# else fails deep inside httpx/h11 with the whole header value, key included, in the
# message (a key read from a file with its trailing newline, or from a CRLF .env file).
_UNSENDABLE = re.compile(r"[^\t\x20-\x7e]")
# RFC 9110 section 5.6.2 token: the characters a header name may use.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def _checked_key(key: str | None) -> str | None:
    if key is not None:
        if not isinstance(key, str):
            raise RequestValidationError("api_key", f"must be a string, got {type(key).__name__}")
        if _UNSENDABLE.search(key) or key != key.strip():
            # The key itself is never repeated in the message.
            raise RequestValidationError(
                "api_key",
                "contains whitespace at an end, a line break, a control character or a "
                "non-ASCII character (a trailing newline from a file or .env?)",
            )
    return key


def _checked_headers(field: str, headers: Mapping[str, str]) -> Mapping[str, str]:
    for name, value in headers.items():
        where = f"{field}[{name!r}]"
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise RequestValidationError(field, f"{name!r} is not a valid header name")
        if not isinstance(value, str):
            raise RequestValidationError(where, f"must be a string, got {type(value).__name__}")
        bad = _UNSENDABLE.search(value)
        if bad:
            # Credential headers' values are secrets: say where, not what.
            shown = "" if name.lower() in SECRET_HEADERS else f" {bad.group()!r}"
            raise RequestValidationError(
                where,
                f"contains a character that cannot be sent in an HTTP header{shown} "
                f"at position {bad.start()}",
            )
    return headers


def _checked_base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RequestValidationError(
            "base_url", f"must be an http:// or https:// URL, got {redact_url(url)!r}"
        )
    return url
