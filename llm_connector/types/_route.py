"""Which member of a fallback chain answered, and why the ones before it did not
(``answer.route``; see ``Client.fallback``)."""

from __future__ import annotations

from typing import Literal

import attrs

from llm_connector.errors import LLMError
from llm_connector.types._value import FrozenValue

__all__ = ["Route", "SkippedMember"]


@attrs.frozen(repr=False, eq=False)
class SkippedMember(FrozenValue):
    """A member of a chain that did not answer a call, and why.

    ``kind`` is ``"failed"`` (it was asked and raised ``error``), ``"cooling"`` (it
    failed a call before and was not asked) or ``"cannot_take"`` (it cannot take this
    request: no images, no tools, a request its codec refuses, no key); ``reason`` says it
    in words."""

    #: The member's label: ``"provider/model"`` (see ``Route.member``).
    member: str
    kind: Literal["failed", "cooling", "cannot_take"]
    reason: str
    #: What the member raised (None when it was not asked).
    error: LLMError | None = attrs.field(default=None, eq=False)


@attrs.frozen(repr=False, eq=False)
class Route(FrozenValue):
    """The way a call went through a fallback chain: the member that answered (its label,
    ``"provider/model"`` or the provider alone, and its place in the chain, from 0) and
    the members skipped before it, in order."""

    member: str
    index: int
    skipped: tuple[SkippedMember, ...] = ()
