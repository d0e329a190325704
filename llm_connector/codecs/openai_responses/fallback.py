"""A Responses stream made from a chat stream (pure): the fallback's answer.

When the upstream has no ``/responses`` (or speaks another protocol: Anthropic, Gemini,
Ollama), the request goes out as chat and its ``StreamingResponse`` chunks are turned into
the events OpenAI's Responses API would have sent for the same answer, with increasing
``sequence_number``s:

    response.created, response.in_progress,
    per reasoning block:  output_item.added, content_part.added,
                          reasoning_text.delta ..., reasoning_text.done,
                          content_part.done, output_item.done
    per text block:       output_item.added, content_part.added,
                          output_text.delta ..., output_text.done,
                          content_part.done, output_item.done
    per tool call:        output_item.added, function_call_arguments.delta ...,
                          function_call_arguments.done, output_item.done
    response.completed (usage), or response.incomplete on a length / content-filter stop,
    or response.failed on an error.

The shapes follow OpenAI's events (https://platform.openai.com/docs/api-reference/
responses-streaming); reasoning follows DeepSeek's ``/responses``, which streams raw
reasoning as ``reasoning_text`` parts (tests/data/openai-responses/deepseek-*.sse). Ids are
derived from the chat answer's id (codecs never draw random numbers).
"""

from __future__ import annotations

from typing import Any

from llm_connector.codecs.contract import ChatCodec, Frame, StreamDecoder
from llm_connector.codecs.openai_responses.accumulate import ResponsesAccumulator
from llm_connector.codecs.openai_responses.stream import ResponsesSource
from llm_connector.errors import APIStatusError, LLMError
from llm_connector.responses import ResponsesResponse, ResponsesStreamEvent
from llm_connector.types import ChatResponse, StreamingResponse, ToolCallDelta, Usage
from llm_connector.types._accumulate import response_as_chunks
from llm_connector.types._text import TextBuffer

_INCOMPLETE = {"length": "max_output_tokens", "content_filter": "content_filter"}


class _Item:
    """An output item being synthesized."""

    __slots__ = ("call_id", "id", "index", "kind", "name", "open", "pieces", "status")

    def __init__(self, kind: str, item_id: str, index: int) -> None:
        self.kind = kind
        self.id = item_id
        self.index = index
        self.pieces = TextBuffer()
        self.call_id = ""
        self.name = ""
        self.open = True
        self.status = "in_progress"

    def json(self, text: str | None = None) -> dict[str, Any]:
        """The item; with its parts (``text``) once it is done."""
        item: dict[str, Any] = {"id": self.id, "type": self.kind, "status": self.status}
        if self.kind == "message":
            item["role"] = "assistant"
            item["content"] = [] if text is None else [_output_text(text)]
        elif self.kind == "reasoning":
            item["summary"] = []
            item["content"] = [] if text is None else [_reasoning_text(text)]
        else:
            item["call_id"] = self.call_id
            item["name"] = self.name
            item["arguments"] = text or ""
        return item


def _output_text(text: str) -> dict[str, Any]:
    return {"type": "output_text", "annotations": [], "logprobs": [], "text": text}


def _reasoning_text(text: str) -> dict[str, Any]:
    return {"type": "reasoning_text", "text": text}


def usage_json(usage: Usage) -> dict[str, Any]:
    """Chat usage in the Responses API's words (details only where they were reported)."""
    out: dict[str, Any] = {"input_tokens": usage.prompt_tokens}
    if usage.cached_tokens is not None:
        out["input_tokens_details"] = {"cached_tokens": usage.cached_tokens}
    out["output_tokens"] = usage.completion_tokens
    if usage.reasoning_tokens is not None:
        out["output_tokens_details"] = {"reasoning_tokens": usage.reasoning_tokens}
    out["total_tokens"] = usage.total_tokens
    return out


