"""Reading OpenAI chat-completions answers: the field readers the stream decoder shares,
whole responses, error bodies, model lists and embeddings.

https://platform.openai.com/docs/api-reference/chat/object
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Mapping
from typing import Any

from llm_connector.codecs.error_bodies import in_stream_error, provider_error_info
from llm_connector.codecs.json_readers import (
    arguments_text,
    load_json_object,
    nonempty_str,
    opt_str,
    token_count,
)
from llm_connector.errors import ResponseDecodeError
from llm_connector.types import (
    ChatResponse,
    Choice,
    Embedding,
    EmbedResponse,
    Message,
    Model,
    ToolCall,
    Usage,
)


def parse_usage(raw: object) -> Usage | None:
    """OpenAI's usage object, with the cached and reasoning token details when present.

    ``prompt_tokens`` is every input token, cached ones included, on every provider of
    this protocol (their cache figures are parts of it); see :func:`cache_figures`.
    """
    if not isinstance(raw, Mapping):
        return None
    prompt = token_count(raw.get("prompt_tokens")) or 0
    completion = token_count(raw.get("completion_tokens")) or 0
    total = token_count(raw.get("total_tokens")) or prompt + completion
    cached, written = cache_figures(raw)
    completion_details = raw.get("completion_tokens_details")
    reasoning = (
        token_count(completion_details.get("reasoning_tokens"))
        if isinstance(completion_details, Mapping)
        else None
    )
    return Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=total,
        reasoning_tokens=reasoning,
        cached_tokens=cached,
        cache_creation_tokens=written,
    )


def cache_figures(raw: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """(tokens read from the cache, tokens written to it) of a chat completions usage
    object, wherever the provider puts them (None: not reported):

    - OpenAI, xAI, Zhipu, Volcengine, llama.cpp: ``prompt_tokens_details.cached_tokens``
      (https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage);
    - DeepSeek: also at top level, ``prompt_cache_hit_tokens``
      (https://api-docs.deepseek.com/api/create-chat-completion);
    - Moonshot: at top level, ``cached_tokens``
      (https://platform.moonshot.ai/docs/api/chat);
    - writes: Qwen's explicit cache, ``prompt_tokens_details.cache_creation_input_tokens``
      (https://www.alibabacloud.com/help/en/model-studio/context-cache), and OpenRouter's
      ``prompt_tokens_details.cache_write_tokens``
      (https://openrouter.ai/docs/use-cases/usage-accounting).
    """
    details = raw.get("prompt_tokens_details")
    cached = written = None
    if isinstance(details, Mapping):
        cached = token_count(details.get("cached_tokens"))
        written = token_count(details.get("cache_creation_input_tokens"))
        if written is None:
            written = token_count(details.get("cache_write_tokens"))
    if cached is None:
        cached = token_count(raw.get("prompt_cache_hit_tokens"))
    if cached is None:
        cached = token_count(raw.get("cached_tokens"))
    return cached, written


def content_text(value: object) -> str | None:
    """A message or delta ``content``: a string, or a list of typed parts whose text we join."""
    if value is None or type(value) is str:
        return value
    return content_parts(value)[0]


def _part_texts(value: object) -> str:
    """The text of a ``thinking`` part's body: a string, or a list of text parts."""
    if type(value) is str:
        return value
    if isinstance(value, list):
        texts = [p.get("text") for p in value if isinstance(p, Mapping)]
        return "".join(t for t in texts if type(t) is str)
    return ""


def content_parts(value: object) -> tuple[str | None, str | None]:
    """(text, reasoning) of a ``content`` given as a list of typed parts.

    Mistral's reasoning models stream their thinking as ``{"type": "thinking", "thinking":
    [{"type": "text", "text": ...}]}`` parts beside ``{"type": "text"}`` ones
    (https://docs.mistral.ai/capabilities/reasoning/); the thinking is reasoning, never
    answer text. Other part types (references, images) carry no text of the answer.
    """
    if not isinstance(value, list):
        return None, None
    texts: list[str] = []
    thoughts: list[str] = []
    for part in value:
        if not isinstance(part, Mapping):
            continue
        kind = part.get("type")
        if kind == "text":
            text = part.get("text")
            if type(text) is str:
                texts.append(text)
        elif kind == "thinking":
            thoughts.append(_part_texts(part.get("thinking")))
    return "".join(texts) or None, "".join(thoughts) or None


def reasoning_text(delta: Mapping[str, Any]) -> str | None:
    """Reasoning text under any name servers use (the first that is non-empty text).

    ``reasoning_content``: DeepSeek, llama.cpp, vLLM (older), Moonshot, Zhipu
    (https://api-docs.deepseek.com/guides/reasoning_model); ``reasoning``: OpenRouter, Groq,
    vLLM (newer) (https://openrouter.ai/docs/use-cases/reasoning-tokens). Servers moving
    from one name to the other send both with the same text; it counts once. OpenRouter's
    ``reasoning_details`` repeat ``reasoning`` as typed entries; they are read only when
    neither name has text (a model that sends details alone):
    https://openrouter.ai/docs/use-cases/reasoning-tokens#reasoning-details-api-shape
    """
    text = nonempty_str(delta.get("reasoning_content")) or nonempty_str(delta.get("reasoning"))
    if text is None:
        details = delta.get("reasoning_details")
        if details:
            return reasoning_details_text(details)
    return text


def reasoning_details_text(details: object) -> str | None:
    """The readable text of OpenRouter ``reasoning_details``: ``reasoning.text`` entries'
    ``text`` and ``reasoning.summary`` entries' ``summary`` (``reasoning.encrypted`` has
    none)."""
    if not isinstance(details, list):
        return None
    texts = []
    for entry in details:
        if isinstance(entry, Mapping):
            kind = entry.get("type")
            value = entry.get("text") if kind == "reasoning.text" else None
            if kind == "reasoning.summary":
                value = entry.get("summary")
            if type(value) is str:
                texts.append(value)
    return "".join(texts) or None


# -- whole responses ----------------------------------------------------------------


def parse_chat_response(body: bytes) -> ChatResponse:
    """A chat completion body; a 200 body carrying an ``error`` raises its typed error."""
    obj = load_json_object(body, "chat completion")
    error = obj.get("error")
    if error:
        raise in_stream_error(
            provider_error_info(error, "provider error"), body.decode("utf-8", "replace")
        )
    raw_choices = obj.get("choices")
    if type(raw_choices) is not list:
        raise ResponseDecodeError(
            "chat completion has no choices list", body=body.decode("utf-8", "replace")
        )
    choices = tuple(_choice(c, n) for n, c in enumerate(raw_choices) if type(c) is dict)
    created = obj.get("created")
    return ChatResponse(
        id=opt_str(obj.get("id")) or "",
        model=opt_str(obj.get("model")) or "",
        choices=choices,
        usage=parse_usage(obj.get("usage")),
        created=created if type(created) is int else None,
        system_fingerprint=opt_str(obj.get("system_fingerprint")),
    )


def _choice(raw: Mapping[str, Any], n: int) -> Choice:
    message = raw.get("message") or {}
    if type(message) is not dict:
        raise ResponseDecodeError(f"choice {n}: 'message' is not an object")
    raw_calls = message.get("tool_calls") or []
    if type(raw_calls) is not list:
        raise ResponseDecodeError(f"choice {n}: 'tool_calls' is not a list")
    tool_calls: list[ToolCall] = []
    for call in raw_calls:
        function = call.get("function") if type(call) is dict else None
        if type(function) is not dict:
            raise ResponseDecodeError(f"choice {n}: a tool call has no 'function' object")
        arguments = function.get("arguments")
        tool_calls.append(
            ToolCall.create(
                nonempty_str(call.get("id")) or f"call_{n}_{len(tool_calls)}",
                opt_str(function.get("name")) or "",
                # A few compatible servers send the arguments as an object.
                arguments_text(arguments) if arguments is not None else "{}",
            )
        )
    index = raw.get("index")
    content = message.get("content")
    native_finish = nonempty_str(raw.get("native_finish_reason"))
    refusal = nonempty_str(message.get("refusal"))
    if refusal is not None and not content:
        # A refusal comes instead of the answer (structured outputs): it is the text, and
        # the native finish reason says so, so that parse() raises OutputRefusedError.
        # https://platform.openai.com/docs/guides/structured-outputs#refusals
        content, native_finish = refusal, "refusal"
    reasoning = reasoning_text(message)
    if content is not None and type(content) is not str:
        content, thinking = content_parts(content)
        if thinking:
            reasoning = (reasoning or "") + thinking
    return Choice(
        index=index if type(index) is int else n,
        message=Message(
            "assistant",
            content if type(content) is str else None,
            tool_calls=tool_calls,
            reasoning_content=reasoning,
        ),
        finish_reason=nonempty_str(raw.get("finish_reason")),
        native_finish_reason=native_finish,
    )


def _data_array(body: bytes, what: str) -> tuple[dict[str, Any], list[Any]]:
    """A list endpoint's body (``{"object": "list", "data": [...]}``) and its data array."""
    obj = load_json_object(body, what)
    data = obj.get("data")
    if type(data) is not list:
        raise ResponseDecodeError(f"{what} has no data array", body=body.decode("utf-8", "replace"))
    return obj, data


def parse_model_list(body: bytes) -> list[Model]:
    """``GET /models``: the ``data`` array. (llama.cpp adds an Ollama-style ``models`` array
    beside it, without the ids to send back; it is ignored.)"""
    _, data = _data_array(body, "model list")
    models = []
    for item in data:
        if type(item) is dict and nonempty_str(item.get("id")):
            created = item.get("created")
            models.append(
                Model(
                    id=item["id"],
                    owned_by=opt_str(item.get("owned_by")),
                    created=created if type(created) is int else None,
                )
            )
    return models


def _vector(value: object, n: int) -> list[float]:
    if type(value) is str:
        # encoding_format="base64": little-endian float32s.
        # https://platform.openai.com/docs/api-reference/embeddings/create#embeddings-create-encoding_format
        try:
            raw = base64.b64decode(value, validate=True)
        except ValueError:  # binascii.Error
            raise ResponseDecodeError(f"embedding {n} is not valid base64") from None
        if len(raw) % 4:
            raise ResponseDecodeError(f"embedding {n} is not a whole number of float32s")
        return list(struct.unpack(f"<{len(raw) // 4}f", raw))
    if type(value) is list and all(type(x) in (float, int) for x in value):
        return [float(x) for x in value]
    raise ResponseDecodeError(f"embedding {n} is not a vector of numbers")


def parse_embeddings(body: bytes) -> EmbedResponse:
    obj, data = _data_array(body, "embedding response")
    items = []
    for n, item in enumerate(data):
        if type(item) is not dict:
            continue
        index = item.get("index")
        items.append(
            Embedding(
                index=index if type(index) is int else n,
                embedding=_vector(item.get("embedding"), n),
            )
        )
    return EmbedResponse(
        model=opt_str(obj.get("model")) or "",
        data=tuple(items),
        usage=parse_usage(obj.get("usage")),
    )
