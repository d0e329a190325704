"""The fallback to chat completions, over a real loopback server whose ``/responses`` does
not exist, with both clients: the synthesized stream (text, tool calls, reasoning, an
error mid-stream), the non-streamed answer, which answers mean "no such route" (and which
do not), and the memory of the decision per base URL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from llm_connector import (
    BadRequestError,
    InternalServerError,
    NotFoundError,
    UnsupportedFeatureError,
)
from llm_connector.codecs.openai_responses.parse import lacks_responses_route
from llm_connector.errors import APIStatusError, status_error_class
from llm_connector.responses import (
    FunctionCallItem,
    FunctionCallOutputItem,
    ResponsesRequest,
    ResponsesUsage,
)
from llm_connector.types import Message, Tool
from tests.support.facade import Mode
from tests.support.loopback import LoopbackServer
from tests.support.responses_clients import paths, responses_client
from tests.support.script import (
    Reply,
    chunk,
    completion,
    error_reply,
    json_reply,
    sse,
    text_stream,
    usage,
)

RESPONSES = "/v1/responses"
CHAT = "/v1/chat/completions"
DATA = Path(__file__).parent.parent / "data"

# What llama.cpp answers for a route it does not have (seen from the e2e server).
LLAMA_404 = json_reply(
    {"error": {"message": "File Not Found", "type": "not_found_error", "code": 404}}, 404
)
REQUEST = ResponsesRequest(
    model="gpt-test",
    input="Say hello",
    instructions="Be brief",
    max_output_tokens=20,
    stream=True,
)
WEATHER = Tool.function(
    "get_weather",
    "Get the weather",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def kinds(events: list[Any]) -> list[str]:
    return [e.event_type for e in events]


TEXT_EVENTS = [
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.content_part.added",
    "response.output_text.delta",
    "response.output_text.delta",
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
    "response.completed",
]


async def test_text_falls_back_to_chat_and_streams_responses_events(
    mode: Mode, server: LoopbackServer
) -> None:
    server.script.on(RESPONSES, LLAMA_404)
    server.script.on(CHAT, text_stream("Hel", "lo"))
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        events, final = await api.stream(REQUEST)
    assert paths(server.script) == [RESPONSES, CHAT]
    assert kinds(events) == TEXT_EVENTS
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert [e.delta for e in events if e.event_type.endswith(".delta")] == ["Hel", "lo"]
    assert final.status == "completed" and final.output_text == "Hello"
    assert final.usage == ResponsesUsage(5, 2, 7)
    assert final.id == "resp_chatcmpl-test" and final.model == "gpt-test"
    # What went out: the Responses body first, then the same request as chat.
    native, chat = (r.json() for r in server.script.requests)
    assert native == {
        "model": "gpt-test",
        "input": "Say hello",
        "instructions": "Be brief",
        "max_output_tokens": 20,
        "stream": True,
    }
    assert chat == {
        "model": "gpt-test",
        "messages": [
            {"role": "system", "content": "Be brief"},
            {"role": "user", "content": "Say hello"},
        ],
        "max_tokens": 20,
        "stream": True,
        "stream_options": {"include_usage": True},
    }


async def test_a_tool_call_round_trip_through_the_fallback(
    mode: Mode, server: LoopbackServer
) -> None:
    call = {"index": 0, "id": "call_1", "type": "function"}
    server.script.on(RESPONSES, LLAMA_404)
    server.script.on(
        CHAT,
        sse(
            chunk("", role="assistant"),
            chunk(tool_calls=[{**call, "function": {"name": "get_weather", "arguments": ""}}]),
            chunk(tool_calls=[{"index": 0, "function": {"arguments": '{"city":'}}]),
            chunk(tool_calls=[{"index": 0, "function": {"arguments": '"Paris"}'}}]),
            chunk(finish="tool_calls"),
            chunk(no_choices=True, usage=usage(9, 6)),
        ),
        text_stream("Sunny."),
    )
    request = REQUEST.with_tools([WEATHER]).with_tool_choice("required")
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        events, final = await api.stream(request)
        assert kinds(events) == [
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.function_call_arguments.delta",
            "response.function_call_arguments.delta",
            "response.function_call_arguments.done",
            "response.output_item.done",
            "response.completed",
        ]
        assert events[2].item == FunctionCallItem(
            "call_1", "get_weather", "", id="fc_chatcmpl-test_0", status="in_progress"
        )
        assert final.function_calls == (
            FunctionCallItem(
                "call_1",
                "get_weather",
                '{"city":"Paris"}',
                id="fc_chatcmpl-test_0",
                status="completed",
            ),
        )
        # The next turn: the call (as output) and its result go back as input items.
        follow_up = request.add_input(*final.output, FunctionCallOutputItem("call_1", "sunny"))
        _, second = await api.stream(follow_up.with_tool_choice("auto"))
    assert second.output_text == "Sunny."
    first_chat, second_chat = (r.json() for r in server.script.requests[1:])
    assert first_chat["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Get the weather",
                "parameters": WEATHER.parameters,
            },
        }
    ]
    assert first_chat["tool_choice"] == "required"
    assert second_chat["messages"] == [
        {"role": "system", "content": "Be brief"},
        {"role": "user", "content": "Say hello"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
    ]


async def test_reasoning_becomes_a_reasoning_item(mode: Mode, server: LoopbackServer) -> None:
    server.script.on(RESPONSES, LLAMA_404)
    server.script.on(
        CHAT,
        sse(
            chunk("", role="assistant"),
            chunk(reasoning="Let me "),
            chunk(reasoning="think."),
            chunk("Four."),
            chunk(finish="stop"),
            chunk(no_choices=True, usage=usage(4, 5)),
        ),
    )
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        events, final = await api.stream(REQUEST.with_reasoning("high"))
    assert kinds(events)[2:8] == [
        "response.output_item.added",
        "response.content_part.added",
        "response.reasoning_text.delta",
        "response.reasoning_text.delta",
        "response.reasoning_text.done",
        "response.content_part.done",
    ]
    assert [item.type for item in final.output] == ["reasoning", "message"]
    assert final.reasoning_text == "Let me think." and final.output_text == "Four."
    assert server.script.requests[1].json()["reasoning_effort"] == "high"


async def test_an_error_mid_stream_is_response_failed_then_raised(
    mode: Mode, server: LoopbackServer
) -> None:
    server.script.on(RESPONSES, LLAMA_404)
    # OpenRouter's way of failing inside a 200 stream: a chunk with an error object.
    failure = {"error": {"message": "upstream exploded", "code": 502}}
    server.script.on(CHAT, sse(chunk("", role="assistant"), chunk("Hel"), failure, done=False))
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        events, error, snapshot = await api.collect_until_error(REQUEST)
    assert kinds(events)[-1] == "response.failed"
    assert "response.output_text.delta" in kinds(events)
    assert isinstance(error, InternalServerError)
    assert error.status_code == 502 and error.message == "upstream exploded" and error.in_stream
    assert error.partial is not None and error.partial.content == "Hel"
    assert snapshot.status == "failed" and snapshot.error is not None
    assert (snapshot.error.code, snapshot.error.message) == ("502", "upstream exploded")
    assert snapshot.output_text == "Hel"


async def test_invoke_responses_falls_back_too(mode: Mode, server: LoopbackServer) -> None:
    server.script.on(RESPONSES, LLAMA_404)
    server.script.on(CHAT, json_reply(completion("Hello!")))
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        response = await api.invoke(REQUEST.with_stream(False))
    assert paths(server.script) == [RESPONSES, CHAT]
    assert response.status == "completed" and response.output_text == "Hello!"
    assert "stream" not in server.script.requests[1].json()


async def test_the_decision_is_remembered_per_base_url(
    mode: Mode, server: LoopbackServer, server2: LoopbackServer
) -> None:
    for srv in (server, server2):
        srv.script.on(RESPONSES, LLAMA_404)
        srv.script.on(CHAT, text_stream("ok"))
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        await api.stream(REQUEST)
        await api.stream(REQUEST)
        assert paths(server.script) == [RESPONSES, CHAT, CHAT]
        # Another base URL (here a per-request override) is asked for /responses first.
        await api.stream(REQUEST.with_base_url(server2.base_url))
        await api.stream(REQUEST.with_base_url(server2.base_url))
        assert paths(server2.script) == [RESPONSES, CHAT, CHAT]
    # The memory belongs to the client: a new one asks again.
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        await api.stream(REQUEST)
    assert paths(server.script) == [RESPONSES, CHAT, CHAT, RESPONSES, CHAT]


# -- what means "no /responses here" ---------------------------------------------------------


NO_ROUTE = {
    # Evidence for each in codecs/openai_responses.py.
    "llama.cpp": LLAMA_404,
    "vllm": json_reply({"detail": "Not Found"}, 404),
    "ollama": Reply(
        404, (("content-type", "text/plain"),), (b"404 page not found",), chunked=False
    ),
    "openai": error_reply(404, "Invalid URL (POST /v1/responses)"),
    "405": Reply(405, (("content-type", "text/plain"),), (b"Method Not Allowed",), chunked=False),
    "501": json_reply({"error": {"message": "Not Implemented"}}, 501),
}
NOT_A_ROUTE = {
    "model": error_reply(
        404,
        "The model `gpt-x` does not exist or you do not have access to it.",
        code="model_not_found",
    ),
    "azure-deployment": json_reply(
        json.loads((DATA / "openai-chat/error-404-azure-deployment-not-found.json").read_text()),
        404,
    ),
    "previous-response": error_reply(
        404, "Previous response with id 'resp_x' not found.", code="previous_response_not_found"
    ),
    "openrouter-routing": json_reply(
        {
            "error": {
                "message": "No endpoints found that support tool use. To learn more about "
                "provider routing, visit: https://openrouter.ai/docs/provider-routing",
                "code": 404,
            }
        },
        404,
    ),
    "bad-request": json_reply(
        json.loads((DATA / "openai-responses/error-400-unsupported-parameter.json").read_text()),
        400,
    ),
}


@pytest.mark.parametrize("answer", NO_ROUTE.values(), ids=NO_ROUTE.keys())
async def test_answers_that_mean_no_such_route(
    mode: Mode, server: LoopbackServer, answer: Reply
) -> None:
    server.script.on(RESPONSES, answer)
    server.script.on(CHAT, text_stream("fine"))
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        _, final = await api.stream(REQUEST)
    assert final.output_text == "fine"
    assert paths(server.script) == [RESPONSES, CHAT]


@pytest.mark.parametrize("answer", NOT_A_ROUTE.values(), ids=NOT_A_ROUTE.keys())
async def test_answers_that_are_the_answer(
    mode: Mode, server: LoopbackServer, answer: Reply
) -> None:
    server.script.on(RESPONSES, answer)
    server.script.on(CHAT, text_stream("never"))
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        for _ in range(2):  # nothing remembered: the second call asks /responses again
            with pytest.raises(APIStatusError) as caught:
                await api.stream(REQUEST)
            assert isinstance(caught.value, (NotFoundError, BadRequestError))
    assert paths(server.script) == [RESPONSES, RESPONSES]


async def test_lm_studio_answers_200_with_an_error_for_unknown_routes(
    mode: Mode, server: LoopbackServer
) -> None:
    # https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/618
    server.script.on(
        RESPONSES, json_reply({"error": "Unexpected endpoint or method. (POST /v1/responses)"})
    )
    server.script.on(CHAT, json_reply(completion("Hi!")))
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        response = await api.invoke(REQUEST.with_stream(False))
    assert response.output_text == "Hi!" and paths(server.script) == [RESPONSES, CHAT]


async def test_what_chat_cannot_express_is_refused_after_a_404(
    mode: Mode, server: LoopbackServer
) -> None:
    server.script.on(RESPONSES, LLAMA_404)
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        with pytest.raises(UnsupportedFeatureError, match="previous_response_id"):
            await api.stream(REQUEST.with_previous_response_id("resp_1"))
    assert paths(server.script) == [RESPONSES]


def status(http: int, message: str, **fields: Any) -> APIStatusError:
    return status_error_class(http)(message, status_code=http, **fields)


@pytest.mark.parametrize(
    ("error", "missing"),
    [
        (status(404, "File Not Found", code=404, error_type="not_found_error"), True),
        (status(404, "Not Found"), True),
        (status(404, "404 page not found"), True),
        (status(404, "Invalid URL (POST /v1/responses)", error_type="invalid_request_error"), True),
        (status(405, "Method Not Allowed"), True),
        (status(501, "Not Implemented"), True),
        (status(200, "Unexpected endpoint or method. (POST /v1/responses)", in_stream=True), True),
        (status(400, "Cannot POST /v1/responses"), True),
        (status(404, "The model `x` does not exist", code="model_not_found"), False),
        (status(404, "The API deployment for this resource does not exist."), False),
        (status(404, "Resource not found", code="DeploymentNotFound"), False),
        (status(404, "Previous response with id 'resp_1' not found."), False),
        (status(404, "No endpoints found for some/model."), False),
        (status(400, "Unsupported parameter: 'temperature'"), False),
        (status(500, "Internal error"), False),
        (status(500, "File Not Found", in_stream=True), False),
    ],
)
def test_the_rule(error: APIStatusError, missing: bool) -> None:
    assert lacks_responses_route(error) is missing


# -- the native route, when it exists ----------------------------------------------------------


async def test_a_server_with_responses_is_not_asked_for_chat(
    mode: Mode, server: LoopbackServer
) -> None:
    body = (DATA / "openai-responses/text-basic.sse").read_bytes()
    server.script.on(RESPONSES, Reply(200, (("content-type", "text/event-stream"),), (body,)))
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        events, final = await api.stream(REQUEST)
        assert final.output_text == "pong" and len(events) == 9
        await api.stream(REQUEST)
    assert paths(server.script) == [RESPONSES, RESPONSES]


async def test_leaving_the_loop_early_closes_the_connection(
    mode: Mode, server: LoopbackServer
) -> None:
    from tests.support.script import endless_stream

    server.script.on(RESPONSES, LLAMA_404)
    server.script.on(CHAT, endless_stream("a", "b"))
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        got = await api.take_then_break(REQUEST, 5)
        await api.settle()
        assert [e.event_type for e in got][-1] == "response.output_text.delta"
        assert server.client_gone.wait(5), "the connection stayed open"


def test_an_input_message_becomes_chat_messages() -> None:
    from llm_connector.responses import chat_request_for

    request = ResponsesRequest(
        model="m",
        input=[Message.user("hi"), Message.assistant("hello"), Message.user("bye")],
    )
    chat = chat_request_for(request)
    assert [(m.role, m.content) for m in chat.messages] == [
        ("user", "hi"),
        ("assistant", "hello"),
        ("user", "bye"),
    ]


def test_end_user_ids_go_to_the_chat_request() -> None:
    # The chat dialect then decides whether its provider is sent them.
    from llm_connector.responses import chat_request_for

    request = ResponsesRequest(
        model="m", input="hi", safety_identifier="sid-1", prompt_cache_key="pck-1"
    )
    chat = chat_request_for(request)
    assert (chat.safety_identifier, chat.prompt_cache_key, chat.user) == ("sid-1", "pck-1", None)


async def test_native_and_fallback_give_the_same_answer(
    mode: Mode, server: LoopbackServer, server2: LoopbackServer
) -> None:
    """The same answer ("pong", 11 + 5 tokens, none cached or spent reasoning) from a
    server with /responses (the recorded text-basic transcript) and from one without it
    (the same answer as chat completions): the same final response, but for the ids the
    servers chose."""
    body = (DATA / "openai-responses/text-basic.sse").read_bytes()
    server.script.on(RESPONSES, Reply(200, (("content-type", "text/event-stream"),), (body,)))
    details: dict[str, Any] = {
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }
    server2.script.on(RESPONSES, LLAMA_404)
    server2.script.on(
        CHAT,
        sse(
            chunk("", role="assistant"),
            chunk("pong"),
            chunk(finish="stop"),
            chunk(no_choices=True, usage={**usage(11, 5), **details}),
        ),
    )
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        _, native = await api.stream(REQUEST)
    async with responses_client(mode, "openai_compatible", server2.base_url) as api:
        _, fallback = await api.stream(REQUEST)

    def without_ids(response: Any) -> Any:
        return attrs.evolve(
            response,
            id="",
            model="",
            created_at=None,
            output=tuple(attrs.evolve(item, id=None, phase=None) for item in response.output),
        )

    assert without_ids(fallback) == without_ids(native)
    assert native.output_text == "pong" and native.usage == ResponsesUsage(11, 5, 16, 0, 0)


async def test_unreported_cache_and_reasoning_counts_are_none_on_both_paths(
    mode: Mode, server: LoopbackServer, server2: LoopbackServer
) -> None:
    """One meaning on both paths: a count the provider gave is that count (0 included, as
    above), one it did not give is None (issue 25). Here neither server gives the details:
    the native usage has no input/output_tokens_details, the chat usage no
    prompt/completion_tokens_details."""
    body = (DATA / "openai-responses/text-basic.sse").read_bytes()
    body = body.replace(b'"input_tokens_details":{"cached_tokens":0},', b"")
    body = body.replace(b'"output_tokens_details":{"reasoning_tokens":0},', b"")
    server.script.on(RESPONSES, Reply(200, (("content-type", "text/event-stream"),), (body,)))
    server2.script.on(RESPONSES, LLAMA_404)
    server2.script.on(
        CHAT,
        sse(
            chunk("pong", role="assistant"),
            chunk(finish="stop"),
            chunk(no_choices=True, usage=usage(11, 5)),
        ),
    )
    async with responses_client(mode, "openai_compatible", server.base_url) as api:
        _, native = await api.stream(REQUEST)
    async with responses_client(mode, "openai_compatible", server2.base_url) as api:
        _, fallback = await api.stream(REQUEST)
    assert native.usage == fallback.usage == ResponsesUsage(11, 5, 16, None, None)
