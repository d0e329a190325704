"""Reading the Responses API's JSON into the typed items and responses (pure).

Tolerant, as every reader of provider JSON here: a field of the wrong type counts as
absent, unknown fields are ignored, and an item of a kind not modelled is kept whole as an
:class:`OtherItem`. The stream events' ``data`` dicts, the whole-body parser and the
request converter (an item given as a dict) all read items through this module.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llm_connector.responses._details import IncompleteDetails, ResponsesError, ResponsesUsage
from llm_connector.responses._items import (
    FunctionCallItem,
    FunctionCallOutputItem,
    MessageContent,
    MessageItem,
    OtherItem,
    OutputText,
    ReasoningItem,
    Refusal,
    ResponsesItem,
)
from llm_connector.responses._response import ResponsesResponse
from llm_connector.types._message import DocumentPart, ImagePart, TextPart


def opt_str(value: object) -> str | None:
    return value if type(value) is str else None


def count(value: object) -> int | None:
    """A token count: an int (not a bool), or a float with an integral value."""
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    return None


class _Unrepresentable(Exception):
    """A part this package cannot model: the item is kept as JSON instead."""


def _part(raw: Mapping[str, Any]) -> MessageContent:
    kind = raw.get("type")
    if kind == "output_text":
        annotations = raw.get("annotations")
        notes = (
            tuple(a for a in annotations if isinstance(a, dict))
            if type(annotations) is list
            else ()
        )
        return OutputText(opt_str(raw.get("text")) or "", notes)
    if kind == "refusal":
        return Refusal(opt_str(raw.get("refusal")) or "")
    if kind == "input_text" or kind == "text":
        return TextPart(opt_str(raw.get("text")) or "")
    if kind == "input_image":
        url = opt_str(raw.get("image_url"))
        if url:
            return ImagePart.from_url(url, detail=opt_str(raw.get("detail")))
    elif kind == "input_file":
        return _file(raw)
    raise _Unrepresentable(kind)


def _file(raw: Mapping[str, Any]) -> DocumentPart:
    filename = opt_str(raw.get("filename"))
    if file_id := opt_str(raw.get("file_id")):
        return DocumentPart.from_file_id(file_id)
    if url := opt_str(raw.get("file_url")):
        return DocumentPart.from_url(url)
    data = opt_str(raw.get("file_data"))
    if data and data.startswith("data:") and ";base64," in data:
        media_type, _, payload = data[len("data:") :].partition(";base64,")
        return DocumentPart.from_base64(payload, media_type, filename=filename)
    raise _Unrepresentable("input_file")


def _message(raw: Mapping[str, Any], strict: bool) -> MessageItem:
    content = raw.get("content")
    parts: str | tuple[MessageContent, ...]
    if type(content) is str:
        parts = content
    elif type(content) is list:
        kept: list[MessageContent] = []
        for part in content:
            if not isinstance(part, Mapping):
                if strict:
                    raise _Unrepresentable("part")
                continue
            try:
                kept.append(_part(part))
            except _Unrepresentable:
                if strict:
                    raise
        parts = tuple(kept)
    else:
        parts = ""
    role = raw.get("role")
    return MessageItem(
        role if role in ("user", "system", "developer") else "assistant",
        parts,
        id=opt_str(raw.get("id")),
        status=opt_str(raw.get("status")),
        phase=opt_str(raw.get("phase")),
    )


def _texts(value: object) -> tuple[str, ...]:
    """The ``text`` of each part of a reasoning item's ``summary`` or ``content`` list."""
    if type(value) is not list:
        return ()
    return tuple(
        part["text"]
        for part in value
        if isinstance(part, Mapping) and type(part.get("text")) is str
    )


def item_from_json(raw: Mapping[str, Any], *, strict: bool = False) -> ResponsesItem:
    """A typed item from its JSON. Unknown kinds become :class:`OtherItem`.

    ``strict`` is for items a caller wrote (a request's input given as dicts): anything
    that would not survive the round trip through the typed classes (a part of a kind not
    modelled) keeps the whole item as JSON. Otherwise (a provider's output) unknown parts
    are dropped and the rest of the item is read.
    """
    kind = raw.get("type")
    if kind is None and "role" in raw:
        kind = "message"  # an "easy" input message: {"role": ..., "content": ...}
    try:
        if kind == "message" and raw.get("role") in ("user", "system", "developer", "assistant"):
            return _message(raw, strict)
        if kind == "function_call":
            return FunctionCallItem(
                opt_str(raw.get("call_id")) or "",
                opt_str(raw.get("name")) or "",
                _arguments(raw.get("arguments")),
                id=opt_str(raw.get("id")),
                status=opt_str(raw.get("status")),
            )
        if kind == "function_call_output" and type(raw.get("output")) is str:
            return FunctionCallOutputItem(
                opt_str(raw.get("call_id")) or "",
                raw["output"],
                id=opt_str(raw.get("id")),
                status=opt_str(raw.get("status")),
            )
        if kind == "reasoning":
            return ReasoningItem(
                id=opt_str(raw.get("id")),
                summary=_texts(raw.get("summary")),
                content=_texts(raw.get("content")),
                encrypted_content=opt_str(raw.get("encrypted_content")) or None,
                status=opt_str(raw.get("status")),
            )
    except _Unrepresentable:
        pass
    return OtherItem(kind if type(kind) is str else "", dict(raw))


def _arguments(value: object) -> str:
    if type(value) is str:
        return value
    return "" if value is None else _dump(value)


def _dump(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return ""


def usage_from_json(raw: object) -> ResponsesUsage | None:
    """The usage object: ``input_tokens``, ``output_tokens`` and their details."""
    if not isinstance(raw, Mapping):
        return None
    given = count(raw.get("input_tokens")) or 0
    made = count(raw.get("output_tokens")) or 0
    total = count(raw.get("total_tokens")) or given + made
    input_details = raw.get("input_tokens_details")
    output_details = raw.get("output_tokens_details")
    return ResponsesUsage(
        given,
        made,
        total,
        count(input_details.get("cached_tokens")) if isinstance(input_details, Mapping) else None,
        count(output_details.get("reasoning_tokens"))
        if isinstance(output_details, Mapping)
        else None,
    )


def error_from_json(raw: object) -> ResponsesError | None:
    if not isinstance(raw, Mapping):
        return None
    message = opt_str(raw.get("message")) or ""
    code = raw.get("code")
    return ResponsesError(message, code if type(code) is str else None)


def incomplete_from_json(raw: object) -> IncompleteDetails | None:
    if not isinstance(raw, Mapping):
        return None
    return IncompleteDetails(opt_str(raw.get("reason")))


def created_at(raw: object) -> float | None:
    if type(raw) is int or type(raw) is float:
        return raw
    return None


def output_from_json(raw: object) -> tuple[ResponsesItem, ...]:
    if type(raw) is not list:
        return ()
    return tuple(item_from_json(item) for item in raw if isinstance(item, Mapping))


def response_from_json(raw: Mapping[str, Any]) -> ResponsesResponse:
    """A response object (a whole body, or the ``response`` of a lifecycle event)."""
    return ResponsesResponse(
        id=opt_str(raw.get("id")) or "",
        status=opt_str(raw.get("status")),
        model=opt_str(raw.get("model")) or "",
        output=output_from_json(raw.get("output")),
        usage=usage_from_json(raw.get("usage")),
        error=error_from_json(raw.get("error")),
        incomplete_details=incomplete_from_json(raw.get("incomplete_details")),
        created_at=created_at(raw.get("created_at")),
    )
