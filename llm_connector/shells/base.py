"""What Client and AsyncClient share: building a client from its options (pure), and the
properties, hooks and constructors every client has. The shells add only what does I/O."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

import httpx

from llm_connector.calls.clock import SYSTEM_CLOCK, Clock
from llm_connector.calls.driver import CallDriver
from llm_connector.calls.hooks import HookRegistry, Hooks, HookSet
from llm_connector.calls.limits import DEFAULT_MAX_RETRIES, RetryPolicy
from llm_connector.calls.prepare import CallSettings
from llm_connector.calls.request_checks import checked_headers
from llm_connector.codecs.contract import ACCEPT_ENCODING
from llm_connector.errors import RequestValidationError
from llm_connector.providers import row as provider_row
from llm_connector.shells.constructors import ProviderConstructors
from llm_connector.shells.http import USER_AGENT
from llm_connector.types._size_limits import (
    DEFAULT_SIZE_LIMITS,
    SizeLimits,
    check_size_limits,
)
from llm_connector.types._timeout import Timeout

if TYPE_CHECKING:
    from llm_connector.codecs.contract import ChatCodec
    from llm_connector.providers.spec import Capabilities, ProviderSpec

__all__ = ["ShellBase"]

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
#: What does the steps of the calls (SyncSteps, AsyncSteps).
StepsT = TypeVar("StepsT")
_C = TypeVar("_C", bound="ShellBase[Any, Any]")


class ShellBase(ProviderConstructors, HookRegistry, Generic[HttpT, StepsT]):
    """Shared configuration of the two clients. Use ``Client`` or ``AsyncClient``."""

    #: The httpx client class this shell drives (an injected ``http_client`` must be one).
    _http_client_class: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]]
    #: Whether this shell awaits what a hook returns (so hooks may be ``async def``).
    _awaits_hooks: ClassVar[bool] = False

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
        size_limits: SizeLimits | None = None,
        follow_redirects: bool = False,
        model: str | None = None,
        _transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        _row: ProviderSpec | None = None,
        _codec: ChatCodec | None = None,
        _clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        row = _row if _row is not None else provider_row(provider_name)
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
        self._hook_set = HookSet(hooks, awaits=self._awaits_hooks)
        settings = CallSettings(
            row,
            _codec if _codec is not None else row.codec(),
            api_key,
            base_url,
            name=name or row.name,
            timeout=Timeout.of(timeout),
            retry=RetryPolicy(max_retries=max_retries),
            size_limits=_checked_size_limits(size_limits),
            follow_redirects=_checked_flag("follow_redirects", follow_redirects),
            model=_checked_model(model),
            headers={
                "User-Agent": USER_AGENT,
                "Accept-Encoding": ACCEPT_ENCODING,
                **checked_headers("headers", headers or {}),
            },
            clock=_clock,
        )
        #: The client's name: the provider's, or the ``name`` given to ``openai_compatible``.
        self.name = settings.name
        self._driver = CallDriver(settings, self._hook_set, _clock)
        self._owns_http = http_client is None
        self._http: HttpT = (
            http_client if http_client is not None else self._new_http_client(proxy, _transport)
        )
        self._steps: StepsT = self._new_steps(self._http)

    @classmethod
    def from_model(cls: type[_C], name: str, **options: Any) -> _C:
        """A client of the provider and model ``name`` says: ``"anthropic/claude-sonnet-4-5"``,
        ``"groq/llama-3.3-70b-versatile"`` (an ``openai_compatible`` preset),
        ``"ollama/qwen3"``, ``"openrouter/anthropic/claude-sonnet-4.5"`` (the model is all
        after the first ``/``). Its requests that name no model ask for that one.

        The client is built by the provider's constructor (``provider_info(p).constructor``)
        from the environment, as that constructor reads it (its key variable, its base URL
        variable where it has one); ``options`` are any keywords of that constructor
        (``api_key``, ``base_url``, ``timeout``, ``region``, ``hooks``, ...). An unknown
        provider raises ``RequestValidationError`` naming the nearest ones and all.
        """
        from llm_connector.providers.names import model_name

        named = model_name(name)
        constructor = getattr(cls, named.constructor)
        return cast(_C, constructor(**{**named.arguments, **options, "model": named.model}))

    def _new_http_client(self, proxy: str | httpx.Proxy | None, transport: Any) -> HttpT:
        raise NotImplementedError

    def _new_steps(self, http: HttpT) -> StepsT:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return self._driver.settings.base_url

    @property
    def model(self) -> str | None:
        """The model of the requests that name none (``model=``, or the model of
        :meth:`from_model`); None when every request must name its own."""
        return self._driver.settings.model

    @property
    def provider(self) -> str:
        """The provider this client was built for ("openai", "anthropic", ...)."""
        return self._driver.settings.row.name

    @property
    def capabilities(self) -> Capabilities:
        """What the provider's API offers through this client (see ``provider_info``)."""
        return self._driver.settings.row.capabilities

    def __repr__(self) -> str:
        # Never the key: only whether one is set.
        key = "set" if self._driver.settings.api_key else "none"
        return (
            f"{type(self).__name__}(provider={self.name!r}, "
            f"base_url={self.base_url!r}, api_key={key})"
        )


def _checked_size_limits(value: SizeLimits | None) -> SizeLimits:
    check_size_limits(value)
    return DEFAULT_SIZE_LIMITS if value is None else value


def _checked_model(model: str | None) -> str | None:
    if model is not None and (not isinstance(model, str) or not model.strip()):
        raise RequestValidationError("model", f"must be a model name or None, got {model!r}")
    return model


def _checked_flag(field: str, value: bool) -> bool:
    if not isinstance(value, bool):
        raise RequestValidationError(field, f"must be True or False, got {value!r}")
    return value
