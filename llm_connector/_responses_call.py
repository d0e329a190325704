"""ResponsesCall: a Responses API call ready to send.

Apart from ``_base_client`` so that ``import llm_connector`` does not build it: it loads
with the first Responses API call, as the Responses types do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from llm_connector.types._value import FrozenValue

if TYPE_CHECKING:
    from llm_connector._base_client import PreparedCall
    from llm_connector._stream_core import StreamSource
    from llm_connector.codecs.contract import Endpoint
    from llm_connector.responses import ResponsesRequest, ResponsesResponse, ResponsesStreamEvent

__all__ = ["ResponsesCall"]


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
    secrets: tuple[str, ...] = attrs.field(repr=False)
