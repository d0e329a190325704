"""A whole Responses API answer: ResponsesResponse (its parts are in _details.py).

https://platform.openai.com/docs/api-reference/responses/object
"""

from __future__ import annotations

from typing import TypeVar

import attrs

# Imported at run time, not only for type checkers: cattrs and typing.get_type_hints()
# resolve the fields' annotations in this module (``import llm_connector`` loads none of
# the Responses package, so this costs nothing there).
from llm_connector.responses._details import IncompleteDetails, ResponsesError, ResponsesUsage
from llm_connector.responses._items import FunctionCallItem, OtherItem, ResponsesItem
from llm_connector.types._route import Route
from llm_connector.types._value import FrozenValue

_T = TypeVar("_T")

#: The terminal statuses of a response (``queued`` and ``in_progress`` come before them).
TERMINAL_STATUSES: frozenset[str] = frozenset({"completed", "incomplete", "failed", "cancelled"})


@attrs.frozen(repr=False, eq=False)
class ResponsesResponse(FrozenValue):
    """A Responses API answer, from ``invoke_responses()`` or accumulated by a stream.

    ``output`` holds the items the model produced, in order; ``output_text`` joins the
    text of its messages, ``function_calls`` picks its calls. ``status`` is
    ``"completed"``, ``"incomplete"`` (see ``incomplete_details``), ``"failed"`` (see
    ``error``), or ``"in_progress"`` / ``"queued"`` in a snapshot taken mid-stream.
    """

    id: str = ""
    status: str | None = None
    model: str = ""
    output: tuple[ResponsesItem, ...] = ()
    usage: ResponsesUsage | None = None
    error: ResponsesError | None = None
    incomplete_details: IncompleteDetails | None = None
    created_at: float | None = None
    #: Which member of a fallback chain answered (None: the answer of a client).
    route: Route | None = attrs.field(default=None, eq=False, repr=False)

    def parse(self, output_type: type[_T]) -> _T:
        """The answer as a value of ``output_type`` (asked for with
        ``ResponsesRequest.with_output_type``); the errors of ``ChatResponse.parse``."""
        from llm_connector.structured.answers import parse_responses_answer

        return parse_responses_answer(self, output_type)

    @property
    def output_text(self) -> str:
        """The text of every assistant message of the output, joined ("" when none)."""
        from llm_connector.responses._items import MessageItem

        return "".join(
            item.text
            for item in self.output
            if isinstance(item, MessageItem) and item.role == "assistant"
        )

    @property
    def function_calls(self) -> tuple[FunctionCallItem, ...]:
        """The function calls of the output, in order."""
        from llm_connector.responses._items import FunctionCallItem

        return tuple(item for item in self.output if isinstance(item, FunctionCallItem))

    @property
    def reasoning_text(self) -> str | None:
        """The raw reasoning of the output's reasoning items, or None when it shows none."""
        from llm_connector.responses._items import ReasoningItem

        text = "".join(item.text for item in self.output if isinstance(item, ReasoningItem))
        return text or None

    @property
    def reasoning_summary(self) -> str | None:
        """The reasoning summaries of the output, separated by blank lines, or None."""
        from llm_connector.responses._items import ReasoningItem

        parts = [s for i in self.output if isinstance(i, ReasoningItem) for s in i.summary]
        return "\n\n".join(parts) if parts else None

    @property
    def refusal(self) -> str | None:
        """The model's refusal, when it refused."""
        from llm_connector.responses._items import MessageItem

        refusals = [i.refusal for i in self.output if isinstance(i, MessageItem) and i.refusal]
        return "".join(r for r in refusals if r) or None

    @property
    def other_items(self) -> tuple[OtherItem, ...]:
        """The output items of kinds not modelled here (hosted tool calls and the like)."""
        from llm_connector.responses._items import OtherItem

        return tuple(item for item in self.output if isinstance(item, OtherItem))
