"""A tool from a Python function (``Tool.from_function``; pure): its name, the first
paragraph of its docstring as the description, and a JSON schema of its parameters from
their annotations (the same types as structured output), each described by its entry in
the docstring (Google style ``Args:`` or Sphinx ``:param name:``). Parameters without a
default are required; no other keys are allowed.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable
from typing import Any

from llm_connector.errors import RequestValidationError
from llm_connector.structured.schema import _Builder

__all__ = ["function_schema"]

_GOOGLE_SECTION = re.compile(r"^\s*(Args|Arguments|Parameters)\s*:\s*$")
_GOOGLE_ENTRY = re.compile(r"^\s+(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_SPHINX_ENTRY = re.compile(r"^\s*:param\s+(?:[^:]*\s)?(\w+)\s*:\s*(.*)$")
_SECTION = re.compile(r"^\s*[A-Z][A-Za-z ]*:\s*$")


def function_schema(fn: Callable[..., Any]) -> tuple[str, str | None, dict[str, Any]]:
    """The name, description and parameters schema of a tool that calls ``fn``; raises
    ``RequestValidationError`` (field ``function``) for a parameter it cannot describe."""
    name = getattr(fn, "__name__", None)
    if not callable(fn) or not isinstance(name, str) or name == "<lambda>":
        raise RequestValidationError("function", f"expected a named function, got {fn!r}")
    signature = inspect.signature(fn)
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except NameError as exc:
        raise RequestValidationError("function", f"{name}: {exc}") from None
    summary, documented = _docstring(inspect.getdoc(fn) or "")
    builder = _Builder(None)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for parameter in signature.parameters.values():
        if parameter.name in ("self", "cls"):
            continue
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise RequestValidationError(
                "function", f"{name}: *{parameter.name} has no place in a tool's arguments"
            )
        if parameter.name not in hints:
            raise RequestValidationError(
                "function", f"{name}: parameter {parameter.name!r} has no type annotation"
            )
        try:
            schema = builder.schema(hints[parameter.name], parameter.name)
        except RequestValidationError as exc:
            raise RequestValidationError("function", f"{name}: {exc.message}") from None
        doc = documented.get(parameter.name)
        if doc and "$ref" not in schema and "description" not in schema:
            schema["description"] = doc
        properties[parameter.name] = schema
        if parameter.default is parameter.empty:
            required.append(parameter.name)
    parameters: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if builder.defs:
        parameters["$defs"] = builder.defs
    return name, summary, parameters


def _docstring(doc: str) -> tuple[str | None, dict[str, str]]:
    """The first paragraph, and each parameter's description (a continuation line, indented
    deeper, adds to it)."""
    lines = doc.splitlines()
    summary: list[str] = []
    for line in lines:
        if not line.strip() or _SECTION.match(line) or _SPHINX_ENTRY.match(line):
            break
        summary.append(line.strip())
    params: dict[str, str] = {}
    current: str | None = None
    for line in lines:  # Sphinx: ":param name: text"
        sphinx = _SPHINX_ENTRY.match(line)
        if sphinx:
            current = sphinx.group(1)
            params[current] = sphinx.group(2).strip()
        elif current is not None and line.strip() and line[:1].isspace():
            params[current] = f"{params[current]} {line.strip()}"
        else:
            current = None
    start = next((n for n, line in enumerate(lines) if _GOOGLE_SECTION.match(line)), None)
    if start is not None:  # Google: "Args:", then "name (type): text" one level in
        entry_indent: int | None = None
        current = None
        for line in lines[start + 1 :]:
            if not line.strip():
                continue
            indent = len(line) - len(line.lstrip())
            if indent == 0:
                break  # the next section
            entry_indent = indent if entry_indent is None else entry_indent
            google = _GOOGLE_ENTRY.match(line) if indent == entry_indent else None
            if google:
                current = google.group(1).lstrip("*")
                params[current] = google.group(2).strip()
            elif current is not None and indent > entry_indent:
                params[current] = f"{params[current]} {line.strip()}"
    return (" ".join(summary) or None), params
