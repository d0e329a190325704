"""An answer's JSON text as a value of the asked type (pure): ``parse_output(T, text)``.

cattrs structures the value, with hooks that take JSON as it is: an ``int`` field takes
only a JSON integer (not ``1.5``, not ``"1"``, not ``true``), a ``float`` an integer or a
number, a ``str`` only a string; an object with a key its class does not have is refused;
a union takes its first arm that fits. The first mismatch is reported with its path
(``items[2].price: expected float, got '12 EUR'``) on ``OutputValidationError``, with the
raw text. A pydantic model validates itself (strict, from the JSON text).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import typing
from collections.abc import Callable
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)

from llm_connector.errors import OutputValidationError
from llm_connector.structured.schema import _KEY_QUALIFIERS, SEQUENCES, _is_pydantic, optional_keys

__all__ = ["parse_output", "parse_value"]

_T = TypeVar("_T")


class _Mismatch(ValueError):
    """A JSON value that does not fit the type (message: "expected X, got Y")."""


def parse_output(tp: Any, text: str, *, wrapped: bool = False) -> Any:
    """``text`` (the answer's JSON) as a ``tp``; raises ``OutputValidationError``."""
    if _is_pydantic(tp):
        return _pydantic(tp, text)
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise OutputValidationError(f"the answer is not JSON ({exc})", text, "") from None
    if wrapped:
        if not isinstance(value, dict) or set(value) != {"value"}:
            raise OutputValidationError("expected an object with one key, 'value'", text, "")
        value = value["value"]
    return parse_value(tp, value, text)


def parse_value(tp: Any, value: Any, text: str = "") -> Any:
    """A JSON ``value`` (already decoded) as a ``tp``; raises ``OutputValidationError``
    carrying ``text``."""
    try:
        return _converter().structure(value, tp)
    except Exception as exc:  # cattrs' validation errors are exception groups of these
        path, message = _first_error(exc)
        raise OutputValidationError(message, text, path) from None


def _first_error(exc: BaseException) -> tuple[str, str]:
    """The path and message of the first leaf error cattrs collected."""
    errors = cattrs.transform_error(exc, path="$", format_exception=_message)
    first = errors[0] if errors else f"{exc}"
    message, _, where = first.rpartition(" @ ")
    if not message:
        message, where = first, "$"
    return where.removeprefix("$").removeprefix("."), message


def _message(exc: BaseException, tp: type | None) -> str:
    if isinstance(exc, _Mismatch):
        return str(exc)
    if isinstance(exc, KeyError):
        return "missing"
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return f"unexpected keys: {', '.join(sorted(exc.extra_fields))}"
    return str(exc) or type(exc).__name__


def _noted(exc: Exception, note: str) -> Exception:
    """``exc`` with the note cattrs reads a path from (``__notes__``, set as cattrs sets
    it: ``add_note`` is Python 3.11's)."""
    setattr(exc, "__notes__", [*getattr(exc, "__notes__", []), note])  # noqa: B010
    return exc


def _got(value: Any) -> str:
    shown = json.dumps(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _exact(kind: type, name: str) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if type(value) is not kind:
            raise _Mismatch(f"expected {name}, got {_got(value)}")
        return value

    return structure


def _number(value: Any, _: Any) -> float:
    if type(value) not in (int, float):
        raise _Mismatch(f"expected float, got {_got(value)}")
    return float(value)


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, typing.Union) or type(tp).__name__ == "UnionType"


@functools.cache
def _converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, _exact(str, "str"))
    converter.register_structure_hook(bool, _exact(bool, "bool"))
    converter.register_structure_hook(int, _exact(int, "int"))
    converter.register_structure_hook(float, _number)

    def union(tp: Any) -> Callable[[Any, Any], Any]:
        arms = get_args(tp)

        def structure(value: Any, _: Any) -> Any:
            if value is None and type(None) in arms:
                return None
            for arm in arms:
                if arm is type(None):
                    continue
                try:
                    return converter.structure(value, arm)
                except Exception:  # noqa: S112 - the next arm may fit
                    continue
            names = " | ".join(getattr(a, "__name__", repr(a)) for a in arms)
            raise _Mismatch(f"expected {names}, got {_got(value)}")

        return structure

    def record(tp: Any) -> Callable[[Any, Any], Any]:
        # Dataclasses, attrs classes and TypedDicts by hand rather than cattrs' own: the
        # field types are resolved here (a recursive class names itself in a string), a
        # TypedDict key it does not require that came back null (strict schemas require
        # every key) is left out, and which keys are optional is read as optional_keys()
        # reads it.
        fields, optional, build = _record_fields(tp)

        def structure(value: Any, _: Any) -> Any:
            if not isinstance(value, dict):
                raise _Mismatch(f"expected object, got {_got(value)}")
            out: dict[str, Any] = {}
            errors: list[Exception] = []
            for key, argument, hint in fields:
                note = AttributeValidationNote(f"key {key!r}", key, hint)
                if key not in value or (key in optional and value[key] is None):
                    if key not in optional:
                        errors.append(_noted(KeyError(key), note))
                    continue
                try:
                    out[argument] = converter.structure(value[key], hint)
                except Exception as exc:
                    errors.append(_noted(exc, note))
            extra = set(value) - {key for key, _, _ in fields}
            if extra:
                errors.append(cattrs.ForbiddenExtraKeysError("", tp, extra))
            if errors:
                raise ClassValidationError(f"in {tp.__name__}", errors, tp)
            return build(out)

        return structure

    def sequence(tp: Any) -> Callable[[Any, Any], Any]:
        # A JSON array only (cattrs would take any iterable: a string, an object's keys),
        # each item's failure noted with its index as cattrs notes its own.
        origin = get_origin(tp)
        item = (get_args(tp) or (Any,))[0]

        def structure(value: Any, _: Any) -> Any:
            if not isinstance(value, list):
                raise _Mismatch(f"expected array, got {_got(value)}")
            out: list[Any] = []
            errors: list[Exception] = []
            for index, element in enumerate(value):
                try:
                    out.append(converter.structure(element, item))
                except Exception as exc:  # noqa: PERF203 - each item's error is collected
                    note = IterableValidationNote(f"item {index}", index, item)
                    errors.append(_noted(exc, note))
            if errors:
                raise IterableValidationError("in an array", errors, tp)
            return tuple(out) if origin is tuple else out

        return structure

    converter.register_structure_hook_factory(_is_union, union)
    converter.register_structure_hook_factory(_is_record, record)
    converter.register_structure_hook_factory(lambda tp: get_origin(tp) in SEQUENCES, sequence)
    return converter


