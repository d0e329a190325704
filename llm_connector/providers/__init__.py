"""The providers llm_connector speaks to: one row each (``table.py``), and what is public
about them. The table loads on first use (see ``table.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llm_connector.providers.spec import ProviderInfo, ProviderSpec

__all__ = ["provider_info", "row", "supported_providers"]


def row(name: str) -> ProviderSpec:
    """The provider row of ``name`` (the table loads on the first call); raises
    ``RequestValidationError`` naming the providers there are."""
    from llm_connector.providers.table import provider

    return provider(name)


def supported_providers() -> tuple[str, ...]:
    """The names of the providers llm_connector speaks to, as ``provider_info`` and
    ``Client.mock(provider=...)`` take them (``openai_compatible`` stands for any server
    of OpenAI's chat completions)."""
    from llm_connector.providers.table import PROVIDERS

    return tuple(name for name in PROVIDERS if name != "mock")


def provider_info(name: str) -> ProviderInfo:
    """What llm_connector knows of provider ``name``: its protocol, official URL, key
    variables, capabilities, and the constructor that builds its client. Raises
    ``RequestValidationError`` for a name it does not know, naming those it does."""
    return row(name).info()
