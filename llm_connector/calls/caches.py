"""Explicit caches (``client.create_cache`` / ``client.delete_cache``), pure as the driver:
each is a call of the client's driver, prepared as a model operation and fetched with its
retries and hooks. Only a codec with explicit caches (Gemini's ``cachedContents``) has
them; the others refuse before anything is sent, naming the provider. docs/caching.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs

from llm_connector.calls.prepare import ignore_body
from llm_connector.errors import RequestValidationError, UnsupportedFeatureError
from llm_connector.types import ChatRequest

if TYPE_CHECKING:
    from llm_connector.calls.driver import CallDriver
    from llm_connector.calls.steps import Steps
    from llm_connector.codecs.contract import Endpoint, RequestSpec
    from llm_connector.types._cached_content import CachedContent

__all__ = ["ExplicitCaches", "create_cache", "delete_cache"]


@runtime_checkable
class ExplicitCaches(Protocol):
    """What a codec with explicit caches builds and reads."""

    def build_create_cache(
        self,
        request: ChatRequest,
        endpoint: Endpoint,
        *,
        ttl: float | None = None,
        display_name: str | None = None,
    ) -> RequestSpec: ...

    def parse_cached_content(self, body: bytes) -> CachedContent: ...

    def build_delete_cache(self, name: str, endpoint: Endpoint) -> RequestSpec: ...


def _caches(driver: CallDriver) -> ExplicitCaches:
    codec = driver.settings.codec
    if not isinstance(codec, ExplicitCaches):
        raise UnsupportedFeatureError(
            f"{driver.settings.name} has no explicit caches (Gemini's cachedContents; "
            "see docs/caching.md)"
        )
    return codec


def create_cache(
    driver: CallDriver,
    request: ChatRequest,
    *,
    ttl: float | None = None,
    display_name: str | None = None,
) -> Steps[CachedContent]:
    """Cache ``request``'s prompt (its system prompt, messages and tools) for ``ttl``
    seconds; the answer names the cache."""
    codec = _caches(driver)
    if not isinstance(request, ChatRequest):
        raise RequestValidationError(
            "request", f"expected ChatRequest, got {type(request).__name__}"
        )
    model = request.model or driver.settings.model
    if not model:
        raise RequestValidationError("model", "a cache is made for a model: name one")
    request = attrs.evolve(request, model=model)

    def build(_: str, endpoint: Endpoint) -> RequestSpec:
        return codec.build_create_cache(request, endpoint, ttl=ttl, display_name=display_name)

    call = driver.settings.prepare_model_operation(build, model)
    return driver.fetch(call, codec.parse_cached_content)


def delete_cache(driver: CallDriver, name: str) -> Steps[None]:
    """Delete the cache ``name`` (``cachedContents/...``)."""
    codec = _caches(driver)
    call = driver.settings.prepare_model_operation(codec.build_delete_cache, name)
    return driver.fetch(call, ignore_body)
