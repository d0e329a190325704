"""Cache breakpoints as Anthropic's ``cache_control`` (Messages API, Vertex AI, LongCat).

https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching

- A breakpoint is ``"cache_control": {"type": "ephemeral"}`` (with ``"ttl": "5m" | "1h"``
  when one is asked for) on the block that ends the cached prefix: the last tool, a system
  text block, the last block of a message, or a content part's own block.
- At most 4 breakpoints in a request ("You can define up to 4 cache breakpoints").
- The prefix is cached in the order tools, system, messages, and a longer lifetime must
  come before a shorter one ("cache entries with longer TTL must appear before shorter
  TTLs", https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#mixing-different-ttls).
  A breakpoint without a ttl is a 5-minute one.

Each is checked here, before anything is sent, naming the breakpoint's field.
"""

from __future__ import annotations

from typing import Any

from llm_connector.errors import RequestValidationError
from llm_connector.types._cache import CacheBreakpoint

__all__ = ["MAX_BREAKPOINTS", "TTLS", "CacheMarks"]

#: https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#cache-limitations
MAX_BREAKPOINTS = 4
#: The lifetimes ``cache_control.ttl`` takes (``CacheControlEphemeral.ttl``).
TTLS: tuple[str, ...] = ("5m", "1h")
_SECONDS = {"5m": 300, "1h": 3600}


class CacheMarks:
    """The breakpoints of one request body, in the order the prefix is cached (tools,
    system, messages): each becomes a ``cache_control`` value, and :meth:`check` holds
    them to the limits once the body is built."""

    def __init__(self, provider: str = "Anthropic") -> None:
        self.provider = provider
        # (section: 0 tools, 1 system, 2 messages; the field; its lifetime in seconds)
        self._marks: list[tuple[int, str, int]] = []

    def control(self, breakpoint: CacheBreakpoint, field: str, section: int) -> dict[str, str]:
        """The ``cache_control`` of ``breakpoint`` (the ``cache`` field named ``field``)."""
        ttl = breakpoint.ttl
        if ttl is not None and ttl not in TTLS:
            raise RequestValidationError(
                f"{field}.ttl",
                f"{self.provider} takes a cache ttl of {' or '.join(TTLS)}, not {ttl!r}",
            )
        self._marks.append((section, field, _SECONDS[ttl or "5m"]))
        control = {"type": "ephemeral"}
        if ttl is not None:
            control["ttl"] = ttl
        return control

    def mark(
        self, block: dict[str, Any], breakpoint: CacheBreakpoint | None, field: str, section: int
    ) -> None:
        """Put ``breakpoint`` (if any) on ``block``."""
        if breakpoint is not None:
            block["cache_control"] = self.control(breakpoint, field, section)

    def check(self) -> None:
        """Refuse more breakpoints than the provider allows, and a longer lifetime after a
        shorter one in the order of the prefix."""
        ordered = sorted(self._marks, key=lambda mark: mark[0])  # stable: messages in order
        if len(ordered) > MAX_BREAKPOINTS:
            raise RequestValidationError(
                ordered[MAX_BREAKPOINTS][1],
                f"{self.provider} allows at most {MAX_BREAKPOINTS} cache breakpoints in a "
                f"request; this is number {MAX_BREAKPOINTS + 1}",
            )
        shortest = None
        for _, field, seconds in ordered:
            if shortest is not None and seconds > shortest:
                raise RequestValidationError(
                    f"{field}.ttl",
                    f"{self.provider} caches the prompt in order (tools, system, messages) and "
                    "a longer ttl must come before a shorter one",
                )
            shortest = seconds if shortest is None else min(shortest, seconds)
