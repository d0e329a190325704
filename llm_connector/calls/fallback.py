"""Fallback chains: which member of a chain a call goes to next, and when it moves on
(pure; the shells' ``Fallback`` and ``AsyncFallback`` only make the calls).

A call goes to the first member that is not cooling down and can take the request. When
that member fails with an error the rules say a retry on the same provider would not fix
in time (``FallbackPolicy.switch_on``: overloaded, rate limited, a 5xx, no connection, a
timeout, a broken answer; an auth error when ``on_auth_error``), the member cools down
and the call goes to the next one. Any other error is the answer and is raised as it is.
A member's own retries come first: it fails over only once its client gave up.

A member that cannot take the request (an image for a provider without vision, tools for
one without tools, a request its codec refuses before sending, an operation it does not
have) is skipped with its reason, not asked, and does not cool down.

Streams switch only before content reached the caller: the member's stream holds back what
comes before the first content (``StreamRun(held=True)``), so a stream that fails before
content has given the caller nothing, and the next member answers from the start. Once
content went out, an error is raised as it is, with what arrived on ``.partial``.

Cool-down: a member that failed over is not asked again for ``cooldown`` seconds, or for
as long as the provider's ``Retry-After`` asked (at most ``max_cooldown``), so that a
burst of calls does not hammer a provider that is down. The time is the shell's clock
(``calls/clock.py``); the state is shared by every call of the chain, threads and tasks
alike, under a lock held for no I/O.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import attrs

from llm_connector.errors import (
    APIConnectionError,
    AuthenticationError,
    FallbackExhaustedError,
    InternalServerError,
    LLMError,
    OverloadedError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    ResponseDecodeError,
    StreamError,
    UnsupportedFeatureError,
)
from llm_connector.types._route import Route, SkippedMember
from llm_connector.types._value import FrozenValue

if TYPE_CHECKING:
    from llm_connector.calls.clock import Clock
    from llm_connector.providers.spec import Capabilities

__all__ = [
    "DEFAULT_SWITCH_ON",
    "ChainRun",
    "FallbackMember",
    "FallbackPolicy",
    "Health",
]

#: The errors that move a call on to the next member by default: the provider is
#: overloaded, rate limiting, failing (5xx), unreachable or too slow (``APITimeoutError``
#: is an ``APIConnectionError``), or its answer broke before any content reached the
#: caller. Each is raised by a member only after its own retries.
DEFAULT_SWITCH_ON: tuple[type[LLMError], ...] = (
    OverloadedError,
    RateLimitError,
    InternalServerError,
    APIConnectionError,
    ResponseDecodeError,
    StreamError,
)

#: What ``on_auth_error=True`` adds: a key that is refused (revoked, out of credit).
AUTH_ERRORS: tuple[type[LLMError], ...] = (AuthenticationError, PermissionDeniedError)

#: Raised by a member before it sends anything: it cannot take this request.
_CANNOT_TAKE: tuple[type[LLMError], ...] = (RequestValidationError, UnsupportedFeatureError)


def _seconds(field: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise RequestValidationError(field, f"must be seconds, at least 0, not {value!r}")
    return float(value)


def _cooldown(value: float) -> float:
    return _seconds("cooldown", value)


def _max_cooldown(value: float) -> float:
    return _seconds("max_cooldown", value)


@attrs.frozen(repr=False, eq=False)
class FallbackPolicy(FrozenValue):
    """When a chain moves past a member (see the module docstring for the defaults)."""

    #: The errors that move a call on to the next member (subclasses included).
    switch_on: tuple[type[LLMError], ...] = DEFAULT_SWITCH_ON
    #: Also move on when the member's key is refused (401, 403).
    on_auth_error: bool = False
    #: Seconds a member that failed over is not asked again.
    cooldown: float = attrs.field(default=30.0, converter=_cooldown)
    #: The longest cool-down a provider's ``Retry-After`` may ask for.
    max_cooldown: float = attrs.field(default=600.0, converter=_max_cooldown)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.switch_on, tuple) or not all(
            isinstance(c, type) and issubclass(c, LLMError) for c in self.switch_on
        ):
            raise RequestValidationError(
                "switch_on", f"must be a tuple of LLMError classes, got {self.switch_on!r}"
            )

    def switches(self, error: LLMError) -> bool:
        """Whether ``error`` moves the call on to the next member."""
        if isinstance(error, self.switch_on):
            return True
        return self.on_auth_error and isinstance(error, AUTH_ERRORS)

    def cooldown_after(self, error: LLMError) -> float:
        """How long a member that failed with ``error`` is not asked again."""
        asked = getattr(error, "retry_after", None)
        if isinstance(asked, (int, float)) and asked > self.cooldown:
            return min(float(asked), self.max_cooldown)
        return self.cooldown


_ClientT = TypeVar("_ClientT")


@attrs.frozen(repr=False, eq=False)
class FallbackMember(FrozenValue, Generic[_ClientT]):
    """A member of a chain with rules of its own: ``policy`` says when a call moves past
    this member (the chain's policy otherwise). A plain client in the list is a member with
    the chain's rules."""

    client: _ClientT
    policy: FallbackPolicy | None = None

    @property
    def label(self) -> str:
        """``"provider/model"`` (the provider alone for a client without a model)."""
        client: Any = self.client
        return f"{client.name}/{client.model}" if client.model else str(client.name)


class Health:
    """When each member of a chain may be asked again (the shell's monotonic seconds), and
    why it is cooling down; shared by every call of the chain."""

    def __init__(self, size: int) -> None:
        self._until = [0.0] * size
        self._why: list[LLMError | None] = [None] * size
        self._lock = threading.Lock()

    def cooling(self, index: int, now: float) -> tuple[float, LLMError | None] | None:
        """Seconds left of member ``index``'s cool-down and the error that began it, or
        None when it may be asked."""
        with self._lock:
            left = self._until[index] - now
            return (left, self._why[index]) if left > 0 else None

    def cool(self, index: int, seconds: float, error: LLMError, now: float) -> None:
        with self._lock:
            until = now + seconds
            if until > self._until[index]:
                self._until[index], self._why[index] = until, error


def cannot_take(capabilities: Capabilities, request: object) -> str | None:
    """Why a provider with ``capabilities`` cannot take ``request`` (None: it can). Only
    what the provider row knows; a codec's own refusals come as RequestValidationError."""
    from llm_connector.types import ChatRequest, ImagePart

    kind = type(request).__name__
    if kind == "EmbedRequest":
        return None if capabilities.embeddings else "it has no embeddings"
    if kind == "ResponsesRequest":
        # What a Responses request asks of a provider is what its chat translation asks
        # (hosted tools and the like a member refuses itself, before sending).
        from llm_connector.responses import ResponsesRequest, chat_request_for

        try:
            request = chat_request_for(cast(ResponsesRequest, request))
        except LLMError:
            return None  # a request that cannot be translated: the member says why
    if isinstance(request, ChatRequest):
        if (request.reasoning_effort or request.thinking_budget) and not capabilities.reasoning:
            return "it has no reasoning"
        if request.tools and not capabilities.tools:
            return "it has no tool calling"
        if not capabilities.vision and any(
            isinstance(part, ImagePart)
            for message in request.messages
            if isinstance(message.content, tuple)
            for part in message.content
        ):
            return "it takes no images"
    return None


class ChainRun(Generic[_ClientT]):
    """One call through a chain: ``while (member := run.next()) is not None``, ask it; on
    an error call :meth:`failed` (which raises the error when it is the answer); on an
    answer :meth:`route`. When no member is left, raise :meth:`exhausted`."""

    def __init__(
        self,
        members: Sequence[FallbackMember[_ClientT]],
        policy: FallbackPolicy,
        health: Health,
        clock: Clock,
        request: Any,
    ) -> None:
        self._members = members
        self._policy = policy
        self._health = health
        self._clock = clock
        self._request = request
        self._index = -1
        self.skipped: list[SkippedMember] = []
        self._told = 0

    def untold(self) -> list[SkippedMember]:
        """The members skipped since the last call, for the chain's ``on_fallback`` hooks."""
        told, self._told = self._told, len(self.skipped)
        return self.skipped[told:]

    def next(self) -> FallbackMember[_ClientT] | None:
        """The next member to ask (None: none is left); records those skipped on the way."""
        while True:
            self._index += 1
            if self._index >= len(self._members):
                return None
            member = self._members[self._index]
            skipped = self._skipped(member)
            if skipped is None:
                return member
            self.skipped.append(skipped)

    def _skipped(self, member: FallbackMember[_ClientT]) -> SkippedMember | None:
        """Why ``member`` is not asked (None: it is)."""
        cooling = self._health.cooling(self._index, self._clock.now())
        if cooling is not None:
            left, why = cooling
            after = f" after {type(why).__name__}" if why is not None else ""
            return SkippedMember(
                member.label, "cooling", f"cooling down for {left:.1f} s more{after}"
            )
        reason = cannot_take(getattr(member.client, "capabilities"), self._request)  # noqa: B009
        if reason is None:
            return None
        return SkippedMember(member.label, "cannot_take", f"cannot take the request: {reason}")

    def request_for(self, member: FallbackMember[_ClientT]) -> Any:
        """The request as ``member`` is asked it: for its model, when it has one."""
        model = getattr(member.client, "model", None)
        if model and self._request.model != model:
            return attrs.evolve(self._request, model=model)
        return self._request

    def failed(self, member: FallbackMember[_ClientT], error: LLMError) -> None:
        """``member`` raised ``error`` before any content reached the caller: record it and
        cool the member down when the call moves on; raise ``error`` when it is the answer."""
        if isinstance(error, _CANNOT_TAKE):
            reason = f"cannot take the request: {error}"
            self.skipped.append(SkippedMember(member.label, "cannot_take", reason))
            return
        policy = member.policy or self._policy
        if not policy.switches(error):
            raise error
        seconds = policy.cooldown_after(error)
        self._health.cool(self._index, seconds, error, self._clock.now())
        reason = f"{type(error).__name__}: {error}"
        self.skipped.append(SkippedMember(member.label, "failed", reason, error))

    def route(self, member: FallbackMember[_ClientT]) -> Route:
        return Route(member.label, self._index, tuple(self.skipped))

    def exhausted(self) -> FallbackExhaustedError:
        return FallbackExhaustedError(self.skipped)


def members_of(clients: Sequence[Any], kind: type) -> tuple[FallbackMember[Any], ...]:
    """The members of a chain of ``clients`` (clients of the ``kind`` shell, or
    ``FallbackMember``s of them); refuses anything else and an empty chain."""
    if isinstance(clients, (str, bytes)) or not isinstance(clients, Sequence) or not clients:
        raise RequestValidationError("members", "must be a non-empty list of clients")
    members = []
    for n, item in enumerate(clients):
        member = item if isinstance(item, FallbackMember) else FallbackMember(item)
        if not isinstance(member.client, kind):
            raise RequestValidationError(
                f"members[{n}]",
                f"must be a {kind.__name__} (or a FallbackMember of one), "
                f"got {type(member.client).__name__}",
            )
        members.append(member)
    return tuple(members)
