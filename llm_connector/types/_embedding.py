"""Embeddings: ``EmbedRequest``, ``EmbedResponse`` and its ``Embedding`` vectors.

Apart from the chat types so that ``import llm_connector`` does not build these classes
(each attrs class costs import time when its module loads). They load on first use: by
name from ``llm_connector`` or ``llm_connector.types``, or with the codecs that parse
embeddings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import attrs

from llm_connector.errors import RequestValidationError
from llm_connector.types._options import SendOptions
from llm_connector.types._request import (
    _check_max_retries,
    _check_positive,
    _check_size_limits,
    _header_names,
    _mask_secret,
    _to_extra_body,
    _to_headers,
    _to_timeout,
)

# Usage and Route are imported at run time, not only for type checkers: cattrs and
# typing.get_type_hints() resolve the fields' annotations in this module.
from llm_connector.types._response import Usage
from llm_connector.types._route import Route
from llm_connector.types._size_limits import SizeLimits
from llm_connector.types._timeout import Timeout
from llm_connector.types._value import FrozenValue

__all__ = ["EmbedRequest", "EmbedResponse", "Embedding"]


def _to_inputs(value: str | Iterable[str]) -> tuple[str, ...]:
    inputs = (value,) if isinstance(value, str) else tuple(value)
    for i, item in enumerate(inputs):
        if not isinstance(item, str):
            raise RequestValidationError(f"input[{i}]", f"expected str, got {type(item).__name__}")
    return inputs


@attrs.frozen(repr=False, eq=False)
class EmbedRequest(FrozenValue, SendOptions):
    """An embeddings request: one text or a batch. ``EmbedRequest("model", ["a", "b"])``."""

    model: str
    input: tuple[str, ...] = attrs.field(converter=_to_inputs)
    dimensions: int | None = None
    encoding_format: Literal["float", "base64"] | None = None
    user: str | None = None
    extra_body: dict[str, Any] | None = attrs.field(
        default=None, converter=_to_extra_body, hash=False
    )
    api_key: str | None = attrs.field(default=None, repr=_mask_secret)
    base_url: str | None = None
    extra_headers: dict[str, str] = attrs.field(
        factory=dict, converter=_to_headers, repr=_header_names, hash=False
    )
    timeout: Timeout | None = attrs.field(default=None, converter=_to_timeout)
    max_retries: int | None = attrs.field(default=None, validator=_check_max_retries)
    size_limits: SizeLimits | None = attrs.field(default=None, validator=_check_size_limits)

    def validate(self) -> None:
        if not isinstance(self.model, str) or not self.model.strip():
            raise RequestValidationError("model", "a model name is required")
        if not self.input:
            raise RequestValidationError("input", "at least one input text is required")
        _check_positive("dimensions", self.dimensions)


@attrs.frozen(repr=False, eq=False)
class Embedding(FrozenValue):
    index: int
    embedding: list[float] = attrs.field(hash=False)


@attrs.frozen(repr=False, eq=False)
class EmbedResponse(FrozenValue):
    model: str
    data: tuple[Embedding, ...]
    usage: Usage | None = None
    #: Which member of a fallback chain answered (None: the answer of a client).
    route: Route | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def embeddings(self) -> list[list[float]]:
        """The vectors, in input order."""
        return [item.embedding for item in sorted(self.data, key=lambda e: e.index)]
