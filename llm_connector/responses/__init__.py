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

from llm_connector.responses._event import TERMINAL_EVENTS, ResponsesStreamEvent
from llm_connector.responses._inputs import HostedTool, Reasoning, ResponsesTool, SummaryMode
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
from llm_connector.responses._response import (
    IncompleteDetails,
    ResponsesError,
    ResponsesResponse,
    ResponsesUsage,
)
from llm_connector.responses._translate import chat_request_for, chat_response_for

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
