"""Is a value something JSON can hold? Checked before a request is sent, so that a bad
value is refused naming its exact path instead of going out as bare ``NaN`` (which strict
JSON parsers reject) or failing deep inside a codec.

JSON holds dicts with string keys, lists (tuples are sent as lists), strings, finite
numbers, booleans and null. Python's encoder also writes ``NaN`` and ``Infinity`` (not
JSON: RFC 8259, section 6) and turns int, float, bool and None keys into strings (a
``{1: ...}`` schema silently becomes ``{"1": ...}``); both are refused here.

Pure: no I/O; the standard library and the library's error type only.
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
from collections.abc import Mapping
from typing import Any

from llm_connector.errors import RequestValidationError

__all__ = ["check_json", "check_json_text", "find_json_problem", "key_path"]

_INF = math.inf
# Exact types ``_find`` passes without a further look: almost every leaf is one of these.
_PLAIN: frozenset[type] = frozenset({str, int, bool, type(None)})
_STRICT = json.JSONEncoder(allow_nan=False)


def key_path(key: str) -> str:
    """A dict key as a path step: ``.name`` for an identifier, ``['$defs']`` otherwise."""
    return f".{key}" if key.isidentifier() else f"[{key!r}]"


def check_json(value: object, field: str) -> None:
    """Raise ``RequestValidationError`` for the first part of ``value`` JSON cannot hold,
    naming its path below ``field`` (``tools[0].parameters`` ->
    ``tools[0].parameters.properties.when``)."""
    found = find_json_problem(value)
    if found is not None:
        path, problem = found
        raise RequestValidationError(field + path, problem)


def check_json_text(text: object, field: str) -> None:
    """Check JSON text (a tool call's ``arguments``): Python's parser reads ``NaN`` and
    ``Infinity``, so a codec that decodes the arguments (to send them as an object) would
    meet them. Text that is not JSON at all is left alone: it is what the model wrote,
    and each codec already decides how to send it."""
    if text is None:  # codecs send None as no arguments ("{}")
        return
    if not isinstance(text, str):
        raise RequestValidationError(
            field,
            f"must be JSON text (a str), got {type(text).__name__}; "
            "ToolCall.create(id, name, arguments) takes a mapping",
        )
    # A substring test costs nanoseconds; only text that could hold one is parsed.
    if "NaN" not in text and "Infinity" not in text:
        return
    try:
        value = json.loads(text)
    except ValueError:
        return
    check_json(value, field)


def find_json_problem(value: object) -> tuple[str, str] | None:
    """``(path, problem)`` of the first part of ``value`` JSON cannot hold, or None.

    ``path`` is relative (``""`` for ``value`` itself, ``.properties.when``, ``[2]``).
    """
    try:
        return _find(value, None)
    except RecursionError:
        # Too deep for the fast walk: a value that contains itself, or a very deep one.
        # Walk again remembering the containers on the current path to tell them apart.
        try:
            return _find(value, set())
        except RecursionError:
            pass
    # Deeper than this walk goes (it takes two frames a level, the encoder one): accept
    # what the encoder can write, so that nothing sent today is refused for its depth.
    try:
        _STRICT.encode(value)
    except (TypeError, ValueError, RecursionError) as exc:
        if isinstance(exc, RecursionError):
            return "", "is nested too deeply to be sent as JSON"
        return "", f"cannot be sent as JSON: {exc}"
    return None


def _find(value: object, active: set[int] | None) -> tuple[str, str] | None:
    # Recursive on purpose: typical schemas are shallow, and a call per container is the
    # cheapest walk in CPython. ``active`` is None on the fast walk (no cycle tracking).
    kind = type(value)
    if kind is dict:
        return _find_in_dict(value, active)  # type: ignore[arg-type]
    if kind is list or kind is tuple:
        return _find_in_list(value, active)  # type: ignore[arg-type]
    if kind in _PLAIN:
        return None
    if isinstance(value, float):  # numpy's float64 too
        return None if -_INF < value < _INF else ("", _float_problem(value))
    # Subclasses the encoder accepts: str and int enums, OrderedDict, named tuples.
    if isinstance(value, (str, int)):
        return None
    if isinstance(value, dict):
        return _find_in_dict(value, active)
    if isinstance(value, (list, tuple)):
        return _find_in_list(value, active)
    return "", _type_problem(value)


def _find_in_dict(value: dict[Any, Any], active: set[int] | None) -> tuple[str, str] | None:
    if active is not None and _entered(value, active):
        return "", _CYCLE
    for key, item in value.items():
        if type(key) is not str and not isinstance(key, str):
            return "", _key_problem(key)
        kind = type(item)
        if kind is str or kind in _PLAIN:  # most leaves: no call
            continue
        found = _find(item, active)
        if found is not None:
            return key_path(key) + found[0], found[1]
    if active is not None:
        active.discard(id(value))
    return None


def _find_in_list(
    value: list[Any] | tuple[Any, ...], active: set[int] | None
) -> tuple[str, str] | None:
    if active is not None and _entered(value, active):
        return "", _CYCLE
    for index, item in enumerate(value):
        kind = type(item)
        if kind is str or kind in _PLAIN:
            continue
        found = _find(item, active)
        if found is not None:
            return f"[{index}]" + found[0], found[1]
    if active is not None:
        active.discard(id(value))
    return None


_CYCLE = "contains itself, which JSON cannot hold"


def _entered(value: object, active: set[int]) -> bool:
    """Whether ``value`` is already on the path; adds it when it is not."""
    if id(value) in active:
        return True
    active.add(id(value))
    return False


def _float_problem(value: float) -> str:
    name = "NaN" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return f"is {name}, which JSON cannot hold; use null or a number"


def _key_problem(key: object) -> str:
    # Python's encoder would write 1 as "1" and None as "null": refused so that a schema
    # means what it says.
    return f"has the non-string key {key!r}; JSON object keys are strings"


# What to use instead, for the values people most often try to send.
_INSTEAD: tuple[tuple[type | tuple[type, ...], str], ...] = (
    ((set, frozenset), "use a list"),
    ((bytes, bytearray, memoryview), "decode them to text, or base64-encode them"),
    ((datetime.date, datetime.time), "use an ISO 8601 string (value.isoformat())"),
    (datetime.timedelta, "use a number of seconds (value.total_seconds())"),
    (decimal.Decimal, "use a float, or a string to keep every digit"),
    (Mapping, "use dict(value)"),
)
_GENERIC = "use a dict, list, str, number, bool or None"


def _type_problem(value: object) -> str:
    instead = next((text for types, text in _INSTEAD if isinstance(value, types)), _GENERIC)
    what = "bytes" if isinstance(value, bytes) else _a(_type_name(value))
    return f"is {what}, which JSON cannot hold; {instead}"


def _type_name(value: object) -> str:
    kind = type(value)
    if kind.__module__ in ("builtins", "datetime", "decimal"):
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


def _a(name: str) -> str:
    return f"{'an' if name[0] in 'aeiouAEIOU' else 'a'} {name}"
