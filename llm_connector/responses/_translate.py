"""Between the Responses API and chat (pure): a ResponsesRequest as the ChatRequest that
asks the same of a chat protocol, and a ResponsesResponse as the ChatResponse it amounts to.

The first drives the fallback to chat completions (a server without ``/responses``) and
``invoke_responses`` on providers that never had the endpoint (Anthropic, Gemini, Ollama):
their chat codec sends the ChatRequest, and the chat stream is turned back into Responses
events (``codecs/codecs/openai_responses/fallback.py``). The second is what an error interrupting a
Responses stream carries in ``.partial`` (a ``ChatResponse``, as every stream error does).
"""

from __future__ import annotations

import attrs

from llm_connector.errors import UnsupportedFeatureError
from llm_connector.responses._inputs import HostedTool
from llm_connector.responses._items import (
    FunctionCallItem,
    FunctionCallOutputItem,
    MessageItem,
    OtherItem,
    OutputText,
    ReasoningItem,
    Refusal,
    ResponsesItem,
)
from llm_connector.responses._request import ResponsesRequest
from llm_connector.responses._response import ResponsesResponse
from llm_connector.types._message import (
    ContentPart,
    FunctionCall,
    Message,
    TextPart,
    ToolCall,
)
from llm_connector.types._request import ChatRequest
from llm_connector.types._response import ChatResponse, Choice, Usage
from llm_connector.types._tools import Tool


def chat_request_for(request: ResponsesRequest) -> ChatRequest:
    """The chat request asking what ``request`` asks: instructions become a system message,
    items become messages (a function call joins the assistant turn before it, its output
    becomes a tool message, reasoning rides on the next assistant turn), flat function
    tools become chat tools, ``max_output_tokens`` becomes ``max_tokens``.

    Raises ``UnsupportedFeatureError`` for what chat protocols cannot express: a
    ``previous_response_id`` (the conversation lives on the server), hosted tools, and
    items of kinds not modelled here.
    """
    if request.previous_response_id:
        raise UnsupportedFeatureError(
            "previous_response_id needs the server's /responses endpoint; without it, send "
            "the earlier turns as input items"
        )
    tools: list[Tool] = []
    for tool in request.tools:
        if isinstance(tool, HostedTool):
            raise UnsupportedFeatureError(
                f"the hosted tool {tool.type!r} needs the server's /responses endpoint"
            )
        tools.append(tool)
    messages: list[Message] = []
    if request.instructions:
        messages.append(Message.system(request.instructions))
    if isinstance(request.input, str):
        messages.append(Message.user(request.input))
    elif request.input:
        messages.extend(messages_for(request.input))
    reasoning = request.reasoning
    return ChatRequest(
        model=request.model,
        messages=messages,
        temperature=request.temperature,
        top_p=request.top_p,
        max_tokens=request.max_output_tokens,
        tools=tools,
        tool_choice=request.tool_choice,
        parallel_tool_calls=request.parallel_tool_calls,
        response_format=request.text_format,
        reasoning_effort=reasoning.effort if reasoning is not None else None,
        # The chat dialect decides whether the provider is sent them.
        safety_identifier=request.safety_identifier,
        prompt_cache_key=request.prompt_cache_key,
        prompt_cache_retention=request.prompt_cache_retention,
        stream=request.stream,
        extra_body=request.extra_body,
        api_key=request.api_key,
        base_url=request.base_url,
        extra_headers=request.extra_headers,
        timeout=request.timeout,
        max_retries=request.max_retries,
    )


def messages_for(items: tuple[ResponsesItem, ...]) -> list[Message]:
    """Input items as chat messages."""
    messages: list[Message] = []
    reasoning: list[str] = []  # reasoning waiting for the assistant turn it belongs to
    for i, item in enumerate(items):
        if isinstance(item, ReasoningItem):
            reasoning.append(item.text or item.summary_text)
        elif isinstance(item, MessageItem) and item.role == "assistant":
            messages.append(_assistant(item.text, (), reasoning))
            reasoning = []
        elif isinstance(item, MessageItem):
            messages.append(Message(item.role, _content(item)))
        elif isinstance(item, FunctionCallItem):
            call = ToolCall(item.call_id, FunctionCall(item.name, item.arguments or "{}"))
            last = messages[-1] if messages else None
            if last is not None and last.role == "assistant" and not reasoning:
                # Calls that follow an assistant message (or each other) are that turn's.
                messages[-1] = attrs.evolve(last, tool_calls=(*last.tool_calls, call))
            else:
                messages.append(_assistant("", (call,), reasoning))
                reasoning = []
        elif isinstance(item, FunctionCallOutputItem):
            messages.append(Message.tool(item.output, item.call_id))
        else:
            kind = item.type if isinstance(item, OtherItem) else type(item).__name__
            raise UnsupportedFeatureError(
                f"input[{i}]: a {kind!r} item needs the server's /responses endpoint"
            )
    return messages


def _assistant(text: str, calls: tuple[ToolCall, ...], reasoning: list[str]) -> Message:
    return Message.assistant(
        text or None, tool_calls=calls, reasoning_content="".join(reasoning) or None
    )


def _content(item: MessageItem) -> str | tuple[ContentPart, ...]:
    if isinstance(item.content, str):
        return item.content
    parts: list[ContentPart] = []
    for part in item.content:
        if isinstance(part, OutputText):
            parts.append(TextPart(part.text))
        elif isinstance(part, Refusal):
            parts.append(TextPart(part.refusal))
        else:
            parts.append(part)
    return tuple(parts)


_INCOMPLETE_FINISH = {"max_output_tokens": "length", "content_filter": "content_filter"}


def chat_response_for(response: ResponsesResponse) -> ChatResponse:
    """What a Responses answer amounts to as a chat answer: its text, reasoning, function
    calls (as tool calls), usage and a finish reason (``stop``, ``tool_calls``, ``length``,
    ``content_filter``; None while it is unfinished or when it failed)."""
    calls = tuple(
        ToolCall(call.call_id or call.id or "", FunctionCall(call.name, call.arguments))
        for call in response.function_calls
    )
    finish: str | None = None
    native: str | None = None
    if response.status == "completed":
        finish = "tool_calls" if calls else "stop"
    elif response.status == "incomplete":
        details = response.incomplete_details
        native = details.reason if details is not None else None
        finish = _INCOMPLETE_FINISH.get(native or "", "length")
    text = response.output_text
    message = Message.assistant(
        text if text or not calls else None,
        tool_calls=calls,
        reasoning_content=response.reasoning_text or response.reasoning_summary,
    )
    usage = response.usage
    return ChatResponse(
        id=response.id,
        model=response.model,
        choices=(Choice(0, message, finish, native),),
        usage=None
        if usage is None
        else Usage(
            usage.input_tokens,
            usage.output_tokens,
            usage.total_tokens,
            usage.reasoning_tokens,
            usage.cached_tokens,
        ),
        created=int(response.created_at) if response.created_at is not None else None,
    )
