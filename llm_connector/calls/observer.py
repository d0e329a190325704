"""The observer of a call (pure): what ``llm_connector.telemetry`` sees of it.

A call may have an observer (:class:`CallObserver`): the OpenTelemetry spans and metrics
of ``llm_connector.telemetry``, made per call by an :data:`Observe` the client or the
whole process was instrumented with (None by default: one ``is None`` test per call,
nothing per chunk). The observer sees the call begin, its retries, its first content (a
stream's) and its end, whichever way it ends, exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeAlias

import attrs

from llm_connector.types._value import FrozenValue

if TYPE_CHECKING:
    from llm_connector.calls.hooks import RetryInfo

__all__ = ["CallObserver", "CallStart", "Observe"]


@attrs.frozen(repr=False, eq=False)
class CallStart(FrozenValue):
    """A call about to begin, as an observer sees it (no secret: the URL is reduced to
    its host and port, and the request's key is not read)."""

    #: The GenAI operation: "chat" (chat and Responses API calls) or "embeddings".
    operation: str
    #: The provider row's name ("openai", "anthropic", "google", ...).
    provider: str
    #: The client's name (the provider's, or the ``name`` given to ``openai_compatible``).
    client: str
    #: The model asked for (the request's, or the client's default).
    model: str | None
    server_address: str | None
    server_port: int | None
    stream: bool
    #: The request as the caller made it (a ChatRequest, ResponsesRequest or EmbedRequest).
    request: object = attrs.field(repr=False)


class CallObserver(Protocol):
    """Sees one call (see the module docstring). The driver calls ``began`` once, then any
    number of ``retrying``, at most one ``first_content``, and exactly one of ``ended``,
    ``closed`` and ``failed``. An observer must not raise."""

    def began(self) -> None: ...

    def retrying(self, info: RetryInfo) -> None: ...

    def first_content(self) -> None: ...

    def ended(self, answer: object) -> None:
        """The call answered: its ChatResponse, ResponsesResponse or EmbedResponse."""
        ...

    def closed(self, answer: object | None) -> None:
        """The caller closed the stream (or dropped it) before its end: what came so far."""
        ...

    def failed(self, error: BaseException) -> None:
        """The call raised ``error`` (or was abandoned: a ``GeneratorExit``)."""
        ...


#: Makes the observer of each call (``llm_connector.telemetry.Telemetry``).
Observe: TypeAlias = Callable[[CallStart], CallObserver]
