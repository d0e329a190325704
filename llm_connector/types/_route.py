"""Which member of a fallback chain answered, and why the ones before it did not
(``answer.route``; see ``Client.fallback``)."""

from __future__ import annotations

import attrs

from llm_connector.errors import LLMError
from llm_connector.types._value import FrozenValue

__all__ = ["Route", "SkippedMember"]


@attrs.frozen(repr=False, eq=False)
class SkippedMember(FrozenValue):
    """A member of a chain that did not answer a call, and why.

    ``reason`` says it in words; ``error`` is what the member raised (None when it was
    not asked: it was cooling down, or could not take the request)."""

    #: The member's label: ``"provider/model"`` (see ``Route.member``).
    member: str
    reason: str
    error: LLMError | None = attrs.field(default=None, eq=False)


@attrs.frozen(repr=False, eq=False)
class Route(FrozenValue):
    """The way a call went through a fallback chain: the member that answered (its label,
    ``"provider/model"`` or the provider alone, and its place in the chain, from 0) and
    the members skipped before it, in order."""

    member: str
    index: int
    skipped: tuple[SkippedMember, ...] = ()
