"""The Ollama ``/api/chat`` stream decoder: one JSON object per line (NDJSON).

https://github.com/ollama/ollama/blob/main/docs/api/streaming.mdx

Every line is a whole message fragment; the last one has ``"done": true`` with
``done_reason`` and the token counts. One chunk per line, never none: a line whose text is
all held back by the think-tag splitter still yields its (empty) chunk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llm_connector.codecs.contract import Frame
from llm_connector.codecs.error_bodies import error_info_from_object, in_stream_error
from llm_connector.codecs.json_readers import opt_str, scan_once, text_object
from llm_connector.codecs.ollama.parse import (
    ToolCallNumbering,
    finish_reasons,
    message_fields,
    unix_seconds,
    usage_of,
)
from llm_connector.codecs.think_tags import ThinkTagRewriter
from llm_connector.errors import (
    MAX_FRAME_EXCERPT,
    IncompleteStreamError,
    LLMError,
    StreamDecodeError,
)
from llm_connector.types import FunctionCallDelta, StreamingResponse, ToolCallDelta
from llm_connector.types._fast import new_choice, new_chunk, new_delta


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
        try:  # text_object(data), inline: this runs for every line
            obj, end = scan_once(data, 0)
            if end != len(data):
                obj = text_object(data)
        except (StopIteration, ValueError, RecursionError):
            if not data.strip():
                return []
            try:
                obj = text_object(data)
            except (ValueError, RecursionError):
                # RecursionError: json.loads past the interpreter's nesting limit.
                self._pending = data
                return []
        if type(obj) is not dict:
            raise StreamDecodeError("stream line is not a JSON object", frame=data)
        error = obj.get("error")
        if error:
            raise in_stream_error(error_info_from_object(error, "Ollama stream error"), data)

        message = obj.get("message")
        if type(message) is dict and message.get("tool_calls") is None:
            # message_fields(), inline for the usual line (no tool calls): it runs per line.
            role = message.get("role")
            if type(role) is not str:
                role = None
            content = message.get("content")
            if type(content) is not str or not content:
                content = None
            thinking = message.get("thinking")
            if type(thinking) is not str or not thinking:
                thinking = None
            raw_calls: list[Any] = []
        else:
            role, content, thinking, raw_calls = message_fields(obj, _failure(data))
        model = obj.get("model")
        if type(model) is not str:
            model = ""
        if self._created is None:
            # Every line has its own timestamp; a stream's chunks share the first, as
            # OpenAI's chunks share one ``created``.
            self._created = unix_seconds(opt_str(obj.get("created_at")))
        tool_calls: tuple[ToolCallDelta, ...] = ()
        if raw_calls:
            seed = f"{opt_str(obj.get('created_at'))}\n{model}"
            fail = _failure(data)
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
        chunk = new_chunk(
            "",
            model,
            (new_choice(0, new_delta(role, content, thinking, tool_calls), finish, native),),
            usage,
            self._created,
        )
        think = self._think
        if think is not None:
            chunk = think.rewrite(chunk)
            if think.settled(0):
                # The answer has begun (or ended): no later line can hold a think block,
                # and nothing is held back, so the rewriter is done with this stream.
                self._think = None
        return [chunk]

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


def _failure(data: str) -> Callable[[str], LLMError]:
    """What the line readers raise for a line of the wrong shape (made only when needed)."""

    def fail(problem: str) -> LLMError:
        return StreamDecodeError(f"stream line: {problem}", frame=data)

    return fail
