"""Neutral request and response types, the same for every provider."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_connector._lazy import lazy_names
from llm_connector.types._cache import CacheBreakpoint
from llm_connector.types._message import (
    ContentPart,
    DocumentPart,
    FunctionCall,
    ImagePart,
    Message,
    ReasoningBlock,
    Role,
    TextPart,
    ToolCall,
)
from llm_connector.types._request import ChatRequest, ReasoningEffort
from llm_connector.types._tools import ResponseFormat, Tool, ToolChoice

if TYPE_CHECKING:
    from llm_connector.responses import (
        FunctionCallItem,
        FunctionCallOutputItem,
        HostedTool,
        IncompleteDetails,
        MessageItem,
        OtherItem,
        OutputText,
        Reasoning,
        ReasoningItem,
        Refusal,
        ResponsesError,
        ResponsesItem,
        ResponsesRequest,
        ResponsesResponse,
        ResponsesStreamEvent,
        ResponsesUsage,
    )
    from llm_connector.types._embedding import Embedding, EmbedRequest, EmbedResponse
    from llm_connector.types._models import Model, ModelDetails, ModelPage
    from llm_connector.types._response import (
        ChatResponse,
        Choice,
        Delta,
        FunctionCallDelta,
        StreamChoice,
        StreamingResponse,
        ToolCallDelta,
        Usage,
    )
    from llm_connector.types._route import Route, SkippedMember

# Loaded on first use (see _lazy.py): the Responses API's common types (they live in
# llm_connector.responses, which builds on the types above), embeddings, model listings,
# and the types of answers, which the first answer loads (about 2 ms of import).
_RESPONSES = "llm_connector.responses"
_ANSWERS = "llm_connector.types._response"
_LAZY: dict[str, str] = {
    "ChatResponse": _ANSWERS,
    "Choice": _ANSWERS,
    "Delta": _ANSWERS,
    "FunctionCallDelta": _ANSWERS,
    "StreamChoice": _ANSWERS,
    "StreamingResponse": _ANSWERS,
    "ToolCallDelta": _ANSWERS,
    "Usage": _ANSWERS,
    "FunctionCallItem": _RESPONSES,
    "FunctionCallOutputItem": _RESPONSES,
    "HostedTool": _RESPONSES,
    "IncompleteDetails": _RESPONSES,
    "MessageItem": _RESPONSES,
    "OtherItem": _RESPONSES,
    "OutputText": _RESPONSES,
    "Reasoning": _RESPONSES,
    "ReasoningItem": _RESPONSES,
    "Refusal": _RESPONSES,
    "ResponsesError": _RESPONSES,
    "ResponsesItem": _RESPONSES,
    "ResponsesRequest": _RESPONSES,
    "ResponsesResponse": _RESPONSES,
    "ResponsesStreamEvent": _RESPONSES,
    "ResponsesUsage": _RESPONSES,
    "EmbedRequest": "llm_connector.types._embedding",
    "EmbedResponse": "llm_connector.types._embedding",
    "Embedding": "llm_connector.types._embedding",
    "Model": "llm_connector.types._models",
    "ModelDetails": "llm_connector.types._models",
    "ModelPage": "llm_connector.types._models",
    "Route": "llm_connector.types._route",
    "SkippedMember": "llm_connector.types._route",
}

__all__ = [
    "CacheBreakpoint",
    "ChatRequest",
    "ChatResponse",
    "Choice",
    "ContentPart",
    "Delta",
    "DocumentPart",
    "EmbedRequest",
    "EmbedResponse",
    "Embedding",
    "FunctionCall",
    "FunctionCallDelta",
    "FunctionCallItem",
    "FunctionCallOutputItem",
    "HostedTool",
    "ImagePart",
    "IncompleteDetails",
    "Message",
    "MessageItem",
    "Model",
    "ModelDetails",
    "ModelPage",
    "OtherItem",
    "OutputText",
    "Reasoning",
    "ReasoningBlock",
    "ReasoningEffort",
    "ReasoningItem",
    "Refusal",
    "ResponseFormat",
    "ResponsesError",
    "ResponsesItem",
    "ResponsesRequest",
    "ResponsesResponse",
    "ResponsesStreamEvent",
    "ResponsesUsage",
    "Role",
    "Route",
    "SkippedMember",
    "StreamChoice",
    "StreamingResponse",
    "TextPart",
    "Tool",
    "ToolCall",
    "ToolCallDelta",
    "ToolChoice",
    "Usage",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)
