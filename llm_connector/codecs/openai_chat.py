"""OpenAI chat completions, and the dialect knobs of servers that speak it.

API reference: https://platform.openai.com/docs/api-reference/chat/create
Streaming:     https://platform.openai.com/docs/api-reference/chat-streaming
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from llm_connector.codecs._base import (
    ChatCodec,
    Endpoint,
    ErrorInfo,
    RequestSpec,
    dump_json,
    merge_headers,
)
from llm_connector.codecs.openai_chat_parse import (
    parse_chat_response,
    parse_embeddings,
    parse_error_body,
    parse_model_list,
)
from llm_connector.codecs.openai_chat_stream import OpenAIChatStreamDecoder
from llm_connector.errors import RequestValidationError
from llm_connector.types import (
    ChatRequest,
    ChatResponse,
    DocumentPart,
    EmbedRequest,
    EmbedResponse,
    ImagePart,
    Message,
    ModelPage,
    ResponseFormat,
    TextPart,
    Tool,
    ToolCall,
    ToolChoice,
)


@attrs.frozen
class OpenAIDialect:
    """How one OpenAI-compatible server differs from api.openai.com.

    Each knob names the behaviour it covers; provider rows in ``_providers.py`` set them.
    """

    # OpenAI deprecated ``max_tokens`` for ``max_completion_tokens``, and its reasoning
    # models reject the old name (see the recorded 400 "Unsupported parameter: 'max_tokens'").
    # https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_completion_tokens
    # Most compatible servers only know ``max_tokens``.
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    # Ask for the usage-only final chunk: https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
    stream_usage: bool = True
    # Send an assistant turn's reasoning back (DeepSeek's thinking-mode tool turns need it;
    # OpenAI rejects the unknown field).
    send_reasoning_content: bool = False
    # OpenAI has no top_k and rejects unknown parameters; vLLM, llama.cpp, SGLang and most
    # compatible servers take it: https://docs.vllm.ai/en/latest/api/vllm/sampling_params.html
    top_k: bool = True
    chat_path: str = "/chat/completions"
    models_path: str = "/models"
    embeddings_path: str = "/embeddings"


OPENAI_DIALECT = OpenAIDialect(max_tokens_field="max_completion_tokens", top_k=False)
COMPATIBLE_DIALECT = OpenAIDialect()

# Without a native thinking budget, a budget maps onto OpenAI's effort levels. The
# thresholds follow the budgets the effort levels roughly correspond to on models that
# accept both (Anthropic and Gemini document 1024 as the smallest useful budget).
_BUDGET_TO_EFFORT: tuple[tuple[int, str], ...] = ((0, "none"), (1024, "low"), (8192, "medium"))


def effort_for_budget(budget: int) -> str:
    """The ``reasoning_effort`` a thinking budget stands for.

    0 is none, up to 1024 low, up to 8192 medium, more is high.
    """
    for ceiling, effort in _BUDGET_TO_EFFORT:
        if budget <= ceiling:
            return effort
    return "high"


class OpenAIChatCodec(ChatCodec):
    """Request builder and response decoders for ``/chat/completions``."""

    name = "openai_chat"

    def __init__(self, dialect: OpenAIDialect = COMPATIBLE_DIALECT) -> None:
        self.dialect = dialect

    # -- chat -------------------------------------------------------------------------

    def build_chat(self, request: ChatRequest, endpoint: Endpoint, *, stream: bool) -> RequestSpec:
        request.validate()
        dialect = self.dialect
        body: dict[str, Any] = {
            "model": request.model,
            "messages": [self._message(m, i) for i, m in enumerate(request.messages)],
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
            "user": request.user,
        }
        body.update((k, v) for k, v in optional.items() if v is not None)
        if request.tools:
            body["tools"] = [_tool(t) for t in request.tools]
        if request.tool_choice is not None:
            body["tool_choice"] = _tool_choice(request.tool_choice)
        if request.response_format is not None:
            body["response_format"] = _response_format(request.response_format)
        effort = request.reasoning_effort
        if effort is None and request.thinking_budget is not None:
            effort = effort_for_budget(request.thinking_budget)  # type: ignore[assignment]
        if effort is not None:
            body["reasoning_effort"] = effort
        if stream:
            body["stream"] = True
            if dialect.stream_usage:
                body["stream_options"] = {"include_usage": True}
        if request.extra_body:
            body.update(request.extra_body)
        headers = merge_headers(
            {
                "Content-Type": "application/json",
                "Accept": "text/event-stream" if stream else "application/json",
            },
            endpoint.auth_headers(),
            endpoint.headers,
        )
        return RequestSpec(
            "POST",
            endpoint.url(dialect.chat_path),
            headers,
            dump_json(body),
            "sse" if stream else "json",
        )

    def _message(self, message: Message, i: int) -> dict[str, Any]:
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
            if self.dialect.send_reasoning_content and message.reasoning_content:
                out["reasoning_content"] = message.reasoning_content
        elif message.role == "tool":
            out["tool_call_id"] = message.tool_call_id
            out["content"] = _content(message, i) or ""
        else:
            out["content"] = _content(message, i) if message.content is not None else ""
            if message.name:
                out["name"] = message.name
        return out

    def parse_chat(self, body: bytes) -> ChatResponse:
        return parse_chat_response(body)

    def new_stream_decoder(self) -> OpenAIChatStreamDecoder:
        return OpenAIChatStreamDecoder()

    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo:
        return parse_error_body(status_code, body)

    # -- models and embeddings --------------------------------------------------------

    def build_models(self, endpoint: Endpoint, page_token: str | None = None) -> RequestSpec:
        # OpenAI's model list is one page: https://platform.openai.com/docs/api-reference/models/list
        headers = merge_headers(
            {"Accept": "application/json"}, endpoint.auth_headers(), endpoint.headers
        )
        return RequestSpec("GET", endpoint.url(self.dialect.models_path), headers)

    def parse_models(self, body: bytes) -> ModelPage:
        return ModelPage(tuple(parse_model_list(body)))

    def build_embed(self, request: EmbedRequest, endpoint: Endpoint) -> RequestSpec:
        request.validate()
        body: dict[str, Any] = {"model": request.model, "input": list(request.input)}
        optional = {
            "dimensions": request.dimensions,
            "encoding_format": request.encoding_format,
            "user": request.user,
        }
        body.update((k, v) for k, v in optional.items() if v is not None)
        if request.extra_body:
            body.update(request.extra_body)
        headers = merge_headers(
            {"Content-Type": "application/json", "Accept": "application/json"},
            endpoint.auth_headers(),
            endpoint.headers,
        )
        return RequestSpec(
            "POST", endpoint.url(self.dialect.embeddings_path), headers, dump_json(body)
        )

    def parse_embed(self, body: bytes) -> EmbedResponse:
        return parse_embeddings(body)


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
