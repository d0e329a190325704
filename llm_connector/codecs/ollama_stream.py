"""The Ollama ``/api/chat`` stream decoder: one JSON object per line (NDJSON).

https://github.com/ollama/ollama/blob/main/docs/api/streaming.mdx

Every line is a whole message fragment; the last one has ``"done": true`` with
``done_reason`` and the token counts. One chunk per line, never none: a line whose text is
all held back by the think-tag splitter still yields its (empty) chunk.
"""

from __future__ import annotations

import json

from llm_connector.codecs._base import Frame, error_info_from_object, in_stream_error
from llm_connector.codecs.ollama_parse import (
    ToolCallNumbering,
    finish_reasons,
    message_fields,
    unix_seconds,
    usage_of,
)
from llm_connector.codecs.openai_chat_parse import opt_str
from llm_connector.codecs.think_tags import ThinkTagRewriter
from llm_connector.errors import (
    MAX_FRAME_EXCERPT,
    IncompleteStreamError,
    LLMError,
    StreamDecodeError,
)
from llm_connector.types import (
    Delta,
    FunctionCallDelta,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
)


class OllamaStreamDecoder:
    """Decodes ``/api/chat`` lines; complete once a line says ``"done": true``.

    - ``message.content`` is the text, ``message.thinking`` the reasoning.
    - ``message.tool_calls`` come whole (arguments as an object): each becomes one tool-call
      delta with its position in the answer, an id, its name and its arguments as JSON text.
    - The ``done`` line carries the finish reason and the usage (the only chunk with usage).
    - ``{"error": "..."}`` raises the typed error: Ollama reports a failure after the
      stream began as such a line, the HTTP status being 200 by then
      (https://github.com/ollama/ollama/blob/main/docs/api/errors.mdx).
    - A line that is not JSON raises ``StreamDecodeError`` when the next line arrives. If
      the stream ends instead, it was the unfinished last line of a cut connection (the
      shells hand over a last line without its newline), and ``close`` raises
      ``IncompleteStreamError``, as for any stream that ends before ``done``.
    - Lines after ``done`` are ignored.
    - ``created`` is the first line's ``created_at`` on every chunk.

    With ``think_tags`` (the default), ``<think>...</think>`` at the start of the text is
    moved to the reasoning (think_tags.py): DeepSeek-R1 and Qwen3 answer that way on
    servers older than the ``think`` parameter. It stops as soon as a line carries
    ``thinking``, since then the server separates the reasoning itself.
    """

    __slots__ = ("_calls", "_created", "_done", "_pending", "_think")

    def __init__(self, *, think_tags: bool = True) -> None:
        self._done = False
        self._pending: str | None = None  # a line that was not JSON, held until the next
        self._calls = ToolCallNumbering()
        self._created: int | None = None
        self._think = ThinkTagRewriter() if think_tags else None

    def feed(self, frame: Frame) -> list[StreamingResponse]:
        data = frame.data
        if self._done:
            return []
        if self._pending is not None:
            raise StreamDecodeError("stream line is not valid JSON", frame=self._pending)
        if not data.strip():
            return []
        try:
            obj = json.loads(data)
        except (ValueError, RecursionError):
            # RecursionError: json.loads past the interpreter's nesting limit.
            self._pending = data
            return []
        if type(obj) is not dict:
            raise StreamDecodeError("stream line is not a JSON object", frame=data)
        error = obj.get("error")
        if error:
            raise in_stream_error(error_info_from_object(error, "Ollama stream error"), data)

        def fail(problem: str) -> LLMError:
            return StreamDecodeError(f"stream line: {problem}", frame=data)

        role, content, thinking, raw_calls = message_fields(obj, fail)
        model = opt_str(obj.get("model")) or ""
        created_at = opt_str(obj.get("created_at"))
        if self._created is None:
            # Every line has its own timestamp; a stream's chunks share the first, as
            # OpenAI's chunks share one ``created``.
            self._created = unix_seconds(created_at)
        tool_calls: tuple[ToolCallDelta, ...] = ()
        if raw_calls:
            seed = f"{created_at}\n{model}"
            calls = []
            for raw in raw_calls:
                index, call_id, name, arguments = self._calls.take(raw, seed, fail)
                calls.append(
                    ToolCallDelta(index, call_id, FunctionCallDelta(name, arguments), "function")
                )
            tool_calls = tuple(calls)
        finish = native = None
        usage = None
        if obj.get("done") is True:
            self._done = True
            finish, native = finish_reasons(obj.get("done_reason"), self._calls.count > 0)
            usage = usage_of(obj)
        chunk = StreamingResponse(
            "",
            model,
            (StreamChoice(0, Delta(role, content, thinking, tool_calls), finish, native),),
            usage,
            self._created,
        )
        return [self._think.rewrite(chunk) if self._think is not None else chunk]

    def close(self) -> list[StreamingResponse]:
        if self._done:
            return []
        if self._pending is not None:
            line = self._pending
            if len(line) > MAX_FRAME_EXCERPT:
                line = line[:MAX_FRAME_EXCERPT] + f"... ({len(line)} characters)"
            raise IncompleteStreamError(
                f"the stream ended in the middle of a line, before Ollama finished: {line!r}"
            )
        raise IncompleteStreamError(
            'the stream ended before Ollama finished the answer (no line with "done": true)'
        )
