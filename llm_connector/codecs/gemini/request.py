"""Building a Gemini ``generateContent`` body from a neutral ChatRequest.

Request reference: https://ai.google.dev/api/generate-content#request-body

Every problem with the request raises ``RequestValidationError`` naming the field, before
anything is sent.
"""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Mapping, Sequence
from typing import Any

from llm_connector.codecs.caching import note_unsent
from llm_connector.codecs.gemini.parse import bare_model
from llm_connector.codecs.gemini.schema import openapi_schema, takes_json_schema
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

# -- reasoning --------------------------------------------------------------------------

# Gemini 3 and later take a thinking *level*; Gemini 2.5 a thinking *budget* in tokens
# (Gemini 3 still reads a budget, for backward compatibility):
# https://ai.google.dev/gemini-api/docs/thinking#thinking-levels
_LEVEL_MODEL = re.compile(r"gemini-(\d+)")

# reasoning_effort on Gemini 3. "none": Gemini 3 cannot switch thinking off, "minimal" is
# the least it does (Gemini 3 Pro rejects "minimal"; its API error says so). "xhigh" is
# "high", the most there is.
_EFFORT_LEVELS: Mapping[str, str] = {
    "none": "minimal",
    "minimal": "minimal",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "xhigh": "high",
}

# reasoning_effort on Gemini 2.5, as Google's own OpenAI-compatible endpoint maps it
# (low 1,024, medium 8,192, high 24,576 tokens; none turns thinking off):
# https://ai.google.dev/gemini-api/docs/openai#thinking. "minimal" is 512, the least every
# 2.5 model accepts (Flash-Lite's floor); "xhigh" is 24,576, the most every 2.5 model takes.
_EFFORT_BUDGETS: Mapping[str, int] = {
    "none": 0,
    "minimal": 512,
    "low": 1024,
    "medium": 8192,
    "high": 24576,
    "xhigh": 24576,
}


def uses_thinking_levels(model: str) -> bool:
    """True for Gemini 3 and later (``gemini-3-flash-preview``, ``models/gemini-3-pro``)."""
    match = _LEVEL_MODEL.match(bare_model(model))
    return match is not None and int(match.group(1)) >= 3


def thinking_config(request: ChatRequest) -> dict[str, Any] | None:
    """``generationConfig.thinkingConfig``: ``thinking_budget`` is sent as Gemini's own
    ``thinkingBudget`` (and wins over ``reasoning_effort``); ``reasoning_effort`` becomes a
    ``thinkingLevel`` on Gemini 3 and later, a ``thinkingBudget`` before. Thoughts are asked
    for (``includeThoughts``) whenever reasoning is: they arrive as ``reasoning_content``."""
    budget = request.thinking_budget
    effort = request.reasoning_effort
    config: dict[str, Any]
    if budget is None and effort is None:
        return None
    if budget is None and effort is not None and uses_thinking_levels(request.model):
        config = {"thinkingLevel": _EFFORT_LEVELS[effort]}
        thinking = effort != "none"
    else:
        tokens = budget if budget is not None else _EFFORT_BUDGETS[str(effort)]
        config = {"thinkingBudget": tokens}
        thinking = tokens != 0
    if thinking:
        config["includeThoughts"] = True
    return config


# -- the body ---------------------------------------------------------------------------


def request_body(request: ChatRequest) -> dict[str, Any]:
    """The JSON body of ``generateContent`` / ``streamGenerateContent`` (the model goes in
    the URL)."""
    system, contents = _contents(request.messages)
    body: dict[str, Any] = {"contents": contents}
    if system:
        body["systemInstruction"] = {"parts": system}
    if request.tools:
        body["tools"] = [{"functionDeclarations": [_declaration(t) for t in request.tools]}]
    if request.tool_choice is not None:
        body["toolConfig"] = {"functionCallingConfig": _calling_config(request.tool_choice)}
    config = _generation_config(request)
    if config:
        body["generationConfig"] = config
    body.update(_cache_fields(request, body))
    if request.extra_body:
        body = _merged(body, request.extra_body)
    return body


