"""The JSON body of a Responses API request (pure).

https://platform.openai.com/docs/api-reference/responses/create
"""

from __future__ import annotations

from typing import Any

from llm_connector.errors import RequestValidationError
from llm_connector.responses import (
    FunctionCallItem,
    FunctionCallOutputItem,
    HostedTool,
    MessageItem,
    OtherItem,
    OutputText,
    ReasoningItem,
    Refusal,
    ResponsesItem,
    ResponsesRequest,
)
from llm_connector.types import (
    DocumentPart,
    ImagePart,
    ResponseFormat,
    TextPart,
    Tool,
    ToolChoice,
)


def request_body(request: ResponsesRequest, *, stream: bool) -> dict[str, Any]:
    """The body for ``POST /responses``; ``extra_body`` fields are merged in last."""
    body: dict[str, Any] = {"model": request.model}
    if isinstance(request.input, str):
        body["input"] = request.input
    elif request.input is not None:
        body["input"] = [item_json(item, f"input[{i}]") for i, item in enumerate(request.input)]
    reasoning = request.reasoning
    optional: dict[str, Any] = {
        "instructions": request.instructions,
        "parallel_tool_calls": request.parallel_tool_calls,
        "max_output_tokens": request.max_output_tokens,
        "temperature": request.temperature,
        "top_p": request.top_p,
        "previous_response_id": request.previous_response_id,
        "store": request.store,
        "include": list(request.include) if request.include is not None else None,
        "safety_identifier": request.safety_identifier,
        "prompt_cache_key": request.prompt_cache_key,
        "prompt_cache_retention": request.prompt_cache_retention,
    }
    body.update((k, v) for k, v in optional.items() if v is not None)
    if request.tools:
        body["tools"] = [_tool(tool) for tool in request.tools]
    if request.tool_choice is not None:
        body["tool_choice"] = _tool_choice(request.tool_choice)
    if reasoning is not None:
        settings = {"effort": reasoning.effort, "summary": reasoning.summary}
        body["reasoning"] = {k: v for k, v in settings.items() if v is not None}
    if request.text_format is not None:
        body["text"] = {"format": _text_format(request.text_format)}
    if stream:
        body["stream"] = True
    if request.extra_body:
        body.update(request.extra_body)
    return body


def refuse_images(request: ResponsesRequest, provider: str) -> None:
    """Refuse the first image part of the input, for a provider whose models read text only
    (``OpenAIDialect.images``), naming the part as the request has it."""
    if isinstance(request.input, str) or request.input is None:
        return
    for i, item in enumerate(request.input):
        if not isinstance(item, MessageItem) or isinstance(item.content, str):
            continue
        for j, part in enumerate(item.content):
            if isinstance(part, ImagePart):
                raise RequestValidationError(
                    f"input[{i}].content[{j}]",
                    f"{provider} does not accept images (its models read text only)",
                )


def item_json(item: ResponsesItem, field: str = "item") -> dict[str, Any]:
    """One input item as the API's JSON."""
    if isinstance(item, OtherItem):
        return item.data
    out: dict[str, Any]
    if isinstance(item, MessageItem):
        # "type": "message" is optional for OpenAI but llama.cpp needs it to read an
        # assistant message ("Cannot determine type of 'item'" without it).
        out = {"type": "message", "role": item.role, "content": _content(item, field)}
        extra = {"id": item.id, "status": item.status, "phase": item.phase}
    elif isinstance(item, FunctionCallItem):
        out = {
            "type": "function_call",
            "call_id": item.call_id,
            "name": item.name,
            "arguments": item.arguments,
        }
        extra = {"id": item.id, "status": item.status}
    elif isinstance(item, FunctionCallOutputItem):
        out = {"type": "function_call_output", "call_id": item.call_id, "output": item.output}
        extra = {"id": item.id, "status": item.status}
    else:
        out = _reasoning(item)
        extra = {"status": item.status}
    out.update((k, v) for k, v in extra.items() if v is not None)
    return out


