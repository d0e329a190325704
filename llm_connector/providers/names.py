"""Clients from names: ``"anthropic/claude-sonnet-4-5"`` read as a provider row and a model
(pure). ``Client.from_model`` builds the client this says.

The provider is everything before the first ``/``, the model everything after it, slashes
included (``"openrouter/anthropic/claude-sonnet-4.5"`` is OpenRouter's model
``anthropic/claude-sonnet-4.5``). A provider is named as in the table
(``supported_providers()``), or by one of the few other names people use for it
(``ALIASES``). A service reached through ``openai_compatible`` is built with
``name=<its row>`` (``"groq/llama-3.3-70b-versatile"``), one served as a region of
another's constructor with that ``region`` (``"zai/glm-4.6"``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from llm_connector.errors import RequestValidationError
from llm_connector.types._value import FrozenValue

if TYPE_CHECKING:
    from llm_connector.providers.spec import ProviderSpec

__all__ = ["ALIASES", "ModelName", "model_name"]

#: Other names of providers, as other libraries and the providers' own documents call them.
ALIASES = {
    "gemini": "google",
    "azure": "azure_openai",
    "dashscope": "aliyun",
    "hunyuan": "tencent",
}


@attrs.frozen(repr=False, eq=False)
class ModelName(FrozenValue):
    """What a ``"provider/model"`` name says: the row, the model, and how to call the
    ``Client`` constructor that builds it (its name and the arguments naming the row)."""

    row: ProviderSpec
    model: str
    constructor: str
    arguments: dict[str, Any] = attrs.field(factory=dict)


def model_name(name: str) -> ModelName:
    """Read ``name``; raises ``RequestValidationError`` (field ``model``) for a name without
    a provider or a model, or with a provider the table does not know, naming the nearest."""
    from llm_connector.providers.table import PROVIDERS

    if not isinstance(name, str):
        raise RequestValidationError(
            "model", f"must be 'provider/model' text, got {type(name).__name__}"
        )
    provider, slash, model = name.strip().partition("/")
    if not slash:
        raise RequestValidationError(
            "model",
            f"{name!r} names no provider: write 'provider/model' (e.g. 'openai/gpt-4o', "
            "'anthropic/claude-sonnet-4-5')",
        )
    if not model.strip():
        raise RequestValidationError("model", f"{name!r} names no model after the '/'")
    key = provider.strip().lower().replace("-", "_")
    row = PROVIDERS.get(ALIASES.get(key, key))
    if row is None:
        known = sorted({*PROVIDERS, *ALIASES})
        near = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
        hint = f" (did you mean {' or '.join(repr(n) for n in near)}?)" if near else ""
        raise RequestValidationError(
            "model",
            f"unknown provider {provider!r} in {name!r}{hint}; the providers are: "
            + ", ".join(known),
        )
    return ModelName(row, model.strip(), row.constructor_name, _arguments(row, PROVIDERS))


def _arguments(row: ProviderSpec, rows: Mapping[str, ProviderSpec]) -> dict[str, Any]:
    """The constructor arguments that make the constructor build ``row``."""
    if row.via is None:
        return {}
    if row.via == "openai_compatible":
        return {"name": row.name}
    # A region of another provider's constructor (Z.ai is Zhipu's international service).
    regions = rows[row.via].region_rows
    return {"region": next(region for region, name in regions.items() if name == row.name)}
