"""The items of the Responses API: what ``input`` is made of and what ``output`` holds.

An item is a message, a function call, a function call's output, a reasoning item, or an
item of a kind this package does not model (a hosted tool's call, say), kept as its JSON so
that it can be sent back unchanged. The same classes serve both directions, so a response's
``output`` can be appended to the next request's ``input``.

https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
https://platform.openai.com/docs/api-reference/responses/object#responses/object-output
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Literal, TypeAlias

import attrs

from llm_connector.errors import RequestValidationError
from llm_connector.types._message import DocumentPart, ImagePart, TextPart
from llm_connector.types._value import FrozenValue

ItemRole: TypeAlias = Literal["user", "assistant", "system", "developer"]
ITEM_ROLES: frozenset[str] = frozenset({"user", "assistant", "system", "developer"})


@attrs.frozen(repr=False, eq=False)
class OutputText(FrozenValue):
    """Text the model wrote, with its annotations (``url_citation`` and the like, as the
    provider's JSON: their shapes vary by tool)."""

    text: str
    annotations: tuple[dict[str, Any], ...] = attrs.field(default=(), hash=False)
    type: Literal["output_text"] = "output_text"


@attrs.frozen(repr=False, eq=False)
class Refusal(FrozenValue):
    """The model declined to answer; ``refusal`` says why."""

    refusal: str
    type: Literal["refusal"] = "refusal"


#: What a message's content list may hold: input parts (text, image, document) in the
#: user's turns, output parts (text, refusal) in the assistant's.
MessageContent: TypeAlias = TextPart | ImagePart | DocumentPart | OutputText | Refusal
_CONTENT_TYPES = (TextPart, ImagePart, DocumentPart, OutputText, Refusal)


def _to_item_content(
    value: str | Iterable[MessageContent],
) -> str | tuple[MessageContent, ...]:
    if isinstance(value, str):
        return value
    parts = tuple(value)
    for i, part in enumerate(parts):
        if not isinstance(part, _CONTENT_TYPES):
            raise RequestValidationError(
                f"content[{i}]",
                "expected TextPart, ImagePart, DocumentPart, OutputText or Refusal, "
                f"got {type(part).__name__}",
            )
    return parts


def _check_item_role(_: Any, __: Any, role: str) -> None:
    if role not in ITEM_ROLES:
        raise RequestValidationError(
            "role", f"unknown role {role!r}; use one of {sorted(ITEM_ROLES)}"
        )


@attrs.frozen(repr=False, eq=False)
class MessageItem(FrozenValue):
    """A message: the user's, the system's or developer's, or the assistant's.

    ``content`` is text or a list of parts. ``phase`` is OpenAI's label of an assistant
    message (``"commentary"``, ``"final_answer"``); it should go back with the message:
    https://platform.openai.com/docs/guides/reasoning#keeping-reasoning-items-in-context
    """

    role: ItemRole = attrs.field(validator=_check_item_role)
    content: str | tuple[MessageContent, ...] = attrs.field(default="", converter=_to_item_content)
    id: str | None = None
    status: str | None = None
    phase: str | None = None
    type: Literal["message"] = "message"

    @property
    def text(self) -> str:
        """The message's text: its string, or its text parts joined."""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text for p in self.content if isinstance(p, (OutputText, TextPart)))

    @property
    def refusal(self) -> str | None:
        """The refusal's text, when the model refused."""
        if isinstance(self.content, str):
            return None
        refusals = [p.refusal for p in self.content if isinstance(p, Refusal)]
        return "".join(refusals) if refusals else None


@attrs.frozen(repr=False, eq=False)
class FunctionCallItem(FrozenValue):
    """A call of one of the request's function tools. ``arguments`` is JSON text as the
    model wrote it; answer it with a :class:`FunctionCallOutputItem` of the same
    ``call_id``."""

    call_id: str
    name: str
    arguments: str = ""
    id: str | None = None
    status: str | None = None
    type: Literal["function_call"] = "function_call"

    def parse_arguments(self) -> Any:
        """The arguments decoded from JSON (``{}`` when the model sent none).

        Raises ``ValueError`` (a ``json.JSONDecodeError``) when the model wrote invalid JSON.
        """
        return json.loads(self.arguments or "{}")


@attrs.frozen(repr=False, eq=False)
class FunctionCallOutputItem(FrozenValue):
    """The result of a function call, sent back in the next request's ``input``."""

    call_id: str
    output: str
    id: str | None = None
    status: str | None = None
    type: Literal["function_call_output"] = "function_call_output"


@attrs.frozen(repr=False, eq=False)
class ReasoningItem(FrozenValue):
    """The model's reasoning: ``summary`` texts (OpenAI's reasoning summaries), ``content``
    texts (raw reasoning, from servers that show it: DeepSeek, OpenRouter, llama.cpp) and
    ``encrypted_content`` (opaque; send the item back to continue the reasoning, see
    https://platform.openai.com/docs/guides/reasoning#encrypted-reasoning-items).
    """

    id: str | None = None
    summary: tuple[str, ...] = ()
    content: tuple[str, ...] = ()
    encrypted_content: str | None = None
    status: str | None = None
    type: Literal["reasoning"] = "reasoning"

    @property
    def text(self) -> str:
        """The raw reasoning text ("" when the provider shows none)."""
        return "".join(self.content)

    @property
    def summary_text(self) -> str:
        """The reasoning summaries, separated by blank lines."""
        return "\n\n".join(self.summary)


@attrs.frozen(repr=False, eq=False)
class OtherItem(FrozenValue):
    """An item of a kind not modelled here (``web_search_call``, ``mcp_call``,
    ``item_reference``, ...): its JSON, sent back as it is."""

    type: str
    data: dict[str, Any] = attrs.field(hash=False)

    @property
    def id(self) -> str | None:
        value = self.data.get("id")
        return value if isinstance(value, str) else None

    @property
    def status(self) -> str | None:
        value = self.data.get("status")
        return value if isinstance(value, str) else None


#: Any item of a response's ``output`` or a request's ``input``.
ResponsesItem: TypeAlias = (
    MessageItem | FunctionCallItem | FunctionCallOutputItem | ReasoningItem | OtherItem
)
ITEM_TYPES = (MessageItem, FunctionCallItem, FunctionCallOutputItem, ReasoningItem, OtherItem)
