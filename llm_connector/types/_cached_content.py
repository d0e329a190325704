"""An explicit cache made by ``client.create_cache`` (Gemini): apart from the request's
cache types so that ``import llm_connector`` does not build it (docs/performance.md)."""

from __future__ import annotations

import attrs

from llm_connector.types._value import FrozenValue

__all__ = ["CachedContent"]


@attrs.frozen(repr=False, eq=False)
class CachedContent(FrozenValue):
    """An explicit cache made by ``client.create_cache`` (Gemini's ``CachedContent``,
    https://ai.google.dev/api/caching#CachedContent): answer from it with
    ``request.with_cached_content(cache.name)``, remove it with
    ``client.delete_cache(cache.name)``."""

    #: ``cachedContents/<id>``.
    name: str
    model: str = ""
    #: When the cache expires (RFC 3339, as the provider wrote it).
    expire_time: str | None = None
    #: How many tokens it holds.
    total_tokens: int | None = None
    display_name: str | None = None
