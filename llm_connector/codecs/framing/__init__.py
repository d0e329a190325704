"""Frame readers: a response body's bytes in, the frames its stream decoder reads out.

A codec names its framing in the ``RequestSpec`` it builds; the driver looks the reader up
here by that name, and the shells feed it every network read without knowing which it is.
Each reader is pure, keeps bounded state (the unfinished line or frame), and is linear in
the bytes. Adding a framing (AWS's binary event stream, say) is a module here and a row of
``FRAME_READERS``.

- ``sse``: Server-Sent Events (OpenAI, Anthropic, Gemini, the Responses API, DashScope,
  Hunyuan);
- ``ndjson``: one JSON object per line (Ollama).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from llm_connector.codecs.contract import FrameReader
from llm_connector.codecs.framing.ndjson import NDJSONReader
from llm_connector.codecs.framing.sse import SSEReader

__all__ = ["FRAME_READERS", "frame_reader"]

#: Every framing a codec may name but "json" (a body read whole), by name.
FRAME_READERS: Mapping[str, Callable[[], FrameReader]] = {
    "sse": SSEReader,
    "ndjson": NDJSONReader,
}


def frame_reader(framing: str) -> FrameReader:
    """A new reader for one body of ``framing``."""
    return FRAME_READERS[framing]()
