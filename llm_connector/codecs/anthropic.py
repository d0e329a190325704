"""PLACEHOLDER (being written for issue 3): the Anthropic Messages codec."""

from __future__ import annotations

from llm_connector.codecs._base import ChatCodec, Endpoint, ErrorInfo, RequestSpec, StreamDecoder
from llm_connector.errors import UnsupportedFeatureError
from llm_connector.types import ChatRequest, ChatResponse


class AnthropicCodec(ChatCodec):
    name = "anthropic"

    def __init__(self, dialect: object) -> None:
        self.dialect = dialect

    def build_chat(self, request: ChatRequest, endpoint: Endpoint, *, stream: bool) -> RequestSpec:
        raise UnsupportedFeatureError("not written yet")

    def parse_chat(self, body: bytes) -> ChatResponse:
        raise UnsupportedFeatureError("not written yet")

    def new_stream_decoder(self) -> StreamDecoder:
        raise UnsupportedFeatureError("not written yet")

    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo:
        raise UnsupportedFeatureError("not written yet")


ANTHROPIC_DIALECT = LONGCAT_DIALECT = VERTEX_DIALECT = object()
