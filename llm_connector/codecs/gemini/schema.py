"""A JSON schema in the OpenAPI subset of Gemini's ``responseSchema`` (pure), for the
models that do not take ``responseJsonSchema`` (Gemini 1.x and 2.0).

``responseSchema`` is a ``Schema`` object (https://ai.google.dev/api/caching#Schema): no
``$ref`` / ``$defs`` (named types are written out where they are used, so a recursive type
cannot be sent), no ``additionalProperties``, a nullable value ``"nullable": true`` rather
than a ``"null"`` type, and ``propertyOrdering`` to keep the fields in the order asked
(https://ai.google.dev/gemini-api/docs/structured-output#property-ordering).
"""

from __future__ import annotations

import re
from typing import Any

from llm_connector.errors import RequestValidationError

__all__ = ["openapi_schema", "takes_json_schema"]

#: Models from before responseJsonSchema: gemini-1.0, gemini-1.5, gemini-2.0 (and their
#: -flash/-pro/-lite variants and dated names).
_OLD_MODEL = re.compile(r"gemini-(1\.\d|2\.0)(?![0-9])")
_DROPPED = frozenset({"additionalProperties", "$defs", "$schema", "title"})


def takes_json_schema(model: str) -> bool:
    """Whether ``model`` takes ``responseJsonSchema`` (an unknown name is assumed to)."""
    return _OLD_MODEL.search(model.lower()) is None


def openapi_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` as a ``responseSchema``; raises ``RequestValidationError`` (field
    ``response_format``) for a recursive schema, which it cannot express."""
    converted: dict[str, Any] = _convert(schema, schema.get("$defs", {}), root=schema, seen=())
    return converted


def _convert(
    node: Any, defs: dict[str, Any], *, root: dict[str, Any], seen: tuple[str, ...]
) -> Any:
    if isinstance(node, list):
        return [_convert(item, defs, root=root, seen=seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in seen:
            raise RequestValidationError(
                "response_format",
                "a recursive schema has no responseSchema form (this Gemini model has no "
                "responseJsonSchema): use gemini-2.5 or later",
            )
        target = root if ref == "#" else defs.get(ref.removeprefix("#/$defs/"))
        if target is None:
            raise RequestValidationError("response_format", f"no definition for {ref!r}")
        inlined = {k: v for k, v in target.items() if k != "$defs"}
        return _convert(inlined, defs, root=root, seen=(*seen, ref))
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED:
            continue
        if key == "properties":
            out[key] = {n: _convert(s, defs, root=root, seen=seen) for n, s in value.items()}
            out["propertyOrdering"] = list(value)
        elif key == "type" and isinstance(value, list):
            kinds = [kind for kind in value if kind != "null"]
            out["type"] = kinds[0] if len(kinds) == 1 else value
            if "null" in value:
                out["nullable"] = True
        elif key == "anyOf":
            arms = [arm for arm in value if arm != {"type": "null"}]
            converted = [_convert(arm, defs, root=root, seen=seen) for arm in arms]
            if len(converted) == 1:
                out.update(converted[0])
            else:
                out["anyOf"] = converted
            if len(arms) < len(value):
                out["nullable"] = True
        else:
            out[key] = _convert(value, defs, root=root, seen=seen)
    return out
