"""Names a package exports but loads on first use (PEP 562).

Every attrs class costs import time when its module loads. The classes that a plain chat
call does not need (the Responses API, model listings, embeddings) therefore live in
modules that ``import llm_connector`` does not load. Their packages still export them by
name. Type checkers read the packages' ``TYPE_CHECKING`` imports instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, where: Mapping[str, str], exported: list[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, which loads each name of
    ``where`` from the module it maps to (absolute) on first use, then keeps it as a
    plain attribute of the package."""
    namespace = import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *exported})

    return __getattr__, __dir__
