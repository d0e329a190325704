"""The offline mock provider through both clients, streamed and not."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from llm_connector import (
    IncompleteStreamError,
    InternalServerError,
    MockRepliesExhausted,
    MockReply,
    MockServer,
    OverloadedError,
    RateLimitError,
)
from llm_connector.types import ChatRequest, ChatResponse, EmbedRequest, Message, ToolCall, Usage
from tests.support.backends import SleepLog
from tests.support.facade import Api, Mode, client_class, wrap

MakeMock = Callable[..., Api]
REQUEST = ChatRequest("gpt-mock").add_message(Message.user("Hello mock"))


@pytest.fixture
async def make_mock(mode: Mode) -> AsyncIterator[MakeMock]:
    made: list[Api] = []

    def make(replies: Any = None, **options: Any) -> Api:
        api = wrap(client_class(mode).mock(replies, **options))
        made.append(api)
        return api

    yield make
    for api in made:
        await api.close()


async def both_ways(api: Api) -> tuple[ChatResponse, ChatResponse, list[Any]]:
    """The same reply (a single reply answers every request) non-streamed, then streamed."""
    whole = await api.chat(REQUEST)
    stream = await api.stream(REQUEST)
    chunks = await stream.collect()
    return whole, await stream.final_response(), chunks


async def test_text(make_mock: MakeMock) -> None:
    whole, streamed, chunks = await both_ways(make_mock(MockReply.text("Hello there, friend")))
    for response in (whole, streamed):
        assert response.content == "Hello there, friend"
        assert response.finish_reason == "stop"
        assert response.reasoning_content is None
        assert response.tool_calls == ()
        assert response.model == "gpt-mock"
    # One chunk per word, as models stream.
    assert [c.content for c in chunks if c.content] == ["Hello", " there,", " friend"]
    assert whole.usage == streamed.usage
    assert streamed.usage is not None
    assert streamed.usage.completion_tokens == 3
    assert streamed.usage.total_tokens == streamed.usage.prompt_tokens + 3


async def test_plain_string_and_finish_reason(make_mock: MakeMock) -> None:
    api = make_mock(MockReply.text("cut", finish_reason="length"))
    whole, streamed, _ = await both_ways(api)
    assert (whole.finish_reason, streamed.finish_reason) == ("length", "length")
    api2 = make_mock("just a string")
    assert (await api2.chat(REQUEST)).content == "just a string"


async def test_reasoning(make_mock: MakeMock) -> None:
    whole, streamed, chunks = await both_ways(make_mock(MockReply.reasoning("Let me think.", "42")))
    for response in (whole, streamed):
        assert response.reasoning_content == "Let me think."
        assert response.content == "42"
    reasoning = [c.reasoning_content for c in chunks if c.reasoning_content]
    assert reasoning == ["Let", " me", " think."]
    # Reasoning arrives before the answer.
    first_answer = next(i for i, c in enumerate(chunks) if c.content)
    last_reasoning = max(i for i, c in enumerate(chunks) if c.reasoning_content)
    assert last_reasoning < first_answer


async def test_tool_call(make_mock: MakeMock) -> None:
    reply = MockReply.tool_call("get_weather", {"city": "Paris", "unit": "celsius"}, id="call_9")
    whole, streamed, chunks = await both_ways(make_mock(reply))
    for response in (whole, streamed):
        assert response.finish_reason == "tool_calls"
        assert response.content == ""
        (call,) = response.tool_calls
        assert (call.id, call.name) == ("call_9", "get_weather")
        assert call.parse_arguments() == {"city": "Paris", "unit": "celsius"}
    # Arguments arrive in fragments after the call's id and name.
    deltas = [d for c in chunks for d in c.tool_calls]
    assert deltas[0].id == "call_9"
    assert deltas[0].function.name == "get_weather"
    assert len(deltas) > 2
    assert "".join(d.function.arguments for d in deltas) == reply.tool_calls[0].arguments


async def test_parallel_tool_calls(make_mock: MakeMock) -> None:
    calls = [
        ToolCall.create("call_a", "lookup", {"q": "x"}),
        ToolCall.create("call_b", "fetch", '{"url": "https://example.com"}'),
    ]
    whole, streamed, chunks = await both_ways(
        make_mock(MockReply.tool_calls_of(calls, content="Checking."))
    )
    for response in (whole, streamed):
        assert response.content == "Checking."
        assert [(c.id, c.name, c.arguments) for c in response.tool_calls] == [
            ("call_a", "lookup", '{"q": "x"}'),
            ("call_b", "fetch", '{"url": "https://example.com"}'),
        ]
    assert {d.index for c in chunks for d in c.tool_calls} == {0, 1}


async def test_echo_is_the_default(make_mock: MakeMock) -> None:
    api = make_mock()
    assert (await api.chat(REQUEST)).content == "(offline mock) You said: Hello mock"
    stream = await api.stream(REQUEST.add_message(Message.user("again")))
    assert (await stream.final_response()).content == "(offline mock) You said: again"


async def test_stream_usage(make_mock: MakeMock) -> None:
    api = make_mock("a b c")
    stream = await api.stream(REQUEST)
    chunks = await stream.collect()
    assert chunks[-1].choices == ()
    assert chunks[-1].usage == Usage(
        prompt_tokens=2, completion_tokens=3, total_tokens=5, cached_tokens=0
    )


async def test_error_reply(make_mock: MakeMock) -> None:
    api = make_mock(MockReply.error(429, "slow down", retry_after=7))
    with pytest.raises(RateLimitError) as caught:
        await api.chat(REQUEST)
    assert caught.value.status_code == 429
    assert caught.value.message == "slow down"
    assert caught.value.error_type == "rate_limit_error"
    assert caught.value.retry_after == 7.0
    with pytest.raises(RateLimitError):
        await api.stream(REQUEST)


async def test_error_reply_is_not_retried_by_default(make_mock: MakeMock, sleeps: SleepLog) -> None:
    # Decision: a scripted error reaches the caller as scripted, without retry waits,
    # and the next call gets the next reply.
    server = MockServer([MockReply.error(503, "down"), "back up"])
    api = make_mock(server)
    with pytest.raises(InternalServerError):
        await api.chat(REQUEST)
    assert (await api.chat(REQUEST)).content == "back up"
    assert len(server.requests) == 2
    assert sleeps == []


async def test_with_retries_each_retry_takes_the_next_reply(
    make_mock: MakeMock, sleeps: SleepLog
) -> None:
    server = MockServer([MockReply.error(429, "slow", retry_after=0), "after the wait"])
    api = make_mock(server, max_retries=2)
    assert (await api.chat(REQUEST)).content == "after the wait"
    assert len(server.requests) == 2
    assert sleeps == [0.0]


async def test_repeating_error_exhausts_retries(make_mock: MakeMock, sleeps: SleepLog) -> None:
    server = MockServer(MockReply.error(529, "overloaded", retry_after=0))
    api = make_mock(server, max_retries=2)
    with pytest.raises(OverloadedError):
        await api.chat(REQUEST)
    assert len(server.requests) == 3
    assert sleeps == [0.0, 0.0]


async def test_error_mid_stream(make_mock: MakeMock) -> None:
    api = make_mock(MockReply.error(529, "overloaded", partial_content="Half an ans"))
    stream = await api.stream(REQUEST)
    with pytest.raises(OverloadedError) as caught:
        await stream.collect()
    assert caught.value.in_stream is True
    assert caught.value.partial is not None
    assert caught.value.partial.content == "Half an ans"
    # Not streamed, the same reply is a plain error answer.
    with pytest.raises(OverloadedError) as plain:
        await api.chat(REQUEST)
    assert plain.value.in_stream is False


async def test_replies_advance_and_a_script_that_runs_out_raises(make_mock: MakeMock) -> None:
    server = MockServer(["one", MockReply.text("two"), "three"])
    api = make_mock(server)
    got = [(await api.chat(REQUEST)).content for _ in range(2)]
    stream = await api.stream(REQUEST)
    got.append((await stream.final_response()).content)
    assert got == ["one", "two", "three"]
    with pytest.raises(MockRepliesExhausted) as info:
        await api.chat(REQUEST)
    assert str(info.value) == (
        "MockServer: 3 replies were scripted and all are used; request 4 has none "
        "(script one reply per request, or pass repeat_last=True to repeat the last)"
    )
    assert (info.value.scripted, info.value.request_number) == (3, 4)
    with pytest.raises(MockRepliesExhausted):  # streamed too, and again
        await api.stream(REQUEST)
    assert len(server.requests) == 5


async def test_chunk_delay_paces_a_stream(make_mock: MakeMock) -> None:
    server = MockServer(MockReply.text("one two three"), chunk_delay=0.05)
    api = make_mock(server)
    started = time.perf_counter()
    stream = await api.stream(REQUEST)
    chunks = await stream.collect()
    elapsed = time.perf_counter() - started
    assert [c.content for c in chunks if c.content] == ["one", " two", " three"]
    # A wait before each SSE event after the first: the role chunk, three words, the
    # finishing chunk, the usage chunk and [DONE] are 7 events, so 6 waits.
    assert elapsed >= 6 * 0.05
    assert (await api.chat(REQUEST)).content == "one two three"  # a whole answer: no waits


def test_chunk_delay_is_off_unless_given() -> None:
    assert MockServer().chunk_delay == 0.0
    with pytest.raises(ValueError, match=r"^chunk_delay is seconds, at least 0, not -1$"):
        MockServer(chunk_delay=-1)


async def test_a_script_of_one_reply_raises_in_the_singular(make_mock: MakeMock) -> None:
    api = make_mock(["only"])
    assert (await api.chat(REQUEST)).content == "only"
    with pytest.raises(MockRepliesExhausted) as info:
        await api.chat(REQUEST)
    assert str(info.value) == (
        "MockServer: 1 reply was scripted and all are used; request 2 has none "
        "(script one reply per request, or pass repeat_last=True to repeat the last)"
    )


async def test_repeat_last_repeats_the_scripts_last_reply(make_mock: MakeMock) -> None:
    api = make_mock(MockServer(["one", "two"], repeat_last=True))
    got = [(await api.chat(REQUEST)).content for _ in range(4)]
    assert got == ["one", "two", "two", "two"]


async def test_a_single_reply_answers_every_request_unless_told_not_to(
    make_mock: MakeMock,
) -> None:
    api = make_mock("same")
    assert [(await api.chat(REQUEST)).content for _ in range(3)] == ["same"] * 3
    once = make_mock(MockServer("once", repeat_last=False))
    assert (await once.chat(REQUEST)).content == "once"
    with pytest.raises(MockRepliesExhausted):
        await once.chat(REQUEST)


async def test_the_default_echo_answers_every_request(make_mock: MakeMock) -> None:
    api = make_mock()
    got = [(await api.chat(REQUEST)).content for _ in range(3)]
    assert got == ["(offline mock) You said: Hello mock"] * 3


async def test_requests_are_recorded(make_mock: MakeMock) -> None:
    server = MockServer("ok", model="served-model")
    api = make_mock(server)
    await api.chat(REQUEST.with_temperature(0.5))
    stream = await api.stream(REQUEST)
    await stream.collect()
    models = await api.models()
    embedded = await api.embed(EmbedRequest("emb", ["a", "b"]))

    chat_body, stream_body, models_body, embed_body = server.requests
    assert chat_body == {
        "model": "gpt-mock",
        "messages": [{"role": "user", "content": "Hello mock"}],
        "temperature": 0.5,
    }
    assert stream_body["stream"] is True
    assert models_body == {}
    assert embed_body == {"model": "emb", "input": ["a", "b"]}
    assert [m.id for m in models] == ["served-model"]
    assert len(embedded.embeddings) == 2
    assert all(len(v) == server.embedding_dimensions for v in embedded.embeddings)
    assert embedded.embeddings[0] != embedded.embeddings[1]


async def test_closing_a_mock_stream_early(make_mock: MakeMock) -> None:
    api = make_mock("many words in this answer")
    stream = await api.stream(REQUEST)
    assert len(await stream.take_then_break(2)) == 2
    await api.settle()
    with pytest.raises(IncompleteStreamError) as caught:
        await stream.final_response()
    assert caught.value.partial is not None
    assert caught.value.partial.content == "many"


def test_mock_server_needs_a_reply() -> None:
    with pytest.raises(ValueError, match="at least one reply"):
        MockServer([])
