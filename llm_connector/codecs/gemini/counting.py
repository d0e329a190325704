"""Gemini's token counting, ``POST /models/{model}:countTokens`` (pure).

https://ai.google.dev/api/tokens#method:-models.counttokens: the body is the whole
``generateContentRequest`` (the model, the contents, the system instruction, the tools and
the cache reference of the request chat would send), so what is counted is what would be
sent; the answer is ``{"totalTokens": N, ...}``.
"""

from __future__ import annotations

from typing import Any

from llm_connector.codecs.gemini.request import request_body
from llm_connector.types import ChatRequest

__all__ = ["count_tokens_body"]


def count_tokens_body(request: ChatRequest, model_path: str) -> dict[str, Any]:
    """The ``countTokens`` body of ``request`` (validated first); ``model_path`` is
    ``models/<model>``, which the inner request must name too."""
    request.validate()
    return {"generateContentRequest": {"model": model_path, **request_body(request)}}
