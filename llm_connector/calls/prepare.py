"""A client's settings, and how a request becomes a call ready to send (pure).

``CallSettings`` holds what a client was built with: its provider row and codec, key, base
URL, headers, limits. ``prepare_*`` check a request (bad input raises here, before anything
is sent), apply its per-request overrides and ask the codec for the HTTP request: a
``PreparedCall``, which the call driver sends.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

import attrs

from llm_connector.calls.clock import Clock
from llm_connector.calls.limits import Attempts, RetryPolicy
from llm_connector.calls.redact import redact_text, redact_url, secrets_of
from llm_connector.calls.request_checks import (
    checked_base_url,
    checked_headers,
    checked_key,
    not_found_hint,
)
from llm_connector.codecs.contract import ChatCodec, Endpoint, ErrorInfo, RequestSpec, merge_headers
from llm_connector.errors import (
    APIStatusError,
    LLMError,
    RequestValidationError,
    UnsupportedFeatureError,
)
from llm_connector.types import ChatRequest
from llm_connector.types._size_limits import DEFAULT_SIZE_LIMITS, SizeLimits
from llm_connector.types._timeout import DEFAULT_TIMEOUT, Timeout
from llm_connector.types._value import FrozenValue

if TYPE_CHECKING:
    from llm_connector.calls.observer import CallObserver
    from llm_connector.calls.responses_route import ResponsesCall
    from llm_connector.providers.spec import ProviderSpec
    from llm_connector.responses import ResponsesRequest
    from llm_connector.types._embedding import EmbedRequest
    from llm_connector.types._models import ModelDetails

logger = logging.getLogger("llm_connector")

_RequestT = TypeVar("_RequestT", "ChatRequest", "ResponsesRequest", "EmbedRequest")

__all__ = ["SIGNED_WITH_TIME", "CallSettings", "PreparedCall", "ignore_body", "signed_secrets"]

#: The auth styles that sign each request with the time it is sent: a retry is signed
#: again (TC3: https://cloud.tencent.com/document/api/213/30654, a signature is valid for
#: 5 minutes; SigV4: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html).
SIGNED_WITH_TIME = frozenset({"tc3-hmac-sha256", "aws-sigv4"})


def _error_body(status_code: int, body: bytes) -> ErrorInfo:
    """The common error body reader (OpenAI's envelope and the shapes compatible servers
    use), for a call that names no codec's; loaded on first use."""
    from llm_connector.codecs.error_bodies import parse_error_body

    return parse_error_body(status_code, body)


@attrs.frozen(repr=False, eq=False)
class PreparedCall(FrozenValue):
    """A request ready to send, with the secrets to scrub from anything it produces, its
    limits (the client's, or the request's own: ``with_timeout``, ``with_max_retries``),
    and how to read an error answer to it (its codec's ``parse_error``)."""

    spec: RequestSpec
    secrets: tuple[str, ...] = attrs.field(repr=False)
    timeout: Timeout = DEFAULT_TIMEOUT
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    size_limits: SizeLimits = DEFAULT_SIZE_LIMITS
    #: Whether a redirect is followed (else it is an error); see calls/redirects.py.
    follow_redirects: bool = False
    #: What a 404 answer's message adds: that the base URL looks short of a version
    #: segment, when it does (see ``not_found_hint``).
    not_found_hint: str | None = None
    #: The model asked for, for the hooks (None: a call about no model).
    model: str | None = None
    parse_error: Callable[[int, bytes], ErrorInfo] = attrs.field(default=_error_body, repr=False)
    #: What sees the call (its span and metrics), when observed: see calls/hooks.py.
    observer: CallObserver | None = attrs.field(default=None, eq=False, repr=False)
    #: The request built again at another Unix time, for a provider whose requests are
    #: signed with the time (Tencent Cloud's TC3, AWS SigV4): each retry is signed anew.
    #: None: the request is sent again as it is.
    resign: Callable[[float], RequestSpec] | None = attrs.field(default=None, eq=False, repr=False)

    def resigned(self, timestamp: float) -> PreparedCall:
        """This call signed again at ``timestamp`` (itself when it is not signed)."""
        if self.resign is None:
            return self
        spec = self.resign(timestamp)
        return attrs.evolve(self, spec=spec, secrets=signed_secrets(self.secrets, spec))

    def attempts(self, now: float) -> Attempts:
        """A fresh retry budget and deadline, for the call starting at ``now``."""
        return Attempts(self.retry, self.timeout.total, now)