class ResponsesSynthesizer:
    """Chat chunks in, Responses events out: ``feed`` each chunk, then ``finish`` (the chat
    answer ended) or ``fail`` (it broke with an error). Only the first choice is used."""

    __slots__ = (
        "_base",
        "_created",
        "_current",
        "_finish_reason",
        "_id",
        "_items",
        "_model",
        "_seq",
        "_started",
        "_tools",
        "_usage",
    )

    def __init__(self, model: str = "", created_at: float | None = None) -> None:
        self._model = model
        self._created = created_at
        self._seq = 0
        self._started = False
        self._id = ""
        self._base = ""
        self._items: list[_Item] = []
        self._current: _Item | None = None  # the open message or reasoning item
        self._tools: dict[int, _Item] = {}  # open function calls by chat tool-call index
        self._usage: Usage | None = None
        self._finish_reason: str | None = None

    def _event(self, kind: str, fields: dict[str, Any]) -> ResponsesStreamEvent:
        data = {"type": kind, **fields, "sequence_number": self._seq}
        self._seq += 1
        return ResponsesStreamEvent(kind, data)

    def _response(self, status: str, **fields: Any) -> dict[str, Any]:
        return {
            "id": self._id,
            "object": "response",
            "created_at": self._created,
            "status": status,
            "model": self._model,
            "output": fields.get("output", []),
            "usage": fields.get("usage"),
            "error": fields.get("error"),
            "incomplete_details": fields.get("incomplete_details"),
        }

    def _start(self, chunk: StreamingResponse | None, out: list[ResponsesStreamEvent]) -> None:
        self._started = True
        if chunk is not None:
            self._model = chunk.model or self._model
            if chunk.created is not None:
                self._created = chunk.created
        stamp = f"{int(self._created * 1000):x}" if self._created is not None else "0"
        self._base = chunk.id if chunk is not None and chunk.id else stamp
        self._id = f"resp_{self._base}"
        response = self._response("in_progress")
        out.append(self._event("response.created", {"response": response}))
        out.append(self._event("response.in_progress", {"response": response}))

    def feed(self, chunk: StreamingResponse) -> list[ResponsesStreamEvent]:
        out: list[ResponsesStreamEvent] = []
        if not self._started:
            self._start(chunk, out)
        if chunk.usage is not None:
            self._usage = chunk.usage
        for choice in chunk.choices:
            if choice.index != 0:
                continue
            delta = choice.delta
            if delta.reasoning_content:
                self._add_text("reasoning", delta.reasoning_content, out)
            if delta.content:
                self._add_text("message", delta.content, out)
            for call in delta.tool_calls:
                self._add_call(call, out)
            if choice.finish_reason:
                self._finish_reason = choice.finish_reason
                self._close_all(out)
        return out

    # -- items ---------------------------------------------------------------------------

    def _open(self, kind: str, prefix: str) -> _Item:
        index = len(self._items)
        item = _Item(kind, f"{prefix}_{self._base}_{index}", index)
        self._items.append(item)
        return item

    def _added(self, item: _Item, out: list[ResponsesStreamEvent]) -> None:
        out.append(
            self._event(
                "response.output_item.added", {"output_index": item.index, "item": item.json()}
            )
        )
        if item.kind != "function_call":
            part = _output_text("") if item.kind == "message" else _reasoning_text("")
            out.append(
                self._event("response.content_part.added", {**self._where(item), "part": part})
            )

    @staticmethod
    def _where(item: _Item) -> dict[str, Any]:
        return {"item_id": item.id, "output_index": item.index, "content_index": 0}

    def _add_text(self, kind: str, text: str, out: list[ResponsesStreamEvent]) -> None:
        item = self._current
        if item is None or item.kind != kind:
            self._close_all(out)
            item = self._current = self._open(kind, "msg" if kind == "message" else "rs")
            self._added(item, out)
        item.pieces.append(text)
        if kind == "message":
            fields = {**self._where(item), "delta": text, "logprobs": []}
            out.append(self._event("response.output_text.delta", fields))
        else:
            fields = {**self._where(item), "delta": text}
            out.append(self._event("response.reasoning_text.delta", fields))

    def _add_call(self, call: ToolCallDelta, out: list[ResponsesStreamEvent]) -> None:
        item = self._tools.get(call.index)
        if item is None:
            if self._current is not None:
                self._close(self._current, out)
            item = self._open("function_call", "fc")
            item.call_id = call.id or f"call_{self._base}_{call.index}"
            item.name = call.function.name or ""
            self._tools[call.index] = item
            self._added(item, out)
        elif call.function.name and not item.name:
            item.name = call.function.name
        if call.function.arguments:
            item.pieces.append(call.function.arguments)
            fields = {
                "item_id": item.id,
                "output_index": item.index,
                "delta": call.function.arguments,
            }
            out.append(self._event("response.function_call_arguments.delta", fields))

    def _close(self, item: _Item, out: list[ResponsesStreamEvent]) -> None:
        item.open = False
        if item is self._current:
            self._current = None
        self._tools = {k: v for k, v in self._tools.items() if v is not item}
        item.status = "incomplete" if self._finish_reason in _INCOMPLETE else "completed"
        text = item.pieces.text()
        if item.kind == "function_call":
            fields = {
                "item_id": item.id,
                "output_index": item.index,
                "name": item.name,
                "arguments": text,
            }
            out.append(self._event("response.function_call_arguments.done", fields))
        else:
            message = item.kind == "message"
            done = "response.output_text.done" if message else "response.reasoning_text.done"
            extra: dict[str, Any] = {"logprobs": []} if message else {}
            out.append(self._event(done, {**self._where(item), **extra, "text": text}))
            part = _output_text(text) if message else _reasoning_text(text)
            out.append(
                self._event("response.content_part.done", {**self._where(item), "part": part})
            )
        fields = {"output_index": item.index, "item": item.json(text)}
        out.append(self._event("response.output_item.done", fields))

    def _close_all(self, out: list[ResponsesStreamEvent]) -> None:
        for item in self._items:
            if item.open:
                self._close(item, out)

    def _output(self) -> list[dict[str, Any]]:
        return [item.json(item.pieces.text()) for item in self._items]

    # -- the end -----------------------------------------------------------------------

    def finish(self) -> list[ResponsesStreamEvent]:
        """The chat answer ended: close what is open, then the terminal event."""
        out: list[ResponsesStreamEvent] = []
        if not self._started:
            self._start(None, out)
        self._close_all(out)
        usage = usage_json(self._usage) if self._usage is not None else None
        reason = _INCOMPLETE.get(self._finish_reason or "")
        if reason is None:
            response = self._response("completed", output=self._output(), usage=usage)
            out.append(self._event("response.completed", {"response": response}))
        else:
            response = self._response(
                "incomplete",
                output=self._output(),
                usage=usage,
                incomplete_details={"reason": reason},
            )
            out.append(self._event("response.incomplete", {"response": response}))
        return out

    def fail(self, error: LLMError) -> list[ResponsesStreamEvent]:
        """The chat answer broke with ``error``: ``response.failed`` with what arrived."""
        out: list[ResponsesStreamEvent] = []
        if not self._started:
            self._start(None, out)
        code: Any = "server_error"
        if isinstance(error, APIStatusError):
            code = error.code if error.code is not None else error.error_type or code
        failure = {"code": str(code), "message": error.message}
        usage = usage_json(self._usage) if self._usage is not None else None
        response = self._response("failed", output=self._output(), usage=usage, error=failure)
        out.append(self._event("response.failed", {"response": response}))
        return out


