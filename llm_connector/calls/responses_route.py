"""A Responses API call ready to send: to ``/responses``, or translated to the provider's
chat protocol, with what reads its answer either way (pure).

Apart from ``prepare.py`` so that ``import llm_connector`` does not build it: it loads with
the first Responses API call, as the Responses types do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from llm_connector.types._value import FrozenValue

if TYPE_CHECKING:
    from llm_connector.calls.prepare import PreparedCall
    from llm_connector.calls.stream_core import StreamSource
    from llm_connector.codecs.contract import ChatCodec, Endpoint
    from llm_connector.codecs.openai_responses.codec import OpenAIResponsesCodec
    from llm_connector.errors import APIStatusError
    from llm_connector.responses import ResponsesRequest, ResponsesResponse, ResponsesStreamEvent

__all__ = ["ResponsesCall", "native_call", "translated_call"]


def _never(error: APIStatusError) -> bool:
    return False


@attrs.frozen(repr=False, eq=False)
class ResponsesCall(FrozenValue):
    """A Responses API call ready to send: to ``/responses`` (``native``), or translated to
    the provider's chat protocol, with what reads its answer either way."""

    call: PreparedCall
    #: What a stream of the answer decodes with.
    source: StreamSource[ResponsesStreamEvent, ResponsesResponse]
    #: Reads a whole (non-streamed) answer.
    parse: Callable[[bytes], ResponsesResponse]
    native: bool
    request: ResponsesRequest
    endpoint: Endpoint
    #: Whether an error answer to this call says the server has no ``/responses`` (the
    #: Responses codec's reading: then the call goes to chat completions instead).
    lacks_route: Callable[[APIStatusError], bool] = _never


def native_call(
    call: PreparedCall, codec: OpenAIResponsesCodec, request: ResponsesRequest, endpoint: Endpoint
) -> ResponsesCall:
    """A call to ``/responses``, read by the Responses codec."""
    from llm_connector.codecs.openai_responses.codec import NativeSource
    from llm_connector.codecs.openai_responses.parse import lacks_responses_route

    return ResponsesCall(
        call,
        NativeSource(codec),
        codec.parse_response,
        True,
        request,
        endpoint,
        lacks_responses_route,
    )


def translated_call(
    call: PreparedCall, chat_codec: ChatCodec, request: ResponsesRequest, endpoint: Endpoint
) -> ResponsesCall:
    """A chat call standing for a Responses request: its answer is read by the provider's
    chat codec and turned into the Responses answer (events synthesized for a stream)."""
    from llm_connector.codecs.openai_responses.fallback import (
        TranslatedSource,
        responses_response_of,
    )

    created = endpoint.timestamp
    parse_chat = chat_codec.parse_chat

    def parse(body: bytes) -> ResponsesResponse:
        return responses_response_of(parse_chat(body), request.model, created)

    source = TranslatedSource(chat_codec, request.model, created)
    return ResponsesCall(call, source, parse, False, request, endpoint)
