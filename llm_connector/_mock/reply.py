"""Scripted replies for the offline mock, and the arithmetic every wire shares."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from llm_connector.types import ToolCall
from llm_connector.types._value import FrozenValue

_TOKEN = re.compile(r"\s*\S+|\s+")


def pieces(text: str) -> list[str]:
    """Split text the way a model streams it: one word (with its leading space) a chunk."""
    return _TOKEN.findall(text)


@attrs.frozen(repr=False, eq=False)
class MockReply(FrozenValue):
    """One scripted answer. Build with :meth:`text`, :meth:`reasoning`, :meth:`tool_call`,
    :meth:`error` or :meth:`echo`."""

    content: str = ""
    reasoning_content: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    #: An error reply: the HTTP status (or, with ``partial_content``, a mid-stream error).
    error_status: int | None = None
    error_message: str = ""
    error_type: str | None = None
    finish_reason: str | None = None
    echo_user: bool = False
    #: Seconds an error reply asks the client to wait (sent as ``retry-after``).
    retry_after: float | None = None

    @classmethod
    def text(cls, content: str, *, finish_reason: str = "stop") -> MockReply:
        return cls(content=content, finish_reason=finish_reason)

    @classmethod
    def reasoning(cls, reasoning: str, content: str) -> MockReply:
        """Reasoning text first (as ``reasoning_content`` deltas), then the answer."""
        return cls(content=content, reasoning_content=reasoning)

    @classmethod
    def tool_call(
        cls,
        name: str,
        arguments: str | Mapping[str, Any],
        *,
        id: str | None = None,
        content: str = "",
        reasoning: str | None = None,
    ) -> MockReply:
        """The assistant calls one tool (``finish_reason`` ``"tool_calls"``), after
        ``reasoning`` when given (as a thinking model does)."""
        call = ToolCall.create(id or f"call_mock_{name}", name, arguments)
        return cls(content=content, tool_calls=(call,), reasoning_content=reasoning)

    @classmethod
    def tool_calls_of(
        cls, calls: Sequence[ToolCall], *, content: str = "", reasoning: str | None = None
    ) -> MockReply:
        """The assistant calls several tools at once (parallel tool calls)."""
        return cls(content=content, tool_calls=tuple(calls), reasoning_content=reasoning)

    @classmethod
    def error(
        cls,
        status: int,
        message: str,
        *,
        error_type: str | None = None,
        partial_content: str | None = None,
        retry_after: float | None = None,
    ) -> MockReply:
        """An error answer. With ``partial_content``, a stream first sends that text and
        then an in-band error event (HTTP 200), as providers do when they fail mid-answer.
        ``retry_after`` sends a ``retry-after`` header (seconds), which the error reports
        and a retrying client honours.

        A mock client does not retry unless given ``max_retries``, so each error reply
        reaches the caller as scripted; with retries on, each retry takes the next reply.
        """
        return cls(
            content=partial_content or "",
            error_status=status,
            error_message=message,
            error_type=error_type,
            finish_reason="partial" if partial_content is not None else None,
            retry_after=retry_after,
        )

    @classmethod
    def echo(cls) -> MockReply:
        """Repeat the last user message back (the default reply)."""
        return cls(echo_user=True)


DEFAULT_REPLIES = (MockReply.echo(),)
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def finish_kind(reply: MockReply) -> str:
    """How the reply ends, in OpenAI's words: stop, tool_calls, length, content_filter."""
    if reply.finish_reason and reply.finish_reason != "partial":
        return reply.finish_reason
    return "tool_calls" if reply.tool_calls else "stop"


def error_type(reply: MockReply) -> str:
    return reply.error_type or ERROR_TYPES.get(reply.error_status or 500, "server_error")


def is_mid_stream_error(reply: MockReply) -> bool:
    return reply.error_status is not None and reply.finish_reason == "partial"


def token_count(texts: Iterable[str]) -> int:
    """The mock's tokenizer: one token per word piece."""
    return sum(len(pieces(text)) for text in texts)


def counted_texts(value: object) -> list[str]:
    """Every text of a request body to count (the mock's token counting): the strings under
    ``text``, ``content``, ``instructions`` and ``system``, at any depth."""
    if isinstance(value, list):
        return [text for item in value for text in counted_texts(item)]
    if not isinstance(value, dict):
        return []
    texts: list[str] = []
    for key, item in value.items():
        if isinstance(item, str):
            if key in ("text", "content", "instructions", "system"):
                texts.append(item)
        else:
            texts += counted_texts(item)
    return texts


def completion_tokens(reply: MockReply) -> int:
    count = token_count([reply.content, reply.reasoning_content or ""])
    return count + sum(token_count([c.function.arguments]) + 1 for c in reply.tool_calls)


def arguments_object(call: ToolCall) -> Any:
    """A tool call's arguments as a JSON value, for wires that send objects."""
    return json.loads(call.function.arguments or "{}")


def unknown_tool_result(
    messages: Sequence[Any],
    *,
    role: str = "role",
    calls: str = "tool_calls",
    call_id: str = "id",
    result_id: str = "tool_call_id",
) -> tuple[int, str] | None:
    """The index and id of the first tool message whose id answers no tool call of an
    earlier assistant message (None when every one answers a call), as servers check it.
    The keys default to OpenAI's chat messages; Hunyuan names them in PascalCase."""
    called: set[object] = set()
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        if message.get(role) == "assistant":
            called.update(c.get(call_id) for c in message.get(calls) or [] if isinstance(c, dict))
        elif message.get(role) == "tool" and message.get(result_id) not in called:
            return index, str(message.get(result_id))
    return None


def resolve(reply: MockReply, last_user_text: str) -> MockReply:
    """The reply to send: an echo reply becomes the text it echoes."""
    if reply.echo_user:
        return MockReply.text(f"(offline mock) You said: {last_user_text}")
    return reply
