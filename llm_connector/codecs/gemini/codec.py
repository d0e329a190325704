"""Google Gemini (the Gemini Developer API, ``generativelanguage.googleapis.com``).

API reference: https://ai.google.dev/api/generate-content
Streaming:     https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent

The model is part of the URL: ``{base}/models/{model}:generateContent``, and
``:streamGenerateContent?alt=sse`` for streams. ``alt=sse`` asks for Server-Sent Events,
which the SSE frame reader frames incrementally; without it Gemini streams one JSON
array whose elements can only be told apart by parsing the JSON as it arrives. The codec
always asks for SSE; a JSON array that still arrives (a proxy that drops the query) is read
whole by ``parse_chat``, which takes a single response or an array of them.

Request building is in request.py, the stream decoder in stream.py, the readers of
errors, models and embeddings in parse.py; a whole answer is read through the stream
decoder (``parse_chat_response`` below), so a whole answer and a streamed one agree.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from llm_connector.codecs.contract import (
    ChatCodec,
    Endpoint,
    ErrorInfo,
    RequestSpec,
    dump_json,
    merge_headers,
)
from llm_connector.codecs.gemini.parse import parse_embeddings, parse_error, parse_model_page
from llm_connector.codecs.gemini.request import request_body
from llm_connector.codecs.gemini.stream import GeminiStreamDecoder
from llm_connector.codecs.json_readers import token_count_of
from llm_connector.errors import RequestValidationError, ResponseDecodeError
from llm_connector.types import (
    ChatRequest,
    ChatResponse,
    EmbedRequest,
    EmbedResponse,
    ModelPage,
)
from llm_connector.types._accumulate import StreamAccumulator
from llm_connector.types._cached_content import CachedContent

# Google's list endpoint returns at most 1000 models a page:
# https://ai.google.dev/api/models#method:-models.list
_MODELS_PAGE_SIZE = 1000


def model_path(model: str) -> str:
    """The URL path of a model: ``gemini-2.5-flash`` and ``models/gemini-2.5-flash`` are
    both ``models/gemini-2.5-flash``; a tuned model's ``tunedModels/...`` stays as it is.
    Anything a URL would misread (``?``, ``#``, ``:``, spaces) is percent-encoded."""
    model = model.strip()
    if not model.startswith(("models/", "tunedModels/")):
        model = "models/" + model
    return quote(model, safe="/-_.~")


def _json_headers(endpoint: Endpoint, accept: str = "application/json") -> dict[str, str]:
    return merge_headers(
        {"Content-Type": "application/json", "Accept": accept},
        endpoint.auth_headers(),
        endpoint.headers,
    )


class GeminiCodec(ChatCodec):
    """Request builder and decoders for the Gemini API."""

    name = "gemini"

    def __init__(self) -> None:
        pass

    # -- chat -------------------------------------------------------------------------

    def build_chat(self, request: ChatRequest, endpoint: Endpoint, *, stream: bool) -> RequestSpec:
        request.validate()
        method = "streamGenerateContent?alt=sse" if stream else "generateContent"
        return RequestSpec(
            "POST",
            endpoint.url(f"/{model_path(request.model)}:{method}"),
            _json_headers(endpoint, "text/event-stream" if stream else "application/json"),
            dump_json(request_body(request)),
            "sse" if stream else "json",
        )

    def parse_chat(self, body: bytes) -> ChatResponse:
        return parse_chat_response(body)

    def new_stream_decoder(self) -> GeminiStreamDecoder:
        return GeminiStreamDecoder()

    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo:
        return parse_error(status_code, body)

    # -- models -----------------------------------------------------------------------

    def build_models(self, endpoint: Endpoint, page_token: str | None = None) -> RequestSpec:
        query: dict[str, Any] = {"pageSize": _MODELS_PAGE_SIZE}
        if page_token:
            query["pageToken"] = page_token
        headers = merge_headers(
            {"Accept": "application/json"}, endpoint.auth_headers(), endpoint.headers
        )
        return RequestSpec("GET", endpoint.url("/models?" + urlencode(query)), headers)

    def parse_models(self, body: bytes) -> ModelPage:
        return parse_model_page(body)

    # -- embeddings -------------------------------------------------------------------

    def build_embed(self, request: EmbedRequest, endpoint: Endpoint) -> RequestSpec:
        """One text goes to ``:embedContent``, more to ``:batchEmbedContents``:
        https://ai.google.dev/api/embeddings. ``extra_body`` fields (``taskType``,
        ``title``) apply to every text."""
        request.validate()
        if request.encoding_format not in (None, "float"):
            raise RequestValidationError(
                "encoding_format", "Gemini returns embeddings as floats only"
            )
        path = model_path(request.model)
        extra = request.extra_body or {}

        def one(text: str) -> dict[str, Any]:
            item: dict[str, Any] = {"content": {"parts": [{"text": text}]}}
            if request.dimensions is not None:
                item["outputDimensionality"] = request.dimensions
            item.update(extra)
            return item

        if len(request.input) == 1:
            method, body = "embedContent", one(request.input[0])
        else:
            # Each request of a batch names the model again, the one in the URL.
            method = "batchEmbedContents"
            body = {"requests": [{"model": path, **one(text)} for text in request.input]}
        return RequestSpec(
            "POST", endpoint.url(f"/{path}:{method}"), _json_headers(endpoint), dump_json(body)
        )

    def parse_embed(self, body: bytes) -> EmbedResponse:
        return parse_embeddings(body)

    # -- token counting (counting.py) ---------------------------------------------------

    def build_count_tokens(self, request: ChatRequest, endpoint: Endpoint) -> RequestSpec:
        from llm_connector.codecs.gemini.counting import count_tokens_body

        path = model_path(request.model)
        body = count_tokens_body(request, path)
        return RequestSpec(
            "POST", endpoint.url(f"/{path}:countTokens"), _json_headers(endpoint), dump_json(body)
        )

    def parse_count_tokens(self, body: bytes) -> int:
        # {"totalTokens": N}: https://ai.google.dev/api/tokens#method:-models.counttokens
        return token_count_of(body, "totalTokens")

    # -- explicit caches (caching.py; calls/caches.py) -------------------------------------

    def build_create_cache(
        self,
        request: ChatRequest,
        endpoint: Endpoint,
        *,
        ttl: float | None = None,
        display_name: str | None = None,
    ) -> RequestSpec:
        from llm_connector.codecs.gemini.caching import build_create_cache

        path = model_path(request.model)
        return build_create_cache(request, endpoint, path, ttl=ttl, display_name=display_name)

    def parse_cached_content(self, body: bytes) -> CachedContent:
        from llm_connector.codecs.gemini.caching import parse_cached_content

        return parse_cached_content(body)

    def build_delete_cache(self, name: str, endpoint: Endpoint) -> RequestSpec:
        from llm_connector.codecs.gemini.caching import build_delete_cache

        return build_delete_cache(name, endpoint)


def parse_chat_response(body: bytes) -> ChatResponse:
    """A ``generateContent`` body, read through the stream decoder so that a whole answer
    and a streamed one come out the same.

    A JSON array of responses (``streamGenerateContent`` without ``alt=sse``, which a proxy
    that drops the query may send) is read the same way, element by element.
    """
    text = body.decode("utf-8", "replace")
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        raise ResponseDecodeError("Gemini response is not valid JSON", body=text) from None
    items = value if isinstance(value, list) else [value]
    decoder = GeminiStreamDecoder()
    accumulator = StreamAccumulator()
    for item in items:
        if not isinstance(item, dict):
            raise ResponseDecodeError("Gemini response is not a JSON object", body=text)
        for chunk in decoder.decode(item, text):
            accumulator.add(chunk)
    for chunk in decoder.usage_chunk():
        accumulator.add(chunk)
    return accumulator.snapshot()
