"""Model listings: ``Model``, ``ModelPage`` and ``ModelDetails``.

Apart from the chat types so that ``import llm_connector`` does not build these classes;
they load on first use (by name from ``llm_connector.types``, or with the codecs).
"""

from __future__ import annotations

import attrs

from llm_connector.types._value import FrozenValue

__all__ = ["Model", "ModelDetails", "ModelPage"]


@attrs.frozen(repr=False, eq=False)
class Model(FrozenValue):
    """A model the provider lists."""

    id: str
    owned_by: str | None = None
    created: int | None = None
    #: A human-readable name, where the provider gives one (Anthropic, Gemini).
    display_name: str | None = None


@attrs.frozen(repr=False, eq=False)
class ModelPage(FrozenValue):
    """One page of a model listing; ``next_page_token`` is None on the last page."""

    models: tuple[Model, ...]
    next_page_token: str | None = None


@attrs.frozen(repr=False, eq=False)
class ModelDetails(FrozenValue):
    """What a provider says about one model (Ollama's ``/api/show``)."""

    id: str
    family: str | None = None
    parameter_size: str | None = None
    quantization_level: str | None = None
    format: str | None = None
    context_length: int | None = None
    capabilities: tuple[str, ...] = ()
    modified_at: str | None = None