def _cache_fields(request: ChatRequest, body: Mapping[str, Any]) -> dict[str, Any]:
    """Gemini caches prompts on its own (implicit caching), so breakpoints are not sent
    (logged at DEBUG); an explicit cache is named by ``cachedContent``
    (https://ai.google.dev/gemini-api/docs/caching). The cache holds the system
    instruction and the tools: a request answering from one may not set them again (the API
    refuses it: "CachedContent can not be used with GenerateContent request setting
    system_instruction, tools or tool_config")."""
    note_unsent(request, "gemini", cache_reference=True)
    if request.cached_content is None:
        return {}
    system = next(
        (i for i, m in enumerate(request.messages) if m.role in ("system", "developer")), 0
    )
    for key, field in (
        ("systemInstruction", f"messages[{system}]"),
        ("tools", "tools"),
        ("toolConfig", "tool_choice"),
    ):
        if key in body:
            raise RequestValidationError(
                field,
                f"a request answering from a Gemini cache (cached_content) cannot set {key}: "
                "put it in the cache instead",
            )
    return {"cachedContent": request.cached_content}


def _merged(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``extra`` over ``base``, objects merged key by key: ``extra_body={"generationConfig":
    {"responseModalities": ["TEXT"]}}`` adds to the generation config instead of replacing it."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


def _generation_config(request: ChatRequest) -> dict[str, Any]:
    # https://ai.google.dev/api/generate-content#generationconfig
    fields: dict[str, Any] = {
        "temperature": request.temperature,
        "topP": request.top_p,
        "topK": request.top_k,
        "maxOutputTokens": request.max_tokens,
        "stopSequences": list(request.stop) if request.stop is not None else None,
        "seed": request.seed,
        "presencePenalty": request.presence_penalty,
        "frequencyPenalty": request.frequency_penalty,
    }
    config = {k: v for k, v in fields.items() if v is not None}
    config.update(_response_format(request.response_format, request.model))
    thinking = thinking_config(request)
    if thinking is not None:
        config["thinkingConfig"] = thinking
    return config


def _response_format(fmt: ResponseFormat | None, model: str) -> dict[str, Any]:
    if fmt is None or fmt.type == "text":
        return {}
    if fmt.type == "json_object":
        return {"responseMimeType": "application/json"}
    # responseJsonSchema takes JSON Schema as it is; responseSchema, all that models before
    # it take, only an OpenAPI subset (schema.py):
    # https://ai.google.dev/gemini-api/docs/structured-output
    assert fmt.schema is not None  # a json_schema format has one (ResponseFormat checks)
    if takes_json_schema(model):
        return {"responseMimeType": "application/json", "responseJsonSchema": fmt.schema}
    return {"responseMimeType": "application/json", "responseSchema": openapi_schema(fmt.schema)}


def _declaration(tool: Tool) -> dict[str, Any]:
    # parametersJsonSchema, for the same reason: https://ai.google.dev/api/caching#FunctionDeclaration
    declaration: dict[str, Any] = {"name": tool.name}
    if tool.description is not None:
        declaration["description"] = tool.description
    declaration["parametersJsonSchema"] = tool.parameters
    return declaration


def _calling_config(choice: ToolChoice) -> dict[str, Any]:
    # https://ai.google.dev/api/caching#FunctionCallingConfig: ANY forces a call, limited
    # to allowedFunctionNames when given.
    if choice.mode == "function":
        return {"mode": "ANY", "allowedFunctionNames": [choice.name]}
    return {"mode": {"auto": "AUTO", "none": "NONE", "required": "ANY"}[choice.mode]}


# -- messages ----------------------------------------------------------------------------


def _contents(
    messages: Sequence[Message],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(systemInstruction parts, contents). System and developer messages, wherever they
    stand, become the one system instruction Gemini has; assistant turns are role
    ``model``; tool results are ``functionResponse`` parts of a ``user`` turn, the results
    of consecutive tool messages in one turn (Gemini wants every response to a turn's
    parallel calls together: https://ai.google.dev/gemini-api/docs/function-calling)."""
    system: list[dict[str, Any]] = []
    contents: list[dict[str, Any]] = []
    call_names: dict[str, str] = {}  # tool call id -> function name, latest turn wins
    previous = None
    for i, message in enumerate(messages):
        role = message.role
        if role in ("system", "developer"):
            system.extend(_text_parts(message, i, "system instructions take text only"))
        elif role == "tool":
            part = {"functionResponse": _function_response(message, i, call_names)}
            if previous == "tool":
                contents[-1]["parts"].append(part)
            else:
                contents.append({"role": "user", "parts": [part]})
        else:
            if role == "assistant":
                call_names.update((c.id, c.function.name) for c in message.tool_calls)
                parts = _model_parts(message, i)
            else:
                parts = _user_parts(message, i)
            if not parts:
                raise RequestValidationError(f"messages[{i}].content", "the message is empty")
            contents.append({"role": "model" if role == "assistant" else "user", "parts": parts})
        previous = role
    return system, contents


def _text_parts(message: Message, i: int, problem: str) -> list[dict[str, Any]]:
    content = message.content
    if content is None:
        return []
    if isinstance(content, str):
        return [{"text": content}]
    parts = []
    for j, part in enumerate(content):
        if not isinstance(part, TextPart):
            raise RequestValidationError(f"messages[{i}].content[{j}]", problem)
        parts.append({"text": part.text})
    return parts


def _user_parts(message: Message, i: int) -> list[dict[str, Any]]:
    content = message.content
    if content is None or isinstance(content, str):
        return _text_parts(message, i, "")
    parts: list[dict[str, Any]] = []
    for part in content:
        if isinstance(part, TextPart):
            parts.append({"text": part.text})
        elif isinstance(part, ImagePart):
            parts.append(_media(part.data, part.url, part.media_type))
        else:
            parts.append(_document(part))
    return parts


def _media(data: str | None, uri: str | None, media_type: str | None) -> dict[str, Any]:
    """Inline base64 data, or a file Gemini fetches by URI (a File API URI, ``gs://``, or a
    public URL): https://ai.google.dev/api/caching#Part. A URI's type, when not given, is
    guessed from its file name extension."""
    if data is not None:
        return {"inlineData": {"mimeType": media_type, "data": data}}
    assert uri is not None  # ImagePart and DocumentPart hold exactly one source
    file_data = {"fileUri": uri}
    mime = media_type or mimetypes.guess_type(uri.split("?", 1)[0])[0]
    if mime:
        file_data["mimeType"] = mime
    return {"fileData": file_data}


def _document(part: DocumentPart) -> dict[str, Any]:
    # A file id is the URI the File API gave the upload (files.upload returns file.uri).
    if part.file_id is not None:
        return _media(None, part.file_id, part.media_type)
    return _media(part.data, part.url, part.media_type)


def _model_parts(message: Message, i: int) -> list[dict[str, Any]]:
    """An assistant turn as Gemini sent it, as far as the neutral message keeps it: signed
    reasoning as ``thought`` parts with their signatures, the text, then the function calls
    with theirs (https://ai.google.dev/gemini-api/docs/thought-signatures).

    Unsigned reasoning is not sent back: Gemini reads reasoning back only through its
    signatures. A signature that came on a part without reasoning text (Gemini 3 signs the
    last part of a text answer) goes back on the last text part.
    """
    parts: list[dict[str, Any]] = []
    loose_signature = None
    for block in message.reasoning_blocks:
        if block.signature is None:
            continue
        if block.text:
            parts.append({"text": block.text, "thought": True, "thoughtSignature": block.signature})
        else:
            loose_signature = block.signature
    text = _text_parts(message, i, "Gemini takes images and documents in user messages only")
    if loose_signature is not None and text:
        text[-1]["thoughtSignature"] = loose_signature
    parts.extend(text)
    parts.extend(_function_call(call, i, j) for j, call in enumerate(message.tool_calls))
    return parts


def _function_call(call: ToolCall, i: int, j: int) -> dict[str, Any]:
    field = f"messages[{i}].tool_calls[{j}].function.arguments"
    try:
        args = json.loads(call.function.arguments or "{}")
    except ValueError:
        raise RequestValidationError(field, "is not valid JSON") from None
    if not isinstance(args, dict):
        raise RequestValidationError(field, "must be a JSON object")
    part: dict[str, Any] = {
        "functionCall": {"id": call.id, "name": call.function.name, "args": args}
    }
    if call.thought_signature:
        # Back on the very part it came with: Gemini 3 rejects a turn whose first function
        # call lost its signature: https://ai.google.dev/gemini-api/docs/thought-signatures
        part["thoughtSignature"] = call.thought_signature
    return part


def _function_response(message: Message, i: int, call_names: Mapping[str, str]) -> dict[str, Any]:
    """A tool result. Gemini matches it to its call by function name, which a neutral tool
    message need not carry: it is the name of the earlier call with this id (or the
    message's ``name``). The text goes under ``output``, the key Gemini reads a function's
    result from: https://ai.google.dev/api/caching#FunctionResponse"""
    call_id = message.tool_call_id or ""
    name = call_names.get(call_id) or message.name
    if not name:
        raise RequestValidationError(
            f"messages[{i}].tool_call_id",
            f"no earlier assistant message has a tool call with id {call_id!r}, and Gemini "
            "needs the function's name: pass name= to Message.tool",
        )
    output = "\n".join(
        p["text"] for p in _text_parts(message, i, "Gemini takes tool results as text only")
    )
    return {"id": call_id, "name": name, "response": {"output": output}}
