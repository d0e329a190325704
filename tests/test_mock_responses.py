"""The offline mock's Responses API: served natively (``responses_api=True``) with the
events of the recorded streams, or, on a chat-only server, through the client's fallback to
chat completions, with the same answer either way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llm_connector import (
    AsyncClient,
    BadRequestError,
    Client,
    InternalServerError,
    MockReply,
    MockServer,
    UnsupportedFeatureError,
)
from llm_connector.responses import ResponsesRequest, ResponsesResponse
from tests.support.facade import Mode
from tests.support.responses_clients import Responses

MODES = pytest.mark.parametrize("mode", ["sync", "async"])
RESPONSES_DATA = Path(__file__).parent / "data" / "openai-responses"

ASK = ResponsesRequest(model="m", input="Reply with exactly: pong")


def recorded_types(name: str) -> list[str]:
    return [
        line.split(": ", 1)[1]
        for line in (RESPONSES_DATA / f"{name}.sse").read_text().splitlines()
        if line.startswith("event: ")
    ]


def responses_client(mode: Mode, server: MockServer) -> Responses:
    return Responses((Client if mode == "sync" else AsyncClient).mock(server))


@MODES
@pytest.mark.parametrize(
    ("reply", "recording"),
    [
        (MockReply.text("pong"), "text-basic"),
        (MockReply.reasoning("Capital of France.", "Paris."), "deepseek-reasoning-text"),
        (MockReply.tool_call("multiply", {"a": 1231, "b": 2331}), "function-call"),
    ],
)
async def test_native_events_follow_the_recorded_streams(
    mode: Mode, reply: MockReply, recording: str
) -> None:
    server = MockServer(reply, responses_api=True)
    api = responses_client(mode, server)
    try:
        events, final = await api.stream(ASK)
    finally:
        await api.close()
    # Event for event the kinds of a real stream (one delta per word, as the mock splits).
    kinds = [e.event_type for e in events]
    deduped = [k for i, k in enumerate(kinds) if i == 0 or k != kinds[i - 1] or "delta" not in k]
    recorded = recorded_types(recording)
    assert deduped == [
        k for i, k in enumerate(recorded) if i == 0 or k != recorded[i - 1] or "delta" not in k
    ]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert server.routes == ["POST /v1/responses"]
    assert server.requests[0]["input"] == "Reply with exactly: pong"
    assert final.status == "completed"
    assert final.output_text == reply.content
    assert final.reasoning_text == reply.reasoning_content


def gist(answer: ResponsesResponse) -> tuple[Any, ...]:
    """What an answer says, without its ids (which differ from call to call)."""
    calls = [(c.call_id, c.name, c.arguments) for c in answer.function_calls]
    usage = answer.usage
    tokens = None if usage is None else (usage.input_tokens, usage.output_tokens)
    return (answer.status, answer.output_text, answer.reasoning_text, calls, tokens)


@MODES
@pytest.mark.parametrize(
    "reply",
    [
        MockReply.reasoning("Count them.", "1 2 3 4 5"),
        MockReply.tool_call("get_weather", {"city": "Paris"}),
        MockReply.text("1 2 3", finish_reason="length"),
    ],
    ids=["text", "tool-call", "incomplete"],
)
async def test_native_and_fallback_give_the_same_answer(mode: Mode, reply: MockReply) -> None:
    native = MockServer(reply, responses_api=True)
    chat_only = MockServer(reply, provider="openai_compatible")
    answers = []
    for server in (native, chat_only):
        api = responses_client(mode, server)
        try:
            events, final = await api.stream(ASK)
            whole = await api.invoke(ASK)
        finally:
            await api.close()
        assert gist(whole) == gist(final)
        answers.append((gist(final), final.incomplete_details, events[-1].event_type))
    assert answers[0] == answers[1]
    # The chat-only server was asked /responses once; its 404 is remembered.
    assert native.routes == ["POST /v1/responses"] * 2
    assert chat_only.routes == [
        "POST /v1/responses",
        "POST /v1/chat/completions",
        "POST /v1/chat/completions",
    ]


@MODES
async def test_previous_response_id_natively_and_through_the_fallback(mode: Mode) -> None:
    native = MockServer("first", responses_api=True)
    api = responses_client(mode, native)
    try:
        first = await api.invoke(ASK)
        follow = ResponsesRequest(model="m", input="again", previous_response_id=first.id)
        assert (await api.invoke(follow)).output_text == "first"
        with pytest.raises(BadRequestError) as caught:
            await api.invoke(follow.with_previous_response_id("resp_unknown"))
        assert caught.value.code == "previous_response_not_found"
        assert caught.value.message == "Previous response with id 'resp_unknown' not found."
    finally:
        await api.close()
    # Without /responses the conversation cannot live on the server: refused, nothing sent.
    chat_only = MockServer("x")
    api = responses_client(mode, chat_only)
    try:
        with pytest.raises(UnsupportedFeatureError):
            await api.invoke(follow)
    finally:
        await api.close()
    assert chat_only.requests == []


@MODES
async def test_a_native_stream_that_fails_midway(mode: Mode) -> None:
    server = MockServer(
        MockReply.error(500, "went wrong", partial_content="Half an"), responses_api=True
    )
    api = responses_client(mode, server)
    try:
        events, error, snapshot = await api.collect_until_error(ASK)
    finally:
        await api.close()
    assert isinstance(error, InternalServerError) and error.message == "went wrong"
    assert events[-1].event_type == "response.failed"
    assert (snapshot.status, snapshot.output_text) == ("failed", "Half an")
