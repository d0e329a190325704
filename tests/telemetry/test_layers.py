"""Only the telemetry package may import opentelemetry (docs/architecture.md: the calls
and codecs stay pure; the observer they call is a Protocol of calls/hooks.py), and its
``otel`` module only: the package itself loads without the extra."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "llm_connector"


def imports_opentelemetry(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        if any(name.split(".")[0] == "opentelemetry" for name in names):
            return True
    return False


def test_only_the_otel_module_imports_opentelemetry() -> None:
    importers = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if imports_opentelemetry(path)
    }
    # telemetry/__init__.py names the providers' types for type checkers only.
    assert importers == {"telemetry/otel.py", "telemetry/__init__.py"}
    init = (PACKAGE / "telemetry" / "__init__.py").read_text("utf-8")
    top_level = ast.parse(init).body
    assert not any(
        isinstance(node, ast.ImportFrom) and (node.module or "").startswith("opentelemetry")
        for node in top_level
    )
