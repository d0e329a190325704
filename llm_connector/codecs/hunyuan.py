"""Tencent Hunyuan's native API: action ``ChatCompletions`` of hunyuan.tencentcloudapi.com
(Tencent Cloud API 3.0, version 2023-09-01), signed with TC3-HMAC-SHA256 (tc3.py).

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

import json
import logging
from typing import Any
from urllib.parse import urlsplit

from llm_connector.codecs._base import (
    ChatCodec,
    Endpoint,
    ErrorInfo,
    RequestSpec,
    dump_json,
    merge_headers,
)
from llm_connector.codecs.hunyuan_parse import parse_chat_response, parse_error_body
from llm_connector.codecs.hunyuan_stream import HunyuanStreamDecoder
from llm_connector.codecs.tc3 import authorization
from llm_connector.errors import RequestValidationError
from llm_connector.types import (
    ChatRequest,
    ChatResponse,
    DocumentPart,
    ImagePart,
    Message,
    TextPart,
    Tool,
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


def chat_body(request: ChatRequest, *, stream: bool) -> dict[str, Any]:
    request.validate()
    if request.response_format is not None:
        raise RequestValidationError(
            "response_format", "Hunyuan's native API has no structured output"
        )
    body: dict[str, Any] = {
        "Model": request.model,
        "Messages": [_message(m, i) for i, m in enumerate(request.messages)],
        "Stream": stream,
    }
    optional = {
        "Temperature": request.temperature,
        "TopP": request.top_p,
        "Seed": request.seed,
        "Stop": list(request.stop) if request.stop is not None else None,
    }
    body.update((k, v) for k, v in optional.items() if v is not None)
    if request.tools:
        body["Tools"] = [_tool(t) for t in request.tools]
    choice = request.tool_choice
    if choice is not None:
        if choice.mode == "required":
            raise RequestValidationError(
                "tool_choice", "Hunyuan can force one named tool, not any tool"
            )
        if choice.mode == "function":
            body["ToolChoice"] = "custom"
            body["CustomTool"] = next(_tool(t) for t in request.tools if t.name == choice.name)
        else:
            body["ToolChoice"] = choice.mode
    if request.reasoning_effort is not None or request.thinking_budget is not None:
        off = request.reasoning_effort == "none" or (
            request.reasoning_effort is None and request.thinking_budget == 0
        )
        body["EnableThinking"] = not off
    unsent = {
        "max_tokens": request.max_tokens,
        "top_k": request.top_k,
        "presence_penalty": request.presence_penalty,
        "frequency_penalty": request.frequency_penalty,
        "user": request.user,
        "parallel_tool_calls": request.parallel_tool_calls,
    }
    dropped = sorted(name for name, value in unsent.items() if value is not None)
    if dropped:
        logger.debug("hunyuan: not sending %s (the API has no such field)", dropped)
    if request.extra_body:
        body.update(request.extra_body)
    return body


def _tool(tool: Tool) -> dict[str, Any]:
    function: dict[str, Any] = {
        "Name": tool.name,
        # A JSON string, not an object (models.py, ToolFunction.Parameters).
        "Parameters": json.dumps(tool.parameters, ensure_ascii=False),
    }
    if tool.description is not None:
        function["Description"] = tool.description
    return {"Type": "function", "Function": function}


def _message(message: Message, i: int) -> dict[str, Any]:
    role = "system" if message.role == "developer" else message.role
    out: dict[str, Any] = {"Role": role}
    content = message.content
    if content is None or isinstance(content, str):
        out["Content"] = content or ""
    else:
        contents: list[dict[str, Any]] = []
        for j, part in enumerate(content):
            field = f"messages[{i}].content[{j}]"
            if isinstance(part, TextPart):
                contents.append({"Type": "text", "Text": part.text})
            elif isinstance(part, ImagePart):
                if message.role != "user":
                    raise RequestValidationError(field, "images are only accepted in user messages")
                contents.append({"Type": "image_url", "ImageUrl": {"Url": part.as_data_url()}})
            elif isinstance(part, DocumentPart):
                raise RequestValidationError(field, "Hunyuan's chat takes no documents")
        out["Contents"] = contents
    if message.role == "tool":
        out["ToolCallId"] = message.tool_call_id
    if message.role == "assistant" and message.tool_calls:
        out["ToolCalls"] = [
            {
                "Id": call.id,
                "Type": "function",
                "Function": {"Name": call.function.name, "Arguments": call.function.arguments},
            }
            for call in message.tool_calls
        ]
    return out
