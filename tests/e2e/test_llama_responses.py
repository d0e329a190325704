"""End-to-end: the Responses API against llama.cpp's real ``/v1/responses``, and the same
requests through the fallback to ``/v1/chat/completions`` (the same server, with its
/responses route refused by the transport: see ``NoResponsesTransport``).

The model decodes greedily at temperature 0, so the native and the fallback answers must
be the same answer: the same text, reasoning and function calls, the same token counts.
llama.cpp's quirks are tolerated, never relied on (../shared/e2e/README.md): its events
carry no ``sequence_number`` or ``output_index``, its status is ``completed`` even when the
output limit was hit, its call ids are random.
"""

from __future__ import annotations

from typing import Any

import pytest

from llm_connector import AsyncClient, Client, InternalServerError
from llm_connector.responses import (
    MessageItem,
    ReasoningItem,
    ResponsesRequest,
    ResponsesResponse,
    ResponsesStreamEvent,
)
from tests.support.llama import MODEL, WEATHER_TOOL, NoResponsesRoute

AnyClient = Client | AsyncClient


async def stream(
    client: AnyClient, request: ResponsesRequest
) -> tuple[list[ResponsesStreamEvent], ResponsesResponse]:
    if isinstance(client, AsyncClient):
        async with client.invoke_responses_stream(request) as astream:
            events = [event async for event in astream]
            return events, await astream.final_response()
    with client.invoke_responses_stream(request) as sstream:
        events = list(sstream)
        return events, sstream.final_response()


async def invoke(client: AnyClient, request: ResponsesRequest) -> ResponsesResponse:
    if isinstance(client, AsyncClient):
        return await client.invoke_responses(request)
    return client.invoke_responses(request)


def greeting(max_output_tokens: int = 12) -> ResponsesRequest:
    return ResponsesRequest(
        model=MODEL,
        input="Say hello in one short sentence.",
        max_output_tokens=max_output_tokens,
        temperature=0.0,
    )


def streamed_text(events: list[ResponsesStreamEvent], kind: str) -> str:
    return "".join(e.delta or "" for e in events if e.event_type == kind)


def answer(response: ResponsesResponse) -> dict[str, Any]:
    """What the native and the fallback answer must share."""
    usage = response.usage
    return {
        "types": [item.type for item in response.output],
        "text": response.output_text,
        "reasoning": response.reasoning_text,
        "calls": [(c.name, c.arguments) for c in response.function_calls],
        "tokens": None if usage is None else (usage.input_tokens, usage.output_tokens),
    }


async def test_text_native_and_fallback_agree(
    responses_client: AnyClient, fallback_client: AnyClient, no_responses_route: NoResponsesRoute
) -> None:
    events, native = await stream(responses_client, greeting())
    kinds = [e.event_type for e in events]
    assert kinds[:3] == ["response.created", "response.in_progress", "response.output_item.added"]
    assert kinds[-1] == "response.completed"
    assert native.output_text and native.output_text == streamed_text(
        events, "response.output_text.delta"
    )
    assert native.id.startswith("resp_") and native.model == MODEL
    assert [type(i) for i in native.output] == [MessageItem]
    assert native.usage is not None and native.usage.output_tokens <= 12
    # Not streamed: the same answer.
    assert answer(await invoke(responses_client, greeting())) == answer(native)

    fb_events, fallback = await stream(fallback_client, greeting())
    assert no_responses_route.refused == 1
    assert answer(fallback) == answer(native)
    # The synthesized stream numbers its events; llama.cpp's own do not.
    assert [e.sequence_number for e in fb_events] == list(range(len(fb_events)))
    assert all(e.sequence_number is None for e in events)
    assert fallback.output_text == streamed_text(fb_events, "response.output_text.delta")
    # llama.cpp says "completed" at the limit; the fallback reads the chat finish reason.
    if native.usage is not None and native.usage.output_tokens == 12:
        assert fallback.status == "incomplete" and fallback.incomplete_details is not None
        assert fallback.incomplete_details.reason == "max_output_tokens"
    # The decision is remembered: the next call goes straight to chat completions.
    assert answer(await invoke(fallback_client, greeting())) == answer(native)
    assert no_responses_route.refused == 1


async def test_reasoning_native_and_fallback_agree(
    reasoning_responses_client: AnyClient, reasoning_fallback_client: AnyClient
) -> None:
    request = ResponsesRequest(
        model=MODEL, input="Explain why the sky is blue.", max_output_tokens=40, temperature=0.0
    )
    events, native = await stream(reasoning_responses_client, request)
    assert [type(i) for i in native.output] == [ReasoningItem, MessageItem]
    assert native.reasoning_text and native.output_text
    assert native.reasoning_text == streamed_text(events, "response.reasoning_text.delta")
    _, fallback = await stream(reasoning_fallback_client, request)
    assert answer(fallback) == answer(native)


def tool_request() -> ResponsesRequest:
    # The tools template plus an assistant prefill: the 135M model's one way to a call
    # (see the e2e README); "stop" (a llama.cpp extra) makes it one call.
    return ResponsesRequest(
        model=MODEL,
        input=[
            MessageItem("user", "What is the weather in Paris? Use the get_weather tool."),
            MessageItem("assistant", "<tool_call>\n"),
        ],
        tools=[WEATHER_TOOL],
        tool_choice="required",
        temperature=0.0,
        max_output_tokens=64,
        extra_body={"stop": ["</tool_call>"]},
    )


async def test_a_function_call_native_and_fallback_agree(
    responses_client: AnyClient, fallback_client: AnyClient
) -> None:
    events, native = await stream(responses_client, tool_request())
    (call,) = native.function_calls
    assert call.name == "get_weather" and call.call_id
    assert call.parse_arguments()["city"]
    assert call.arguments == streamed_text(events, "response.function_call_arguments.delta")
    fb_events, fallback = await stream(fallback_client, tool_request())
    assert answer(fallback) == answer(native)
    kinds = [e.event_type for e in fb_events]
    assert kinds.count("response.function_call_arguments.done") == 1
    assert kinds[-1] == "response.completed"


async def test_an_error_mid_stream_raises_on_both_paths(
    responses_client: AnyClient, fallback_client: AnyClient
) -> None:
    """Without tool_choice "required" and the stop string, this server starts the call and
    then fails inside the 200 stream: llama.cpp's /v1/responses sends a bare error object;
    the fallback's chat stream an error chunk, which becomes response.failed."""
    request = ResponsesRequest(
        model=MODEL,
        input=tool_request().input,
        tools=[WEATHER_TOOL],
        tool_choice="auto",
        temperature=0.0,
        max_output_tokens=64,
    )
    errors: list[InternalServerError] = []
    for client in (responses_client, fallback_client):
        with pytest.raises(InternalServerError) as caught:
            await stream(client, request)
        errors.append(caught.value)
    native, fallback = errors
    assert native.message == fallback.message and "does not match the expected" in native.message
    for error in errors:
        assert error.status_code == 500 and error.in_stream
        assert error.partial is not None
        assert [c.function.name for c in error.partial.tool_calls] == ["get_weather"]
