"""A whole Responses API answer: ResponsesResponse and what it is made of.

https://platform.openai.com/docs/api-reference/responses/object
"""

from __future__ import annotations

import attrs

from llm_connector.responses._items import (
    FunctionCallItem,
    MessageItem,
    OtherItem,
    ReasoningItem,
    ResponsesItem,
)


@attrs.frozen
class ResponsesUsage:
    """Token counts. ``cached_tokens`` and ``reasoning_tokens`` are None when not reported."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    #: Input tokens read from the provider's cache (included in ``input_tokens``).
    cached_tokens: int | None = None
    #: Output tokens spent reasoning (included in ``output_tokens``).
    reasoning_tokens: int | None = None


@attrs.frozen
class ResponsesError:
    """Why a response failed (``status == "failed"``): OpenAI's ``code`` (``server_error``,
    ``rate_limit_exceeded``, ``invalid_prompt``, ...) and a message."""

    message: str
    code: str | None = None


@attrs.frozen
class IncompleteDetails:
    """Why a response is incomplete: ``"max_output_tokens"`` or ``"content_filter"``."""

    reason: str | None = None


#: The terminal statuses of a response (``queued`` and ``in_progress`` come before them).
TERMINAL_STATUSES: frozenset[str] = frozenset({"completed", "incomplete", "failed", "cancelled"})


@attrs.frozen
class ResponsesResponse:
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

    @property
    def output_text(self) -> str:
        """The text of every assistant message of the output, joined ("" when none)."""
        return "".join(
            item.text
            for item in self.output
            if isinstance(item, MessageItem) and item.role == "assistant"
        )

    @property
    def function_calls(self) -> tuple[FunctionCallItem, ...]:
        """The function calls of the output, in order."""
        return tuple(item for item in self.output if isinstance(item, FunctionCallItem))

    @property
    def reasoning_text(self) -> str | None:
        """The raw reasoning of the output's reasoning items, or None when it shows none."""
        text = "".join(item.text for item in self.output if isinstance(item, ReasoningItem))
        return text or None

    @property
    def reasoning_summary(self) -> str | None:
        """The reasoning summaries of the output, separated by blank lines, or None."""
        parts = [s for i in self.output if isinstance(i, ReasoningItem) for s in i.summary]
        return "\n\n".join(parts) if parts else None

    @property
    def refusal(self) -> str | None:
        """The model's refusal, when it refused."""
        refusals = [i.refusal for i in self.output if isinstance(i, MessageItem) and i.refusal]
        return "".join(r for r in refusals if r) or None

    @property
    def other_items(self) -> tuple[OtherItem, ...]:
        """The output items of kinds not modelled here (hosted tool calls and the like)."""
        return tuple(item for item in self.output if isinstance(item, OtherItem))
