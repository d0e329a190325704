"""Answers in the shape of the hand-checked ``<name>.expected.json`` files beside the
transcripts, one projection per protocol's files (each folder's files name the fields its
provider has): what a test compares an expected file with, field by field.

They read the answer's public attributes and nothing else; the values they are compared
with are the hand-checked files', never anything computed by the package.
"""

from __future__ import annotations

from typing import Any

import attrs

from llm_connector.responses import (
    FunctionCallItem,
    MessageItem,
    OtherItem,
    ReasoningItem,
    ResponsesResponse,
    ResponsesUsage,
)
from llm_connector.types import ChatResponse


def anthropic_answer(response: ChatResponse) -> dict[str, Any]:
    """An answer as tests/data/anthropic's expected files give it."""
    choice = response.choices[0] if response.choices else None
    return {
        "id": response.id,
        "model": response.model,
        "content": response.content,
        "reasoning_content": response.reasoning_content,
        "reasoning_blocks": [
            attrs.asdict(b) for b in (choice.message.reasoning_blocks if choice else ())
        ],
        "tool_calls": [
            {
                "id": c.id,
                "name": c.function.name,
                "arguments": c.function.arguments,
                "parsed": c.parse_arguments(),
            }
            for c in response.tool_calls
        ],
        "finish_reason": response.finish_reason,
        "native_finish_reason": choice.native_finish_reason if choice else None,
        "usage": attrs.asdict(response.usage) if response.usage else None,
    }


def gemini_answer(response: ChatResponse) -> dict[str, Any]:
    """An answer as tests/data/gemini's expected files give it."""
    message = response.message
    assert message is not None
    return {
        "id": response.id,
        "model": response.model,
        "content": response.content,
        "reasoning_content": response.reasoning_content,
        "tool_calls": [
            {
                "id": c.id,
                "name": c.function.name,
                "arguments": c.function.arguments,
                "thought_signature": c.thought_signature,
            }
            for c in response.tool_calls
        ],
        "finish_reason": response.finish_reason,
        "native_finish_reason": response.choices[0].native_finish_reason,
        "reasoning_blocks": [
            {"text": b.text, "signature": b.signature} for b in message.reasoning_blocks
        ],
        "usage": attrs.asdict(response.usage) if response.usage else None,
    }


def compat_answer(answer: ChatResponse) -> dict[str, Any]:
    """An answer as the expected files of tests/data/openai-compat, dashscope and hunyuan
    give it."""
    return {
        "id": answer.id,
        "model": answer.model,
        "created": answer.created,
        "system_fingerprint": answer.system_fingerprint,
        "content": answer.content,
        "reasoning_content": answer.reasoning_content,
        "tool_calls": [
            {"id": c.id, "name": c.function.name, "arguments": c.function.arguments}
            for c in answer.tool_calls
        ],
        "finish_reason": answer.finish_reason,
        "usage": attrs.asdict(answer.usage) if answer.usage else None,
    }


# -- the Responses API ------------------------------------------------------------------------


def usage_summary(usage: ResponsesUsage | None) -> dict[str, Any] | None:
    return None if usage is None else attrs.asdict(usage)


def item_summary(item: Any) -> dict[str, Any]:
    if isinstance(item, MessageItem):
        out: dict[str, Any] = {"type": "message", "id": item.id, "role": item.role}
        out["text"] = item.text
        if item.phase:
            out["phase"] = item.phase
        return out
    if isinstance(item, FunctionCallItem):
        return {
            "type": "function_call",
            "id": item.id,
            "call_id": item.call_id,
            "name": item.name,
            "arguments": item.arguments,
        }
    if isinstance(item, ReasoningItem):
        return {
            "type": "reasoning",
            "id": item.id,
            "summary": list(item.summary),
            "content": list(item.content),
            "encrypted": bool(item.encrypted_content),
        }
    assert isinstance(item, OtherItem), item
    return {"type": item.type, "id": item.id}


def summary(response: ResponsesResponse) -> dict[str, Any]:
    """A Responses API response as the ``final`` of tests/data/openai-responses' expected
    files."""
    return {
        "id": response.id,
        "status": response.status,
        "model": response.model,
        "usage": usage_summary(response.usage),
        "error": None if response.error is None else attrs.asdict(response.error),
        "incomplete_details": None
        if response.incomplete_details is None
        else attrs.asdict(response.incomplete_details),
        "output": [item_summary(item) for item in response.output],
    }
