"""chat, chat_stream, models and embed against scripted OpenAI wire bodies, on both
transports, through both clients."""

from __future__ import annotations

import json

import pytest

from llm_connector import AsyncChatStream, ChatStream, IncompleteStreamError
from llm_connector.types import ChatRequest, EmbedRequest, Message, Model, Usage
from tests.support.backends import API_KEY, Backend
from tests.support.facade import Api
from tests.support.script import (
    CHAT,
    EMBEDDINGS,
    MODELS,
    chunk,
    completion,
    json_reply,
    sse,
    text_stream,
    tool_call,
    usage,
)

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Hi"))


async def test_chat_returns_the_parsed_completion(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, json_reply(completion("Hello there", reasoning="thought")))

    response = await api.chat(REQUEST)

    assert response.content == "Hello there"
    assert response.reasoning_content == "thought"
    assert response.finish_reason == "stop"
    assert response.id == "chatcmpl-whole"
    assert response.model == "gpt-test"
    assert response.usage == Usage(prompt_tokens=9, completion_tokens=3, total_tokens=12)
    (sent,) = backend.requests
    assert (sent.method, sent.path) == ("POST", CHAT)
    assert sent.json() == {
        "model": "gpt-test",
        "messages": [{"role": "user", "content": "Hi"}],
    }
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["user-agent"].startswith("llm-connector/")


async def test_chat_returns_tool_calls(api: Api, backend: Backend) -> None:
    calls = [tool_call("call_1", "get_weather", '{"city":"Paris"}')]
    backend.script.on(CHAT, json_reply(completion(None, tool_calls=calls, finish="tool_calls")))

    response = await api.chat(REQUEST)

    assert response.finish_reason == "tool_calls"
    assert [(c.id, c.name, c.parse_arguments()) for c in response.tool_calls] == [
        ("call_1", "get_weather", {"city": "Paris"})
    ]


async def test_stream_yields_every_chunk_in_order(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, text_stream("Hel", "lo", " world"))

    stream = await api.stream(REQUEST)
    chunks = await stream.collect()

    assert [c.get_content() for c in chunks] == [None, "Hel", "lo", " world", None, None]
    assert chunks[-2].finish_reason == "stop"
    assert chunks[-1].usage == Usage(prompt_tokens=5, completion_tokens=3, total_tokens=8)
    final = await stream.final_response()
    assert final.content == "Hello world"
    assert final.finish_reason == "stop"
    assert final.usage == Usage(prompt_tokens=5, completion_tokens=3, total_tokens=8)
    body = backend.requests[0].json()
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert backend.requests[0].headers["accept"] == "text/event-stream"


async def test_stream_object_types(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, text_stream("x"))
    stream = await api.stream(REQUEST)
    expected = ChatStream if api.mode == "sync" else AsyncChatStream
    assert type(stream.raw) is expected
    assert stream.raw.response.status_code == 200
    await stream.close()


async def test_stream_tool_call_deltas(api: Api, backend: Backend) -> None:
    first = {"index": 0, "id": "call_a", "type": "function", "function": {"name": "f"}}
    second = {"index": 1, "id": "call_b", "type": "function", "function": {"name": "g"}}
    backend.script.on(
        CHAT,
        sse(
            chunk(
                role="assistant", tool_calls=[{**first, "function": {"name": "f", "arguments": ""}}]
            ),
            chunk(tool_calls=[{"index": 0, "function": {"arguments": '{"a":'}}]),
            chunk(tool_calls=[{"index": 0, "function": {"arguments": "1}"}}]),
            chunk(tool_calls=[{**second, "function": {"name": "g", "arguments": "{}"}}]),
            chunk(finish="tool_calls"),
        ),
    )

    stream = await api.stream(REQUEST)
    chunks = await stream.collect()

    deltas = [d for c in chunks for d in c.tool_calls]
    assert [(d.index, d.id, d.function.name, d.function.arguments) for d in deltas] == [
        (0, "call_a", "f", ""),
        (0, None, None, '{"a":'),
        (0, None, None, "1}"),
        (1, "call_b", "g", "{}"),
    ]
    final = await stream.final_response()
    assert final.finish_reason == "tool_calls"
    assert [(c.id, c.name, c.arguments) for c in final.tool_calls] == [
        ("call_a", "f", '{"a":1}'),
        ("call_b", "g", "{}"),
    ]


