"""Neutral request and response types, the same for every provider."""

from llm_connector.types._message import (
    ContentPart,
    DocumentPart,
    FunctionCall,
    ImagePart,
    Message,
    Role,
    TextPart,
    ToolCall,
)
from llm_connector.types._request import ChatRequest, EmbedRequest, ReasoningEffort
from llm_connector.types._response import (
    ChatResponse,
    Choice,
    Delta,
    Embedding,
    EmbedResponse,
    FunctionCallDelta,
    Model,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
    Usage,
)
from llm_connector.types._tools import ResponseFormat, Tool, ToolChoice

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
    "ImagePart",
    "Message",
    "Model",
    "ReasoningEffort",
    "ResponseFormat",
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
