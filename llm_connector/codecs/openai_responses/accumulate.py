"""Folding Responses stream events into a :class:`ResponsesResponse` (pure).

The terminal event (``response.completed``, ``.incomplete``, ``.failed``) carries the whole
response, and its ``output`` is authoritative (its annotations, encrypted reasoning and
ids may differ from what streamed: OpenRouter renames its items there). Until it arrives,
and where a server's terminal response leaves ``output`` empty, the output is built from
the item events: ``output_item.added`` opens an item, deltas add to its parts,
``output_item.done`` replaces it with the final item.

Items are found by ``output_index``, else by ``item_id``, else the newest item: llama.cpp
sends neither index (see ../shared/e2e/README.md), only ``item_id``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from llm_connector.responses import ResponsesResponse, ResponsesStreamEvent
from llm_connector.responses._json import item_from_json, response_from_json
from llm_connector.types._text import TextBuffer


class _Text(TextBuffer):
    """An item's text in pieces, and the whole text of its ``*.done`` event, which wins."""

    __slots__ = ("final",)

    def __init__(self) -> None:
        super().__init__()
        self.final: str | None = None

    def text(self) -> str:
        return self.final if self.final is not None else super().text()


class _Item:
    """An output item being streamed: its JSON from ``output_item.added`` and the text of
    its parts so far, or its final JSON from ``output_item.done``."""

    __slots__ = ("arguments", "base", "done", "parts", "reasoning", "summaries")

    def __init__(self, base: dict[str, Any]) -> None:
        self.base = base
        self.done: Mapping[str, Any] | None = None
        self.parts: dict[int, tuple[dict[str, Any], _Text]] = {}  # content_index -> part
        self.reasoning: dict[int, _Text] = {}
        self.summaries: dict[int, _Text] = {}
        self.arguments = _Text()

    def part(self, index: int, kind: str) -> _Text:
        entry = self.parts.get(index)
        if entry is None:
            entry = self.parts[index] = ({"type": kind}, _Text())
        return entry[1]

    def json(self) -> Mapping[str, Any]:
        if self.done is not None:
            return self.done
        item = dict(self.base)
        kind = item.get("type")
        if kind == "message" and self.parts:
            item["content"] = [
                {**part, _TEXT_FIELD.get(str(part.get("type")), "text"): text.text()}
                for _, (part, text) in sorted(self.parts.items())
            ]
        elif kind == "function_call" and (self.arguments.has_pieces or self.arguments.final):
            item["arguments"] = self.arguments.text()
        elif kind == "reasoning":
            if self.reasoning:
                item["content"] = _texts("reasoning_text", self.reasoning)
            if self.summaries:
                item["summary"] = _texts("summary_text", self.summaries)
        return item


_TEXT_FIELD = {"refusal": "refusal"}


def _texts(kind: str, parts: dict[int, _Text]) -> list[dict[str, Any]]:
    return [{"type": kind, "text": text.text()} for _, text in sorted(parts.items())]


