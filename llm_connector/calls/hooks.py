"""Observability: the event hooks a client calls around every HTTP attempt it makes, the
small frozen values they receive, and the log lines about attempts (pure: no I/O library;
the call driver makes the values, ``attempt_log.py``).

Three events, for every attempt (retries and the Responses API fallback included):

- ``on_request`` (:class:`RequestInfo`) just before an attempt is sent;
- ``on_response`` (:class:`ResponseInfo`) when its status line and headers arrived (of an
  error status too, before the body is read);
- ``on_retry`` (:class:`RetryInfo`) when a failed attempt will be sent again, before the
  wait (the failure may be a status, a broken connection, or a stream that failed before
  its first content).

The values hold no secret: URLs have their credential query parameters blanked, response
headers lose those that carry credentials or cookies, and every string is scrubbed of the
call's keys (a proxy may echo them), as errors are.

Hooks observe; they cannot fail a call (see :class:`Hooks`): a metrics bug must not turn
a good answer into an error, and an exception from inside the retry loop would be hard to
tell from the provider's own.

The ``llm_connector`` logger says the same things, formatted only when its level is on:
each attempt's request line and status, and its body's timing, at DEBUG; each retry at
INFO (docs/observability.md lists the lines).

A call may also have an observer (``calls/observer.py``), for OpenTelemetry.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import attrs

from llm_connector.calls.redact import redact_text
from llm_connector.errors import LLMError, RequestValidationError
from llm_connector.types._request import SECRET_HEADERS
from llm_connector.types._value import FrozenValue

if TYPE_CHECKING:
    from llm_connector.types._route import SkippedMember

logger = logging.getLogger("llm_connector")

__all__ = [
    "Hooks",
    "RequestHook",
    "RequestInfo",
    "ResponseHook",
    "ResponseInfo",
    "RetryHook",
    "RetryInfo",
]

# Response headers never handed to a hook, whatever their value: credentials (some proxies
# echo the request's) and cookies (session credentials).
_PRIVATE_HEADERS = SECRET_HEADERS | {"set-cookie", "set-cookie2"}
_PRIVATE_HEADER_WORDS = ("authorization", "cookie")


@attrs.frozen(repr=False, eq=False)
class RequestInfo(FrozenValue):
    """An HTTP attempt about to be sent (what ``on_request`` hooks receive)."""

    #: The client's name: the provider ("openai", "anthropic", ...), or the ``name`` given
    #: to ``openai_compatible``.
    provider: str
    method: str
    #: The URL, with credential query parameters (``key=``, ``signature=``) blanked.
    url: str
    #: 1 for the first attempt of a call, 2 for its first retry, and so on. A Responses API
    #: call that falls back to chat completions starts again at 1 for the new URL.
    attempt: int
    #: Whether the answer is streamed.
    stream: bool
    #: The model asked for (None for calls about no model, such as listing models).
    model: str | None = None


def _frozen_headers(headers: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(headers))


@attrs.frozen(repr=False, eq=False)
class ResponseInfo(FrozenValue):
    """The status and headers of an attempt's answer (what ``on_response`` hooks receive);
    the body has not been read yet."""

    #: The attempt this answers.
    request: RequestInfo
    status_code: int
    #: The response headers (names in lower case) without those carrying credentials or
    #: cookies (``authorization``, ``set-cookie``, ...); read-only.
    headers: Mapping[str, str] = attrs.field(converter=_frozen_headers, hash=False)
    #: Seconds from sending the request to the arrival of the response headers.
    elapsed: float
    #: The provider's request id (``x-request-id``, ``request-id``, ...), if it sent one.
    request_id: str | None = None

    @property
    def attempt(self) -> int:
        """The attempt number (see :attr:`RequestInfo.attempt`)."""
        return self.request.attempt


@attrs.frozen(repr=False, eq=False)
class RetryInfo(FrozenValue):
    """A failed attempt about to be retried (what ``on_retry`` hooks receive)."""

    #: The attempt that failed.
    request: RequestInfo
    #: The class of the error that made the attempt fail, e.g. ``RateLimitError``.
    error_class: type[LLMError]
    #: The error's message, scrubbed of secrets.
    message: str
    #: The seconds the client waits before the next attempt.
    wait: float
    #: The status of an error answer (for an error inside an HTTP 200 answer, such as a
    #: stream's "overloaded" event, the status its type stands for); None for a failure
    #: without one (a broken connection, a timeout).
    status_code: int | None = None

    @property
    def attempt(self) -> int:
        """The number of the attempt that failed (the next one is ``attempt + 1``)."""
        return self.request.attempt


RequestHook: TypeAlias = Callable[[RequestInfo], object]
ResponseHook: TypeAlias = Callable[[ResponseInfo], object]
RetryHook: TypeAlias = Callable[[RetryInfo], object]

#: What a hook is called with.
#: What a hook receives (a fallback chain's ``on_fallback`` hooks: a ``SkippedMember``).
HookInfo: TypeAlias = "RequestInfo | ResponseInfo | RetryInfo | SkippedMember"
#: The hooks of one event.
Callbacks: TypeAlias = tuple[Callable[[Any], object], ...]


def callbacks_of(
    value: Callable[..., object] | Iterable[Callable[..., object]] | None, field: str = "hooks"
) -> tuple[Any, ...]:
    """One callable or several, as a tuple (checked: a typo shows here, not mid-call);
    ``field`` names them in the error (``hooks``, a chain's ``on_fallback``)."""
    if value is None:
        return ()
    callbacks = (value,) if callable(value) else tuple(value)
    for callback in callbacks:
        if not callable(callback):
            raise RequestValidationError(field, f"a hook must be callable, got {callback!r}")
    return callbacks


# One converter per event, so that a type checker matches a hook to the value it receives.
def _request_hooks(value: RequestHook | Iterable[RequestHook] | None) -> tuple[RequestHook, ...]:
    return callbacks_of(value)


def _response_hooks(
    value: ResponseHook | Iterable[ResponseHook] | None,
) -> tuple[ResponseHook, ...]:
    return callbacks_of(value)


def _retry_hooks(value: RetryHook | Iterable[RetryHook] | None) -> tuple[RetryHook, ...]:
    return callbacks_of(value)


@attrs.frozen(repr=False, eq=False)
class Hooks(FrozenValue):
    """The callbacks a client calls around each HTTP attempt: pass ``hooks=Hooks(...)`` to
    a constructor, or register them on the client with ``client.on_request(callback)``
    (and ``on_response``, ``on_retry``), which also works as a decorator.

    Each field takes one callable or a sequence of them, called in order with one
    argument: a :class:`RequestInfo`, :class:`ResponseInfo` or :class:`RetryInfo`. What a
    hook returns is ignored, except that ``AsyncClient`` awaits an awaitable (so its hooks
    may be ``async def``); ``Client`` refuses coroutine functions.

    Hooks observe; they cannot fail a call: an ``Exception`` a hook raises is logged on the
    ``llm_connector`` logger at ERROR, with its traceback, and the call goes on (other
    ``BaseException``\\s, such as ``KeyboardInterrupt``, go through). See
    docs/observability.md.
    """

    on_request: tuple[RequestHook, ...] = attrs.field(default=(), converter=_request_hooks)
    on_response: tuple[ResponseHook, ...] = attrs.field(default=(), converter=_response_hooks)
    on_retry: tuple[RetryHook, ...] = attrs.field(default=(), converter=_retry_hooks)

    def __bool__(self) -> bool:
        return bool(self.on_request or self.on_response or self.on_retry)

    def checked(self, *, awaits: bool) -> Hooks:
        """These hooks, once checked for a client that cannot await (``awaits`` False): a
        coroutine function there would never run, so it is refused at once."""
        if not awaits:
            for event, callbacks in attrs.asdict(self, recurse=False).items():
                for callback in callbacks:
                    check_sync(event, callback)
        return self

    def extended(self, other: Hooks) -> Hooks:
        """These hooks, then ``other``'s, for each event."""
        return Hooks(
            on_request=self.on_request + other.on_request,
            on_response=self.on_response + other.on_response,
            on_retry=self.on_retry + other.on_retry,
        )


def check_sync(event: str, callback: Callable[..., object]) -> None:
    """Refuse a coroutine function as a hook of the blocking client (nothing would run it)."""
    if inspect.iscoroutinefunction(callback) or inspect.iscoroutinefunction(
        getattr(callback, "__call__", None)  # noqa: B004 - an async __call__ method
    ):
        raise RequestValidationError(
            event,
            f"{_name(callback)} is a coroutine function: Client calls hooks synchronously "
            "(use AsyncClient for async hooks)",
        )


def public_headers(headers: Mapping[str, str], secrets: tuple[str, ...]) -> dict[str, str]:
    """Response headers fit for a hook: without credentials and cookies, values scrubbed."""
    return {
        name: redact_text(value, secrets)
        for name, value in headers.items()
        if name not in _PRIVATE_HEADERS and not any(w in name for w in _PRIVATE_HEADER_WORDS)
    }


def _name(callback: object) -> str:
    return getattr(callback, "__qualname__", None) or repr(callback)


def _called(
    callbacks: Callbacks, info: HookInfo
) -> Iterator[tuple[Callable[[Any], object], Awaitable[object]]]:
    """Call each callback in turn; yield those that returned an awaitable, with it, before
    calling the next (so an async client runs its hooks strictly in order)."""
    for callback in callbacks:
        try:
            result = callback(info)
        except Exception:
            _log_failure(callback, info)
            continue
        if inspect.isawaitable(result):
            yield callback, result


def _log_failure(callback: Callable[..., object], info: object) -> None:
    # The info holds no secret; the traceback is the hook's own code.
    logger.exception("hook %s failed on %r; the call goes on", _name(callback), info)


def fire(callbacks: Callbacks, info: HookInfo) -> None:
    """Run hooks for the blocking client. An awaitable one returns (a sync function that
    returns a coroutine slipped past the check) cannot run here: it is closed, and logged."""
    if not callbacks:
        return
    for callback, pending in _called(callbacks, info):
        close = getattr(pending, "close", None)
        if callable(close):
            close()  # no "coroutine was never awaited" warning later, far from the cause
        logger.error(
            "hook %s returned an awaitable, which Client cannot await (use AsyncClient)",
            _name(callback),
        )


async def afire(callbacks: Callbacks, info: HookInfo) -> None:
    """Run hooks for the asyncio client, awaiting those that return an awaitable."""
    if not callbacks:
        return
    for callback, pending in _called(callbacks, info):
        await _settled(callback, pending, info)


async def _settled(
    callback: Callable[..., object], pending: Awaitable[object], info: object
) -> None:
    try:
        await pending
    except Exception:
        _log_failure(callback, info)


_RequestHookT = TypeVar("_RequestHookT", bound=RequestHook)
_ResponseHookT = TypeVar("_ResponseHookT", bound=ResponseHook)
_RetryHookT = TypeVar("_RetryHookT", bound=RetryHook)


class HookSet:
    """The hooks a client calls now: replaced whole by each registration, so that a call
    in flight keeps the hooks it began with. ``awaits``: the client awaits what a hook
    returns (so hooks may be ``async def``)."""

    __slots__ = ("_lock", "awaits", "current")

    def __init__(self, hooks: Hooks | None, *, awaits: bool) -> None:
        if hooks is not None and not isinstance(hooks, Hooks):
            raise RequestValidationError(
                "hooks", f"expected llm_connector.Hooks, got {type(hooks).__name__}"
            )
        self.awaits = awaits
        self.current = (hooks or Hooks()).checked(awaits=awaits)
        self._lock = threading.Lock()

    def add(self, added: Hooks) -> None:
        added.checked(awaits=self.awaits)
        with self._lock:
            self.current = self.current.extended(added)


class HookRegistry:
    """A client's hooks: the ``hooks`` property and the registration methods (a mixin of
    both clients, which set ``_hook_set``)."""

    _hook_set: HookSet

    @property
    def hooks(self) -> Hooks:
        """The hooks this client calls: those given to the constructor, then those
        registered with :meth:`on_request`, :meth:`on_response` and :meth:`on_retry`."""
        return self._hook_set.current

    def on_request(self, callback: _RequestHookT) -> _RequestHookT:
        """Call ``callback(RequestInfo)`` before every HTTP attempt (retries and the
        Responses API fallback included). Returns ``callback``, so it works as a decorator.

        ``AsyncClient`` awaits what an ``async def`` hook returns; ``Client`` raises
        ``RequestValidationError`` for one. A hook's exception is logged and the call goes
        on (see docs/observability.md).
        """
        self._hook_set.add(Hooks(on_request=callback))
        return callback

    def on_response(self, callback: _ResponseHookT) -> _ResponseHookT:
        """Call ``callback(ResponseInfo)`` when the status and headers of an attempt's
        answer arrive (error statuses included). Returns ``callback``; see
        :meth:`on_request`."""
        self._hook_set.add(Hooks(on_response=callback))
        return callback

    def on_retry(self, callback: _RetryHookT) -> _RetryHookT:
        """Call ``callback(RetryInfo)`` when a failed attempt is about to be retried,
        before the wait (a stream that failed before its first content included).
        Returns ``callback``; see :meth:`on_request`."""
        self._hook_set.add(Hooks(on_retry=callback))
        return callback
