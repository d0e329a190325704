"""``invoke_responses`` and ``invoke_responses_stream`` on both clients: the native route
(whole bodies, failures, retries before content, closing), and the providers that never had
``/responses`` (Anthropic, Gemini, Ollama and the offline mock), which answer through their
chat protocol."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import llm_connector.shells.async_streams as async_shell
import llm_connector.shells.sync_streams as sync_shell
from llm_connector import (
    AsyncClient,
    Client,
    InternalServerError,
    MockReply,
    MockServer,
    RateLimitError,
    RequestValidationError,
    ResponsesStream,
)
from llm_connector._mock.server import Wire
from llm_connector.responses import (
    FunctionCallItem,
    MessageItem,
    ReasoningItem,
    ResponsesRequest,
    ResponsesUsage,
)
from llm_connector.shells.async_client import AsyncResponsesStream
from llm_connector.types import ChatRequest
from tests.support.answers import summary
from tests.support.facade import Mode
from tests.support.loopback import LoopbackServer
from tests.support.responses_clients import Responses, paths, responses_client
from tests.support.script import Reply, json_reply, sse

RESPONSES = "/v1/responses"
DATA = Path(__file__).parent.parent / "data" / "openai-responses"
REQUEST = ResponsesRequest(model="gpt-test", input="Reply with exactly: pong", stream=True)
SSE = (("content-type", "text/event-stream"),)


def transcript(name: str) -> Reply:
    return Reply(200, SSE, ((DATA / f"{name}.sse").read_bytes(),))


def expected_final(name: str) -> dict[str, Any]:
    loaded: dict[str, dict[str, Any]] = json.loads(
        (DATA / f"{name}.expected.json").read_text("utf-8")
    )
    return loaded["final"]


async def test_invoke_responses_reads_a_whole_body(mode: Mode, server: LoopbackServer) -> None:
    server.script.on(RESPONSES, json_reply(json.loads((DATA / "nonstream-text.json").read_text())))
    async with responses_client(mode, "openai", server.base_url) as api:
        response = await api.invoke(REQUEST)
    assert response.output_text == "pong" and response.status == "completed"
    assert response.usage == ResponsesUsage(11, 5, 16, 0, 0)
    sent = server.script.requests[0]
    assert sent.json() == {"model": "gpt-test", "input": "Reply with exactly: pong"}
    assert sent.headers["authorization"].startswith("Bearer ")
    assert sent.headers["accept"] == "application/json"


async def test_invoke_responses_reads_reasoning_and_calls(
    mode: Mode, server: LoopbackServer
) -> None:
    body = json.loads((DATA / "nonstream-encrypted-reasoning.json").read_text())
    server.script.on(RESPONSES, json_reply(body))
    async with responses_client(mode, "openai", server.base_url) as api:
        response = await api.invoke(REQUEST)
    reasoning, call = response.output
    assert isinstance(reasoning, ReasoningItem) and reasoning.encrypted_content
    assert reasoning.id == "rs_0f4809b27460351d0169fab21897dc8196960e8680fb72a88d"
    assert call == FunctionCallItem(
        "call_uy7tfNVokIN7NjFF6k7OtLyl",
        "lookup_population",
        '{"country":"Pundora"}',
        id="fc_0f4809b27460351d0169fab21a34f08196b14c2bd71a22cd6a",
        status="completed",
    )
    # Both go back, unchanged, as the next request's input (stateless reasoning).
    follow_up = REQUEST.add_input(*response.output)
    assert follow_up.input is not None and follow_up.input[1:] == response.output


async def test_a_failed_response_body_raises(mode: Mode, server: LoopbackServer) -> None:
    failed = {
        "id": "resp_1",
        "object": "response",
        "status": "failed",
        "error": {"code": "rate_limit_exceeded", "message": "Too many"},
        "output": [],
    }
    server.script.on(RESPONSES, json_reply(failed))
    async with responses_client(mode, "openai", server.base_url) as api:
        with pytest.raises(RateLimitError) as caught:
            await api.invoke(REQUEST)
    assert caught.value.message == "Too many" and caught.value.in_stream


@pytest.mark.parametrize(
    "name",
    ["text-basic", "reasoning-summary", "web-search-annotations", "background-queued"],
)
async def test_streams_through_the_loopback(mode: Mode, server: LoopbackServer, name: str) -> None:
    server.script.on(RESPONSES, transcript(name))
    async with responses_client(mode, "openai", server.base_url) as api:
        events, final = await api.stream(REQUEST)
    assert summary(final) == expected_final(name)
    assert events[-1].event_type == "response.completed"
    sent = server.script.requests[0]
    assert sent.json()["stream"] is True and sent.headers["accept"] == "text/event-stream"


async def test_an_error_event_mid_stream(mode: Mode, server: LoopbackServer) -> None:
    body = (DATA / "text-basic.sse").read_bytes()
    head = body[: body.index(b"event: response.output_text.done")]
    error = {"type": "error", "code": "server_error", "message": "boom", "param": None}
    tail = f"event: error\ndata: {json.dumps(error)}\n\n".encode()
    server.script.on(RESPONSES, Reply(200, SSE, (head, tail)))
    async with responses_client(mode, "openai", server.base_url) as api:
        events, caught, snapshot = await api.collect_until_error(REQUEST)
    assert [e.event_type for e in events][-2:] == ["response.output_text.delta", "error"]
    assert isinstance(caught, InternalServerError) and caught.message == "boom"
    assert caught.partial is not None and caught.partial.content == "pong"
    assert snapshot.output_text == "pong" and snapshot.status == "in_progress"


async def test_a_failure_before_any_content_is_retried(
    mode: Mode, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = {"type": "response.created", "response": {"id": "resp_0", "status": "in_progress"}}
    failed = {
        "type": "response.failed",
        "response": {"id": "resp_0", "status": "failed", "error": {"code": "server_error"}},
    }
    server.script.on(RESPONSES, sse(created, failed, done=False), transcript("text-basic"))
    waits: list[float] = []

    async def no_async_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(sync_shell, "sleep", waits.append)
    monkeypatch.setattr(async_shell, "sleep", no_async_sleep)
    async with responses_client(mode, "openai", server.base_url, max_retries=1) as api:
        events, final = await api.stream(REQUEST)
    assert paths(server.script) == [RESPONSES, RESPONSES] and len(waits) == 1
    # The caller sees one clean answer: nothing of the failed attempt.
    assert events[0].data["response"]["id"] == final.id != "resp_0"
    assert final.output_text == "pong"


async def test_the_stream_types_and_context_managers(server: LoopbackServer) -> None:
    server.script.on(RESPONSES, transcript("text-basic"))
    with Client.openai("sk-x", server.base_url) as client:
        stream = client.invoke_responses_stream(REQUEST)
        assert isinstance(stream, ResponsesStream)
        with stream:
            first = next(stream)
        assert first.event_type == "response.created"
        assert stream.snapshot().status == "in_progress"
    async with AsyncClient.openai("sk-x", server.base_url) as aclient:
        async with aclient.invoke_responses_stream(REQUEST) as astream:
            assert isinstance(astream, AsyncResponsesStream)
            assert (await astream.__anext__()).event_type == "response.created"
        stream2 = await aclient.invoke_responses_stream(REQUEST)
        assert (await stream2.final_response()).output_text == "pong"


async def test_bad_input_raises_before_anything_is_sent(mode: Mode, server: LoopbackServer) -> None:
    async with responses_client(mode, "openai", server.base_url) as api:
        with pytest.raises(RequestValidationError, match="request"):
            await api.invoke(ChatRequest("m"))  # type: ignore[arg-type]
        with pytest.raises(RequestValidationError, match="input"):
            await api.invoke(ResponsesRequest(model="m"))
        with pytest.raises(RequestValidationError, match="model"):
            await api.stream(ResponsesRequest(input="hi"))
    assert server.script.requests == []


# -- providers without /responses ----------------------------------------------------------


WIRES: list[Wire] = ["openai", "anthropic", "google", "ollama"]


def mock_client(mode: Mode, server: MockServer) -> Responses:
    return Responses((Client if mode == "sync" else AsyncClient).mock(server))


@pytest.mark.parametrize("wire", WIRES)
async def test_the_mock_answers_through_its_chat_wire(mode: Mode, wire: Wire) -> None:
    server = MockServer(
        MockReply.reasoning("Thinking it over.", "Hello there, friend"), provider=wire
    )
    api = mock_client(mode, server)
    try:
        events, final = await api.stream(REQUEST)
        whole = await api.invoke(REQUEST)
    finally:
        await api.close()
    kinds = [e.event_type for e in events]
    assert kinds[:2] == ["response.created", "response.in_progress"]
    assert kinds[-1] == "response.completed"
    assert final.output_text == whole.output_text == "Hello there, friend"
    assert final.reasoning_text == whole.reasoning_text == "Thinking it over."
    assert [type(i) for i in final.output] == [ReasoningItem, MessageItem]
    assert final.usage is not None and final.usage == whole.usage
    # Each request went out in the provider's own chat shape.
    assert len(server.requests) == 2
    if wire == "anthropic":
        assert server.requests[0]["messages"] == [
            {"role": "user", "content": "Reply with exactly: pong"}
        ]
    elif wire == "google":
        assert server.requests[0]["contents"][0]["parts"] == [{"text": "Reply with exactly: pong"}]
    else:
        assert server.requests[0]["messages"][-1]["content"] == "Reply with exactly: pong"


@pytest.mark.parametrize("wire", WIRES)
async def test_a_tool_call_from_every_chat_wire(mode: Mode, wire: Wire) -> None:
    server = MockServer(MockReply.tool_call("get_weather", {"city": "Paris"}), provider=wire)
    api = mock_client(mode, server)
    request = REQUEST.with_tools(
        [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}}]
    )
    try:
        events, final = await api.stream(request)
    finally:
        await api.close()
    (call,) = final.function_calls
    assert (call.name, json.loads(call.arguments)) == ("get_weather", {"city": "Paris"})
    assert "response.function_call_arguments.done" in [e.event_type for e in events]


async def test_a_mid_stream_error_from_the_mock(mode: Mode) -> None:
    server = MockServer(MockReply.error(500, "went wrong", partial_content="Half an"))
    api = mock_client(mode, server)
    try:
        events, error, snapshot = await api.collect_until_error(REQUEST)
    finally:
        await api.close()
    assert isinstance(error, InternalServerError) and error.message == "went wrong"
    assert events[-1].event_type == "response.failed"
    assert snapshot.status == "failed" and snapshot.output_text == "Half an"
