"""Ollama's native API: ``/api/chat`` (NDJSON streaming), ``/api/tags``, ``/api/embed``,
and the model management endpoints ``/api/pull``, ``/api/delete`` and ``/api/show``.

API reference: https://github.com/ollama/ollama/blob/main/docs/api.md (moving to
https://docs.ollama.com/api). A local Ollama needs no key; ollama.com takes a Bearer key
(https://github.com/ollama/ollama/blob/main/docs/api/authentication.mdx).

How a neutral ChatRequest maps onto ``/api/chat``:

- sampling settings go under ``options`` (https://github.com/ollama/ollama/blob/main/docs/modelfile.mdx#valid-parameters-and-values):
  temperature, top_p, top_k, ``num_predict`` (max_tokens), stop, seed, presence_penalty,
  frequency_penalty;
- ``response_format`` becomes ``format``: ``"json"`` for a JSON object, the schema itself
  for a JSON schema;
- ``reasoning_effort`` / ``thinking_budget`` become ``think``: false for "none" (or a
  budget of 0), else "low" / "medium" / "high";
- ``extra_body`` is merged into the body last, so it can set what has no neutral field:
  ``extra_body={"keep_alive": "5m"}`` (or ``0`` to unload the model after the answer),
  ``{"think": "max"}``. Its ``options`` are merged *into* the options built from the
  request, key by key (``extra_body={"options": {"num_ctx": 8192}}`` keeps the
  temperature), and win where both set a key.

The rest is described where it is done (messages, tools, images) in request.py.
"""

from __future__ import annotations

from typing import Any

from llm_connector.codecs.contract import (
    ChatCodec,
    Endpoint,
    ErrorInfo,
    RequestSpec,
    dump_json,
    merge_headers,
)
from llm_connector.codecs.ollama.parse import (
    parse_chat_response,
    parse_embed,
    parse_error_body,
    parse_pull,
    parse_show,
    parse_tags,
)
from llm_connector.codecs.ollama.request import chat_body
from llm_connector.codecs.ollama.stream import OllamaStreamDecoder
from llm_connector.errors import RequestValidationError
from llm_connector.types import (
    ChatRequest,
    ChatResponse,
    EmbedRequest,
    EmbedResponse,
    ModelDetails,
    ModelPage,
)


class OllamaCodec(ChatCodec):
    """Ollama's native protocol.

    ``think_tags`` (on by default) moves ``<think>...</think>`` at the start of an answer
    into ``reasoning_content``, for reasoning models on servers that leave it in the text
    (see think_tags.py); it never touches an answer whose reasoning came separately.
    """

    name = "ollama"

    def __init__(self, *, think_tags: bool = True) -> None:
        self.think_tags = think_tags

    def _headers(self, endpoint: Endpoint, accept: str, *, body: bool) -> dict[str, str]:
        own = {"Content-Type": "application/json", "Accept": accept} if body else {"Accept": accept}
        return merge_headers(own, endpoint.auth_headers(), endpoint.headers)

    # -- chat -------------------------------------------------------------------------

    def build_chat(self, request: ChatRequest, endpoint: Endpoint, *, stream: bool) -> RequestSpec:
        body = chat_body(request, stream=stream)
        # Streams are NDJSON (https://github.com/ollama/ollama/blob/main/docs/api/streaming.mdx).
        accept = "application/x-ndjson" if stream else "application/json"
        return RequestSpec(
            "POST",
            endpoint.url("/api/chat"),
            self._headers(endpoint, accept, body=True),
            dump_json(body),
            "ndjson" if stream else "json",
        )

    def parse_chat(self, body: bytes) -> ChatResponse:
        return parse_chat_response(body, think_tags=self.think_tags)

    def new_stream_decoder(self) -> OllamaStreamDecoder:
        return OllamaStreamDecoder(think_tags=self.think_tags)

    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo:
        return parse_error_body(status_code, body)

    # -- models and embeddings --------------------------------------------------------

    def build_models(self, endpoint: Endpoint, page_token: str | None = None) -> RequestSpec:
        # One page: https://github.com/ollama/ollama/blob/main/docs/api.md#list-local-models
        return RequestSpec(
            "GET",
            endpoint.url("/api/tags"),
            self._headers(endpoint, "application/json", body=False),
        )

    def parse_models(self, body: bytes) -> ModelPage:
        return parse_tags(body)

    def build_embed(self, request: EmbedRequest, endpoint: Endpoint) -> RequestSpec:
        # https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings
        request.validate()
        if request.encoding_format not in (None, "float"):
            raise RequestValidationError(
                "encoding_format", "Ollama returns embeddings as floats only"
            )
        body: dict[str, Any] = {"model": request.model, "input": list(request.input)}
        if request.dimensions is not None:
            body["dimensions"] = request.dimensions
        # ``user`` has no Ollama counterpart (it only labels the caller); it is not sent.
        if request.extra_body:
            body.update(request.extra_body)
        return RequestSpec(
            "POST",
            endpoint.url("/api/embed"),
            self._headers(endpoint, "application/json", body=True),
            dump_json(body),
        )

    def parse_embed(self, body: bytes) -> EmbedResponse:
        return parse_embed(body)

    # -- model management -------------------------------------------------------------

    def _model_request(
        self, method: str, path: str, body: dict[str, Any], endpoint: Endpoint
    ) -> RequestSpec:
        return RequestSpec(
            method,
            endpoint.url(path),
            self._headers(endpoint, "application/json", body=True),
            dump_json(body),
        )

    def build_pull_model(self, name: str, endpoint: Endpoint) -> RequestSpec:
        # "stream": false makes the server answer once, when the model is ready:
        # https://github.com/ollama/ollama/blob/main/docs/api.md#pull-a-model
        return self._model_request("POST", "/api/pull", {"model": name, "stream": False}, endpoint)

    def parse_pull_model(self, body: bytes) -> None:
        parse_pull(body)

    def build_delete_model(self, name: str, endpoint: Endpoint) -> RequestSpec:
        # DELETE with a JSON body: https://github.com/ollama/ollama/blob/main/docs/api.md#delete-a-model
        return self._model_request("DELETE", "/api/delete", {"model": name}, endpoint)

    def build_show_model(self, name: str, endpoint: Endpoint) -> RequestSpec:
        # https://github.com/ollama/ollama/blob/main/docs/api.md#show-model-information
        return self._model_request("POST", "/api/show", {"model": name}, endpoint)

    def parse_show_model(self, body: bytes) -> ModelDetails:
        return parse_show(body)
