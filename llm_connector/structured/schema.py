"""A JSON schema from a Python type (pure), in the form OpenAI's strict mode accepts and
every other provider takes too: every object closed (``additionalProperties: false``)
with every property required, an optional value a nullable one, named types once under
``$defs``. https://platform.openai.com/docs/guides/structured-outputs#supported-schemas

Types: ``str``, ``int``, ``float``, ``bool``, ``None``; ``Literal[...]``; ``Enum``
subclasses; ``list[T]`` (and ``Sequence[T]``, ``tuple[T, ...]``); ``T | None`` and
unions; dataclasses, attrs classes and ``TypedDict``s, nested and recursive; pydantic
models when pydantic is installed (their own schema, made strict). A class's docstring
is its ``description``; a field's comes from its metadata (``{"description": ...}``), an
``Annotated[T, "text"]``, or the string literal written under it in the class body.

A root that is not an object (a list, an enum, a union) is wrapped as the only property,
``value``, of an object: OpenAI asks for an object at the root. ``OutputSchema.wrapped``
says so, and parsing unwraps it.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import inspect
import itertools
import re
import sys
import textwrap
import types
import typing
from collections.abc import Sequence
from typing import Any, Literal, Union, get_args, get_origin

import attrs

from llm_connector.errors import RequestValidationError
from llm_connector.types._value import FrozenValue

__all__ = ["OutputSchema", "optional_keys", "output_schema"]

_PRIMITIVES: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
}
#: The origins of the sequence types (``typing.Sequence[T]`` has ``Sequence`` too).
SEQUENCES: tuple[Any, ...] = (list, tuple, Sequence)
#: ``TypedDict`` key qualifiers (``NotRequired[T]`` is a ``T`` there): typing's (3.11+),
#: and typing_extensions' where a program loaded it (the same objects from 3.11 on).
_KEY_QUALIFIERS = tuple(
    {
        qualifier
        for module in (typing, sys.modules.get("typing_extensions"))
        for name in ("NotRequired", "Required", "ReadOnly")
        if (qualifier := getattr(module, name, None)) is not None
    }
)
_NOT_REQUIRED = tuple(q for q in _KEY_QUALIFIERS if getattr(q, "_name", "") == "NotRequired")
_NAME = re.compile(r"[^a-zA-Z0-9_-]")


@attrs.frozen(repr=False, eq=False)
class OutputSchema(FrozenValue):
    """The schema of a type: ``name`` (for the provider's format name), ``schema``, and
    whether the type's value is wrapped as ``{"value": ...}``."""

    name: str
    schema: dict[str, Any] = attrs.field(hash=False)
    wrapped: bool = False


def output_schema(tp: Any) -> OutputSchema:
    """The strict JSON schema of ``tp``; raises ``RequestValidationError`` (field
    ``output_type``) naming what cannot be expressed."""
    if _is_pydantic(tp):
        schema = _strict_pydantic(tp.model_json_schema())
        return OutputSchema(_format_name(tp.__name__), schema)
    builder = _Builder(tp)
    body = builder.schema(tp, "")
    if body.get("type") == "object" and "$ref" not in body:
        root, wrapped = dict(body), False
    else:
        root = _closed({"value": body}, None)
        wrapped = True
    if builder.defs:
        root["$defs"] = builder.defs
    name = tp.__name__ if isinstance(tp, type) and not wrapped else _describe(tp)
    return OutputSchema(_format_name(name), root, wrapped)


def _format_name(name: str) -> str:
    # OpenAI: ^[a-zA-Z0-9_-]{1,64}$
    return _NAME.sub("_", name)[:64] or "output"


def _describe(tp: Any) -> str:
    origin = get_origin(tp)
    if origin in SEQUENCES:
        (item, *_) = get_args(tp) or (Any,)
        return f"list_of_{_describe(item)}"
    if isinstance(tp, type):
        return tp.__name__
    return "output"


def _closed(properties: dict[str, Any], description: str | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object"}
    if description:
        schema["description"] = description
    schema["properties"] = properties
    schema["required"] = list(properties)
    schema["additionalProperties"] = False
    return schema


class _Builder:
    """Walks a type; named types (classes, enums) go to ``defs`` once, the root inline."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.defs: dict[str, dict[str, Any]] = {}
        self._names: dict[Any, str] = {}

    def schema(self, tp: Any, path: str) -> dict[str, Any]:
        if tp in _PRIMITIVES:
            return dict(_PRIMITIVES[tp])
        if tp is Any or tp is object:
            raise _unsupported(path, tp, "Any has no schema: name a type")
        origin = get_origin(tp)
        if origin is not None and origin in _KEY_QUALIFIERS:
            return self.schema(get_args(tp)[0], path)
        if origin is typing.Annotated:
            inner, *extras = get_args(tp)
            schema = self.schema(inner, path)
            texts = [e for e in extras if isinstance(e, str)]
            if texts and "$ref" not in schema:
                schema["description"] = texts[0]
            return schema
        if origin is Literal:
            return _literal(get_args(tp))
        if origin is Union or origin is types.UnionType:
            return self._union(get_args(tp), path)
        if origin in SEQUENCES:
            args = get_args(tp)
            if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
                raise _unsupported(path, tp, "a fixed-length tuple: use tuple[T, ...] or a class")
            item = args[0] if args else Any
            return {"type": "array", "items": self.schema(item, f"{path}[]")}
        if origin is dict or tp is dict:
            raise _unsupported(
                path, tp, "a dict has open keys, which strict schemas refuse: use a class"
            )
        if isinstance(tp, type) and (
            issubclass(tp, enum.Enum)
            or dataclasses.is_dataclass(tp)
            or attrs.has(tp)
            or typing.is_typeddict(tp)
        ):
            return self._named(tp, path)
        if _is_pydantic(tp):
            raise _unsupported(path, tp, "a pydantic model inside another type: use it as the root")
        raise _unsupported(path, tp, "not a type llm_connector can describe")

    def _union(self, arms: tuple[Any, ...], path: str) -> dict[str, Any]:
        nullable = type(None) in arms
        rest = [a for a in arms if a is not type(None)]
        if nullable and len(rest) == 1 and rest[0] in _PRIMITIVES:
            return {"type": [_PRIMITIVES[rest[0]]["type"], "null"]}
        options = [self.schema(a, path) for a in rest]
        if nullable:
            options.append({"type": "null"})
        return {"anyOf": options}

    def _named(self, tp: type, path: str) -> dict[str, Any]:
        if tp is self.root and path:
            return {"$ref": "#"}
        if tp is self.root:
            return self._body(tp, path)
        name = self._names.get(tp)
        if name is None:
            name = self._names[tp] = self._unique(tp.__name__)
            self.defs[name] = {}  # reserved first: a recursive reference finds it
            self.defs[name] = self._body(tp, path)
        return {"$ref": f"#/$defs/{name}"}

    def _unique(self, name: str) -> str:
        candidate, n = name, 2
        while candidate in self.defs:
            candidate, n = f"{name}{n}", n + 1
        return candidate

    def _body(self, tp: type, path: str) -> dict[str, Any]:
        description = _class_doc(tp)
        if issubclass(tp, enum.Enum):
            schema = _literal(tuple(member.value for member in tp))
            if description:
                schema["description"] = description
            return schema
        properties: dict[str, Any] = {}
        docs = _field_docs(tp)
        for name, hint, field_doc in _fields(tp):
            schema = self.schema(hint, f"{path}.{name}" if path else name)
            doc = field_doc or docs.get(name)
            if doc and "$ref" not in schema and "description" not in schema:
                schema["description"] = doc
            properties[name] = schema
        return _closed(properties, description)


def _literal(values: tuple[Any, ...]) -> dict[str, Any]:
    kinds = {type(v) for v in values}
    schema: dict[str, Any] = {}
    if len(kinds) == 1 and (kind := next(iter(kinds))) in _PRIMITIVES:
        schema["type"] = _PRIMITIVES[kind]["type"]
    schema["enum"] = list(values)
    return schema


def _fields(tp: type) -> list[tuple[str, Any, str | None]]:
    """(name, type, description from metadata) of a class's fields, in order."""
    hints = typing.get_type_hints(tp, include_extras=True)
    if dataclasses.is_dataclass(tp):
        return [
            (f.name, hints[f.name], f.metadata.get("description"))
            for f in dataclasses.fields(tp)
            if f.init
        ]
    if attrs.has(tp):
        return [
            (a.name, hints.get(a.name, a.type), a.metadata.get("description"))
            for a in attrs.fields(tp)
            if a.init
        ]
    # A TypedDict: a key it does not require is still in the schema, as nullable (strict
    # mode requires every key); parsing drops it when it comes back null.
    optional = optional_keys(tp)
    fields: list[tuple[str, Any, str | None]] = []
    for name, hint in hints.items():
        if get_origin(hint) in _KEY_QUALIFIERS:
            hint = get_args(hint)[0]
        fields.append((name, typing.Optional[hint] if name in optional else hint, None))  # noqa: UP045
    return fields


def optional_keys(tp: type) -> frozenset[str]:
    """The keys a ``TypedDict`` does not require. Its ``__optional_keys__``, and the keys
    written ``NotRequired[...]`` that it misses under ``from __future__ import annotations``
    (before Python 3.12's fix, string annotations hid the qualifier from it)."""
    declared: frozenset[str] = getattr(tp, "__optional_keys__", frozenset())
    hints = typing.get_type_hints(tp, include_extras=True)
    qualified = {name for name, hint in hints.items() if get_origin(hint) in _NOT_REQUIRED}
    return frozenset(declared | qualified)


def _class_doc(tp: type) -> str | None:
    doc = tp.__dict__.get("__doc__")
    if not doc:
        return None
    if dataclasses.is_dataclass(tp) and doc.startswith(f"{tp.__name__}("):
        return None  # the signature dataclasses writes when a class has no docstring
    return inspect.cleandoc(doc)


def _field_docs(tp: type) -> dict[str, str]:
    """The string literal written under each field in the class body (the convention
    Sphinx and IDEs read), when the source can be found."""
    try:
        source = textwrap.dedent(inspect.getsource(tp))
    except (OSError, TypeError):
        return {}
    try:
        body = ast.parse(source).body[0]
    except (SyntaxError, IndexError):
        return {}
    docs: dict[str, str] = {}
    statements = getattr(body, "body", [])
    for field, after in itertools.pairwise(statements):
        if (
            isinstance(field, ast.AnnAssign)
            and isinstance(field.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[field.target.id] = inspect.cleandoc(after.value.value)
    return docs


def _unsupported(path: str, tp: Any, why: str) -> RequestValidationError:
    where = f" at {path}" if path else ""
    return RequestValidationError("output_type", f"{_type_name(tp)}{where}: {why}")


def _type_name(tp: Any) -> str:
    if tp is Any:
        return "Any"  # repr() says typing.Any before Python 3.11
    return tp.__name__ if isinstance(tp, type) else repr(tp)


def _is_pydantic(tp: Any) -> bool:
    # Only when the user's program loaded pydantic: this never imports it.
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(tp, type) and issubclass(tp, pydantic.BaseModel)


def _strict_pydantic(schema: dict[str, Any]) -> dict[str, Any]:
    """pydantic's schema, closed as strict mode asks: every object with all its properties
    required and no others; a default (not allowed there) dropped."""

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(n) for n in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("default", "title"):
                continue
            if key in ("properties", "$defs"):  # names of fields and types, kept as they are
                out[key] = {name: walk(schema) for name, schema in value.items()}
            else:
                out[key] = walk(value)
        if out.get("type") == "object" and "properties" in out:
            out["required"] = list(out["properties"])
            out["additionalProperties"] = False
        return out

    result: dict[str, Any] = walk(schema)
    return result