class CallSettings:
    """What a client was built with, and the calls made from it (see the module doc)."""

    def __init__(
        self,
        row: ProviderSpec,
        codec: ChatCodec,
        api_key: str | None,
        base_url: str | None,
        *,
        name: str,
        timeout: Timeout,
        retry: RetryPolicy,
        headers: Mapping[str, str],
        clock: Clock,
        size_limits: SizeLimits = DEFAULT_SIZE_LIMITS,
        follow_redirects: bool = False,
        model: str | None = None,
    ) -> None:
        self.row = row
        #: The model of the requests that name none (None: each must name its own).
        self.model = model
        self.codec = codec
        self.name = name
        self.api_key = checked_key(row.resolve_api_key(api_key))
        self.base_url = checked_base_url(row.resolve_base_url(base_url), row)
        self.headers = dict(headers)
        self.timeout = timeout
        self.retry = retry
        self.size_limits = size_limits
        self.follow_redirects = follow_redirects
        self.clock = clock
        # The secrets of a request with the client's own key and headers, the usual one:
        # found once here rather than for every request (see endpoint()).
        self._secrets = self._secrets_for(self.api_key, self.headers)
        self._not_found_hint = not_found_hint(self.base_url, row)
        # The base URLs found to have no /responses (their Responses calls go to chat
        # completions from then on). Threads may share a client: a lock guards the set.
        self._without_responses: set[str] = set()
        self._responses_lock = threading.Lock()

    # -- the endpoint of a request ----------------------------------------------------

    def endpoint(
        self, api_key: str | None, base_url: str | None, extra_headers: Mapping[str, str]
    ) -> tuple[Endpoint, tuple[str, ...]]:
        """Where a request goes and as whom (the client's settings with the request's
        overrides), and the secrets to scrub from what it produces."""
        key = checked_key(api_key) or self.api_key
        if key is None and self.row.requires_api_key:
            env = " or ".join(f"${name}" for name in self.row.api_key_env)
            raise RequestValidationError(
                "api_key",
                f"no API key for {self.name}: pass api_key=" + (f" or set {env}" if env else ""),
            )
        headers = (
            merge_headers(self.headers, checked_headers("extra_headers", extra_headers))
            if extra_headers
            else self.headers  # read, never changed: the codecs merge it into their own
        )
        endpoint = Endpoint(
            base_url=checked_base_url(base_url.rstrip("/"), self.row)
            if base_url
            else self.base_url,
            api_key=key,
            auth=self.row.auth,
            headers=headers,
            timestamp=self.clock.wall(),
        )
        if key == self.api_key and headers is self.headers:
            return endpoint, self._secrets
        return endpoint, self._secrets_for(key, headers)

    def _with_model(self, request: _RequestT) -> _RequestT:
        """``request``, asking for the client's model when it names none."""
        if self.model and not request.model:
            return attrs.evolve(request, model=self.model)
        return request

    def _secrets_for(self, key: str | None, headers: Mapping[str, str]) -> tuple[str, ...]:
        """What to scrub for a request with ``key`` and ``headers``: those and the client's
        own key (a server may quote either) and the credential headers."""
        auth = Endpoint(self.base_url, key, self.row.auth).auth_headers()
        return secrets_of((key, self.api_key), {**auth, **headers})

    def _call(
        self,
        spec: RequestSpec,
        secrets: tuple[str, ...],
        request: ChatRequest | EmbedRequest | ResponsesRequest | None = None,
        parse_error: Callable[[int, bytes], ErrorInfo] | None = None,
        *,
        resign: Callable[[float], RequestSpec] | None = None,
    ) -> PreparedCall:
        timeout, retry, size_limits = self.timeout, self.retry, self.size_limits
        if request is not None:
            if request.timeout is not None:
                timeout = request.timeout
            if request.max_retries is not None:
                retry = attrs.evolve(retry, max_retries=request.max_retries)
            if request.size_limits is not None:
                size_limits = request.size_limits
        base_url = request.base_url if request is not None else None
        return PreparedCall(
            spec,
            signed_secrets(secrets, spec),
            timeout,
            retry,
            size_limits,
            self.follow_redirects,
            self._not_found_hint if not base_url else not_found_hint(base_url, self.row),
            None if request is None else request.model,
            parse_error or self.codec.parse_error,
            resign=resign,
        )

    @staticmethod
    def _resigner(
        build: Callable[[Endpoint], RequestSpec], endpoint: Endpoint
    ) -> Callable[[float], RequestSpec] | None:
        """How to sign the request again at another time, when its auth signs with the time."""
        if endpoint.auth not in SIGNED_WITH_TIME:
            return None
        return lambda timestamp: build(attrs.evolve(endpoint, timestamp=timestamp))

    # -- chat ---------------------------------------------------------------------------

    def prepare_chat(self, request: ChatRequest, *, stream: bool) -> PreparedCall:
        if not isinstance(request, ChatRequest):
            raise RequestValidationError(
                "request", f"expected ChatRequest, got {type(request).__name__}"
            )
        request = self._with_model(request)
        endpoint, secrets = self.endpoint(request.api_key, request.base_url, request.extra_headers)

        def build(endpoint: Endpoint) -> RequestSpec:
            return self.codec.build_chat(request, endpoint, stream=stream)

        resign = self._resigner(build, endpoint)
        return self._call(build(endpoint), secrets, request, resign=resign)

    def prepare_count_tokens(self, request: ChatRequest) -> PreparedCall:
        if not isinstance(request, ChatRequest):
            raise RequestValidationError(
                "request", f"expected ChatRequest, got {type(request).__name__}"
            )
        if not self.row.capabilities.count_tokens:
            # The row says which providers of a protocol have an endpoint (an OpenAI-chat
            # codec counts for OpenAI and llama.cpp, not for DeepSeek): docs/caching.md.
            raise UnsupportedFeatureError(
                f"{self.name} has no token counting (providers with an endpoint for it: "
                "see docs/caching.md)"
            )
        request = self._with_model(request)
        endpoint, secrets = self.endpoint(request.api_key, request.base_url, request.extra_headers)
        return self._call(self.codec.build_count_tokens(request, endpoint), secrets, request)

    # -- the Responses API --------------------------------------------------------------

    def prepare_responses(self, request: ResponsesRequest, *, stream: bool) -> ResponsesCall:
        """The call for a Responses request: to ``/responses`` when the provider row has a
        Responses codec and this base URL has not been found without it, else translated
        to the provider's chat protocol."""
        from llm_connector.calls.responses_route import native_call
        from llm_connector.responses import ResponsesRequest

        if not isinstance(request, ResponsesRequest):
            raise RequestValidationError(
                "request", f"expected ResponsesRequest, got {type(request).__name__}"
            )
        request = self._with_model(request)
        endpoint, secrets = self.endpoint(request.api_key, request.base_url, request.extra_headers)
        codec = self.row.responses_codec()
        if codec is None or self._lacks_responses(endpoint.base_url):
            return self._translated_responses(request, endpoint, secrets, stream=stream)
        spec = codec.build_responses(request, endpoint, stream=stream)
        call = self._call(spec, secrets, request, codec.parse_error)
        return native_call(call, codec, request, endpoint)

    def _translated_responses(
        self,
        request: ResponsesRequest,
        endpoint: Endpoint,
        secrets: tuple[str, ...],
        *,
        stream: bool,
    ) -> ResponsesCall:
        from llm_connector.calls.responses_route import translated_call
        from llm_connector.responses import chat_request_for

        request.validate()
        chat = chat_request_for(request)

        def build(endpoint: Endpoint) -> RequestSpec:
            return self.codec.build_chat(chat, endpoint, stream=stream)

        resign = self._resigner(build, endpoint)
        call = self._call(build(endpoint), secrets, chat, resign=resign)
        return translated_call(call, self.codec, request, endpoint)

    def _lacks_responses(self, base_url: str) -> bool:
        with self._responses_lock:
            return base_url in self._without_responses

    def responses_fallback(self, call: ResponsesCall, error: LLMError) -> ResponsesCall | None:
        """The translated call to make after a native call failed with ``error``, when the
        error says the server has no ``/responses`` (the base URL is remembered); None when
        the error is the answer."""
        if not call.native or not isinstance(error, APIStatusError):
            return None
        if not call.lacks_route(error):
            return None
        base_url = call.endpoint.base_url
        with self._responses_lock:
            self._without_responses.add(base_url)
        logger.info(
            "%s has no /responses (%s): using chat completions from now on",
            redact_url(base_url),
            redact_text(str(error), call.call.secrets),
        )
        stream = call.call.spec.framing != "json"
        fallback = self._translated_responses(
            call.request, call.endpoint, call.call.secrets, stream=stream
        )
        observer = call.call.observer
        if observer is None:
            return fallback
        # The same call goes on through chat completions: the same observer sees it.
        return attrs.evolve(fallback, call=attrs.evolve(fallback.call, observer=observer))

    # -- models, embeddings, model management ---------------------------------------------

    def prepare_models(
        self, page_token: str | None, *, api_key: str | None = None, base_url: str | None = None
    ) -> PreparedCall:
        # A listing has no request object to carry the key and URL: they come as arguments.
        endpoint, secrets = self.endpoint(api_key, base_url, {})
        return self._call(self.codec.build_models(endpoint, page_token), secrets)

    def prepare_embed(self, request: EmbedRequest) -> PreparedCall:
        from llm_connector.types._embedding import EmbedRequest

        if not isinstance(request, EmbedRequest):
            raise RequestValidationError(
                "request", f"expected EmbedRequest, got {type(request).__name__}"
            )
        request = self._with_model(request)
        endpoint, secrets = self.endpoint(request.api_key, request.base_url, request.extra_headers)

        def build(endpoint: Endpoint) -> RequestSpec:
            return self.codec.build_embed(request, endpoint)

        resign = self._resigner(build, endpoint)
        return self._call(build(endpoint), secrets, request, resign=resign)

    def prepare_model_operation(
        self, build: Callable[[str, Endpoint], RequestSpec], name: str
    ) -> PreparedCall:
        if not isinstance(name, str) or not name.strip():
            raise RequestValidationError("name", "a model name is required")
        endpoint, secrets = self.endpoint(None, None, {})
        return attrs.evolve(self._call(build(name, endpoint), secrets), model=name)

    def parse_show_model(self, name: str) -> Callable[[bytes], ModelDetails]:
        parse = self.codec.parse_show_model

        def parse_named(body: bytes) -> ModelDetails:
            details = parse(body)
            # Ollama's /api/show answer does not name the model: it is the one asked about.
            return details if details.id else attrs.evolve(details, id=name)

        return parse_named


def signed_secrets(secrets: tuple[str, ...], spec: RequestSpec) -> tuple[str, ...]:
    """``secrets`` and the credentials a codec put in the request itself (a request it
    signed carries a header made from the key, unknown until the body was built)."""
    found = secrets_of((), spec.headers)
    if set(found).issubset(secrets):
        return secrets
    return tuple(sorted({*secrets, *found}, key=len, reverse=True))


def ignore_body(body: bytes) -> None:
    """The parser of an answer whose body says nothing (a deletion)."""
