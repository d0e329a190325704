"""Helpers of the Anthropic stream tests: events written as frames, and those frames run
through the decoder or through ``StreamCore`` (as the shells run them)."""

from __future__ import annotations

import json
from typing import Any

from llm_connector import errors
from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.anthropic.codec import AnthropicCodec
from llm_connector.codecs.anthropic.stream import AnthropicStreamDecoder
from llm_connector.codecs.contract import SSEFrame
from llm_connector.types import ChatResponse, StreamingResponse


def run_core(
    events: list[SSEFrame],
) -> tuple[list[StreamingResponse], ChatResponse | None, errors.LLMError | None]:
    """Feed events through StreamCore as the shells do: (chunks, answer, error)."""
    core = StreamCore(AnthropicCodec())
    chunks: list[StreamingResponse] = []
    try:
        for event in events:
            chunks += core.feed(event)
        chunks += core.finish()
    except errors.LLMError as exc:
        return chunks, exc.partial, exc
    return chunks, core.final_response(), None


def to_frames(*events: dict[str, Any] | tuple[str, str]) -> list[SSEFrame]:
    """JSON events (named after their type) or (event name, data) pairs, as frames."""
    return [
        SSEFrame(e[1], e[0]) if isinstance(e, tuple) else SSEFrame(json.dumps(e), e["type"])
        for e in events
    ]


def feed_all(*events: dict[str, Any] | tuple[str, str]) -> list[StreamingResponse]:
    """What the decoder returns for these events, then for close()."""
    decoder = AnthropicStreamDecoder()
    out: list[StreamingResponse] = []
    for frame in to_frames(*events):
        out += decoder.feed(frame)
    out += decoder.close()
    return out
