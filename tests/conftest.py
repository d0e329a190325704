"""The whole suite's: assertion rewriting for tests/support, and where the byte harness runs.

pytest rewrites the asserts of tests/support as it does a test module's, so a check that
lives there (the byte harness's, a protocol's reference check, an oracle's) shows its
values when it fails, not a bare AssertionError.

The byte harness (tests/bytes) is most of the suite's time, and most of that is one test
function's 150-odd items (each transcript split in two at every index). pytest-xdist's
load scheduler first hands each worker a consecutive quarter of its share of the items,
then refills them in consecutive runs that shrink as the run goes: left where the folder's
name sorts, the harness falls in one worker's first run while the other idles at the end.
So it runs last, each of its test functions' items spread evenly over its block: any run
of consecutive items then costs in proportion to its length, and the shrinking runs at the
end even the workers out. The other tests keep their order; no module is split but the
harness's own, which has no module-scoped fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.register_assert_rewrite("tests.support")

BYTES = Path(__file__).parent / "bytes"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    harness = [item for item in items if item.path.is_relative_to(BYTES)]
    if not harness:
        return
    functions: dict[tuple[Path, str], list[pytest.Item]] = {}
    for item in harness:
        name = item.originalname if isinstance(item, pytest.Function) else item.name
        functions.setdefault((item.path, name), []).append(item)
    # Item i of a function of n items goes at (i + 1/2) / n of the block.
    spread = sorted(
        ((i + 0.5) / len(group), g, i)
        for g, group in enumerate(functions.values())
        for i in range(len(group))
    )
    groups = list(functions.values())
    items[:] = [item for item in items if not item.path.is_relative_to(BYTES)] + [
        groups[g][i] for _, g, i in spread
    ]
