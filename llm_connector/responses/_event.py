"""One event of a streamed Responses API answer.

https://platform.openai.com/docs/api-reference/responses-streaming
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from llm_connector.types._value import FrozenValue, builder_of

if TYPE_CHECKING:
    # Read only by the typed properties, which import them when called: a stream of
    # events needs neither the item classes nor their JSON readers (import time).
    from llm_connector.responses._items import ResponsesItem
    from llm_connector.responses._response import ResponsesResponse

#: The events that end a stream: after one of them the answer is whole.
TERMINAL_EVENTS: frozenset[str] = frozenset(
    {"response.completed", "response.incomplete", "response.failed"}
)


@attrs.frozen(repr=False, eq=False)
class ResponsesStreamEvent(FrozenValue):
    """An event as the provider sent it: ``event_type`` (``"response.output_text.delta"``,
    ...) and ``data``, the event's JSON object (including its ``type``).

    ``data`` is the one dict of the public API, as in the Rust crate this package follows:
    every event type passes through, including those no release of this package knows.
    The properties read the common fields; they are None where the event has no such field
    (or the provider left it out: llama.cpp sends no ``sequence_number`` or
    ``output_index``). A stream that fell back to chat completions sends events of the
    same types and shapes.
    """

    event_type: str
    data: dict[str, Any] = attrs.field(hash=False)

    @property
    def sequence_number(self) -> int | None:
        value = self.data.get("sequence_number")
        return value if type(value) is int else None

    @property
    def delta(self) -> str | None:
        """The text a ``*.delta`` event adds (output text, arguments, reasoning, ...)."""
        value = self.data.get("delta")
        return value if type(value) is str else None

    @property
    def text(self) -> str | None:
        """The whole text a ``*.done`` event (``response.output_text.done``, ...) carries."""
        value = self.data.get("text")
        return value if type(value) is str else None

    @property
    def arguments(self) -> str | None:
        """The whole arguments of a ``response.function_call_arguments.done`` event."""
        value = self.data.get("arguments")
        return value if type(value) is str else None

    @property
    def output_index(self) -> int | None:
        value = self.data.get("output_index")
        return value if type(value) is int else None

    @property
    def content_index(self) -> int | None:
        value = self.data.get("content_index")
        return value if type(value) is int else None

    @property
    def item_id(self) -> str | None:
        value = self.data.get("item_id")
        return value if type(value) is str else None

    @property
    def item(self) -> ResponsesItem | None:
        """The item of ``response.output_item.added`` / ``.done``, typed."""
        from llm_connector.responses._json import item_from_json

        value = self.data.get("item")
        return item_from_json(value) if isinstance(value, Mapping) else None

    @property
    def response(self) -> ResponsesResponse | None:
        """The response of a lifecycle event (``response.created``, ``.completed``, ...),
        typed."""
        from llm_connector.responses._json import response_from_json

        value = self.data.get("response")
        return response_from_json(value) if isinstance(value, Mapping) else None

    @property
    def is_terminal(self) -> bool:
        """Whether the stream ends with this event (completed, incomplete or failed)."""
        return self.event_type in TERMINAL_EVENTS


_EventBuilder = builder_of(ResponsesStreamEvent, "event_type", "data")


def new_event(event_type: str, data: dict[str, Any]) -> ResponsesStreamEvent:
    """``ResponsesStreamEvent(event_type, data)``, built for the stream decoder's per-event
    path without attrs' frozen-class ``object.__setattr__`` calls (see types/_fast.py)."""
    event = object.__new__(_EventBuilder)
    event.event_type = event_type
    event.data = data
    event.__class__ = ResponsesStreamEvent
    return event  # type: ignore[no-any-return]
