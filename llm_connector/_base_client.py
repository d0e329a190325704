"""What Client and AsyncClient share: configuration, constructors, request preparation.

Nothing here does I/O. The two shells subclass ``BaseClient`` and add only the methods
that send (``chat``, ``chat_stream``, ``models``, ``embed``), which differ between them in
nothing but ``await``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from functools import partial
from time import monotonic
from time import time as wall_clock
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

import attrs
import httpx

from llm_connector._checks import checked_base_url, checked_headers, checked_key
from llm_connector._constructors import ProviderConstructors
from llm_connector._hooks import HookRegistry, Hooks
from llm_connector._providers import ProviderSpec, provider
from llm_connector._redact import redact_error, redact_text, redact_url, secrets_of
from llm_connector._retry import DEFAULT_MAX_RETRIES, Attempts, RetryPolicy
from llm_connector._shell import USER_AGENT, Attempt, add_request_id
from llm_connector._timeout import DEFAULT_TIMEOUT, Timeout
from llm_connector.codecs.contract import Endpoint, RequestSpec, merge_headers
from llm_connector.errors import (
    APIStatusError,
    LLMError,
    RequestValidationError,
    ResponseDecodeError,
)
from llm_connector.types import ChatRequest
from llm_connector.types._value import FrozenValue

if TYPE_CHECKING:
    from llm_connector._responses_call import ResponsesCall
    from llm_connector.responses import ResponsesRequest, ResponsesResponse
    from llm_connector.types._embedding import EmbedRequest
    from llm_connector.types._models import Model, ModelDetails, ModelPage

logger = logging.getLogger("llm_connector")

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
_C = TypeVar("_C", bound="BaseClient[Any]")
_T = TypeVar("_T")


@attrs.frozen(repr=False, eq=False)
class PreparedCall(FrozenValue):
    """A request ready to send, with the secrets to scrub from anything it produces, and
    its limits: the client's, or the request's own (``with_timeout``, ``with_max_retries``)."""

    spec: RequestSpec
    secrets: tuple[str, ...] = attrs.field(repr=False)
    timeout: Timeout = DEFAULT_TIMEOUT
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    #: The model asked for, for the hooks (None: a call about no model).
    model: str | None = None

    def attempts(self) -> Attempts:
        """A fresh retry budget and deadline, for the call starting now."""
        return Attempts(self.retry, self.timeout.total, monotonic())


class BaseClient(ProviderConstructors, HookRegistry, Generic[HttpT]):
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
        timeout: Timeout | float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: str | httpx.Proxy | None = None,
        http_client: HttpT | None = None,
        hooks: Hooks | None = None,
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
        self._init_hooks(hooks)
        self._provider: ProviderSpec = spec
        self.name = name or spec.name
        self._codec = spec.codec()
        self._api_key = checked_key(spec.resolve_api_key(api_key))
        self._base_url = checked_base_url(spec.resolve_base_url(base_url))
        self._headers: dict[str, str] = {
            "User-Agent": USER_AGENT,
            **checked_headers("headers", headers or {}),
        }
        # The secrets of a request with the client's own key and headers, the usual one:
        # found once here rather than for every request (see _endpoint).
        self._secrets = self._secrets_for(self._api_key, self._headers)
        self._timeout = Timeout.of(timeout)
        self._retry = RetryPolicy(max_retries=max_retries)
        self._owns_http = http_client is None
        self._http: HttpT = (
            http_client if http_client is not None else self._new_http_client(proxy, _transport)
        )
        # The base URLs found to have no /responses (their Responses calls go to chat
        # completions from then on). Threads may share a client: a lock guards the set.
        self._without_responses: set[str] = set()
        self._responses_lock = threading.Lock()

    def _new_http_client(self, proxy: str | httpx.Proxy | None, transport: Any) -> HttpT:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def provider(self) -> str:
        return self._provider.name

    def _attempt(self, call: PreparedCall, attempts: Attempts, *, stream: bool) -> Attempt:
        """The attempt about to be sent (its request line is logged)."""
        describe = partial(self._request_info, call, attempts.retries + 1, stream=stream)
        return Attempt(describe, self._hooks, call.secrets, attempts)

    def __repr__(self) -> str:
        # Never the key: only whether one is set.
        key = "set" if self._api_key else "none"
        return (
            f"{type(self).__name__}(provider={self.name!r}, "
            f"base_url={self._base_url!r}, api_key={key})"
        )

    # -- preparing requests (pure) ----------------------------------------------------

    def _endpoint(
        self, api_key: str | None, base_url: str | None, extra_headers: Mapping[str, str]
    ) -> tuple[Endpoint, tuple[str, ...]]:
        key = checked_key(api_key) or self._api_key
        if key is None and self._provider.requires_api_key:
            env = " or ".join(f"${name}" for name in self._provider.api_key_env)
            raise RequestValidationError(
                "api_key",
                f"no API key for {self.name}: pass api_key=" + (f" or set {env}" if env else ""),
            )
        headers = (
            merge_headers(self._headers, checked_headers("extra_headers", extra_headers))
            if extra_headers
            else self._headers  # read, never changed: the codecs merge it into their own
        )
        endpoint = Endpoint(
            base_url=checked_base_url(base_url.rstrip("/")) if base_url else self._base_url,
            api_key=key,
            auth=self._provider.auth,
            headers=headers,
            timestamp=wall_clock(),
        )
        if key == self._api_key and headers is self._headers:
            return endpoint, self._secrets
        return endpoint, self._secrets_for(key, headers)

    def _secrets_for(self, key: str | None, headers: Mapping[str, str]) -> tuple[str, ...]:
        """What to scrub for a request with ``key`` and ``headers``: those and the client's
        own key (a server may quote either) and the credential headers."""
        auth = Endpoint(self._base_url, key, self._provider.auth).auth_headers()
        return secrets_of((key, self._api_key), {**auth, **headers})

    def _call(
        self,
        spec: RequestSpec,
        secrets: tuple[str, ...],
        request: ChatRequest | EmbedRequest | ResponsesRequest | None = None,
    ) -> PreparedCall:
        timeout, retry = self._timeout, self._retry
        if request is not None:
            if request.timeout is not None:
                timeout = request.timeout
            if request.max_retries is not None:
                retry = attrs.evolve(retry, max_retries=request.max_retries)
        model = None if request is None else request.model
        return PreparedCall(spec, signed_secrets(secrets, spec), timeout, retry, model)

    def _prepare_chat(self, request: ChatRequest, *, stream: bool) -> PreparedCall:
        if not isinstance(request, ChatRequest):
            raise RequestValidationError(
                "request", f"expected ChatRequest, got {type(request).__name__}"
            )
        endpoint, secrets = self._endpoint(request.api_key, request.base_url, request.extra_headers)
        return self._call(
            self._codec.build_chat(request, endpoint, stream=stream), secrets, request
        )

    def _prepare_responses(self, request: ResponsesRequest, *, stream: bool) -> ResponsesCall:
        """The call for a Responses request: to ``/responses`` when the provider may serve
        it and this base URL has not been found without it, else translated to chat."""
        from llm_connector._responses_call import ResponsesCall
        from llm_connector.responses import ResponsesRequest

        if not isinstance(request, ResponsesRequest):
            raise RequestValidationError(
                "request", f"expected ResponsesRequest, got {type(request).__name__}"
            )
        endpoint, secrets = self._endpoint(request.api_key, request.base_url, request.extra_headers)
        if not self._provider.native_responses or self._lacks_responses(endpoint.base_url):
            return self._translated_responses(request, endpoint, secrets, stream=stream)
        from llm_connector.codecs.openai_responses.codec import NativeSource, OpenAIResponsesCodec

        codec = OpenAIResponsesCodec()
        spec = codec.build_responses(request, endpoint, stream=stream)
        call = self._call(spec, secrets, request)
        return ResponsesCall(
            call, NativeSource(codec), codec.parse_response, True, request, endpoint, secrets
        )

    def _translated_responses(
        self,
        request: ResponsesRequest,
        endpoint: Endpoint,
        secrets: tuple[str, ...],
        *,
        stream: bool,
    ) -> ResponsesCall:
        from llm_connector._responses_call import ResponsesCall
        from llm_connector.codecs.openai_responses.fallback import (
            TranslatedSource,
            responses_response_of,
        )
        from llm_connector.responses import chat_request_for

        request.validate()
        chat = chat_request_for(request)
        spec = self._codec.build_chat(chat, endpoint, stream=stream)
        created = endpoint.timestamp
        parse_chat = self._codec.parse_chat

        def parse(body: bytes) -> ResponsesResponse:
            return responses_response_of(parse_chat(body), request.model, created)

        source = TranslatedSource(self._codec, request.model, created)
        call = self._call(spec, secrets, chat)
        return ResponsesCall(call, source, parse, False, request, endpoint, secrets)

    def _lacks_responses(self, base_url: str) -> bool:
        with self._responses_lock:
            return base_url in self._without_responses

    def _responses_fallback(self, call: ResponsesCall, error: LLMError) -> ResponsesCall | None:
        """The translated call to make after a native call failed with ``error``, when the
        error says the server has no ``/responses`` (the base URL is remembered); None when
        the error is the answer."""
        from llm_connector.codecs.openai_responses.parse import lacks_responses_route

        if not call.native or not isinstance(error, APIStatusError):
            return None
        if not lacks_responses_route(error):
            return None
        base_url = call.endpoint.base_url
        with self._responses_lock:
            self._without_responses.add(base_url)
        logger.info(
            "%s has no /responses (%s): using chat completions from now on",
            redact_url(base_url),
            redact_text(str(error), call.secrets),
        )
        return self._translated_responses(
            call.request, call.endpoint, call.secrets, stream=call.call.spec.framing != "json"
        )

    def _model_pages(self) -> ModelPager:
        return ModelPager(self)

    def _prepare_models(self, page_token: str | None) -> PreparedCall:
        endpoint, secrets = self._endpoint(None, None, {})
        return self._call(self._codec.build_models(endpoint, page_token), secrets)

    def _prepare_count_tokens(self, request: ChatRequest) -> PreparedCall:
        if not isinstance(request, ChatRequest):
            raise RequestValidationError(
                "request", f"expected ChatRequest, got {type(request).__name__}"
            )
        endpoint, secrets = self._endpoint(request.api_key, request.base_url, request.extra_headers)
        return self._call(self._codec.build_count_tokens(request, endpoint), secrets, request)

    def _parse_show_model(self, name: str) -> Callable[[bytes], ModelDetails]:
        parse = self._codec.parse_show_model

        def parse_named(body: bytes) -> ModelDetails:
            details = parse(body)
            # Ollama's /api/show answer does not name the model: it is the one asked about.
            return details if details.id else attrs.evolve(details, id=name)

        return parse_named

    def _prepare_model_operation(
        self, build: Callable[[str, Endpoint], RequestSpec], name: str
    ) -> PreparedCall:
        if not isinstance(name, str) or not name.strip():
            raise RequestValidationError("name", "a model name is required")
        endpoint, secrets = self._endpoint(None, None, {})
        return attrs.evolve(self._call(build(name, endpoint), secrets), model=name)

    def _prepare_embed(self, request: EmbedRequest) -> PreparedCall:
        from llm_connector.types._embedding import EmbedRequest

        if not isinstance(request, EmbedRequest):
            raise RequestValidationError(
                "request", f"expected EmbedRequest, got {type(request).__name__}"
            )
        endpoint, secrets = self._endpoint(request.api_key, request.base_url, request.extra_headers)
        return self._call(self._codec.build_embed(request, endpoint), secrets, request)

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


def signed_secrets(secrets: tuple[str, ...], spec: RequestSpec) -> tuple[str, ...]:
    """``secrets`` and the credentials a codec put in the request itself (a request it
    signed carries a header made from the key, unknown until the body was built)."""
    found = secrets_of((), spec.headers)
    if set(found).issubset(secrets):
        return secrets
    return tuple(sorted({*secrets, *found}, key=len, reverse=True))


def ignore_body(body: bytes) -> None:
    """The parser of an answer whose body says nothing (a deletion)."""


#: A provider that pages its model list forever is broken; stop after this many pages.
MAX_MODEL_PAGES = 100


class _PreparesModelCalls(Protocol):
    def _prepare_models(self, page_token: str | None) -> PreparedCall: ...


class ModelPager:
    """The state of a paged model listing, so the shells' ``models()`` stay a plain loop:
    ``while (call := pager.next_call()) is not None: pager.add(<send and decode call>)``."""

    def __init__(self, client: _PreparesModelCalls) -> None:
        self._client = client
        self._pages = 0
        self._token: str | None = None
        self._done = False
        self.models: list[Model] = []

    def next_call(self) -> PreparedCall | None:
        if self._done:
            return None
        if self._pages >= MAX_MODEL_PAGES:
            raise ResponseDecodeError(
                f"the model list had still more pages after {MAX_MODEL_PAGES}; giving up"
            )
        return self._client._prepare_models(self._token)

    def add(self, page: ModelPage) -> None:
        self._pages += 1
        self.models.extend(page.models)
        if page.next_page_token is None or page.next_page_token == self._token:
            self._done = True  # the last page (or a server repeating itself)
        self._token = page.next_page_token
