"""The package's import graph (docs/architecture.md, "The rules"): no circle among its
modules at run time, lazy imports in functions included; a client and its streams do not
import each other even for type checking; the codecs and the call driver import no I/O
library; and ``import llm_connector`` loads no codec, no provider table and no I/O step of
a call before it is made.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "llm_connector"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported(path: Path, *, typing: bool = False) -> Iterator[str]:
    """The package modules ``path`` imports at run time, in functions too (those run when
    called); with ``typing``, also those it imports for type checkers only."""
    yield from _imports_in(ast.parse(path.read_text("utf-8")), typing=typing)


def _imports_in(node: ast.AST, *, typing: bool) -> Iterator[str]:
    if isinstance(node, ast.If) and _type_checking(node) and not typing:
        children: list[ast.AST] = list(node.orelse)
    else:
        children = list(ast.iter_child_nodes(node))
    yield from _targets(node)
    for child in children:
        yield from _imports_in(child, typing=typing)


def _targets(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name in MODULES:
                yield alias.name
    elif isinstance(node, ast.ImportFrom) and node.module:
        for alias in node.names:
            full = f"{node.module}.{alias.name}"
            if full in MODULES:
                yield full
            elif node.module in MODULES:
                yield node.module


def graph(*, typing: bool = False) -> dict[str, set[str]]:
    return {
        name: {target for target in imported(path, typing=typing) if target != name}
        for name, path in MODULES.items()
    }


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_checker_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_at_run_time() -> None:
    assert circles(graph()) == []


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_client_and_its_streams_do_not_import_each_other(mode: str) -> None:
    edges = graph(typing=True)
    client, streams = f"llm_connector.shells.{mode}_client", f"llm_connector.shells.{mode}_streams"
    assert client not in edges[streams]
    assert streams in edges[client]


PURE = ("llm_connector.codecs", "llm_connector.calls", "llm_connector.types")
IO_LIBRARIES = ("httpx", "httpx_sse", "asyncio", "anyio", "socket", "ssl", "threading.Thread")


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith(PURE)))
def test_the_codecs_the_driver_and_the_types_import_no_io_library(name: str) -> None:
    tree = ast.parse(MODULES[name].read_text("utf-8"))
    names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not {n for n in names if n and n.split(".")[0] in IO_LIBRARIES}, name


def test_importing_the_package_loads_no_codec_table_or_stream() -> None:
    code = (
        "import sys, llm_connector\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('llm_connector'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert [m for m in loaded if m.startswith("llm_connector.codecs.")] == [
        "llm_connector.codecs.contract"
    ]
    assert not [m for m in loaded if m.startswith("llm_connector.providers.")]
    assert "llm_connector.calls.streaming" not in loaded
    assert "llm_connector._mock" not in loaded
