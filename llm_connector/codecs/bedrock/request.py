"""Building a Converse request body from a neutral ChatRequest (pure).

API reference: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
(ConverseStream takes the same body: .../API_runtime_ConverseStream.html). The model id is
in the path (codec.py), not the body. How the neutral request maps:

- ``system`` and ``developer`` messages become ``system`` text blocks. Consecutive turns of
  one role are merged (Converse wants user and assistant to alternate); tool results are
  ``toolResult`` blocks of a user turn, first in it.
- Content: ``text``; images as ``image {format, source.bytes}`` (base64 in JSON);
  documents as ``document {format, name, source.bytes}``. Converse takes no http URLs
  (only ``s3Location``), so a part by URL is refused.
- An assistant turn is its signed reasoning (``reasoningContent.reasoningText {text,
  signature}`` or ``reasoningContent.redactedContent``, sent back as Anthropic thinking
  is: https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html),
  its text, then its ``toolUse {toolUseId, name, input}`` blocks.
- A tool result is ``toolResult {toolUseId, content}``: ``json`` when the text is a JSON
  object, else ``text``.
- ``inferenceConfig``: maxTokens, temperature, topP, stopSequences. ``toolConfig``: each
  tool a ``toolSpec {name, description, inputSchema.json}``; tool_choice auto / required /
  function as ``{"auto": {}}`` / ``{"any": {}}`` / ``{"tool": {"name"}}``. Converse has no
  "none": it is refused (leave the tools out instead).
- Reasoning settings are model fields (``additionalModelRequestFields``): Claude's
  ``thinking`` budget; other models take theirs through ``extra_body``.
- ``response_format`` json_schema is ``outputConfig.textFormat`` (the schema as a JSON
  string); json_object has no counterpart and is refused.
- ``extra_body``: keys that are Converse request fields (``guardrailConfig``,
  ``performanceConfig``, ``additionalModelRequestFields``, ...) are merged into the body;
  any other key is a model field, merged into ``additionalModelRequestFields``.
- ``top_k``, ``seed``, the penalties, ``user`` and ``parallel_tool_calls`` have no Converse
  field: they are left out (logged at DEBUG).
- A cache breakpoint is a ``cachePoint {type: default, ttl}`` block after what it ends: the
  tools (in ``toolConfig.tools``), a system block, a content block or a whole message
  (https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html,
  API_runtime_CachePointBlock.html: ttl ``5m`` or ``1h``); at most 4 in a request, longer
  lifetimes first, as Anthropic's (codecs/caching.py checks them before sending). A tool
  result's content takes no cache point: the whole tool message is the breakpoint.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from llm_connector.codecs.anthropic.thinking import EFFORT_BUDGETS, MIN_THINKING_BUDGET
from llm_connector.codecs.caching import check_breakpoints
from llm_connector.errors import RequestValidationError
from llm_connector.types import (
    CacheBreakpoint,
    ChatRequest,
    DocumentPart,
    ImagePart,
    Message,
    ReasoningBlock,
    TextPart,
    Tool,
    ToolCall,
)

logger = logging.getLogger("llm_connector")

#: The request fields of Converse besides messages, system, inferenceConfig and toolConfig
#: (API_runtime_Converse.html, "Request Body"): an ``extra_body`` key among them goes into
#: the body as it is; any other is a model field.
CONVERSE_FIELDS = frozenset(
    {
        "additionalModelRequestFields",
        "additionalModelResponseFieldPaths",
        "guardrailConfig",
        "inferenceConfig",
        "messages",
        "outputConfig",
        "performanceConfig",
        "promptVariables",
        "requestMetadata",
        "serviceTier",
        "system",
        "toolConfig",
    }
)

# ImageBlock.format and DocumentBlock.format:
# https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ImageBlock.html
# https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_DocumentBlock.html
_IMAGE_FORMATS: Mapping[str, str] = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
}
_DOCUMENT_FORMATS: Mapping[str, str] = {
    "application/pdf": "pdf",
    "text/csv": "csv",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/html": "html",
    "text/plain": "txt",
    "text/markdown": "md",
}


def converse_body(request: ChatRequest) -> dict[str, Any]:
    request.validate()
    check_breakpoints(request, "Bedrock")
    system, messages = _messages(request)
    body: dict[str, Any] = {"messages": messages}
    if system:
        body["system"] = system
    config = {
        "maxTokens": request.max_tokens,
        "temperature": request.temperature,
        "topP": request.top_p,
        "stopSequences": list(request.stop) if request.stop else None,
    }
    inference = {k: v for k, v in config.items() if v is not None}
    if inference:
        body["inferenceConfig"] = inference
    tool_config = _tool_config(request)
    if tool_config is not None:
        body["toolConfig"] = tool_config
    fmt = request.response_format
    if fmt is not None and fmt.type == "json_object":
        raise RequestValidationError(
            "response_format", "Bedrock has no JSON mode without a schema; use json_schema"
        )
    if fmt is not None and fmt.type == "json_schema":
        structure: dict[str, Any] = {"schema": json.dumps(fmt.schema), "name": fmt.name}
        if fmt.description:
            structure["description"] = fmt.description
        body["outputConfig"] = {
            "textFormat": {"type": "json_schema", "structure": {"jsonSchema": structure}}
        }
    model_fields = _reasoning_fields(request)
    unsent = {
        "top_k": request.top_k,
        "seed": request.seed,
        "presence_penalty": request.presence_penalty,
        "frequency_penalty": request.frequency_penalty,
        "user": request.user,
        "parallel_tool_calls": request.parallel_tool_calls,
    }
    dropped = sorted(name for name, value in unsent.items() if value is not None)
    if dropped:
        logger.debug("bedrock: not sending %s (Converse has no such field)", dropped)
    for key, value in (request.extra_body or {}).items():
        if key == "additionalModelRequestFields" and isinstance(value, Mapping):
            model_fields.update(value)
        elif key in CONVERSE_FIELDS:
            body[key] = value
        else:
            model_fields[key] = value
    if model_fields:
        body["additionalModelRequestFields"] = model_fields
    return body


def _reasoning_fields(request: ChatRequest) -> dict[str, Any]:
    """The model fields of the reasoning settings: Claude's ``thinking``; None set, none."""
    effort, budget = request.reasoning_effort, request.thinking_budget
    if effort is None and budget is None:
        return {}
    if "anthropic.claude" not in request.model:
        raise RequestValidationError(
            "reasoning_effort",
            "on Bedrock only Claude's thinking is set from the request; pass another model's "
            "reasoning fields through extra_body (they go to additionalModelRequestFields)",
        )
    # https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html
    if budget is None:
        budget = EFFORT_BUDGETS[effort] if effort is not None else 0
    if effort == "none" or budget == 0:
        return {"thinking": {"type": "disabled"}}
    return {"thinking": {"type": "enabled", "budget_tokens": max(budget, MIN_THINKING_BUDGET)}}


