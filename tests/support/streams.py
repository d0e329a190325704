"""Reading a stream to its error, the same way for both clients."""

from __future__ import annotations

from llm_connector import LLMError
from llm_connector.types import ChatRequest, ChatResponse, StreamingResponse
from tests.support.facade import Api, Stream


async def read_until_error(stream: Stream) -> tuple[list[str], LLMError]:
    """Iterate; return the texts that arrived before the error, and the error."""
    texts: list[str] = []
    try:
        while True:
            texts.append((await stream.next()).content)
    except LLMError as exc:
        return texts, exc


async def collect(api: Api, request: ChatRequest) -> tuple[list[StreamingResponse], ChatResponse]:
    """Every chunk of a stream, and its final response."""
    stream = await api.stream(request)
    chunks = await stream.collect()
    return chunks, await stream.final_response()
