"""Building Ollama's ``/api/chat`` request body from a neutral ChatRequest (pure).

https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion
Every problem is a ``RequestValidationError`` naming the field, raised before anything is
sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llm_connector.codecs.caching import note_unsent
from llm_connector.codecs.reasoning import effort_for_budget
from llm_connector.errors import RequestValidationError
from llm_connector.types import (
    ChatRequest,
    DocumentPart,
    ImagePart,
    Message,
    ResponseFormat,
    TextPart,
    Tool,
    ToolCall,
)

# Ollama's message roles are system, user, assistant and tool; OpenAI's "developer" is
# its newer name for system instructions.
_ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant"}

# reasoning_effort -> think. Ollama takes true/false or "low" / "medium" / "high" (newer
# servers also "max"; send that with extra_body={"think": "max"}), and gpt-oss only the
# levels: https://github.com/ollama/ollama/blob/main/docs/capabilities/thinking.mdx
_THINK: Mapping[str, bool | str] = {
    "none": False,
    "minimal": "low",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "xhigh": "high",
}


def chat_body(request: ChatRequest, *, stream: bool) -> dict[str, Any]:
    request.validate()
    note_unsent(request, "ollama")  # it caches prompts on its own (docs/caching.md)
    body: dict[str, Any] = {
        "model": request.model,
        "messages": _messages(request.messages),
        # The server streams unless told not to: https://github.com/ollama/ollama/blob/main/docs/api.md#streaming-responses
        "stream": stream,
    }
    tools = _tools(request)
    if tools:
        body["tools"] = tools
    if request.response_format is not None:
        fmt = _format(request.response_format)
        if fmt is not None:
            body["format"] = fmt
    think = _think(request)
    if think is not None:
        body["think"] = think
    options = _options(request)
    extra = dict(request.extra_body or {})
    if "options" in extra:
        extra_options = extra.pop("options")
        if not isinstance(extra_options, Mapping):
            raise RequestValidationError(
                "extra_body['options']", "must be a mapping of Ollama model options"
            )
        # Merged key by key: extra options add to (and override) the request's own.
        options.update(extra_options)
    if options:
        body["options"] = options
    body.update(extra)
    return body


def _options(request: ChatRequest) -> dict[str, Any]:
    # https://github.com/ollama/ollama/blob/main/docs/modelfile.mdx#valid-parameters-and-values
    # (presence and frequency penalties are options too:
    # https://github.com/ollama/ollama/blob/main/api/types.go, ``Options``).
    options: dict[str, Any] = {
        "temperature": request.temperature,
        "top_p": request.top_p,
        "top_k": request.top_k,
        "num_predict": request.max_tokens,
        "stop": list(request.stop) if request.stop is not None else None,
        "seed": request.seed,
        "presence_penalty": request.presence_penalty,
        "frequency_penalty": request.frequency_penalty,
    }
    return {key: value for key, value in options.items() if value is not None}


def _think(request: ChatRequest) -> bool | str | None:
    if request.reasoning_effort is not None:
        return _THINK[request.reasoning_effort]
    if request.thinking_budget is not None:
        # No budgets in Ollama: the budget picks a level as it does for OpenAI's effort.
        return _THINK[effort_for_budget(request.thinking_budget)]
    return None


def _format(fmt: ResponseFormat) -> str | dict[str, Any] | None:
    # "json" or a JSON schema: https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-structured-outputs
    if fmt.type == "json_object":
        return "json"
    if fmt.type == "json_schema":
        return dict(fmt.schema or {})
    return None  # free text is what Ollama answers without a format


def _tools(request: ChatRequest) -> list[dict[str, Any]]:
    """Ollama has no ``tool_choice``: "auto" is what it does anyway, and "none" is the same
    as offering no tools; a forced call cannot be asked for. It has no
    ``parallel_tool_calls`` switch either (models call as many tools as they like)."""
    choice = request.tool_choice
    if choice is not None and choice.mode in ("required", "function"):
        raise RequestValidationError(
            "tool_choice", "Ollama cannot force a tool call; use 'auto' or 'none'"
        )
    if request.parallel_tool_calls is False:
        raise RequestValidationError(
            "parallel_tool_calls", "Ollama cannot limit a model to one tool call per turn"
        )
    if choice is not None and choice.mode == "none":
        return []
    return [_tool(tool) for tool in request.tools]


def _tool(tool: Tool) -> dict[str, Any]:
    # https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-with-tools
    function: dict[str, Any] = {"name": tool.name}
    if tool.description is not None:
        function["description"] = tool.description
    function["parameters"] = tool.parameters
    return {"type": "function", "function": function}


def _messages(messages: tuple[Message, ...]) -> list[dict[str, Any]]:
    """Ollama's messages have no ``name`` (only a tool result's ``tool_name``): a user's or
    an assistant's name is not sent."""
    out: list[dict[str, Any]] = []
    for i, message in enumerate(messages):
        if message.role == "tool":
            out.append(_tool_result(message, i, messages))
            continue
        text, images = _content(message, i)
        item: dict[str, Any] = {"role": _ROLES[message.role], "content": text}
        if images:
            item["images"] = images
        if message.role == "assistant":
            if message.reasoning_content:
                # Sent back so that templates that render past reasoning can:
                # https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion
                item["thinking"] = message.reasoning_content
            if message.tool_calls:
                item["tool_calls"] = [
                    _tool_call(call, f"messages[{i}].tool_calls[{j}]")
                    for j, call in enumerate(message.tool_calls)
                ]
        out.append(item)
    return out


