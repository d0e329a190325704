"""OpenAI chat completions, and the dialect knobs of servers that speak it.

API reference: https://platform.openai.com/docs/api-reference/chat/create
Streaming:     https://platform.openai.com/docs/api-reference/chat-streaming
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from llm_connector.codecs.contract import (
    ChatCodec,
    Endpoint,
    ErrorInfo,
    RequestSpec,
    dump_json,
    merge_headers,
)
from llm_connector.codecs.error_bodies import parse_error_body
from llm_connector.codecs.json_readers import token_count_of
from llm_connector.codecs.openai_chat.dialect import (
    COMPATIBLE_DIALECT,
    OPENAI_DIALECT,
    OpenAIDialect,
)
from llm_connector.codecs.openai_chat.parse import (
    parse_chat_response,
    parse_embeddings,
    parse_model_list,
)
from llm_connector.codecs.openai_chat.request import chat_body
from llm_connector.codecs.openai_chat.stream import OpenAIChatStreamDecoder
from llm_connector.codecs.reasoning import effort_for_budget
from llm_connector.codecs.think_tags import split_response
from llm_connector.types import (
    ChatRequest,
    ChatResponse,
    EmbedRequest,
    EmbedResponse,
    ModelPage,
)

__all__ = [
    "COMPATIBLE_DIALECT",
    "OPENAI_DIALECT",
    "OpenAIChatCodec",
    "OpenAIDialect",
    "effort_for_budget",
]


class OpenAIChatCodec(ChatCodec):
    """Request builder and response decoders for ``/chat/completions``."""

    name = "openai_chat"

    def __init__(self, dialect: OpenAIDialect = COMPATIBLE_DIALECT) -> None:
        self.dialect = dialect

    def _url(self, endpoint: Endpoint, path: str, model: str | None = None) -> str:
        """``endpoint``'s URL for ``path``. Azure's api-version form names the deployment in
        the path and keeps the query last:
        https://learn.microsoft.com/azure/ai-foundry/openai/reference#chat-completions"""
        if self.dialect.deployment_paths:
            base, query_mark, query = endpoint.base_url.partition("?")
            if query_mark:
                prefix = base.rstrip("/")
                if model is not None:
                    prefix += "/deployments/" + quote(model, safe="")
                return f"{prefix}{path}?{query}"
        return endpoint.url(path)

    # -- chat -------------------------------------------------------------------------

    def build_chat(self, request: ChatRequest, endpoint: Endpoint, *, stream: bool) -> RequestSpec:
        body = chat_body(request, self.dialect, stream=stream)
        headers = merge_headers(
            {
                "Content-Type": "application/json",
                "Accept": "text/event-stream" if stream else "application/json",
            },
            endpoint.auth_headers(),
            endpoint.headers,
        )
        return RequestSpec(
            "POST",
            self._url(endpoint, self.dialect.chat_path, request.model),
            headers,
            dump_json(body),
            "sse" if stream else "json",
        )

    def parse_chat(self, body: bytes) -> ChatResponse:
        response = parse_chat_response(body)
        dialect = self.dialect
        if dialect.think_tags:
            return split_response(response, implicit_open=dialect.think_tags_implicit_open)
        return response

    def new_stream_decoder(self) -> OpenAIChatStreamDecoder:
        dialect = self.dialect
        return OpenAIChatStreamDecoder(
            think_tags=dialect.think_tags, implicit_open=dialect.think_tags_implicit_open
        )

    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo:
        return parse_error_body(status_code, body)

    # -- models and embeddings --------------------------------------------------------

    def build_models(self, endpoint: Endpoint, page_token: str | None = None) -> RequestSpec:
        # OpenAI's model list is one page: https://platform.openai.com/docs/api-reference/models/list
        headers = merge_headers(
            {"Accept": "application/json"}, endpoint.auth_headers(), endpoint.headers
        )
        return RequestSpec("GET", self._url(endpoint, self.dialect.models_path), headers)

    def parse_models(self, body: bytes) -> ModelPage:
        return ModelPage(tuple(parse_model_list(body)))

    def build_embed(self, request: EmbedRequest, endpoint: Endpoint) -> RequestSpec:
        request.validate()
        body: dict[str, Any] = {"model": request.model, "input": list(request.input)}
        optional = {
            "dimensions": request.dimensions,
            "encoding_format": request.encoding_format,
            "user": request.user,
        }
        body.update((k, v) for k, v in optional.items() if v is not None)
        if request.extra_body:
            body.update(request.extra_body)
        headers = merge_headers(
            {"Content-Type": "application/json", "Accept": "application/json"},
            endpoint.auth_headers(),
            endpoint.headers,
        )
        url = self._url(endpoint, self.dialect.embeddings_path, request.model)
        return RequestSpec("POST", url, headers, dump_json(body))

    def parse_embed(self, body: bytes) -> EmbedResponse:
        return parse_embeddings(body)

    # -- token counting (OpenAI's /responses/input_tokens, llama.cpp's): counting.py ------

    def build_count_tokens(self, request: ChatRequest, endpoint: Endpoint) -> RequestSpec:
        from llm_connector.codecs.openai_chat.counting import count_tokens_request

        return count_tokens_request(request, endpoint, self.dialect)

    def parse_count_tokens(self, body: bytes) -> int:
        # Both answers carry the count as input_tokens.
        return token_count_of(body, "input_tokens")
