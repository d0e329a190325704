"""DashScope's native protocol (Alibaba Cloud Model Studio):
``POST /services/aigc/text-generation/generation`` (text models) and
``/services/aigc/multimodal-generation/generation`` (when a message has an image).

API reference: https://help.aliyun.com/zh/model-studio/qwen-api-via-dashscope
(English: https://www.alibabacloud.com/help/en/model-studio/qwen-api-via-dashscope)

The body is ``{"model", "input": {"messages"}, "parameters": {...}}``. Streaming is SSE,
asked for with the ``X-DashScope-SSE: enable`` header; ``parameters.result_format`` is
always "message" (choices with messages, tool calls and reasoning) and a stream asks for
``incremental_output`` (each event new text only; the thinking mode allows nothing else:
https://help.aliyun.com/zh/model-studio/deep-thinking). How the neutral request maps:

- temperature, top_p, top_k, max_tokens, stop, seed, presence_penalty, tools, tool_choice
  (auto/none/function; "required" is refused), parallel_tool_calls, response_format ->
  the same names under ``parameters``; reasoning on/off -> ``enable_thinking``, a budget
  -> ``thinking_budget``. frequency_penalty and user have no field: left out (logged).
- ``extra_body`` is merged last, its ``parameters`` and ``input`` key by key
  (``extra_body={"parameters": {"enable_search": True}}``).
- Reasoning is not sent back: the API documents no use for it in requests.
"""

from __future__ import annotations

import logging

from llm_connector.codecs.contract import (
    ChatCodec,
    Endpoint,
    ErrorInfo,
    RequestSpec,
    dump_json,
    merge_headers,
)
from llm_connector.codecs.dashscope.parse import parse_chat_response, parse_error_body
from llm_connector.codecs.dashscope.request import chat_body
from llm_connector.codecs.dashscope.stream import DashScopeStreamDecoder
from llm_connector.types import (
    ChatRequest,
    ChatResponse,
)

logger = logging.getLogger("llm_connector")

TEXT_PATH = "/services/aigc/text-generation/generation"
MULTIMODAL_PATH = "/services/aigc/multimodal-generation/generation"


class DashScopeCodec(ChatCodec):
    """DashScope's native chat protocol.

    ``incremental_output=False`` asks for events that repeat the whole answer so far (the
    API's own default); the decoder turns them back into increments.
    """

    name = "dashscope"

    def __init__(self, *, incremental_output: bool = True) -> None:
        self.incremental_output = incremental_output

    def build_chat(self, request: ChatRequest, endpoint: Endpoint, *, stream: bool) -> RequestSpec:
        body, multimodal = chat_body(
            request, stream=stream, incremental_output=self.incremental_output
        )
        headers: dict[str, str] = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if stream else "application/json",
        }
        if stream:
            headers["X-DashScope-SSE"] = "enable"
        return RequestSpec(
            "POST",
            endpoint.url(MULTIMODAL_PATH if multimodal else TEXT_PATH),
            merge_headers(headers, endpoint.auth_headers(), endpoint.headers),
            dump_json(body),
            "sse" if stream else "json",
        )

    def parse_chat(self, body: bytes) -> ChatResponse:
        return parse_chat_response(body)

    def new_stream_decoder(self) -> DashScopeStreamDecoder:
        return DashScopeStreamDecoder(cumulative=not self.incremental_output)

    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo:
        return parse_error_body(status_code, body)
