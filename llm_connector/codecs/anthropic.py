"""Anthropic's Messages API, and the dialects of the servers that speak it.

API reference: https://platform.claude.com/docs/en/api/messages
Streaming:     https://platform.claude.com/docs/en/build-with-claude/streaming
Vertex AI:     https://platform.claude.com/docs/en/build-with-claude/claude-on-vertex-ai

The request mapping lives in ``anthropic_request.py``, the stream decoder in
``anthropic_stream.py``, the response readers in ``anthropic_parse.py``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import attrs

from llm_connector._value import FrozenValue
from llm_connector.codecs._base import (
    ChatCodec,
    Endpoint,
    ErrorInfo,
    RequestSpec,
    dump_json,
    merge_headers,
)
from llm_connector.codecs.anthropic_parse import (
    parse_error,
    parse_message,
    parse_model_page,
    parse_token_count,
)
from llm_connector.codecs.anthropic_request import (
    DEFAULT_MAX_TOKENS,
    EFFORT_BUDGETS,
    BodyBuilder,
)
from llm_connector.codecs.anthropic_stream import AnthropicStreamDecoder
from llm_connector.types import ChatRequest, ChatResponse, ModelPage

__all__ = [
    "ANTHROPIC_DIALECT",
    "DEFAULT_MAX_TOKENS",
    "EFFORT_BUDGETS",
    "LONGCAT_DIALECT",
    "VERTEX_DIALECT",
    "AnthropicCodec",
    "AnthropicDialect",
]

# The fields POST /v1/messages/count_tokens takes (a Messages body without the sampling and
# output settings): https://platform.claude.com/docs/en/api/messages/count_tokens
_COUNT_TOKENS_FIELDS = frozenset(
    {
        "model",
        "messages",
        "system",
        "tools",
        "tool_choice",
        "thinking",
        "output_config",
        "cache_control",
        "context_management",
        "mcp_servers",
    }
)


@attrs.frozen(repr=False, eq=False)
class AnthropicDialect(FrozenValue):
    """How one server speaking the Messages API differs from api.anthropic.com."""

    #: The provider's name, for messages.
    name: str
    #: Vertex AI: the model goes in the URL (``{model}:rawPredict`` / ``:streamRawPredict``)
    #: and ``anthropic_version`` in the body, not the model and the version header.
    vertex: bool = False
    #: ``anthropic-version``: the header's value, or the body field's on Vertex AI.
    version: str = "2023-06-01"
    #: Images and documents accepted.
    media: bool = True
    #: Images and PDFs by URL accepted.
    url_sources: bool = True
    #: Documents by Files API id accepted.
    file_ids: bool = True
    #: The operations beside chat it has.
    models: bool = True
    count_tokens: bool = True


# https://platform.claude.com/docs/en/api/versioning
ANTHROPIC_DIALECT = AnthropicDialect("anthropic")
# LongCat documents POST /anthropic/v1/messages only, with text input only:
# https://longcat.chat/platform/docs/api/messages.html
LONGCAT_DIALECT = AnthropicDialect(
    "longcat_anthropic", media=False, file_ids=False, models=False, count_tokens=False
)
# Vertex AI: version "vertex-2023-10-16" in the body; no URL sources (answers "URL sources
# are not supported"), no Files API, no model listing; token counting at
# models/count-tokens:rawPredict, as Anthropic's SDK sends it (lib/vertex/_client.py).
VERTEX_DIALECT = AnthropicDialect(
    "anthropic_vertex",
    vertex=True,
    version="vertex-2023-10-16",
    url_sources=False,
    file_ids=False,
    models=False,
)


class AnthropicCodec(ChatCodec):
    """Request builder and response decoders for ``POST /v1/messages`` and friends."""

    name = "anthropic"

    def __init__(self, dialect: AnthropicDialect = ANTHROPIC_DIALECT) -> None:
        self.dialect = dialect
        self.name = dialect.name

    # -- chat -------------------------------------------------------------------------

    def build_chat(self, request: ChatRequest, endpoint: Endpoint, *, stream: bool) -> RequestSpec:
        builder = BodyBuilder(request, self.dialect)
        body = builder.body()
        if stream:
            body["stream"] = True
        if request.extra_body:
            body.update(request.extra_body)
        if self.dialect.vertex:
            path = f"/{_model_path(body)}:{'streamRawPredict' if stream else 'rawPredict'}"
        else:
            path = "/v1/messages"
        return RequestSpec(
            "POST",
            endpoint.url(path),
            self._headers(endpoint, builder.betas, stream=stream),
            dump_json(self._versioned(body)),
            "sse" if stream else "json",
        )

    def parse_chat(self, body: bytes) -> ChatResponse:
        return parse_message(body)

    def new_stream_decoder(self) -> AnthropicStreamDecoder:
        return AnthropicStreamDecoder()

    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo:
        return parse_error(status_code, body)

    # -- models and token counting -------------------------------------------------------

    def build_models(self, endpoint: Endpoint, page_token: str | None = None) -> RequestSpec:
        # https://platform.claude.com/docs/en/api/models/list: pages of up to 1000, the next
        # one after the last id of this one.
        if not self.dialect.models:
            raise self._unsupported("model listing")
        query = "?limit=1000" + (f"&after_id={quote(page_token, safe='')}" if page_token else "")
        return RequestSpec(
            "GET", endpoint.url("/v1/models" + query), self._headers(endpoint, [], stream=False)
        )

    def parse_models(self, body: bytes) -> ModelPage:
        return parse_model_page(body)

    def build_count_tokens(self, request: ChatRequest, endpoint: Endpoint) -> RequestSpec:
        if not self.dialect.count_tokens:
            raise self._unsupported("token counting")
        builder = BodyBuilder(request, self.dialect)
        body = builder.body()
        if request.extra_body:
            body.update(request.extra_body)
        body = {k: v for k, v in body.items() if k in _COUNT_TOKENS_FIELDS}
        path = "/count-tokens:rawPredict" if self.dialect.vertex else "/v1/messages/count_tokens"
        if self.dialect.vertex:
            body["anthropic_version"] = self.dialect.version  # the model stays in the body
        return RequestSpec(
            "POST",
            endpoint.url(path),
            self._headers(endpoint, builder.betas, stream=False),
            dump_json(body),
        )

    def parse_count_tokens(self, body: bytes) -> int:
        return parse_token_count(body)

    # -- helpers ----------------------------------------------------------------------------

    def _versioned(self, body: dict[str, Any]) -> dict[str, Any]:
        if not self.dialect.vertex:
            return body
        # https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude
        return {"anthropic_version": self.dialect.version, **body}

    def _headers(self, endpoint: Endpoint, betas: list[str], *, stream: bool) -> dict[str, str]:
        own = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if stream else "application/json",
        }
        if not self.dialect.vertex:
            own["anthropic-version"] = self.dialect.version
        headers = merge_headers(own, endpoint.auth_headers(), endpoint.headers)
        if betas:
            # The caller's own betas stay; the ones this body needs are added to them.
            # https://platform.claude.com/docs/en/api/beta-headers
            name = next((h for h in headers if h.lower() == "anthropic-beta"), "anthropic-beta")
            given = [b.strip() for b in headers.get(name, "").split(",") if b.strip()]
            headers[name] = ",".join([*given, *(b for b in betas if b not in given)])
        return headers


def _model_path(body: dict[str, Any]) -> str:
    """Vertex AI names the model in the URL, not the body (``claude-sonnet-4@20250514``)."""
    model = body.pop("model")
    return quote(str(model), safe="@")
