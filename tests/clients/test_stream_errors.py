"""What goes wrong after a stream began: every error carries what arrived in ``.partial``."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from llm_connector import (
    APIConnectionError,
    APITimeoutError,
    IncompleteStreamError,
    InternalServerError,
    LLMError,
    OverloadedError,
    RateLimitError,
    ResponseDecodeError,
    StreamDecodeError,
)
from llm_connector.types import ChatRequest, Message, Usage
from tests.support.backends import Backend, MakeApi
from tests.support.facade import Api, Stream
from tests.support.loopback import LoopbackServer, unused_port
from tests.support.script import (
    CHAT,
    chunk,
    completion,
    error_body,
    json_reply,
    sse,
    text_stream,
)

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Hi"))


async def read_until_error(stream: Stream) -> tuple[list[str], LLMError]:
    """Iterate; return the texts that arrived before the error, and the error."""
    texts: list[str] = []
    try:
        while True:
            texts.append((await stream.next()).content)
    except LLMError as exc:
        return texts, exc


async def test_json_error_body_with_200_on_a_stream(api: Api, backend: Backend) -> None:
    body = error_body("quota exceeded", error_type="rate_limit_error", code="rate_limit_exceeded")
    backend.script.on(CHAT, json_reply(body, headers=[("x-request-id", "req_json200")]))

    stream = await api.stream(REQUEST)  # HTTP 200: nothing to raise yet
    texts, err = await read_until_error(stream)

    assert texts == []
    assert isinstance(err, RateLimitError)
    assert err.status_code == 429
    assert err.message == "quota exceeded"
    assert err.request_id == "req_json200"
    assert err.in_stream is True
    assert err.partial is not None
    assert err.partial.content == ""


async def test_error_event_after_content(api: Api, backend: Backend) -> None:
    backend.script.on(
        CHAT,
        sse(
            chunk("", role="assistant"),
            chunk("Once upon"),
            chunk(" a time"),
            error_body("Overloaded", error_type="overloaded_error", code=None),
            done=False,
            headers=[("x-request-id", "req_sse")],
        ),
    )

    stream = await api.stream(REQUEST)
    texts, err = await read_until_error(stream)

    assert texts == ["", "Once upon", " a time"]
    assert isinstance(err, OverloadedError)
    assert err.status_code == 529
    assert err.request_id == "req_sse"  # from the 200 response the event came in
    assert err.in_stream is True
    assert err.partial is not None
    assert err.partial.content == "Once upon a time"


async def test_json_error_body_with_200_on_a_plain_chat(api: Api, backend: Backend) -> None:
    body = error_body("upstream failed", error_type="server_error")
    backend.script.on(CHAT, json_reply(body, headers=[("x-request-id", "req_plain")]))

    with pytest.raises(InternalServerError) as caught:
        await api.chat(REQUEST)

    assert caught.value.request_id == "req_plain"
    assert caught.value.message == "upstream failed"
    assert backend.script.hits() == 1


async def test_error_event_ends_a_for_loop(api: Api, backend: Backend) -> None:
    backend.script.on(
        CHAT,
        sse(chunk("partial"), {"error": {"message": "boom", "code": 502}}, done=False),
    )
    stream = await api.stream(REQUEST)
    with pytest.raises(LLMError) as caught:
        await stream.collect()
    assert caught.value.partial is not None
    assert caught.value.partial.content == "partial"


async def test_body_ending_before_the_answer_finished(api: Api, backend: Backend) -> None:
    # A clean end of the HTTP body, but no finish_reason and no [DONE].
    backend.script.on(CHAT, sse(chunk("", role="assistant"), chunk("cut"), done=False))

    stream = await api.stream(REQUEST)
    texts, err = await read_until_error(stream)

    assert texts == ["", "cut"]
    assert type(err) is IncompleteStreamError
    assert err.partial is not None
    assert err.partial.content == "cut"
    assert err.partial.finish_reason is None
    with pytest.raises(IncompleteStreamError):
        await stream.final_response()


async def test_finish_reason_without_done_is_complete(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, sse(chunk("ok"), chunk(finish="stop"), done=False))
    stream = await api.stream(REQUEST)
    assert [c.content for c in await stream.collect()] == ["ok", ""]
    assert (await stream.final_response()).content == "ok"


async def test_empty_stream_body(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, sse(done=False))
    stream = await api.stream(REQUEST)
    texts, err = await read_until_error(stream)
    assert texts == []
    assert type(err) is IncompleteStreamError


@pytest.mark.parametrize("mid_chunk", [False, True], ids=["between-chunks", "mid-chunk"])
async def test_connection_dropped_mid_stream(api: Api, backend: Backend, mid_chunk: bool) -> None:
    reply = text_stream("one", " two", " three")
    backend.script.on(CHAT, replace(reply, drop_after=3, drop_mid_chunk=mid_chunk))

    stream = await api.stream(REQUEST)
    texts, err = await read_until_error(stream)

    assert texts == ["", "one", " two"]
    # A transport failure after the stream began is an incomplete stream, caused by the
    # httpx error (httpcore: "peer closed connection without sending complete message body").
    assert type(err) is IncompleteStreamError
    assert isinstance(err.__cause__, httpx.RemoteProtocolError)
    assert err.partial is not None
    assert err.partial.content == "one two"
    assert backend.count("server_dropped") == 1


async def test_idle_timeout_mid_stream(make_api: MakeApi, server: LoopbackServer) -> None:
    api = make_api(server, timeout=0.3, max_retries=0)
    reply = text_stream("fast", " then slow")
    # The third chunk (" then slow") would come 30 s late: the 0.3 s idle timeout fires
    # (and the server stops waiting when the client hangs up).
    server.script.on(CHAT, replace(reply, pauses=((2, 30.0),)))

    stream = await api.stream(REQUEST)
    texts, err = await read_until_error(stream)

    assert texts == ["", "fast"]
    assert type(err) is APITimeoutError
    assert err.timeout_kind == "idle"
    assert err.message == "idle timeout (0.3 s): no stream event arrived while streaming"
    # The watchdog shut the socket down under the blocked read.
    assert isinstance(err.__cause__, httpx.TransportError)
    assert err.partial is not None
    assert err.partial.content == "fast"
    # The client hung up on the stalled stream: the server saw it (well before its pause
    # ended) and nothing was retried.
    assert server.client_gone.wait(5.0)
    assert server.script.hits() == 1


async def test_first_event_timeout_before_the_answer(
    make_api: MakeApi, server: LoopbackServer
) -> None:
    api = make_api(server, timeout=0.2, max_retries=0)
    server.script.on(CHAT, replace(json_reply(completion("late")), head_delay=30.0))

    with pytest.raises(APITimeoutError) as caught:
        await api.chat(REQUEST)

    assert caught.value.timeout_kind == "first_event"
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert caught.value.partial is None
    assert server.script.hits() == 1


async def test_connection_refused(make_api: MakeApi, server: LoopbackServer) -> None:
    port = unused_port()
    api = make_api(server, base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)

    with pytest.raises(APIConnectionError) as caught:
        await api.chat(REQUEST)

    assert type(caught.value) is APIConnectionError
    assert f"127.0.0.1:{port}/v1/chat/completions" in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


async def test_html_on_a_stream_request(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, json_reply("<html>login page</html>", content_type="text/html"))

    stream = await api.stream(REQUEST)
    texts, err = await read_until_error(stream)

    assert texts == []
    assert type(err) is StreamDecodeError
    assert "text/html" in err.message
    assert err.partial is not None


async def test_undecodable_event(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, sse(chunk("fine"), "{not json", done=False))

    stream = await api.stream(REQUEST)
    texts, err = await read_until_error(stream)

    assert texts == ["fine"]
    assert type(err) is StreamDecodeError
    assert err.frame == "{not json"
    assert err.partial is not None
    assert err.partial.content == "fine"


async def test_server_ignoring_stream_true(api: Api, backend: Backend) -> None:
    calls = [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]
    backend.script.on(
        CHAT, json_reply(completion("the whole answer", reasoning="why", tool_calls=calls))
    )

    stream = await api.stream(REQUEST)
    chunks = await stream.collect()

    assert len(chunks) == 1
    (only,) = chunks
    assert only.content == "the whole answer"
    assert only.reasoning_content == "why"
    assert only.finish_reason == "stop"
    assert [(d.index, d.id, d.function.name, d.function.arguments) for d in only.tool_calls] == [
        (0, "c1", "f", "{}")
    ]
    assert only.usage == Usage(prompt_tokens=9, completion_tokens=3, total_tokens=12)
    final = await stream.final_response()
    assert final.content == "the whole answer"
    assert [c.id for c in final.tool_calls] == ["c1"]


async def test_a_codec_bug_in_a_whole_body_is_a_decode_error(
    api: Api, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Codecs promise to raise only LLMErrors; the shells keep that promise for them.
    def broken(body: bytes) -> object:
        raise KeyError("choices")

    monkeypatch.setattr(api.client._driver.settings.codec, "parse_chat", broken)
    backend.script.on(CHAT, json_reply(completion("fine")))

    with pytest.raises(ResponseDecodeError) as caught:
        await api.chat(REQUEST)
    assert isinstance(caught.value.__cause__, KeyError)

    stream = await api.stream(REQUEST)  # a JSON answer to a stream request: same parser
    _, err = await read_until_error(stream)
    assert type(err) is StreamDecodeError
    assert isinstance(err.__cause__, KeyError)
    assert err.partial is not None
