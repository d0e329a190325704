"""PLACEHOLDER (being written for issue 4): the Gemini codec."""

from __future__ import annotations

from llm_connector.codecs._base import ChatCodec, Endpoint, ErrorInfo, RequestSpec, StreamDecoder
from llm_connector.errors import UnsupportedFeatureError
from llm_connector.types import ChatRequest, ChatResponse


class GeminiCodec(ChatCodec):
    name = "gemini"

    def __init__(self) -> None:
        pass

    def build_chat(self, request: ChatRequest, endpoint: Endpoint, *, stream: bool) -> RequestSpec:
        raise UnsupportedFeatureError("not written yet")

    def parse_chat(self, body: bytes) -> ChatResponse:
        raise UnsupportedFeatureError("not written yet")

    def new_stream_decoder(self) -> StreamDecoder:
        raise UnsupportedFeatureError("not written yet")

    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo:
        raise UnsupportedFeatureError("not written yet")
