"""What ``Fallback`` and ``AsyncFallback`` share: the chain's members, rules and health,
and the stream object's bookkeeping (no I/O; the decisions are in calls/fallback.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

import attrs

from llm_connector.calls.clock import SYSTEM_CLOCK, Clock
from llm_connector.calls.fallback import (
    ChainRun,
    FallbackMember,
    FallbackPolicy,
    Health,
    members_of,
)
from llm_connector.calls.hooks import callbacks_of, check_sync
from llm_connector.errors import RequestValidationError
from llm_connector.types._route import Route, SkippedMember

__all__ = ["FallbackBase", "FallbackHook", "FallbackStreamBase", "routed"]

_ClientT = TypeVar("_ClientT")
_StreamT = TypeVar("_StreamT")
_AnswerT = TypeVar("_AnswerT")
_T = TypeVar("_T")

#: What a stream that ended without any item gives as its first item.
NOTHING: Any = object()


#: A chain's ``on_fallback`` hook: called with each member a call passes over.
FallbackHook = Callable[[SkippedMember], object]


def hooks_of(
    value: FallbackHook | Iterable[FallbackHook] | None, *, awaits: bool
) -> tuple[FallbackHook, ...]:
    """The ``on_fallback`` hooks, checked as a client's hooks are (a blocking chain refuses
    a coroutine function)."""
    hooks: tuple[FallbackHook, ...] = callbacks_of(value, "on_fallback")
    if not awaits:
        for hook in hooks:
            check_sync("on_fallback", hook)
    return hooks


class FallbackBase(Generic[_ClientT]):
    """A fallback chain: its members (``FallbackMember``s, in order), its rules
    (``policy``), and when each member may be asked again (shared by all its calls).
    ``client_class`` is the client class of its members; a member given as a
    ``"provider/model"`` name is built with its ``from_model`` (and closed with the
    chain)."""

    #: Whether the chain awaits what an ``on_fallback`` hook returns (the asyncio chain).
    _awaits_hooks = False

    def __init__(
        self,
        members: Sequence[_ClientT | FallbackMember[_ClientT] | str],
        *,
        client_class: type[_ClientT],
        policy: FallbackPolicy | None = None,
        on_fallback: FallbackHook | Iterable[FallbackHook] | None = None,
        _clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if policy is not None and not isinstance(policy, FallbackPolicy):
            raise RequestValidationError(
                "policy", f"must be a FallbackPolicy, got {type(policy).__name__}"
            )
        if isinstance(members, Sequence) and not isinstance(members, (str, bytes)):
            built = {
                n: getattr(client_class, "from_model")(m)  # noqa: B009
                for n, m in enumerate(members)
                if isinstance(m, str)
            }
            members = [built.get(n, m) for n, m in enumerate(members)]
        else:
            built = {}
        self.members: tuple[FallbackMember[_ClientT], ...] = members_of(members, client_class)
        #: The members' clients the chain built from names, which it closes.
        self._owned = tuple(built.values())
        self.policy = policy or FallbackPolicy()
        self._on_fallback = hooks_of(on_fallback, awaits=self._awaits_hooks)
        self._health = Health(len(self.members))
        self._clock = _clock

    def _run(self, request: object) -> ChainRun[_ClientT]:
        return ChainRun(self.members, self.policy, self._health, self._clock, request)

    def __repr__(self) -> str:
        labels = ", ".join(member.label for member in self.members)
        return f"{type(self).__name__}([{labels}])"


def routed(answer: _T, route: Route) -> _T:
    """``answer`` saying which member gave it."""
    return attrs.evolve(answer, route=route)  # type: ignore[misc]


class FallbackStreamBase(Generic[_StreamT, _AnswerT]):
    """A member's stream that the chain answered with (see ``FallbackStream``):
    ``route`` says which member it is and which were skipped before it."""

    def __init__(self, stream: _StreamT, first: Any, route: Route) -> None:
        self._stream = stream
        #: The first item, read to know the member answered (``NOTHING`` once given out).
        self._first = first
        #: Which member answered, and why those before it did not.
        self.route = route

    @property
    def stream(self) -> _StreamT:
        """The member's own stream (``ChatStream``, ``AsyncResponsesStream``, ...)."""
        return self._stream

    @property
    def response(self) -> Any:
        """The member's HTTP response (status, headers)."""
        return getattr(self._stream, "response")  # noqa: B009

    def _take_first(self) -> Any:
        first, self._first = self._first, NOTHING
        return first

    def snapshot(self) -> _AnswerT:
        """The answer so far, of a Responses API stream (as ``ResponsesStream.snapshot``;
        no I/O, the same on both chains)."""
        snapshot: Callable[[], _AnswerT] = getattr(self._stream, "snapshot")  # noqa: B009
        return routed(snapshot(), self.route)
