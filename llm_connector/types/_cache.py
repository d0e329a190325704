"""Prompt caching in the neutral request: where the cached prefix ends, and for how long.

A :class:`CacheBreakpoint` on a message, a content part or the tool list says "cache the
prompt up to and including this". Each codec sends it in its provider's form (Anthropic's
``cache_control``, Bedrock's ``cachePoint``) or not at all, where the provider caches on
its own (OpenAI, DeepSeek, Gemini's implicit cache, ...); docs/caching.md has the table.
The lifetime is checked against what the provider knows when the request is built, before
anything is sent (a ttl it does not know raises ``RequestValidationError`` naming the
field, e.g. ``messages[0].cache.ttl``).
"""

from __future__ import annotations

from typing import Any, Literal, TypeAlias, TypeVar

import attrs

from llm_connector.errors import RequestValidationError
from llm_connector.types._value import FrozenValue

#: The lifetimes Anthropic and Bedrock take for a breakpoint: five minutes (their default)
#: and one hour. https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#1-hour-cache-duration,
#: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CachePointBlock.html
CacheTTL: TypeAlias = Literal["5m", "1h"]

#: OpenAI's ``prompt_cache_retention``: the default in-memory cache, or an extended one of
#: up to 24 hours (chat completions and the Responses API):
#: https://platform.openai.com/docs/guides/prompt-caching#prompt-cache-retention
PromptCacheRetention: TypeAlias = Literal["in_memory", "24h"]
PROMPT_CACHE_RETENTIONS: frozenset[str] = frozenset({"in_memory", "24h"})


def _check_ttl(_: Any, __: Any, value: object) -> None:
    # The values a provider knows are checked by its codec; here only the type.
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise RequestValidationError("cache.ttl", f"must be a lifetime such as '5m', got {value!r}")


@attrs.frozen(repr=False, eq=False)
class CacheBreakpoint(FrozenValue):
    """Cache the prompt up to and including what carries this. ``ttl``: the cache's
    lifetime (``"5m"``, ``"1h"``), None for the provider's default."""

    ttl: CacheTTL | str | None = attrs.field(default=None, validator=_check_ttl)


def to_breakpoint(value: object, field: str) -> CacheBreakpoint | None:
    """``cache=`` as given (True, False, None, a ttl or a CacheBreakpoint) as a breakpoint."""
    if value is None or value is False:
        return None
    if value is True:
        return CacheBreakpoint()
    if isinstance(value, CacheBreakpoint):
        return value
    if isinstance(value, str):
        try:
            return CacheBreakpoint(value)
        except RequestValidationError as exc:
            raise RequestValidationError(f"{field}.ttl", exc.problem) from None
    raise RequestValidationError(
        field, f"expected True, a lifetime such as '5m' or CacheBreakpoint, got {value!r}"
    )


def check_retention(value: object) -> None:
    """Refuse a ``prompt_cache_retention`` OpenAI does not know, naming the field."""
    if value is not None and value not in PROMPT_CACHE_RETENTIONS:
        raise RequestValidationError(
            "prompt_cache_retention",
            f"unknown retention {value!r}; use one of {sorted(PROMPT_CACHE_RETENTIONS)}",
        )


def check_cached_content(value: object) -> None:
    """A Gemini cache name: ``cachedContents/<id>`` (https://ai.google.dev/api/caching)."""
    if value is None:
        return
    if not isinstance(value, str) or not value.startswith("cachedContents/"):
        raise RequestValidationError(
            "cached_content", f"must be a cache name such as 'cachedContents/abc', got {value!r}"
        )


_C = TypeVar("_C", bound="Cacheable")


def check_breakpoint(_: Any, __: Any, value: object) -> None:
    """The validator of a ``cache`` field (messages, content parts)."""
    if value is not None and not isinstance(value, CacheBreakpoint):
        raise RequestValidationError(
            "cache", f"expected CacheBreakpoint or None, got {type(value).__name__}"
        )


class Cacheable:
    """``with_cache()`` for the values with a ``cache`` field (messages, content parts)."""

    __slots__ = ()

    def with_cache(self: _C, ttl: CacheTTL | str | None = None) -> _C:
        """This value as a cache breakpoint: the provider caches the prompt up to and
        including it, for ``ttl`` (``"5m"``, ``"1h"``; None: the provider's default).
        docs/caching.md says what each provider does with it."""
        return attrs.evolve(self, cache=CacheBreakpoint(ttl))  # type: ignore[misc]
