"""OpenAI's Responses API: the request, the response, its items and the stream events.

    from llm_connector import Client
    from llm_connector.types import ResponsesRequest

    client = Client.openai()
    request = ResponsesRequest(model="gpt-4.1", input="Count from 1 to 5", stream=True)
    for event in client.invoke_responses_stream(request):
        if event.event_type == "response.output_text.delta":
            print(event.delta, end="")

Providers without ``/responses`` (a compatible server that answers 404, Anthropic, Gemini,
Ollama) are asked through their chat protocol; the answer arrives as the same events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_connector._lazy import lazy_names

if TYPE_CHECKING:
    from llm_connector.responses._details import (
        IncompleteDetails,
        ResponsesError,
        ResponsesUsage,
    )
    from llm_connector.responses._event import TERMINAL_EVENTS, ResponsesStreamEvent
    from llm_connector.responses._inputs import (
        HostedTool,
        Reasoning,
        ResponsesTool,
        SummaryMode,
    )
    from llm_connector.responses._items import (
        FunctionCallItem,
        FunctionCallOutputItem,
        ItemRole,
        MessageContent,
        MessageItem,
        OtherItem,
        OutputText,
        ReasoningItem,
        Refusal,
        ResponsesItem,
    )
    from llm_connector.responses._request import ResponsesRequest
    from llm_connector.responses._response import ResponsesResponse
    from llm_connector.responses._translate import chat_request_for, chat_response_for

# Every name is loaded on first use (PEP 562, see _lazy.py): ``import llm_connector``
# loads none of this package (the clients import it in the methods that use it), and a
# stream of events needs neither the input converters nor the chat translation. Each
# attrs class costs import time when its module loads. Type checkers read the imports
# above.
_MODULES: dict[str, str] = {
    "TERMINAL_EVENTS": "_event",
    "ResponsesStreamEvent": "_event",
    "HostedTool": "_inputs",
    "Reasoning": "_inputs",
    "ResponsesTool": "_inputs",
    "SummaryMode": "_inputs",
    "FunctionCallItem": "_items",
    "FunctionCallOutputItem": "_items",
    "ItemRole": "_items",
    "MessageContent": "_items",
    "MessageItem": "_items",
    "OtherItem": "_items",
    "OutputText": "_items",
    "ReasoningItem": "_items",
    "Refusal": "_items",
    "ResponsesItem": "_items",
    "ResponsesRequest": "_request",
    "IncompleteDetails": "_details",
    "ResponsesError": "_details",
    "ResponsesResponse": "_response",
    "ResponsesUsage": "_details",
    "chat_request_for": "_translate",
    "chat_response_for": "_translate",
}

__all__ = [
    "TERMINAL_EVENTS",
    "FunctionCallItem",
    "FunctionCallOutputItem",
    "HostedTool",
    "IncompleteDetails",
    "ItemRole",
    "MessageContent",
    "MessageItem",
    "OtherItem",
    "OutputText",
    "Reasoning",
    "ReasoningItem",
    "Refusal",
    "ResponsesError",
    "ResponsesItem",
    "ResponsesRequest",
    "ResponsesResponse",
    "ResponsesStreamEvent",
    "ResponsesTool",
    "ResponsesUsage",
    "SummaryMode",
    "chat_request_for",
    "chat_response_for",
]


__getattr__, __dir__ = lazy_names(
    __name__, {name: f"{__name__}.{module}" for name, module in _MODULES.items()}, __all__
)