def _index(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    return value if type(value) is int else 0


class ResponsesAccumulator:
    """Adds up the events of one stream; ``snapshot()`` is the response so far."""

    __slots__ = ("_by_id", "_by_index", "_final", "_head", "_items")

    def __init__(self) -> None:
        #: The response of the latest lifecycle event (created, queued, in_progress).
        self._head: Mapping[str, Any] = {}
        #: The response of the terminal event.
        self._final: Mapping[str, Any] | None = None
        self._items: list[tuple[int, _Item]] = []  # (output index, item), in arrival order
        self._by_index: dict[int, _Item] = {}
        self._by_id: dict[str, _Item] = {}

    def add(self, event: ResponsesStreamEvent) -> None:
        handle = _HANDLERS.get(event.event_type)
        if handle is not None:
            handle(self, event.data)

    # -- event handlers ---------------------------------------------------------------

    def _lifecycle(self, data: Mapping[str, Any]) -> None:
        response = data.get("response")
        if isinstance(response, Mapping):
            self._head = response

    def _terminal(self, data: Mapping[str, Any]) -> None:
        response = data.get("response")
        self._final = response if isinstance(response, Mapping) else {}

    def _added(self, data: Mapping[str, Any]) -> None:
        raw = data.get("item")
        if isinstance(raw, Mapping):
            self._open(data, dict(raw))

    def _open(self, data: Mapping[str, Any], base: dict[str, Any]) -> _Item:
        index = data.get("output_index")
        if type(index) is not int:
            index = len(self._items)
        item = _Item(base)
        self._items.append((index, item))
        self._by_index[index] = item
        item_id = base.get("id") or data.get("item_id")
        if type(item_id) is str:
            self._by_id[item_id] = item
        return item

    def _find(self, data: Mapping[str, Any], kind: str) -> _Item:
        index = data.get("output_index")
        found = self._by_index.get(index) if type(index) is int else None
        if found is None:
            item_id = data.get("item_id")
            found = self._by_id.get(item_id) if type(item_id) is str else None
        if found is None and type(index) is not int and self._items:
            found = self._items[-1][1]
        if found is None:
            # A delta for an item that was never announced: it opens one.
            item_id = data.get("item_id")
            base: dict[str, Any] = {"type": kind}
            if kind == "message":
                base["role"] = "assistant"
            if type(item_id) is str:
                base["id"] = item_id
            found = self._open(data, base)
        return found

    def _item_done(self, data: Mapping[str, Any]) -> None:
        raw = data.get("item")
        if isinstance(raw, Mapping):
            kind = raw.get("type")
            self._find(data, kind if type(kind) is str else "message").done = raw

    def _part_added(self, data: Mapping[str, Any]) -> None:
        part = data.get("part")
        if not isinstance(part, Mapping):
            return
        kind = part.get("type")
        item = self._find(data, "reasoning" if kind == "reasoning_text" else "message")
        index = _index(data, "content_index")
        if kind == "reasoning_text":
            item.reasoning.setdefault(index, _Text())
        else:
            item.parts[index] = (dict(part), item.parts.get(index, ({}, _Text()))[1])

    def _text_delta(self, data: Mapping[str, Any]) -> None:
        delta = data.get("delta")
        if type(delta) is str:
            item = self._find(data, "message")
            item.part(_index(data, "content_index"), "output_text").append(delta)

    def _text_done(self, data: Mapping[str, Any]) -> None:
        text = data.get("text")
        if type(text) is str:
            item = self._find(data, "message")
            item.part(_index(data, "content_index"), "output_text").final = text

    def _refusal_delta(self, data: Mapping[str, Any]) -> None:
        delta = data.get("delta")
        if type(delta) is str:
            item = self._find(data, "message")
            item.part(_index(data, "content_index"), "refusal").append(delta)

    def _refusal_done(self, data: Mapping[str, Any]) -> None:
        refusal = data.get("refusal")
        if type(refusal) is str:
            item = self._find(data, "message")
            item.part(_index(data, "content_index"), "refusal").final = refusal

    def _arguments_delta(self, data: Mapping[str, Any]) -> None:
        delta = data.get("delta")
        if type(delta) is str:
            self._find(data, "function_call").arguments.append(delta)

    def _arguments_done(self, data: Mapping[str, Any]) -> None:
        arguments = data.get("arguments")
        if type(arguments) is str:
            self._find(data, "function_call").arguments.final = arguments

    def _reasoning(self, data: Mapping[str, Any], parts: str, index: str, done: bool) -> None:
        value = data.get("text" if done else "delta")
        if type(value) is not str:
            return
        item = self._find(data, "reasoning")
        texts: dict[int, _Text] = getattr(item, parts)
        text = texts.get(_index(data, index))
        if text is None:
            text = texts[_index(data, index)] = _Text()
        if done:
            text.final = value
        else:
            text.append(value)

    def _summary_part(self, data: Mapping[str, Any]) -> None:
        self._find(data, "reasoning").summaries.setdefault(_index(data, "summary_index"), _Text())

    # -- the response so far ----------------------------------------------------------

    def snapshot(self) -> ResponsesResponse:
        final = self._final
        head = final if final is not None else self._head
        response = response_from_json(head)
        if not response.output and self._items:
            output = tuple(item_from_json(item.json()) for _, item in self._sorted())
            response = attrs.evolve(response, output=output)
        return response

    def _sorted(self) -> list[tuple[int, _Item]]:
        return sorted(self._items, key=lambda entry: entry[0])


_Handler = Callable[[ResponsesAccumulator, Mapping[str, Any]], None]
_A = ResponsesAccumulator

_HANDLERS: dict[str, _Handler] = {
    "response.created": _A._lifecycle,
    "response.queued": _A._lifecycle,
    "response.in_progress": _A._lifecycle,
    "response.completed": _A._terminal,
    "response.incomplete": _A._terminal,
    "response.failed": _A._terminal,
    "response.output_item.added": _A._added,
    "response.output_item.done": _A._item_done,
    "response.content_part.added": _A._part_added,
    "response.output_text.delta": _A._text_delta,
    "response.output_text.done": _A._text_done,
    "response.refusal.delta": _A._refusal_delta,
    "response.refusal.done": _A._refusal_done,
    "response.function_call_arguments.delta": _A._arguments_delta,
    "response.function_call_arguments.done": _A._arguments_done,
    "response.reasoning_text.delta": lambda a, d: a._reasoning(
        d, "reasoning", "content_index", False
    ),
    "response.reasoning_text.done": lambda a, d: a._reasoning(
        d, "reasoning", "content_index", True
    ),
    "response.reasoning_summary_part.added": _A._summary_part,
    "response.reasoning_summary_text.delta": lambda a, d: a._reasoning(
        d, "summaries", "summary_index", False
    ),
    "response.reasoning_summary_text.done": lambda a, d: a._reasoning(
        d, "summaries", "summary_index", True
    ),
}
