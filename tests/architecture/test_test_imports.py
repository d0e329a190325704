"""The tests' own import graph: shared helpers live in one support package, tests/support,
and no test module or conftest imports another test folder's module or a conftest. A
module of tests/ may import, of the tests package, ``tests.support`` and its modules only;
tests/support itself likewise (it holds no test module and no conftest).

Why: a helper reached through another folder's test module or conftest makes moving or
deleting that module break tests elsewhere, and imports the other module's fixtures and
tests with it. Fixtures stay in conftest.py files; the values and types they hand out live
in tests/support, as does every oracle, harness, data loader and wire builder.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
SUPPORT = TESTS / "support"
#: Not Python modules of the suite: the recorded data, and the e2e chat templates.
SKIPPED = (TESTS / "data", TESTS / "e2e" / "templates")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(TESTS.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(
    path
    for path in TESTS.rglob("*.py")
    if not any(path.is_relative_to(skipped) for skipped in SKIPPED)
)


def imported(source: str, name: str) -> Iterator[str]:
    """Every module of the tests package that ``source`` (the module ``name``) imports,
    relative imports resolved, in functions and under ``TYPE_CHECKING`` too."""
    package = name.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            # ``from tests import support``, ``from . import x``: the names may be modules.
            if module == "tests" or (node.level and not node.module):
                targets = [f"{module}.{alias.name}" for alias in node.names]
            else:
                targets = [module]
        else:
            continue
        yield from (t for t in targets if t == "tests" or t.startswith("tests."))


def allowed(target: str) -> bool:
    return target == "tests.support" or target.startswith("tests.support.")


def test_the_checker_finds_what_the_rule_forbids() -> None:
    source = (
        "from tests.clients.conftest import API_KEY\n"
        "import tests.wire.wire_support as wire\n"
        "from tests import clients, support\n"
        "from . import sibling\n"
        "def later():\n"
        "    from tests.responses.support import summary\n"
        "from tests.support.facade import Mode\n"
        "import tests.support.script\n"
        "import httpx\n"
    )
    found = sorted(imported(source, "tests.anthropic.test_x"))
    assert found == [
        "tests.anthropic.sibling",
        "tests.clients",
        "tests.clients.conftest",
        "tests.responses.support",
        "tests.support",
        "tests.support.facade",
        "tests.support.script",
        "tests.wire.wire_support",
    ]
    assert [t for t in found if not allowed(t)] == [
        "tests.anthropic.sibling",
        "tests.clients",
        "tests.clients.conftest",
        "tests.responses.support",
        "tests.wire.wire_support",
    ]


def test_the_modules_are_found() -> None:
    names = {module_name(path) for path in MODULES}
    assert {"tests.support.protocols", "tests.bytes.test_arrivals", "tests.e2e.conftest"} <= names
    assert not {name for name in names if name.startswith("tests.data")}


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_every_import_of_the_tests_package_is_of_tests_support(path: Path) -> None:
    name = module_name(path)
    wrong = [t for t in imported(path.read_text("utf-8"), name) if not allowed(t)]
    assert wrong == [], f"{name} imports {wrong}: move what it needs to tests/support"


def test_the_support_package_holds_no_test_module_and_no_conftest() -> None:
    assert [p.name for p in SUPPORT.rglob("*.py") if p.name.startswith(("test_", "conftest"))] == []
