"""OpenAI's Responses API (``POST /responses``): requests, whole answers, errors, and the
stream decoder (in ``openai_responses_stream``).

API reference: https://platform.openai.com/docs/api-reference/responses/create
Streaming:     https://platform.openai.com/docs/api-reference/responses-streaming

Servers that speak it besides api.openai.com (llama.cpp, vLLM, LM Studio, OpenRouter,
DeepSeek, Bedrock) differ in details the decoder tolerates: no ``sequence_number`` or
``output_index`` (llama.cpp), no ``event:`` lines (OpenRouter), ``event:`` after
``data:`` (Bedrock), a trailing ``data: [DONE]`` (OpenRouter).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_connector.codecs.contract import Endpoint, ErrorInfo, RequestSpec, dump_json, merge_headers
from llm_connector.codecs.error_bodies import parse_error_body, provider_error_info
from llm_connector.codecs.json_readers import load_json_object
from llm_connector.codecs.openai_responses.parse import failed_response_error, responses_error
from llm_connector.codecs.openai_responses.request import refuse_images, request_body
from llm_connector.codecs.openai_responses.stream import ResponsesSource, ResponsesStreamDecoder
from llm_connector.responses import (
    ResponsesRequest,
    ResponsesResponse,
    ResponsesStreamEvent,
    chat_response_for,
)
from llm_connector.responses._json import response_from_json

if TYPE_CHECKING:
    from llm_connector.codecs.openai_chat.dialect import OpenAIDialect


class OpenAIResponsesCodec:
    """Request builder and answer parsers for ``/responses``; pure, like every codec."""

    name = "openai_responses"

    def __init__(self, path: str = "/responses", *, dialect: OpenAIDialect | None = None) -> None:
        self.path = path
        #: The provider's chat dialect, for what it refuses in any request (images).
        self.dialect = dialect

    def build_responses(
        self, request: ResponsesRequest, endpoint: Endpoint, *, stream: bool
    ) -> RequestSpec:
        request.validate()
        if self.dialect is not None and not self.dialect.images:
            # Refused here, before anything is sent, as its chat requests are: the server
            # would answer the image with a 400 on /responses, or the fallback would send
            # it to chat completions to be refused there, after a wasted request.
            refuse_images(request, self.dialect.name)
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
            endpoint.url(self.path),
            headers,
            dump_json(request_body(request, stream=stream)),
            "sse" if stream else "json",
        )

    def parse_response(self, body: bytes) -> ResponsesResponse:
        """A whole response body. A failed response, or a 200 body that is an error
        envelope, raises its typed error (``.partial`` holds what the response has)."""
        obj = load_json_object(body, "response")
        raw = body.decode("utf-8", "replace")
        error = obj.get("error")
        if error and obj.get("object") != "response" and "output" not in obj:
            raise responses_error(provider_error_info(error, "provider error"), raw)
        response = response_from_json(obj)
        if response.status == "failed":
            exc = failed_response_error(obj, raw)
            exc.partial = chat_response_for(response)
            raise exc
        return response

    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo:
        return parse_error_body(status_code, body)

    def new_stream_decoder(self) -> ResponsesStreamDecoder:
        return ResponsesStreamDecoder()


class NativeSource(ResponsesSource):
    """How a Responses stream reads a ``/responses`` answer (see ``StreamCore``)."""

    def __init__(self, codec: OpenAIResponsesCodec) -> None:
        self._codec = codec

    def new_decoder(self) -> ResponsesStreamDecoder:
        return self._codec.new_stream_decoder()

    def whole_body(self, body: bytes) -> list[ResponsesStreamEvent]:
        """A server that answers a stream request with one JSON body: the body is the
        response, so it is the stream's terminal event (a failed one raises)."""
        response = self._codec.parse_response(body)
        kind = "response.incomplete" if response.status == "incomplete" else "response.completed"
        obj = load_json_object(body, "response")
        return [ResponsesStreamEvent(kind, {"type": kind, "response": obj})]


# -- does the upstream lack /responses? ----------------------------------------------------
#
# What servers answer for a route they do not have (evidence in the report of issue 7):
#   OpenAI      404 {"error": {"message": "Invalid URL (POST /v1/responses)", ...}}
#               (https://github.com/ChatGPTNextWeb/NextChat/issues/423)
#   llama.cpp   404 {"error": {"message": "File Not Found", "type": "not_found_error", ...}}
#               (the e2e server; https://github.com/letta-ai/letta/issues/1856)
#   vLLM        404 {"detail": "Not Found"} (FastAPI; https://github.com/vllm-project/vllm/issues/5082)
#   Ollama      404 "404 page not found", text (https://github.com/langchain-ai/langchain/issues/32783)
#   LM Studio   200 {"error": "Unexpected endpoint or method. (POST /v1/responses)"}
#               (https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/618)
#   any         405 Method Not Allowed, 501 Not Implemented
# and the 404s that are about something else, where falling back would be wrong (and
# remembering it worse): a model or deployment that does not exist (OpenAI model_not_found,
# vLLM, Llama Stack https://github.com/opendatahub-io/odh-dashboard/pull/4873, Azure
# DeploymentNotFound), a previous_response_id the server does not know, OpenRouter's "No
# endpoints found that support tool use" (https://github.com/zed-industries/zed/issues/36094).