def _tool_config(request: ChatRequest) -> dict[str, Any] | None:
    choice = request.tool_choice
    if choice is not None and choice.mode == "none":
        raise RequestValidationError(
            "tool_choice", "Bedrock's Converse has no tool_choice 'none'; leave the tools out"
        )
    if not request.tools:
        return None
    config: dict[str, Any] = {"tools": [_tool(t) for t in request.tools]}
    if request.tools_cache is not None:
        config["tools"].append(_cache_point(request.tools_cache))
    if choice is not None:
        # https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolChoice.html
        if choice.mode == "function":
            config["toolChoice"] = {"tool": {"name": choice.name}}
        else:
            config["toolChoice"] = {"any" if choice.mode == "required" else "auto": {}}
    return config


def _tool(tool: Tool) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": tool.name}
    if tool.description is not None:
        spec["description"] = tool.description
    spec["inputSchema"] = {"json": tool.parameters}
    return {"toolSpec": spec}


# -- messages ---------------------------------------------------------------------------


def _messages(request: ChatRequest) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    system: list[dict[str, Any]] = []
    turns: list[dict[str, Any]] = []
    for i, message in enumerate(request.messages):
        if message.role in ("system", "developer"):
            system.extend(_cached(_system_blocks(message, i), message))
            continue
        role = "assistant" if message.role == "assistant" else "user"
        blocks = _blocks(message, i)
        if not blocks:
            if role == "user":
                raise RequestValidationError(
                    f"messages[{i}].content", "Bedrock rejects an empty user message"
                )
            continue
        blocks = _cached(blocks, message)
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    for turn in turns:
        if turn["role"] == "user":
            turn["content"] = _tool_results_first(turn["content"])
    if not turns:
        raise RequestValidationError("messages", "Bedrock needs a user or assistant message")
    return system, turns


def _system_blocks(message: Message, i: int) -> list[dict[str, Any]]:
    content = message.content
    if content is None or isinstance(content, str):
        return [{"text": content}] if content else []
    blocks: list[dict[str, Any]] = []
    for j, part in enumerate(content):
        if not isinstance(part, TextPart):
            raise RequestValidationError(
                f"messages[{i}].content[{j}]", "Bedrock's system prompt takes text only"
            )
        if part.text:
            blocks.append({"text": part.text})
        _part_cache_point(blocks, part.cache, f"messages[{i}].content[{j}]", bool(part.text))
    return blocks


def _cache_point(breakpoint: CacheBreakpoint) -> dict[str, Any]:
    point = {"type": "default"}
    if breakpoint.ttl is not None:
        point["ttl"] = breakpoint.ttl
    return {"cachePoint": point}


def _cached(blocks: list[dict[str, Any]], message: Message) -> list[dict[str, Any]]:
    """``blocks`` and, when the message is a breakpoint, a cache point after them."""
    if message.cache is not None and blocks:
        blocks.append(_cache_point(message.cache))
    return blocks


def _part_cache_point(
    blocks: list[dict[str, Any]], breakpoint: CacheBreakpoint | None, field: str, sent: bool
) -> None:
    if breakpoint is None:
        return
    if not sent:
        raise RequestValidationError(f"{field}.cache", "an empty text cannot be cached")
    blocks.append(_cache_point(breakpoint))


