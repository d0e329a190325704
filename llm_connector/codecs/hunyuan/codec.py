"""Tencent Hunyuan's native API: action ``ChatCompletions`` of hunyuan.tencentcloudapi.com
(Tencent Cloud API 3.0, version 2023-09-01), signed with TC3-HMAC-SHA256 (hunyuan/signing.py).

API reference: https://cloud.tencent.com/document/api/1729/105701
Request fields (PascalCase): tencentcloud/hunyuan/v20230901/models.py of the official SDK
(https://github.com/TencentCloud/tencentcloud-sdk-python), ChatCompletionsRequest.

The endpoint's key is "SecretId:SecretKey" (the registry joins the pair); the host signed
is the base URL's, and a region, when the client has one, is its ``X-TC-Region`` header.
How the neutral request maps:

- messages -> ``Messages`` (``Role``/``Content``; images as ``Contents`` parts; tool results
  ``ToolCallId``; assistant ``ToolCalls``). ``ReasoningContent`` is never sent back: the
  API refuses a request that contains it (models.py, Message.ReasoningContent).
- temperature/top_p/seed/stop -> ``Temperature``/``TopP``/``Seed``/``Stop``; tools ->
  ``Tools`` (``Parameters`` as a JSON string); tool_choice auto/none/function ->
  ``ToolChoice`` auto/none/custom (+ ``CustomTool``); "required" has no equivalent and is
  refused; reasoning on/off -> ``EnableThinking``.
- max_tokens, top_k, penalties, user and parallel_tool_calls have no field: they are left
  out (logged at DEBUG); response_format is refused. ``extra_body`` is merged last
  (``{"EnableEnhancement": False}``).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from llm_connector.codecs.contract import (
    ChatCodec,
    Endpoint,
    ErrorInfo,
    RequestSpec,
    dump_json,
    merge_headers,
)
from llm_connector.codecs.hunyuan.parse import parse_chat_response, parse_error_body
from llm_connector.codecs.hunyuan.request import chat_body
from llm_connector.codecs.hunyuan.signing import authorization
from llm_connector.codecs.hunyuan.stream import HunyuanStreamDecoder
from llm_connector.errors import RequestValidationError
from llm_connector.types import (
    ChatRequest,
    ChatResponse,
)

logger = logging.getLogger("llm_connector")

ACTION = "ChatCompletions"
VERSION = "2023-09-01"
_CONTENT_TYPE = "application/json"


def _secret_pair(endpoint: Endpoint) -> tuple[str, str]:
    secret_id, sep, secret_key = (endpoint.api_key or "").partition(":")
    if not sep or not secret_id or not secret_key:
        # Never quote the key: it is the secret.
        raise RequestValidationError(
            "api_key",
            "Tencent Cloud signs with a SecretId and a SecretKey: pass both to "
            "tencent(secret_id, secret_key), or 'SecretId:SecretKey' as the key",
        )
    return secret_id, secret_key


class HunyuanCodec(ChatCodec):
    """Hunyuan's native ``ChatCompletions`` action."""

    name = "hunyuan"

    def build_chat(self, request: ChatRequest, endpoint: Endpoint, *, stream: bool) -> RequestSpec:
        body = chat_body(request, stream=stream)
        payload = dump_json(body)
        secret_id, secret_key = _secret_pair(endpoint)
        if endpoint.timestamp is None:
            raise RequestValidationError("timestamp", "signing a request needs its time")
        timestamp = int(endpoint.timestamp)
        url = endpoint.url("/")
        parts = urlsplit(url)
        signed = authorization(
            secret_id,
            secret_key,
            timestamp,
            parts.netloc,
            payload,
            content_type=_CONTENT_TYPE,
            path=parts.path or "/",
            query=parts.query,
        )
        headers = merge_headers(
            {
                "Content-Type": _CONTENT_TYPE,
                "Accept": "text/event-stream" if stream else "application/json",
                "X-TC-Action": ACTION,
                "X-TC-Version": VERSION,
                "X-TC-Timestamp": str(timestamp),
                "Authorization": signed,
            },
            endpoint.headers,
        )
        return RequestSpec("POST", url, headers, payload, "sse" if stream else "json")

    def parse_chat(self, body: bytes) -> ChatResponse:
        return parse_chat_response(body)

    def new_stream_decoder(self) -> HunyuanStreamDecoder:
        return HunyuanStreamDecoder()

    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo:
        return parse_error_body(status_code, body)
