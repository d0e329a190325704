"""The body of an OpenAI chat-completions request, shaped by a provider's dialect.

https://platform.openai.com/docs/api-reference/chat/create
"""

from __future__ import annotations

import json
import logging
from typing import Any

from llm_connector.codecs.caching import note_unsent
from llm_connector.codecs.openai_chat.dialect import OpenAIDialect
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
    ToolCall,
    ToolChoice,
)
from llm_connector.types._request import SAFETY_IDENTIFIER_MAX

logger = logging.getLogger("llm_connector")


def chat_body(request: ChatRequest, dialect: OpenAIDialect, *, stream: bool) -> dict[str, Any]:
    """The JSON body for ``request`` (validated first); raises RequestValidationError."""
    request.validate()
    if not dialect.images:
        _refuse_images(request.messages, dialect)
    with_reasoning = reasoning_turns(request.messages, dialect)
    body: dict[str, Any] = {
        "model": request.model,
        "messages": [
            message_body(m, i, with_reasoning=i in with_reasoning)
            for i, m in enumerate(request.messages)
        ],
    }
    optional: dict[str, Any] = {
        "temperature": request.temperature,
        "top_p": request.top_p,
        "top_k": request.top_k if dialect.top_k else None,
        dialect.max_tokens_field: request.max_tokens,
        "stop": list(request.stop) if request.stop is not None else None,
        "seed": request.seed,
        "presence_penalty": request.presence_penalty,
        "frequency_penalty": request.frequency_penalty,
        "parallel_tool_calls": request.parallel_tool_calls,
    }
    body.update((k, v) for k, v in optional.items() if v is not None)
    body.update(_end_user_ids(request, dialect))
    body.update(_cache_fields(request, dialect))
    if request.tools:
        body["tools"] = [_tool(t) for t in request.tools]
    if request.tool_choice is not None:
        allowed = dialect.tool_choices
        if allowed is not None and request.tool_choice.mode not in allowed:
            raise RequestValidationError(
                "tool_choice",
                f"{dialect.name} accepts only tool_choice {sorted(allowed)}, "
                f"not {request.tool_choice.mode!r}",
            )
        body["tool_choice"] = _tool_choice(request.tool_choice)
    if request.response_format is not None:
        fmt = request.response_format
        if fmt.type == "json_schema" and not dialect.json_schema:
            # JSON mode, told the schema in words: the provider has no json_schema format.
            body["response_format"] = {"type": "json_object"}
            body["messages"].insert(0, {"role": "system", "content": schema_instruction(fmt)})
        else:
            body["response_format"] = _response_format(fmt)
    body.update(
        thinking_fields(
            request,
            dialect.thinking,
            effort_with_thinking=dialect.effort_with_thinking,
            provider=dialect.name,
        )
    )
    if stream:
        body["stream"] = True
        if dialect.stream_usage:
            body["stream_options"] = {"include_usage": True}
    _drop_rejected(body, dialect)
    for ours, theirs in dialect.renamed_fields:
        if ours in body:
            body[theirs] = body.pop(ours)
    if request.extra_body:
        body.update(request.extra_body)
    return body


def _cache_fields(request: ChatRequest, dialect: OpenAIDialect) -> dict[str, str]:
    """OpenAI caches every prompt on its own: no breakpoint is sent (logged at DEBUG), and
    ``prompt_cache_retention`` goes where ``prompt_cache_key`` does (the providers that
    document OpenAI's cache fields):
    https://platform.openai.com/docs/guides/prompt-caching#prompt-cache-retention"""
    note_unsent(request, dialect.name)
    retention = request.prompt_cache_retention
    if retention is None:
        return {}
    if not dialect.end_user_ids:
        logger.debug(
            "%s: not sending ['prompt_cache_retention'] (the provider does not document it)",
            dialect.name,
        )
        return {}
    return {"prompt_cache_retention": retention}


#: OpenAI's replacements for ``user`` (see ``OpenAIDialect.end_user_ids``).
END_USER_IDS = ("safety_identifier", "prompt_cache_key")


def _end_user_ids(request: ChatRequest, dialect: OpenAIDialect) -> dict[str, str]:
    """The end-user id fields of the body: ``user`` where the dialect still sends it, and
    ``safety_identifier`` / ``prompt_cache_key`` where the provider documents them (else
    left out, logged like a rejected field: an unknown field can fail the request)."""
    fields: dict[str, str | None] = {
        "safety_identifier": request.safety_identifier,
        "prompt_cache_key": request.prompt_cache_key,
    }
    if dialect.user_field == "user":
        fields["user"] = request.user
    elif request.user is not None:
        # OpenAI deprecated ``user`` for ``safety_identifier``, a stable end-user id of at
        # most 64 characters: https://platform.openai.com/docs/api-reference/chat/create#chat-create-user
        if request.safety_identifier is not None:
            logger.debug("%s: not sending ['user'] (safety_identifier replaces it)", dialect.name)
        elif len(request.user) > SAFETY_IDENTIFIER_MAX:
            raise RequestValidationError(
                "user",
                f"{dialect.name} takes the end-user id as safety_identifier, at most "
                f"{SAFETY_IDENTIFIER_MAX} characters (this one has {len(request.user)}); "
                "hash it",
            )
        else:
            fields["safety_identifier"] = request.user
    if not dialect.end_user_ids:
        unsent = [name for name in END_USER_IDS if fields.pop(name) is not None]
        if unsent:
            # Field names only: the values identify the caller's users.
            logger.debug(
                "%s: not sending %s (the provider does not document it)", dialect.name, unsent
            )
    return {k: v for k, v in fields.items() if v is not None}