def _is_record(tp: Any) -> bool:
    return isinstance(tp, type) and (
        typing.is_typeddict(tp) or dataclasses.is_dataclass(tp) or attrs.has(tp)
    )


_Field = tuple[str, str, Any]  # the JSON key, the constructor's argument, the type


def _record_fields(
    tp: type,
) -> tuple[list[_Field], frozenset[str], Callable[[dict[str, Any]], Any]]:
    """A class's fields, the keys it does not require, and how it is built from them."""
    if typing.is_typeddict(tp):
        hints = typing.get_type_hints(tp, include_extras=True)
        fields = [
            (name, name, get_args(hint)[0] if get_origin(hint) in _KEY_QUALIFIERS else hint)
            for name, hint in hints.items()
        ]
        return fields, optional_keys(tp), dict
    hints = typing.get_type_hints(tp)
    if dataclasses.is_dataclass(tp):
        fields = [(f.name, f.name, hints[f.name]) for f in dataclasses.fields(tp) if f.init]
    else:
        fields = [
            (a.name, a.alias or a.name, hints.get(a.name, a.type))
            for a in attrs.fields(tp)
            if a.init
        ]

    def build(arguments: dict[str, Any]) -> Any:
        return tp(**arguments)

    return fields, frozenset(), build


def _pydantic(tp: Any, text: str) -> Any:
    pydantic = __import__("pydantic")
    try:
        return tp.model_validate_json(text, strict=True)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(part) for part in first["loc"])
        raise OutputValidationError(first["msg"], text, path) from None