def _reasoning(item: ReasoningItem) -> dict[str, Any]:
    # A reasoning item always has a summary list, possibly empty:
    # https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
    out: dict[str, Any] = {"type": "reasoning"}
    if item.id is not None:
        out["id"] = item.id
    out["summary"] = [{"type": "summary_text", "text": text} for text in item.summary]
    if item.content:
        out["content"] = [{"type": "reasoning_text", "text": text} for text in item.content]
    if item.encrypted_content is not None:
        out["encrypted_content"] = item.encrypted_content
    return out


def _content(item: MessageItem, field: str) -> str | list[dict[str, Any]]:
    if isinstance(item.content, str):
        return item.content
    assistant = item.role == "assistant"
    parts: list[dict[str, Any]] = []
    for j, part in enumerate(item.content):
        where = f"{field}.content[{j}]"
        if isinstance(part, (TextPart, OutputText)):
            if assistant:
                # An output_text part always has its annotations, possibly none:
                # https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
                notes = list(part.annotations) if isinstance(part, OutputText) else []
                parts.append({"type": "output_text", "text": part.text, "annotations": notes})
            else:
                parts.append({"type": "input_text", "text": part.text})
        elif isinstance(part, Refusal):
            parts.append({"type": "refusal", "refusal": part.refusal})
        elif assistant:
            raise RequestValidationError(where, "an assistant message holds only text parts")
        elif isinstance(part, ImagePart):
            # ``detail`` is required on an input_image (CreateResponse's InputImageContent);
            # "auto" is the documented default:
            # https://platform.openai.com/docs/guides/images-vision?api-mode=responses#specify-image-input-detail-level
            parts.append(
                {
                    "type": "input_image",
                    "image_url": part.as_data_url(),
                    "detail": part.detail or "auto",
                }
            )
        else:
            parts.append(_file(part))
    return parts


def _file(part: DocumentPart) -> dict[str, Any]:
    # https://platform.openai.com/docs/guides/pdf-files?api-mode=responses
    if part.file_id is not None:
        return {"type": "input_file", "file_id": part.file_id}
    if part.url is not None:
        return {"type": "input_file", "file_url": part.url}
    return {
        "type": "input_file",
        "filename": part.filename or "document.pdf",
        "file_data": f"data:{part.media_type};base64,{part.data}",
    }


def _tool(tool: Tool | HostedTool) -> dict[str, Any]:
    if isinstance(tool, HostedTool):
        return tool.spec
    # Function tools are flat in the Responses API (no nested "function" object):
    # https://platform.openai.com/docs/guides/function-calling?api-mode=responses
    out: dict[str, Any] = {"type": "function", "name": tool.name}
    if tool.description is not None:
        out["description"] = tool.description
    out["parameters"] = tool.parameters
    # ``strict`` is always sent: when it is omitted, the Responses API makes the function
    # strict (every property required, no others allowed), unlike chat completions, so a
    # tool the user did not ask to be strict says ``strict: false``. The CreateResponse
    # schema lists ``strict`` as required on a function tool.
    # https://platform.openai.com/docs/guides/function-calling?api-mode=responses#strict-mode
    out["strict"] = bool(tool.strict)
    return out


def _tool_choice(choice: ToolChoice) -> str | dict[str, Any]:
    if choice.mode == "function":
        return {"type": "function", "name": choice.name}
    return choice.mode


def _text_format(fmt: ResponseFormat) -> dict[str, Any]:
    # text.format is flat too: https://platform.openai.com/docs/guides/structured-outputs?api-mode=responses
    if fmt.type != "json_schema":
        return {"type": fmt.type}
    out: dict[str, Any] = {"type": "json_schema", "name": fmt.name, "schema": fmt.schema}
    if fmt.strict is not None:
        out["strict"] = fmt.strict
    if fmt.description is not None:
        out["description"] = fmt.description
    return out
