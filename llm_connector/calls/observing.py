"""Which observer factory the calls of clients without their own use (pure):
``OBSERVING.current``, set by ``llm_connector.instrument()``. Apart from observer.py so
that the driver reads it without building the observer's types (they load with the first
observed call)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llm_connector.calls.observer import Observe

__all__ = ["OBSERVING"]


class _Observing:
    """The observer factory of every client without its own (``llm_connector.instrument``
    sets it); one attribute read per call."""

    __slots__ = ("current",)

    def __init__(self) -> None:
        self.current: Observe | None = None


OBSERVING = _Observing()