def _tool_results_first(content: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A user turn's blocks with its tool results first (Converse wants them so), each
    block keeping the cache point that follows it."""
    groups: list[list[dict[str, Any]]] = []
    for block in content:
        if "cachePoint" in block and groups:
            groups[-1].append(block)
        else:
            groups.append([block])
    groups.sort(key=lambda group: "toolResult" not in group[0])
    return [block for group in groups for block in group]


def _blocks(message: Message, i: int) -> list[dict[str, Any]]:
    if message.role == "tool":
        return [_tool_result(message, i)]
    blocks: list[dict[str, Any]] = []
    if message.role == "assistant":
        blocks.extend(_reasoning(b) for b in message.reasoning_blocks if _is_signed(b))
    blocks.extend(_content(message, i))
    if message.role == "assistant":
        blocks.extend(
            _tool_use(c, f"messages[{i}].tool_calls[{j}]") for j, c in enumerate(message.tool_calls)
        )
    return blocks


def _tool_result(message: Message, i: int) -> dict[str, Any]:
    # https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolResultBlock.html
    content: list[dict[str, Any]] = []
    for block in _content(message, i):
        if "text" in block:
            value = _json_object(block["text"])
            block = {"json": value} if value is not None else block
        content.append(block)
    if not content:
        content = [{"text": ""}]
    result: dict[str, Any] = {"toolUseId": message.tool_call_id, "content": content}
    if message.tool_error:
        result["status"] = "error"
    return {"toolResult": result}


def _json_object(text: str) -> dict[str, Any] | None:
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _content(message: Message, i: int) -> list[dict[str, Any]]:
    content = message.content
    if content is None:
        return []
    if isinstance(content, str):
        # Converse rejects blank text blocks.
        return [{"text": content}] if content else []
    blocks: list[dict[str, Any]] = []
    for j, part in enumerate(content):
        field = f"messages[{i}].content[{j}]"
        if part.cache is not None and message.role == "tool":
            raise RequestValidationError(
                f"{field}.cache",
                "a tool result's content takes no cache point on Bedrock: cache the whole "
                "tool message (Message.tool(...).with_cache())",
            )
        if isinstance(part, TextPart):
            if part.text:
                blocks.append({"text": part.text})
        elif message.role == "assistant":
            raise RequestValidationError(
                field, "Bedrock takes images and documents in user and tool turns only"
            )
        elif isinstance(part, ImagePart):
            blocks.append(_image(part, field))
        elif isinstance(part, DocumentPart):
            blocks.append(_document(part, field, j))
        _part_cache_point(
            blocks, part.cache, field, not isinstance(part, TextPart) or bool(part.text)
        )
    return blocks


def _image(part: ImagePart, field: str) -> dict[str, Any]:
    if part.url is not None:
        raise RequestValidationError(
            field, "Bedrock takes images inline (or from S3), not by URL: send the data"
        )
    fmt = _IMAGE_FORMATS.get(part.media_type or "")
    if fmt is None:
        raise RequestValidationError(
            f"{field}.media_type",
            f"Bedrock takes {', '.join(sorted(_IMAGE_FORMATS))} images, not {part.media_type}",
        )
    return {"image": {"format": fmt, "source": {"bytes": part.data}}}


def _document(part: DocumentPart, field: str, j: int) -> dict[str, Any]:
    if part.data is None:
        raise RequestValidationError(
            field, "Bedrock takes documents inline (or from S3), not by URL or file id"
        )
    fmt = _DOCUMENT_FORMATS.get(part.media_type)
    if fmt is None:
        raise RequestValidationError(
            f"{field}.media_type", f"Bedrock takes no {part.media_type} documents"
        )
    # The name is required, and may hold only letters, digits, single spaces, hyphens,
    # parentheses and square brackets (DocumentBlock.name).
    name = part.filename.rsplit(".", 1)[0] if part.filename else f"document {j + 1}"
    cleaned = "".join(c if c.isalnum() or c in " -()[]" else " " for c in name)
    name = " ".join(cleaned.split()) or f"document {j + 1}"
    return {"document": {"format": fmt, "name": name, "source": {"bytes": part.data}}}


def _is_signed(block: ReasoningBlock) -> bool:
    return block.redacted is not None or block.signature is not None


def _reasoning(block: ReasoningBlock) -> dict[str, Any]:
    # https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ReasoningContentBlock.html
    if block.redacted is not None:
        return {"reasoningContent": {"redactedContent": block.redacted}}
    return {
        "reasoningContent": {"reasoningText": {"text": block.text, "signature": block.signature}}
    }


def _tool_use(call: ToolCall, field: str) -> dict[str, Any]:
    try:
        arguments = json.loads(call.function.arguments or "{}")
    except ValueError:
        arguments = None
    if not isinstance(arguments, dict):
        raise RequestValidationError(
            f"{field}.function.arguments", "Bedrock needs tool-call arguments as a JSON object"
        )
    return {"toolUse": {"toolUseId": call.id, "name": call.function.name, "input": arguments}}
