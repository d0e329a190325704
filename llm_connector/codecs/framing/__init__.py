"""Frame readers: a response body's bytes in, the frames its stream decoder reads out.

A codec names its framing in the ``RequestSpec`` it builds; the driver looks the reader up
here by that name, and the shells feed it every network read without knowing which it is.
Each reader is pure, keeps bounded state (the unfinished line or frame, within the call's
``max_event_bytes``: see ``FrameReader`` in codecs/contract.py for what happens past it),
and is linear in the bytes however they are split. Adding a framing (AWS's binary event
stream, say) is a module here and a row of ``FRAME_READERS``.

- ``sse``: Server-Sent Events (OpenAI, Anthropic, Gemini, the Responses API, DashScope,
  Hunyuan);
- ``ndjson``: one JSON object per line (Ollama);
- ``eventstream``: AWS's binary event stream, length-prefixed and CRC-checked messages
  (Bedrock's ConverseStream).

``content`` undoes a body's Content-Encoding from its raw bytes, within the size limits,
before the bytes reach a reader (or are collected whole): see its docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from llm_connector.codecs.contract import FrameReader
from llm_connector.codecs.framing.eventstream import EventStreamReader
from llm_connector.codecs.framing.ndjson import NDJSONReader
from llm_connector.codecs.framing.sse import SSEReader
from llm_connector.types._size_limits import DEFAULT_SIZE_LIMITS

__all__ = ["FRAME_READERS", "frame_reader"]

#: Every framing a codec may name but "json" (a body read whole), by name: each made with
#: the call's ``max_event_bytes``.
FRAME_READERS: Mapping[str, Callable[[int], FrameReader]] = {
    "sse": SSEReader,
    "ndjson": NDJSONReader,
    "eventstream": EventStreamReader,
}


def frame_reader(
    framing: str, max_event_bytes: int = DEFAULT_SIZE_LIMITS.max_event_bytes
) -> FrameReader:
    """A new reader for one body of ``framing``, refusing an event (or line) longer than
    ``max_event_bytes``."""
    return FRAME_READERS[framing](max_event_bytes)
