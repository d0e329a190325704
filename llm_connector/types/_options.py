"""The per-request options every request type shares (how it is sent, not what it asks):
one copy of the builders for ``ChatRequest``, ``ResponsesRequest`` and ``EmbedRequest``.

The request classes are frozen attrs classes; these mixins hold no state (empty
``__slots__``) and return the request's own type from ``attrs.evolve``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from llm_connector.errors import RequestValidationError
from llm_connector.types._size_limits import SizeLimits
from llm_connector.types._timeout import PhaseTimeouts, Timeout

_R = TypeVar("_R", bound="SendOptions")
_C = TypeVar("_C", bound="CallOptions")


class SendOptions:
    """``with_timeout``, ``with_max_retries`` and ``with_size_limits``: limits for one
    request."""

    __slots__ = ()

    def with_timeout(self: _R, timeout: Timeout | float | PhaseTimeouts) -> _R:
        """Limits for this request only: a :class:`~llm_connector.Timeout`, or seconds
        (meaning what a client's ``timeout=`` does)."""
        return attrs.evolve(self, timeout=timeout)  # type: ignore[misc]

    def with_max_retries(self: _R, max_retries: int) -> _R:
        """Retries for this request only (0: one attempt)."""
        return attrs.evolve(self, max_retries=max_retries)  # type: ignore[misc]

    def with_size_limits(self: _R, size_limits: SizeLimits) -> _R:
        """How much of the answer to this request may be held at once (see
        :class:`~llm_connector.SizeLimits`)."""
        return attrs.evolve(self, size_limits=size_limits)  # type: ignore[misc]


class CallOptions(SendOptions):
    """Also the key, base URL, headers and extra body fields of one request."""

    __slots__ = ()

    if TYPE_CHECKING:
        extra_body: Mapping[str, Any] | None
        extra_headers: Mapping[str, str]

    def with_extra_body(self: _C, extra_body: Mapping[str, Any]) -> _C:
        """Merge these fields into the JSON body (on top of any earlier extra_body)."""
        if not isinstance(extra_body, Mapping):
            raise RequestValidationError("extra_body", "must be a mapping of top-level body fields")
        merged = {**(self.extra_body or {}), **extra_body}
        return attrs.evolve(self, extra_body=merged)  # type: ignore[misc]

    def with_api_key(self: _C, api_key: str) -> _C:
        """Send this request with another key than the client's."""
        return attrs.evolve(self, api_key=api_key)  # type: ignore[misc]

    def with_base_url(self: _C, base_url: str) -> _C:
        """Send this request to another base URL than the client's."""
        return attrs.evolve(self, base_url=base_url)  # type: ignore[misc]

    def with_header(self: _C, name: str, value: str) -> _C:
        """Add an HTTP header to this request."""
        headers = {**self.extra_headers, name: value}
        return attrs.evolve(self, extra_headers=headers)  # type: ignore[misc]