class TranslatedStreamDecoder:
    """A chat protocol's stream decoder, its chunks turned into Responses events. An error
    the chat decoder raises becomes a ``response.failed`` event, and is raised at the next
    frame or at the end (as the native decoder does with its failure events)."""

    __slots__ = ("_chat", "_failure", "_synth")

    def __init__(self, chat: StreamDecoder, synth: ResponsesSynthesizer) -> None:
        self._chat = chat
        self._synth = synth
        self._failure: APIStatusError | None = None

    def feed(self, frame: Frame) -> list[ResponsesStreamEvent]:
        if self._failure is not None:
            raise self._failure
        try:
            chunks = self._chat.feed(frame)
        except APIStatusError as exc:
            self._failure = exc
            return self._synth.fail(exc)
        synth = self._synth
        if len(chunks) == 1:
            return synth.feed(chunks[0])
        return [event for chunk in chunks for event in synth.feed(chunk)]

    def close(self) -> list[ResponsesStreamEvent]:
        if self._failure is not None:
            raise self._failure
        chunks = self._chat.close()
        events = [event for chunk in chunks for event in self._synth.feed(chunk)]
        return [*events, *self._synth.finish()]


def events_of_chat_response(
    response: ChatResponse, model: str = "", created_at: float | None = None
) -> list[ResponsesStreamEvent]:
    """A whole chat answer as the events of a Responses stream."""
    synth = ResponsesSynthesizer(model, created_at)
    events = [event for chunk in response_as_chunks(response) for event in synth.feed(chunk)]
    return [*events, *synth.finish()]


def responses_response_of(
    response: ChatResponse, model: str = "", created_at: float | None = None
) -> ResponsesResponse:
    """A whole chat answer as the ResponsesResponse a stream of it accumulates to (the
    non-streamed fallback: the same translation, so both give the same answer)."""
    acc = ResponsesAccumulator()
    for event in events_of_chat_response(response, model, created_at):
        acc.add(event)
    return acc.snapshot()


class TranslatedSource(ResponsesSource):
    """How a Responses stream reads a chat protocol's answer (see ``StreamCore``)."""

    def __init__(self, codec: ChatCodec, model: str, created_at: float | None) -> None:
        self._codec = codec
        self._model = model
        self._created = created_at

    def new_decoder(self) -> TranslatedStreamDecoder:
        synth = ResponsesSynthesizer(self._model, self._created)
        return TranslatedStreamDecoder(self._codec.new_stream_decoder(), synth)

    def whole_body(self, body: bytes) -> list[ResponsesStreamEvent]:
        return events_of_chat_response(self._codec.parse_chat(body), self._model, self._created)
