"""A ChatResponse in the shape of the hand-checked ``<name>.expected.json`` files."""

from __future__ import annotations

from typing import Any

import attrs

from llm_connector.types import ChatResponse


def answer_fields(response: ChatResponse) -> dict[str, Any]:
    """A ChatResponse in the shape of the expected files."""
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
