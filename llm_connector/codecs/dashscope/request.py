"""Building DashScope's native request body from a neutral ChatRequest (pure).

API reference: https://help.aliyun.com/zh/model-studio/qwen-api-via-dashscope; how the
neutral request maps is in codec.py's docstring.
"""

from __future__ import annotations

import logging
from typing import Any

from llm_connector.codecs.caching import note_unsent
from llm_connector.codecs.reasoning import thinking_fields
from llm_connector.errors import RequestValidationError
from llm_connector.types import (
    ChatRequest,
    DocumentPart,
    ImagePart,
    Message,
    ResponseFormat,
    TextPart,
    Tool,
)

logger = logging.getLogger("llm_connector")


def chat_body(
    request: ChatRequest, *, stream: bool, incremental_output: bool = True
) -> tuple[dict[str, Any], bool]:
    """The body, and whether it goes to the multimodal endpoint. ``incremental_output``:
    what a stream asks for (see DashScopeCodec)."""
    request.validate()
    note_unsent(request, "dashscope")  # it caches prompts on its own (docs/caching.md)
    multimodal = any(
        isinstance(part, ImagePart)
        for m in request.messages
        if not isinstance(m.content, (str, type(None)))
        for part in m.content
    )
    parameters: dict[str, Any] = {"result_format": "message"}
    if stream:
        parameters["incremental_output"] = incremental_output
    optional = {
        "temperature": request.temperature,
        "top_p": request.top_p,
        "top_k": request.top_k,
        "max_tokens": request.max_tokens,
        "stop": list(request.stop) if request.stop is not None else None,
        "seed": request.seed,
        "presence_penalty": request.presence_penalty,
        "parallel_tool_calls": request.parallel_tool_calls,
    }
    parameters.update((k, v) for k, v in optional.items() if v is not None)
    if request.tools:
        parameters["tools"] = [_tool(t) for t in request.tools]
    choice = request.tool_choice
    if choice is not None:
        if choice.mode == "required":
            raise RequestValidationError(
                "tool_choice", "DashScope takes auto, none or one named tool, not required"
            )
        parameters["tool_choice"] = (
            {"type": "function", "function": {"name": choice.name}}
            if choice.mode == "function"
            else choice.mode
        )
    if request.response_format is not None:
        parameters["response_format"] = _response_format(request.response_format)
    parameters.update(thinking_fields(request, "enable_thinking", provider="aliyun"))
    unsent = {"frequency_penalty": request.frequency_penalty, "user": request.user}
    dropped = sorted(name for name, value in unsent.items() if value is not None)
    if dropped:
        logger.debug("aliyun: not sending %s (the API has no such field)", dropped)
    messages = [_message(m, i, multimodal=multimodal) for i, m in enumerate(request.messages)]
    body: dict[str, Any] = {
        "model": request.model,
        "input": {"messages": messages},
        "parameters": parameters,
    }
    for key, value in (request.extra_body or {}).items():
        if key in ("input", "parameters") and isinstance(value, dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    if stream and body["parameters"].get("incremental_output") != incremental_output:
        raise RequestValidationError(
            "extra_body.parameters.incremental_output",
            "the stream decoder follows the client's setting: aliyun(incremental_output=...)",
        )
    return body, multimodal


def _tool(tool: Tool) -> dict[str, Any]:
    function: dict[str, Any] = {"name": tool.name, "parameters": tool.parameters}
    if tool.description is not None:
        function["description"] = tool.description
    return {"type": "function", "function": function}


def _response_format(fmt: ResponseFormat) -> dict[str, Any]:
    # https://help.aliyun.com/zh/model-studio/json-mode (json_object and json_schema)
    if fmt.type != "json_schema":
        return {"type": fmt.type}
    spec: dict[str, Any] = {"name": fmt.name, "schema": fmt.schema}
    if fmt.strict is not None:
        spec["strict"] = fmt.strict
    return {"type": "json_schema", "json_schema": spec}


def _message(message: Message, i: int, *, multimodal: bool) -> dict[str, Any]:
    role = "system" if message.role == "developer" else message.role
    out: dict[str, Any] = {"role": role}
    content = message.content
    if isinstance(content, str) or content is None:
        text = content or ""
        out["content"] = [{"text": text}] if multimodal else text
    else:
        parts: list[dict[str, Any]] = []
        for j, part in enumerate(content):
            field = f"messages[{i}].content[{j}]"
            if isinstance(part, TextPart):
                parts.append({"text": part.text})
            elif isinstance(part, ImagePart):
                if message.role != "user":
                    raise RequestValidationError(field, "images are only accepted in user messages")
                # A URL or a data: URL (https://help.aliyun.com/zh/model-studio/vision).
                parts.append({"image": part.as_data_url()})
            elif isinstance(part, DocumentPart):
                raise RequestValidationError(field, "DashScope's chat takes no documents")
        out["content"] = parts if multimodal else "".join(p.get("text", "") for p in parts)
    if message.role == "tool":
        out["tool_call_id"] = message.tool_call_id
        if message.name:
            out["name"] = message.name
    if message.role == "assistant" and message.tool_calls:
        out["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.function.name, "arguments": call.function.arguments},
            }
            for call in message.tool_calls
        ]
    return out
