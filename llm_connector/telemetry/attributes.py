"""The OpenTelemetry GenAI semantic conventions' names, and a call's values under them.

Pure: no opentelemetry import (``otel.py`` records what this computes), so that the
mapping is tested without the SDK. The conventions followed are those of semantic
conventions v1.41.0, the last release of the main repository to hold the GenAI
conventions (status "development"; they have since moved to the semantic-conventions-genai
repository, whose drafts rename the metrics ``gen_ai.client.inference.*``). The pages:

- spans: https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/gen-ai-spans.md
- metrics: https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/gen-ai-metrics.md
- attributes: https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/registry/attributes/gen-ai.md

``gen_ai.system`` is not set: v1.37.0 replaced it with ``gen_ai.provider.name``.

Nothing here reads a key: a call's values come from its :class:`CallStart` (the URL
reduced to host and port) and its answer. Message content is only read when the caller
opted in (``input_messages``, ``output_messages``); a tool call's ``thought_signature``
and reasoning signatures are never read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

from llm_connector.calls.observer import CallStart
from llm_connector.responses import ResponsesRequest, ResponsesResponse
from llm_connector.types import ChatRequest, ChatResponse, Message, ToolCall
from llm_connector.types._embedding import EmbedRequest, EmbedResponse

__all__ = [
    "SCHEMA_URL",
    "SEMCONV_VERSION",
    "Attributes",
    "answer_attributes",
    "input_messages",
    "metric_attributes",
    "output_messages",
    "provider_name",
    "request_attributes",
    "token_counts",
]

SEMCONV_VERSION = "1.41.0"
SCHEMA_URL = f"https://opentelemetry.io/schemas/{SEMCONV_VERSION}"

#: An attribute value as OpenTelemetry takes it.
AttributeValue: TypeAlias = str | bool | int | float | Sequence[str]
Attributes: TypeAlias = dict[str, AttributeValue]

OPERATION = "gen_ai.operation.name"
PROVIDER = "gen_ai.provider.name"
REQUEST_MODEL = "gen_ai.request.model"
RESPONSE_MODEL = "gen_ai.response.model"
SERVER_ADDRESS = "server.address"
SERVER_PORT = "server.port"
ERROR_TYPE = "error.type"
TOKEN_TYPE = "gen_ai.token.type"  # noqa: S105 - an attribute name, not a secret
INPUT_TOKENS = "gen_ai.usage.input_tokens"
OUTPUT_TOKENS = "gen_ai.usage.output_tokens"
TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk"

# The well-known values of gen_ai.provider.name, by provider row; a row without one is
# named by its own name, and openai_compatible by the client's (the service's ``name``).
_PROVIDER_NAMES: Mapping[str, str] = {
    "openai": "openai",
    "azure_openai": "azure.ai.openai",
    "anthropic": "anthropic",
    "anthropic_vertex": "gcp.vertex_ai",
    "google": "gcp.gemini",
    "bedrock": "aws.bedrock",
    "deepseek": "deepseek",
    "groq": "groq",
    "mistral": "mistral_ai",
    "xai": "x_ai",
}

# The attributes a metric carries (the spans carry these and more).
_METRIC_KEYS = (OPERATION, PROVIDER, REQUEST_MODEL, SERVER_ADDRESS, SERVER_PORT)


def provider_name(start: CallStart) -> str:
    """``gen_ai.provider.name``: the convention's value for the provider, else the row's
    name (the client's, for a service reached through ``openai_compatible``)."""
    if start.provider == "openai_compatible":
        return start.client
    return _PROVIDER_NAMES.get(start.provider, start.provider)


def request_attributes(start: CallStart) -> Attributes:
    """The span's attributes known when the call begins."""
    out: Attributes = {OPERATION: start.operation, PROVIDER: provider_name(start)}
    if start.model:
        out[REQUEST_MODEL] = start.model
    if start.server_address:
        out[SERVER_ADDRESS] = start.server_address
        if start.server_port is not None:
            out[SERVER_PORT] = start.server_port
    request = start.request
    if isinstance(request, ChatRequest):
        _put(out, "gen_ai.request.max_tokens", request.max_tokens)
        _put(out, "gen_ai.request.temperature", request.temperature)
        _put(out, "gen_ai.request.top_p", request.top_p)
        _put(out, "gen_ai.request.top_k", request.top_k)
        _put(out, "gen_ai.request.seed", request.seed)
        _put(out, "gen_ai.request.frequency_penalty", request.frequency_penalty)
        _put(out, "gen_ai.request.presence_penalty", request.presence_penalty)
        if request.stop:
            out["gen_ai.request.stop_sequences"] = tuple(request.stop)
    elif isinstance(request, ResponsesRequest):
        _put(out, "gen_ai.request.max_tokens", request.max_output_tokens)
        _put(out, "gen_ai.request.temperature", request.temperature)
        _put(out, "gen_ai.request.top_p", request.top_p)
    elif isinstance(request, EmbedRequest):
        _put(out, "gen_ai.embeddings.dimension.count", request.dimensions)
        if request.encoding_format is not None:
            out["gen_ai.request.encoding_formats"] = (request.encoding_format,)
    return out


def metric_attributes(span_attributes: Mapping[str, AttributeValue]) -> Attributes:
    """The attributes of the metrics, from the span's (request ones and the response's
    model), with ``error.type`` when the call failed."""
    out = {key: span_attributes[key] for key in _METRIC_KEYS if key in span_attributes}
    for key in (RESPONSE_MODEL, ERROR_TYPE):
        if key in span_attributes:
            out[key] = span_attributes[key]
    return out


def answer_attributes(answer: object) -> Attributes:
    """The span's attributes from the answer (also a stream's answer so far)."""
    out: Attributes = {}
    if isinstance(answer, ChatResponse):
        _put(out, "gen_ai.response.id", answer.id or None)
        _put(out, RESPONSE_MODEL, answer.model or None)
        reasons = tuple(c.finish_reason for c in answer.choices if c.finish_reason)
        if reasons:
            out["gen_ai.response.finish_reasons"] = reasons
        usage = answer.usage
        if usage is not None:
            out[INPUT_TOKENS] = usage.prompt_tokens
            out[OUTPUT_TOKENS] = usage.completion_tokens
            _put(out, "gen_ai.usage.cache_read.input_tokens", usage.cached_tokens)
            _put(out, "gen_ai.usage.cache_creation.input_tokens", usage.cache_creation_tokens)
            _put(out, "gen_ai.usage.reasoning.output_tokens", usage.reasoning_tokens)
    elif isinstance(answer, ResponsesResponse):
        _put(out, "gen_ai.response.id", answer.id or None)
        _put(out, RESPONSE_MODEL, answer.model or None)
        if answer.status:
            out["gen_ai.response.finish_reasons"] = (answer.status,)
        responses_usage = answer.usage
        if responses_usage is not None:
            out[INPUT_TOKENS] = responses_usage.input_tokens
            out[OUTPUT_TOKENS] = responses_usage.output_tokens
            _put(out, "gen_ai.usage.cache_read.input_tokens", responses_usage.cached_tokens)
            _put(out, "gen_ai.usage.reasoning.output_tokens", responses_usage.reasoning_tokens)
    elif isinstance(answer, EmbedResponse):
        _put(out, RESPONSE_MODEL, answer.model or None)
        if answer.usage is not None:
            out[INPUT_TOKENS] = answer.usage.prompt_tokens
    return out


def token_counts(attributes: Mapping[str, AttributeValue]) -> Iterable[tuple[str, int]]:
    """``(gen_ai.token.type, count)`` for the ``gen_ai.client.token.usage`` histogram."""
    for kind, key in (("input", INPUT_TOKENS), ("output", OUTPUT_TOKENS)):
        value = attributes.get(key)
        if isinstance(value, int):
            yield kind, value


def _put(out: Attributes, key: str, value: AttributeValue | None) -> None:
    if value is not None:
        out[key] = value


# -- message content (only when the caller opted in) --------------------------------------
#
# As JSON strings in the shapes of the convention's gen_ai.input.messages,
# gen_ai.output.messages and gen_ai.system_instructions (their JSON schemas:
# https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-input-messages.json).


def input_messages(request: object) -> Attributes:
    """``gen_ai.input.messages`` and ``gen_ai.system_instructions`` of a request."""
    system: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    if isinstance(request, ChatRequest):
        for message in request.messages:
            if message.role in ("system", "developer"):
                system.append({"type": "text", "content": message.text()})
            else:
                messages.append(_message(message))
    elif isinstance(request, ResponsesRequest):
        if request.instructions:
            system.append({"type": "text", "content": request.instructions})
        if isinstance(request.input, str):
            messages.append(_text_message("user", request.input))
        elif request.input:
            for item in request.input:
                role = getattr(item, "role", None)
                text = getattr(item, "text", None)
                if isinstance(role, str) and callable(text):
                    messages.append(_text_message(role, str(text())))
    out: Attributes = {}
    if messages:
        out["gen_ai.input.messages"] = _json(messages)
    if system:
        out["gen_ai.system_instructions"] = _json(system)
    return out


def output_messages(answer: object) -> Attributes:
    """``gen_ai.output.messages`` of an answer."""
    messages: list[dict[str, Any]] = []
    if isinstance(answer, ChatResponse):
        for choice in answer.choices:
            message = _message(choice.message)
            message["finish_reason"] = choice.finish_reason or ""
            messages.append(message)
    elif isinstance(answer, ResponsesResponse):
        message = _text_message("assistant", answer.output_text)
        message["finish_reason"] = answer.status or ""
        messages.append(message)
    return {"gen_ai.output.messages": _json(messages)} if messages else {}


def _message(message: Message) -> dict[str, Any]:
    parts: list[dict[str, Any]] = []
    if message.reasoning_content:
        parts.append({"type": "reasoning", "content": message.reasoning_content})
    text = message.text()
    if message.tool_call_id is not None:
        parts.append({"type": "tool_call_response", "id": message.tool_call_id, "response": text})
    elif text:
        parts.append({"type": "text", "content": text})
    parts.extend(_tool_call(call) for call in message.tool_calls)
    return {"role": message.role, "parts": parts}


def _tool_call(call: ToolCall) -> dict[str, Any]:
    # Never the thought_signature: it is the provider's opaque token, not content.
    return {
        "type": "tool_call",
        "id": call.id,
        "name": call.function.name,
        "arguments": call.function.arguments,
    }


def _text_message(role: str, text: str) -> dict[str, Any]:
    return {"role": role, "parts": [{"type": "text", "content": text}]}


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
