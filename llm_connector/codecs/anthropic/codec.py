"""Anthropic's Messages API, and the dialects of the servers that speak it.

API reference: https://platform.claude.com/docs/en/api/messages
Streaming:     https://platform.claude.com/docs/en/build-with-claude/streaming
Vertex AI:     https://platform.claude.com/docs/en/build-with-claude/claude-on-vertex-ai

The request mapping lives in ``request.py``, the stream decoder in
``stream.py``, the response readers in ``parse.py``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from llm_connector.codecs.anthropic.dialect import ANTHROPIC_DIALECT, AnthropicDialect
from llm_connector.codecs.anthropic.parse import (
    parse_error,
    parse_message,
    parse_model_page,
)
from llm_connector.codecs.anthropic.request import DEFAULT_MAX_TOKENS, BodyBuilder
from llm_connector.codecs.anthropic.stream import AnthropicStreamDecoder
from llm_connector.codecs.anthropic.thinking import EFFORT_BUDGETS
from llm_connector.codecs.contract import (
    ChatCodec,
    Endpoint,
    ErrorInfo,
    RequestSpec,
    dump_json,
    merge_headers,
)
from llm_connector.codecs.json_readers import token_count_of
from llm_connector.types import ChatRequest, ChatResponse, ModelPage

__all__ = ["DEFAULT_MAX_TOKENS", "EFFORT_BUDGETS", "AnthropicCodec"]

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
        # {"input_tokens": N}: https://platform.claude.com/docs/en/api/messages/count_tokens
        return token_count_of(body, "input_tokens")

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
