"""Building Tencent Hunyuan's native ``ChatCompletions`` body from a neutral ChatRequest
(pure). API reference: https://cloud.tencent.com/document/api/1729/105701
"""

from __future__ import annotations

import json
import logging
from typing import Any

from llm_connector.codecs.caching import note_unsent
from llm_connector.errors import RequestValidationError
from llm_connector.types import ChatRequest, DocumentPart, ImagePart, Message, TextPart, Tool

logger = logging.getLogger("llm_connector")


def chat_body(request: ChatRequest, *, stream: bool) -> dict[str, Any]:
    request.validate()
    note_unsent(request, "hunyuan")  # it caches prompts on its own (docs/caching.md)
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
