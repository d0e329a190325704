"""llm_connector: one request type and one stream type for every major LLM API.

    from llm_connector import Client
    from llm_connector.types import ChatRequest, Message

    client = Client.openai()            # key from $OPENAI_API_KEY
    request = ChatRequest("gpt-4o").add_message(Message.user("Tell me a story"))
    for chunk in client.chat_stream(request):
        print(chunk.get_content() or "", end="")

``AsyncClient`` is the asyncio twin. ``Client.mock(...)`` runs offline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_connector._lazy import lazy_names
from llm_connector._version import __version__
from llm_connector.calls.hooks import Hooks, RequestInfo, ResponseInfo, RetryInfo
from llm_connector.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FallbackExhaustedError,
    IncompleteStreamError,
    InternalServerError,
    LLMError,
    NotFoundError,
    OutputRefusedError,
    OutputValidationError,
    OverloadedError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    ResponseDecodeError,
    ResponseTooLargeError,
    StreamDecodeError,
    StreamError,
    UnprocessableEntityError,
    UnsupportedFeatureError,
)
from llm_connector.shells.async_client import (
    AsyncChatStream,
    AsyncChatStreamContext,
    AsyncClient,
    AsyncResponsesStream,
    AsyncResponsesStreamContext,
)
from llm_connector.shells.sync_client import ChatStream, Client, ResponsesStream
from llm_connector.types import (
    CacheBreakpoint,
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
from llm_connector.types._size_limits import SizeLimits
from llm_connector.types._timeout import Timeout

if TYPE_CHECKING:
    from llm_connector._mock import MockRepliesExhausted, MockReply, MockServer
    from llm_connector.calls.fallback import FallbackMember, FallbackPolicy
    from llm_connector.providers import provider_info, supported_providers
    from llm_connector.providers.spec import Capabilities, ProviderInfo
    from llm_connector.responses import ResponsesRequest, ResponsesResponse, ResponsesStreamEvent
    from llm_connector.shells.async_fallback import AsyncFallback, AsyncFallbackStream
    from llm_connector.shells.sync_fallback import Fallback, FallbackStream
    from llm_connector.telemetry import instrument, uninstrument
    from llm_connector.types._embedding import EmbedRequest, EmbedResponse
    from llm_connector.types._response import ChatResponse, StreamingResponse, Usage
    from llm_connector.types._route import Route, SkippedMember

# Loaded on first use (see _lazy.py): the answer types (the first answer loads them), the
# mock, which most programs never need, the types of the calls besides chat, and the
# provider table (the first client built loads it).
_LAZY: dict[str, str] = {
    "ChatResponse": "llm_connector.types._response",
    "StreamingResponse": "llm_connector.types._response",
    "Usage": "llm_connector.types._response",
    "MockRepliesExhausted": "llm_connector._mock",
    "MockReply": "llm_connector._mock",
    "MockServer": "llm_connector._mock",
    "EmbedRequest": "llm_connector.types._embedding",
    "EmbedResponse": "llm_connector.types._embedding",
    "ResponsesRequest": "llm_connector.responses",
    "ResponsesResponse": "llm_connector.responses",
    "ResponsesStreamEvent": "llm_connector.responses",
    "supported_providers": "llm_connector.providers",
    "provider_info": "llm_connector.providers",
    "Capabilities": "llm_connector.providers.spec",
    "Fallback": "llm_connector.shells.sync_fallback",
    "FallbackStream": "llm_connector.shells.sync_fallback",
    "AsyncFallback": "llm_connector.shells.async_fallback",
    "AsyncFallbackStream": "llm_connector.shells.async_fallback",
    "FallbackMember": "llm_connector.calls.fallback",
    "FallbackPolicy": "llm_connector.calls.fallback",
    "Route": "llm_connector.types._route",
    "SkippedMember": "llm_connector.types._route",
    "ProviderInfo": "llm_connector.providers.spec",
    # OpenTelemetry (the otel extra): nothing of it loads until instrument() is called.
    "instrument": "llm_connector.telemetry",
    "uninstrument": "llm_connector.telemetry",
}

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncChatStream",
    "AsyncChatStreamContext",
    "AsyncClient",
    "AsyncFallback",
    "AsyncFallbackStream",
    "AsyncResponsesStream",
    "AsyncResponsesStreamContext",
    "AuthenticationError",
    "BadRequestError",
    "CacheBreakpoint",
    "Capabilities",
    "ChatRequest",
    "ChatResponse",
    "ChatStream",
    "Client",
    "ConflictError",
    "DocumentPart",
    "EmbedRequest",
    "EmbedResponse",
    "Fallback",
    "FallbackExhaustedError",
    "FallbackMember",
    "FallbackPolicy",
    "FallbackStream",
    "Hooks",
    "ImagePart",
    "IncompleteStreamError",
    "InternalServerError",
    "LLMError",
    "Message",
    "MockRepliesExhausted",
    "MockReply",
    "MockServer",
    "NotFoundError",
    "OutputRefusedError",
    "OutputValidationError",
    "OverloadedError",
    "PermissionDeniedError",
    "ProviderInfo",
    "RateLimitError",
    "RequestInfo",
    "RequestValidationError",
    "ResponseDecodeError",
    "ResponseFormat",
    "ResponseInfo",
    "ResponseTooLargeError",
    "ResponsesRequest",
    "ResponsesResponse",
    "ResponsesStream",
    "ResponsesStreamEvent",
    "RetryInfo",
    "Route",
    "SizeLimits",
    "SkippedMember",
    "StreamDecodeError",
    "StreamError",
    "StreamingResponse",
    "TextPart",
    "Timeout",
    "Tool",
    "ToolCall",
    "ToolChoice",
    "UnprocessableEntityError",
    "UnsupportedFeatureError",
    "Usage",
    "__version__",
    "instrument",
    "provider_info",
    "supported_providers",
    "uninstrument",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)
