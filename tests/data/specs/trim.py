"""Regenerate the trimmed request schemas in this folder from the full published specs.

Run from the project root (the full specs are in ``../shared/specs/``; see SOURCES.md)::

    python tests/data/specs/trim.py [path/to/full/specs]

Each ``<protocol>-requests.json`` keeps, of one OpenAPI file, only the request schemas the
tests validate (ROOTS) and every schema they reach through ``$ref``; the schemas are copied
unchanged. The Gemini ``.proto`` files are copied as they are by hand (see SOURCES.md).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PREFIX = "#/components/schemas/"

#: output file -> (full spec file, the request schemas the tests validate)
ROOTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "openai-requests.json": (
        "openai-openapi.json",
        ("CreateChatCompletionRequest", "CreateResponse"),
    ),
    "anthropic-requests.json": (
        "anthropic-openapi.json",
        ("CreateMessageParams", "BetaCreateMessageParams"),
    ),
    "ollama-requests.json": ("ollama-openapi.json", ("ChatRequest",)),
}


def refs(node: Any) -> set[str]:
    """The component schema names ``node`` refers to, directly."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(PREFIX):
            found.add(ref[len(PREFIX) :])
        for value in node.values():
            found |= refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= refs(value)
    return found


def trim(full: dict[str, Any], roots: tuple[str, ...]) -> dict[str, Any]:
    schemas = full["components"]["schemas"]
    keep: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in keep:
            keep.add(name)
            todo.extend(refs(schemas[name]) - keep)
    return {
        "openapi": full["openapi"],
        "info": {"title": full["info"]["title"], "version": full["info"].get("version")},
        "x-trimmed": f"components.schemas reachable from {', '.join(roots)}; nothing else kept",
        "components": {"schemas": {k: v for k, v in schemas.items() if k in keep}},
    }


def main(source: Path) -> None:
    for out, (name, roots) in ROOTS.items():
        full = json.loads((source / name).read_text(encoding="utf-8"))
        text = json.dumps(trim(full, roots), indent=1, ensure_ascii=False) + "\n"
        (HERE / out).write_text(text, encoding="utf-8")
        print(f"{out}: {len(text.encode())} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[3] / "shared" / "specs")
