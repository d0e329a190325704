"""What the codecs share about a request's cache breakpoints (pure; docs/caching.md).

- :func:`breakpoints`: a request's breakpoints in the order a provider caches the prompt
  (tools, system, messages), each with the name of its field;
- :func:`check_breakpoints`: the limits of a provider that takes breakpoints (how many, the
  lifetimes it knows, a longer lifetime before a shorter one), checked before sending;
- :func:`note_unsent`: a DEBUG line for a provider that caches on its own (OpenAI,
  DeepSeek, Gemini's implicit cache, ...), which is sent no breakpoint: not an error, the
  same request goes to every provider;
- :func:`refuse_cache_reference`: ``cached_content`` names a Gemini cache, whose system
  prompt, messages and tools the request leaves out: another provider, which would answer
  without them, refuses it before sending (both functions above call it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from llm_connector.errors import RequestValidationError
from llm_connector.types import ChatRequest
from llm_connector.types._cache import CacheBreakpoint

__all__ = ["breakpoints", "check_breakpoints", "note_unsent", "refuse_cache_reference"]

logger = logging.getLogger("llm_connector")

_SECONDS = {"5m": 300, "1h": 3600}


def breakpoints(request: ChatRequest) -> Iterator[tuple[str, CacheBreakpoint]]:
    """(field, breakpoint) of each breakpoint of ``request``, tools first, then the system
    messages, then the others, each message's parts before the message's own."""
    if request.tools_cache is not None:
        yield "tools_cache", request.tools_cache
    for system in (True, False):
        for i, message in enumerate(request.messages):
            if (message.role in ("system", "developer")) != system:
                continue
            if message.content is not None and not isinstance(message.content, str):
                for j, part in enumerate(message.content):
                    if part.cache is not None:
                        yield f"messages[{i}].content[{j}].cache", part.cache
            if message.cache is not None:
                yield f"messages[{i}].cache", message.cache


def check_breakpoints(
    request: ChatRequest,
    provider: str,
    *,
    ttls: tuple[str, ...] = ("5m", "1h"),
    limit: int = 4,
) -> None:
    """Refuse what ``provider`` would: more than ``limit`` breakpoints, a lifetime not in
    ``ttls``, a longer lifetime after a shorter one (no ttl: the 5-minute default), and
    a Gemini cache reference."""
    refuse_cache_reference(request, provider)
    shortest: int | None = None
    for count, (field, breakpoint) in enumerate(breakpoints(request), start=1):
        ttl = breakpoint.ttl
        if ttl is not None and ttl not in ttls:
            raise RequestValidationError(
                f"{field}.ttl", f"{provider} takes a cache ttl of {' or '.join(ttls)}, not {ttl!r}"
            )
        if count > limit:
            raise RequestValidationError(
                field,
                f"{provider} allows at most {limit} cache breakpoints in a request; "
                f"this is number {count}",
            )
        seconds = _SECONDS.get(ttl or "5m", 0)
        if shortest is not None and seconds > shortest:
            raise RequestValidationError(
                f"{field}.ttl",
                f"{provider} caches the prompt in order (tools, system, messages) and a "
                "longer ttl must come before a shorter one",
            )
        shortest = seconds if shortest is None else min(shortest, seconds)


def refuse_cache_reference(request: ChatRequest, provider: str) -> None:
    """Refuse ``cached_content`` on a provider without Gemini's explicit caches."""
    if request.cached_content is not None:
        raise RequestValidationError(
            "cached_content",
            f"{provider} cannot answer from a Gemini cache (cachedContents): send the "
            "cached prompt itself (docs/caching.md)",
        )


def note_unsent(request: ChatRequest, provider: str, *, cache_reference: bool = False) -> None:
    """Log at DEBUG that ``provider`` is sent none of the request's breakpoints; refuse a
    Gemini cache reference unless the provider takes one (``cache_reference``)."""
    if not cache_reference:
        refuse_cache_reference(request, provider)
    if logger.isEnabledFor(logging.DEBUG):
        fields = [field for field, _ in breakpoints(request)]
        if fields:
            logger.debug(
                "%s: not sending the cache breakpoints %s (it caches prompts on its own; "
                "see docs/caching.md)",
                provider,
                fields,
            )