async def test_final_response_after_partial_iteration(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, text_stream("a", "b", "c"))

    stream = await api.stream(REQUEST)
    assert (await stream.next()).get_content() is None  # the role chunk
    assert (await stream.next()).get_content() == "a"
    final = await stream.final_response()

    assert final.content == "abc"
    assert final.usage is not None
    assert final.usage.completion_tokens == 3


async def test_final_response_without_iterating(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, text_stream("whole"))
    stream = await api.stream(REQUEST)
    assert (await stream.final_response()).content == "whole"


async def test_final_response_after_break_reports_what_arrived(api: Api, backend: Backend) -> None:
    # Leaving the loop closes the stream (documented), so the answer is incomplete.
    backend.script.on(CHAT, text_stream("a", "b", "c"))
    stream = await api.stream(REQUEST)
    assert len(await stream.take_then_break(2)) == 2
    await api.settle()

    with pytest.raises(IncompleteStreamError) as caught:
        await stream.final_response()
    assert caught.value.partial is not None
    assert caught.value.partial.content == "a"


async def test_stream_context_manager(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, text_stream("in", " context"))
    async with api.stream_context(REQUEST) as stream:
        text = "".join(c.content for c in await stream.collect())
    assert text == "in context"


async def test_iterating_again_after_the_end_yields_nothing(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, text_stream("once"))
    stream = await api.stream(REQUEST)
    assert len(await stream.collect()) == 4
    assert await stream.collect() == []
    assert (await stream.final_response()).content == "once"


async def test_models(api: Api, backend: Backend) -> None:
    backend.script.on(
        MODELS,
        json_reply(
            {
                "object": "list",
                "data": [
                    {"id": "gpt-a", "object": "model", "created": 1, "owned_by": "org"},
                    {"id": "gpt-b", "object": "model", "future_field": True},
                ],
            }
        ),
    )

    models = await api.models()

    assert models == [Model("gpt-a", owned_by="org", created=1), Model("gpt-b")]
    (sent,) = backend.requests
    assert (sent.method, sent.path, sent.body) == ("GET", MODELS, b"")
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"


async def test_embed(api: Api, backend: Backend) -> None:
    backend.script.on(
        EMBEDDINGS,
        json_reply(
            {
                "object": "list",
                "data": [
                    {"object": "embedding", "index": 1, "embedding": [0.5, 0.25]},
                    {"object": "embedding", "index": 0, "embedding": [1.0, -1.0]},
                ],
                "model": "emb-test",
                "usage": usage(4, 0),
            }
        ),
    )

    result = await api.embed(EmbedRequest("emb-test", ["one", "two"], dimensions=2))

    assert result.model == "emb-test"
    assert result.embeddings == [[1.0, -1.0], [0.5, 0.25]]
    assert result.usage == Usage(prompt_tokens=4, completion_tokens=0, total_tokens=4)
    assert json.loads(backend.requests[0].body) == {
        "model": "emb-test",
        "input": ["one", "two"],
        "dimensions": 2,
    }


async def test_a_connection_is_reused_across_calls(api: Api, backend: Backend) -> None:
    backend.script.on(CHAT, text_stream("x"))
    for _ in range(3):
        stream = await api.stream(REQUEST)
        await stream.collect()
    if backend.kind == "loopback":
        # The stream was read to its end, so the connection went back to the pool.
        assert backend.count("connect") == 1
    assert backend.script.hits() == 3
