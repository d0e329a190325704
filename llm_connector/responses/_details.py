"""The parts of a Responses API answer: its usage, its error, why it is incomplete.

https://platform.openai.com/docs/api-reference/responses/object

Apart from ``_response.py`` so that ``import llm_connector`` (which names
``ResponsesResponse``) does not build these classes: they are loaded with the readers that
fill them in (``_json.py``).
"""

from __future__ import annotations

import attrs

from llm_connector.types._value import FrozenValue


@attrs.frozen(repr=False, eq=False)
class ResponsesUsage(FrozenValue):
    """Token counts. ``cached_tokens`` and ``reasoning_tokens`` are None when the provider
    did not report them and 0 when it reported zero, on the native path and on the chat
    completions fallback alike (the fallback carries chat usage's details as given)."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    #: Input tokens read from the provider's cache (included in ``input_tokens``).
    cached_tokens: int | None = None
    #: Output tokens spent reasoning (included in ``output_tokens``).
    reasoning_tokens: int | None = None


@attrs.frozen(repr=False, eq=False)
class ResponsesError(FrozenValue):
    """Why a response failed (``status == "failed"``): OpenAI's ``code`` (``server_error``,
    ``rate_limit_exceeded``, ``invalid_prompt``, ...) and a message."""

    message: str
    code: str | None = None


@attrs.frozen(repr=False, eq=False)
class IncompleteDetails(FrozenValue):
    """Why a response is incomplete: ``"max_output_tokens"`` or ``"content_filter"``."""

    reason: str | None = None
