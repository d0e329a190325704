"""Every exception httpx can raise on the shells' paths reaches the caller as an LLMError.

The list is httpx's own (every exception class it exports), so a new one in a later httpx
fails here until it is mapped. Each is raised by a transport where the shells meet it:
while sending (before any answer), and in the middle of a streamed body after content
arrived, with both clients.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from llm_connector import (
    APIConnectionError,
    APITimeoutError,
    AsyncClient,
    Client,
    IncompleteStreamError,
    LLMError,
    RequestValidationError,
    ResponseDecodeError,
    StreamDecodeError,
)
from llm_connector.shells.deadlines import THREAD_WATCHDOG
from llm_connector.shells.http import HTTPX_ERRORS
from llm_connector.types import ChatRequest, Message
from tests.support.facade import Mode
from tests.support.script import chunk, sse

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Tell me"))


def exported_errors() -> list[type[Exception]]:
    return sorted(
        (
            obj
            for name in httpx.__all__
            if isinstance(obj := getattr(httpx, name), type) and issubclass(obj, Exception)
        ),
        key=lambda cls: cls.__name__,
    )


#: What each becomes: (raised while sending, raised mid-stream after content).
EXPECTED: dict[str, tuple[type[LLMError], type[LLMError]]] = {
    "CloseError": (APIConnectionError, IncompleteStreamError),
    "ConnectError": (APIConnectionError, IncompleteStreamError),
    "ConnectTimeout": (APITimeoutError, APITimeoutError),
    "CookieConflict": (APIConnectionError, IncompleteStreamError),
    "DecodingError": (ResponseDecodeError, StreamDecodeError),
    "HTTPError": (APIConnectionError, IncompleteStreamError),
    "HTTPStatusError": (APIConnectionError, IncompleteStreamError),
    "InvalidURL": (RequestValidationError, IncompleteStreamError),
    "LocalProtocolError": (APIConnectionError, IncompleteStreamError),
    "NetworkError": (APIConnectionError, IncompleteStreamError),
    "PoolTimeout": (APITimeoutError, APITimeoutError),
    "ProtocolError": (APIConnectionError, IncompleteStreamError),
    "ProxyError": (APIConnectionError, IncompleteStreamError),
    "ReadError": (APIConnectionError, IncompleteStreamError),
    "ReadTimeout": (APITimeoutError, APITimeoutError),
    "RemoteProtocolError": (APIConnectionError, IncompleteStreamError),
    "RequestError": (APIConnectionError, IncompleteStreamError),
    "RequestNotRead": (APIConnectionError, IncompleteStreamError),
    "ResponseNotRead": (APIConnectionError, IncompleteStreamError),
    "StreamClosed": (APIConnectionError, IncompleteStreamError),
    "StreamConsumed": (APIConnectionError, IncompleteStreamError),
    "StreamError": (APIConnectionError, IncompleteStreamError),
    "TimeoutException": (APITimeoutError, APITimeoutError),
    "TooManyRedirects": (APIConnectionError, IncompleteStreamError),
    "TransportError": (APIConnectionError, IncompleteStreamError),
    "UnsupportedProtocol": (RequestValidationError, IncompleteStreamError),
    "WriteError": (APIConnectionError, IncompleteStreamError),
    "WriteTimeout": (APITimeoutError, APITimeoutError),
}
ERRORS = exported_errors()


def make(cls: type[Exception]) -> Exception:
    """An instance of ``cls``, however its constructor wants to be called."""
    request = httpx.Request("POST", "http://testserver/v1/chat/completions")
    if cls is httpx.HTTPStatusError:
        return cls("boom", request=request, response=httpx.Response(500, request=request))
    try:
        return cls("boom")
    except TypeError:
        return cls()


def test_every_exported_httpx_error_is_mapped() -> None:
    assert sorted(EXPECTED) == [cls.__name__ for cls in ERRORS]
    assert [cls.__name__ for cls in ERRORS if not issubclass(cls, HTTPX_ERRORS)] == []


def client(mode: Mode, handler: Any) -> Client | AsyncClient:
    cls: Any = Client if mode == "sync" else AsyncClient
    transport = httpx.MockTransport(handler)
    http = (
        httpx.Client(transport=transport)
        if mode == "sync"
        else httpx.AsyncClient(transport=transport)
    )
    return cls.openai_compatible(  # type: ignore[no-any-return]
        api_key="sk-test", base_url="http://testserver/v1", http_client=http, max_retries=0
    )


async def chat(api: Client | AsyncClient) -> None:
    if isinstance(api, AsyncClient):
        await api.chat(REQUEST)
    else:
        api.chat(REQUEST)


async def stream_into(api: Client | AsyncClient, texts: list[str | None]) -> None:
    if isinstance(api, AsyncClient):
        async with api.chat_stream(REQUEST) as stream:
            async for piece in stream:
                texts.append(piece.get_content())
    else:
        with api.chat_stream(REQUEST) as sync_stream:
            for piece in sync_stream:
                texts.append(piece.get_content())


@pytest.mark.parametrize("error", ERRORS, ids=lambda cls: cls.__name__)
async def test_raised_while_sending(mode: Mode, error: type[Exception]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise make(error)

    api = client(mode, handler)
    with pytest.raises(LLMError) as caught:
        await chat(api)

    assert type(caught.value) is EXPECTED[error.__name__][0]
    assert type(caught.value.__cause__) is error


class _Breaking(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A streamed body: one chunk with content, then ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.first = sse(chunk("Once", role="assistant"), done=False).chunks[0]

    def __iter__(self) -> Iterator[bytes]:
        yield self.first
        raise self.error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.first
        raise self.error


@pytest.mark.parametrize("error", ERRORS, ids=lambda cls: cls.__name__)
async def test_raised_mid_stream_keeps_what_arrived(mode: Mode, error: type[Exception]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "text/event-stream"}
        return httpx.Response(200, headers=headers, stream=_Breaking(make(error)))

    api = client(mode, handler)
    texts: list[str | None] = []
    with pytest.raises(LLMError) as caught:
        await stream_into(api, texts)

    assert type(caught.value) is EXPECTED[error.__name__][1]
    assert texts == ["Once"]
    assert caught.value.partial is not None
    assert caught.value.partial.content == "Once"


def test_an_interrupted_send_leaves_no_watch_behind() -> None:
    """A KeyboardInterrupt while the head is awaited: the head's watch is cancelled with
    it, or it would cut a connection (and hold the request) until its deadline."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    api = client("sync", handler)
    before = THREAD_WATCHDOG.watching
    with pytest.raises(KeyboardInterrupt):
        api.chat(REQUEST)

    assert THREAD_WATCHDOG.watching == before == 0
