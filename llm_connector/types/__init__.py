"""Neutral request and response types, the same for every provider."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from llm_connector.types._request import ChatRequest, EmbedRequest, ReasoningEffort
from llm_connector.types._response import (
    ChatResponse,
    Choice,
    Delta,
    EmbedResponse,
    FunctionCallDelta,
    Model,
    ModelDetails,
    ModelPage,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
    Usage,
)
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
    from llm_connector.types._embedding import Embedding

# The Responses API's types live in llm_connector.responses (which builds on the types
# above); the common ones are names of this module too, loaded on first use like there.
_RESPONSES_NAMES = frozenset(
    {
        "FunctionCallItem",
        "FunctionCallOutputItem",
        "HostedTool",
        "IncompleteDetails",
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
        "ResponsesUsage",
    }
)

__all__ = [
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
    "StreamChoice",
    "StreamingResponse",
    "TextPart",
    "Tool",
    "ToolCall",
    "ToolCallDelta",
    "ToolChoice",
    "Usage",
]


def __getattr__(name: str) -> Any:
    if name == "Embedding":
        # Loaded with the codecs that parse embeddings (see _embedding.py).
        from llm_connector.types._embedding import Embedding

        globals()[name] = Embedding
        return Embedding
    if name not in _RESPONSES_NAMES:
        raise AttributeError(f"module 'llm_connector.types' has no attribute {name!r}")
    from llm_connector import responses

    value = getattr(responses, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