def _refuse_images(messages: tuple[Message, ...], dialect: OpenAIDialect) -> None:
    """Refuse the first image part, for a provider that answers one with a 400 (see
    ``OpenAIDialect.images``): the error names the part rather than the provider's."""
    for i, message in enumerate(messages):
        if isinstance(message.content, str) or message.content is None:
            continue
        for j, part in enumerate(message.content):
            if isinstance(part, ImagePart):
                raise RequestValidationError(
                    f"messages[{i}].content[{j}]",
                    f"{dialect.name} does not accept images (its models read text only)",
                )


def _drop_rejected(body: dict[str, Any], dialect: OpenAIDialect) -> None:
    dropped = sorted(name for name in dialect.rejected_fields if name in body)
    for name in dropped:
        del body[name]
    if dropped:
        # Field names only: the values may be the caller's data.
        logger.debug("%s: not sending %s (the provider rejects it)", dialect.name, dropped)


def reasoning_turns(messages: tuple[Message, ...], dialect: OpenAIDialect) -> frozenset[int]:
    """The indices of the assistant messages whose reasoning goes back to the provider."""
    mode = dialect.reasoning_round_trip
    if mode == "never":
        return frozenset()
    with_reasoning = [
        i for i, m in enumerate(messages) if m.role == "assistant" and m.reasoning_content
    ]
    if mode == "always" or not with_reasoning:
        return frozenset(with_reasoning)
    # "tool_turns": a user message starts a turn; a turn in which the model called a tool
    # keeps the reasoning of all its assistant messages.
    # https://api-docs.deepseek.com/guides/thinking_mode (tool calls in thinking mode)
    turn_of: list[int] = []
    turn = 0
    tool_turns: set[int] = set()
    for message in messages:
        if message.role == "user":
            turn += 1
        turn_of.append(turn)
        if message.role == "assistant" and message.tool_calls:
            tool_turns.add(turn)
    return frozenset(i for i in with_reasoning if turn_of[i] in tool_turns)


def message_body(message: Message, i: int, *, with_reasoning: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"role": message.role}
    if message.role == "assistant":
        content = _content(message, i)
        if message.tool_calls:
            # OpenAI wants an explicit null beside tool calls, not an empty string.
            out["content"] = content or None
            out["tool_calls"] = [_tool_call(c) for c in message.tool_calls]
        else:
            out["content"] = content if content is not None else ""
        if message.name:
            out["name"] = message.name
        if with_reasoning:
            out["reasoning_content"] = message.reasoning_content
    elif message.role == "tool":
        out["tool_call_id"] = message.tool_call_id
        out["content"] = _content(message, i) or ""
    else:
        out["content"] = _content(message, i) if message.content is not None else ""
        if message.name:
            out["name"] = message.name
    return out


def _content(message: Message, i: int) -> str | list[dict[str, Any]] | None:
    content = message.content
    if content is None or isinstance(content, str):
        return content
    parts: list[dict[str, Any]] = []
    for j, part in enumerate(content):
        if isinstance(part, TextPart):
            parts.append({"type": "text", "text": part.text})
        elif isinstance(part, ImagePart):
            if message.role != "user":
                raise RequestValidationError(
                    f"messages[{i}].content[{j}]", "images are only accepted in user messages"
                )
            image: dict[str, Any] = {"url": part.as_data_url()}
            if part.detail:
                image["detail"] = part.detail
            parts.append({"type": "image_url", "image_url": image})
        elif isinstance(part, DocumentPart):
            if message.role != "user":
                # Only user messages take file parts:
                # https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
                raise RequestValidationError(
                    f"messages[{i}].content[{j}]", "documents are only accepted in user messages"
                )
            parts.append({"type": "file", "file": _file(part, f"messages[{i}].content[{j}]")})
    return parts


def _file(part: DocumentPart, field: str) -> dict[str, Any]:
    # https://platform.openai.com/docs/guides/pdf-files: inline data or an uploaded file id.
    if part.file_id is not None:
        return {"file_id": part.file_id}
    if part.data is None:
        raise RequestValidationError(
            field, "OpenAI chat takes documents as data or a file id, not a URL"
        )
    file: dict[str, Any] = {"file_data": f"data:{part.media_type};base64,{part.data}"}
    file["filename"] = part.filename or "document.pdf"
    return file


def _tool(tool: Tool) -> dict[str, Any]:
    function: dict[str, Any] = {"name": tool.name}
    if tool.description is not None:
        function["description"] = tool.description
    function["parameters"] = tool.parameters
    if tool.strict is not None:
        function["strict"] = tool.strict
    return {"type": "function", "function": function}


def _tool_choice(choice: ToolChoice) -> str | dict[str, Any]:
    if choice.mode == "function":
        return {"type": "function", "function": {"name": choice.name}}
    return choice.mode


def schema_instruction(fmt: ResponseFormat) -> str:
    """The system message that asks a provider in JSON mode for a value of ``fmt``'s
    schema (DeepSeek's JSON mode also wants the word "json" in the prompt)."""
    schema = json.dumps(fmt.schema, ensure_ascii=False, separators=(",", ":"))
    return (
        "Answer with a single JSON value, and nothing else (no prose, no code fence), "
        f"that is valid against this JSON Schema: {schema}"
    )


def _response_format(fmt: ResponseFormat) -> dict[str, Any]:
    if fmt.type != "json_schema":
        return {"type": fmt.type}
    spec: dict[str, Any] = {"name": fmt.name, "schema": fmt.schema}
    if fmt.strict is not None:
        spec["strict"] = fmt.strict
    if fmt.description is not None:
        spec["description"] = fmt.description
    return {"type": "json_schema", "json_schema": spec}


def _tool_call(call: ToolCall) -> dict[str, Any]:
    return {
        "id": call.id,
        "type": "function",
        "function": {"name": call.function.name, "arguments": call.function.arguments},
    }
