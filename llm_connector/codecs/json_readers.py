"""The tolerant JSON readers every protocol shares (pure).

- Typed field getters: a provider's JSON decides the types of what we read, and every field
  goes through one of these, so a server that sends the wrong type for a field we know
  (``"role": 5``, ``"id": [1]``) cannot put a non-``str`` into a ``str`` attribute of a
  neutral type: such a value counts as absent. A wrong *container* (``"delta": 5``) is not a
  chunk we can read and raises ``StreamDecodeError``.
- Whole bodies and frames as JSON objects, or the typed decode error saying what was
  expected.
- The stream decoders' one ``json.loads`` per frame. ``json.loads(text)`` is the C scanner
  behind two regular-expression matches (leading and trailing whitespace) and three Python
  calls; on a typical 200-byte chunk that wrapper is about 40% of the parse (measured:
  2.4 us -> 1.4 us). Stream frames are compact JSON, so the scanner is called directly;
  anything it does not take whole (surrounding whitespace, an error, a value that is not an
  object) goes through ``load_frame_object``, so the result and the errors are exactly those
  of ``json.loads``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from llm_connector.codecs.contract import Frame
from llm_connector.errors import ResponseDecodeError, StreamDecodeError


def opt_str(value: object) -> str | None:
    return value if type(value) is str else None


def nonempty_str(value: object) -> str | None:
    return value if type(value) is str and value else None


def token_count(value: object) -> int | None:
    """A token count: an int (not a bool), or a float with an integral value."""
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    return None


def arguments_text(value: object) -> str:
    """Tool-call arguments as JSON text; a few compatible servers send them as a JSON value."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    # A value that came out of json.loads always serializes back (NaN included).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def load_json_object(body: bytes | str, what: str) -> dict[str, Any]:
    """Parse a JSON object, or raise ``ResponseDecodeError`` saying what was expected."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        # json.loads raises RecursionError, not ValueError, past the interpreter's depth limit.
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        raise ResponseDecodeError(f"{what} is not valid JSON", body=text) from None
    if not isinstance(value, dict):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        raise ResponseDecodeError(f"{what} is not a JSON object", body=text)
    return value


def token_count_of(body: bytes, key: str) -> int:
    """The token count under ``key`` of a counting endpoint's JSON answer (Anthropic's and
    OpenAI's ``input_tokens``, Bedrock's ``inputTokens``, Gemini's ``totalTokens``)."""
    obj = load_json_object(body, "token count")
    count = token_count(obj.get(key))
    if count is None:
        raise ResponseDecodeError(f"token count has no {key}", body=body.decode("utf-8", "replace"))
    return count


def load_frame_object(frame: Frame) -> dict[str, Any]:
    """Parse a frame's data as a JSON object, or raise ``StreamDecodeError`` with the frame."""
    try:
        value = json.loads(frame.data)
    except (ValueError, RecursionError):
        raise StreamDecodeError("stream frame is not valid JSON", frame=frame.data) from None
    if not isinstance(value, dict):
        raise StreamDecodeError("stream frame is not a JSON object", frame=frame.data)
    return value


#: ``scan_once(text, 0) -> (value, end)``: json.loads' own C scanner, with its settings (the
#: stdlib shares one scanner across threads the same way: it keeps no state between calls).
#: Raises StopIteration, ValueError or RecursionError where json.loads would fail (or where
#: the text starts with whitespace). The hottest decoders call it inline; see frame_object.
_DECODER: Any = json.JSONDecoder()  # Any: typeshed leaves its scan_once out
scan_once: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once


def frame_object(frame: Frame) -> dict[str, Any]:
    """A frame's data as a JSON object, or ``StreamDecodeError`` (see ``load_frame_object``)."""
    data = frame.data
    try:
        value, end = scan_once(data, 0)
    except (StopIteration, ValueError, RecursionError):
        return load_frame_object(frame)
    if end != len(data) or type(value) is not dict:
        return load_frame_object(frame)
    return value


def text_object(data: str) -> object:
    """``json.loads(data)`` for compact JSON text (raises what ``json.loads`` raises)."""
    try:
        value, end = scan_once(data, 0)
    except (StopIteration, ValueError, RecursionError):
        return json.loads(data)
    if end != len(data):
        return json.loads(data)
    return value