def _content(message: Message, i: int) -> tuple[str, list[str]]:
    """A message's text (its text parts joined by newlines) and its images as base64
    strings, which is how Ollama takes them: ``message.images``
    (https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-with-images)."""
    content = message.content
    if content is None or isinstance(content, str):
        return content or "", []
    texts: list[str] = []
    images: list[str] = []
    for j, part in enumerate(content):
        field = f"messages[{i}].content[{j}]"
        if isinstance(part, TextPart):
            texts.append(part.text)
        elif isinstance(part, ImagePart):
            images.append(_image_data(part, field))
        elif isinstance(part, DocumentPart):
            raise RequestValidationError(
                field, "Ollama takes no documents; send their text as a TextPart"
            )
    return "\n".join(texts), images


def _image_data(part: ImagePart, field: str) -> str:
    if part.data is not None:
        return part.data
    url = part.url or ""
    if url.startswith("data:"):
        header, sep, data = url.partition(",")
        if sep and header.endswith(";base64"):
            return data
    # Ollama cannot fetch an image, and downloading it here would be I/O in a codec.
    raise RequestValidationError(
        field,
        "Ollama takes images as base64 data, not by URL; "
        "use ImagePart.from_bytes / from_path / from_base64",
    )


def _tool_call(call: ToolCall, field: str) -> dict[str, Any]:
    """An earlier tool call, with its arguments as an object, as Ollama sends them."""
    try:
        arguments = json.loads(call.function.arguments or "{}")
    except ValueError:
        arguments = None
    if not isinstance(arguments, dict):
        raise RequestValidationError(
            f"{field}.function.arguments", "must be a JSON object for Ollama"
        )
    out: dict[str, Any] = {"function": {"name": call.function.name, "arguments": arguments}}
    if call.id:
        out = {"id": call.id, **out}
    return out


def _tool_result(message: Message, i: int, messages: tuple[Message, ...]) -> dict[str, Any]:
    """A tool's answer. Ollama matches it to its call by ``tool_name`` (and, on servers
    that send call ids, by ``tool_call_id``):
    https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-with-history-with-tools.
    The name is the message's own, else that of the call it answers."""
    text, images = _content(message, i)
    if images:
        raise RequestValidationError(
            f"messages[{i}].content", "Ollama takes no images in a tool result"
        )
    name = message.name or _called_name(message.tool_call_id, messages[:i])
    item: dict[str, Any] = {"role": "tool", "content": text}
    if name:
        item["tool_name"] = name
    if message.tool_call_id:
        item["tool_call_id"] = message.tool_call_id
    return item


def _called_name(call_id: str | None, earlier: tuple[Message, ...]) -> str | None:
    """The name of the latest earlier tool call with this id."""
    for message in reversed(earlier):
        for call in message.tool_calls:
            if call.id == call_id:
                return call.function.name
    return None
