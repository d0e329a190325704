"""Which providers the mock speaks, and where: the ``mock`` of each provider row
(``providers/table.py``). A row's ``MockWire`` names the wire (the module
``_mock/{wire}_wire.py``) and the provider's base path under the mock's host.

The table loads on the first call of these functions, not with the package: import time
is budgeted (docs/performance.md), and ``import llm_connector`` loads no provider row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llm_connector.providers.spec import MockWire, ProviderSpec

__all__ = ["MOCK_BASE_URLS", "MOCK_HOST", "mock_base_url", "mock_of", "mock_providers"]

#: The mock's host: a ``.invalid`` name (RFC 6761), which never resolves, so nothing a mock
#: client sends can leave the process.
MOCK_HOST = "https://mock.llm-connector.invalid"


def mock_providers() -> tuple[str, ...]:
    """The names of the rows the mock can be, in the table's order."""
    from llm_connector.providers.table import PROVIDERS

    return tuple(name for name, row in PROVIDERS.items() if row.mock is not None)


def mock_of(provider: str) -> tuple[ProviderSpec, MockWire]:
    """The row of ``provider`` and its mock; raises ValueError naming the providers the
    mock speaks."""
    from llm_connector.providers.table import PROVIDERS

    row = PROVIDERS.get(provider)
    if row is None or row.mock is None:
        raise ValueError(f"the mock speaks {sorted(mock_providers())}, not {provider!r}")
    return row, row.mock


def mock_base_url(provider: str) -> str:
    """Where a mock client of ``provider`` points: the provider's own path under the host."""
    return MOCK_HOST + mock_of(provider)[1].path


class _BaseUrls(Mapping[str, str]):
    """``MOCK_BASE_URLS``: provider name -> base URL, read from the rows when first used."""

    def __getitem__(self, provider: str) -> str:
        try:
            return mock_base_url(provider)
        except ValueError:
            raise KeyError(provider) from None

    def __iter__(self) -> Iterator[str]:
        return iter(mock_providers())

    def __len__(self) -> int:
        return len(mock_providers())

    def __repr__(self) -> str:
        return f"MOCK_BASE_URLS({dict(self)!r})"


#: Every mock provider's base URL, by name (a view of the rows, not a table of its own).
MOCK_BASE_URLS: Mapping[str, str] = _BaseUrls()
