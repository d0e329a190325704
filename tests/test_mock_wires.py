"""The offline mock speaks each provider's wire format, checked through that provider's
real codec: what a scripted reply says must come out of the client, sync and async,
streamed and whole; and each provider's quirks are on the wire as its recordings show
them (where the usage goes, Moonshot's and DeepSeek's refusals of a tool turn without its
reasoning, Hunyuan's signed PascalCase API, the Responses API and its fallback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import httpx
import pytest

from llm_connector import (
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    Client,
    InternalServerError,
    MockReply,
    MockServer,
    NotFoundError,
    RateLimitError,
)
from llm_connector._mock.server import (
    MOCK_BASE_URLS,
    MOCK_TENCENT_SECRET_ID,
    MOCK_TENCENT_SECRET_KEY,
    Wire,
)
from llm_connector.types import ChatRequest, ChatResponse, Message, Tool, ToolCall
from tests.support.facade import Mode

WIRES: list[Wire] = list(get_args(Wire))
WEATHER = Tool.function("get_weather", "Weather", {"type": "object", "properties": {}})


def request(wire: Wire) -> ChatRequest:
    model = {"google": "gemini-2.5-flash", "ollama": "llama3.2"}.get(wire, "mock-model")
    return ChatRequest(model).add_message(Message.user("hello there")).with_tools([WEATHER])


def sync_client(wire: Wire, server: MockServer) -> Client:
    return Client.mock(server)


async def answers(
    wire: Wire, reply: MockReply, *, stream: bool
) -> tuple[ChatResponse, ChatResponse]:
    """The reply through the sync client and through the async client."""
    sync = Client.mock([reply], provider=wire)
    out_sync = (
        sync.chat_stream(request(wire)).final_response() if stream else sync.chat(request(wire))
    )
    async with AsyncClient.mock([reply], provider=wire) as aclient:
        if stream:
            out_async = await (await aclient.chat_stream(request(wire))).final_response()
        else:
            out_async = await aclient.chat(request(wire))
    return out_sync, out_async


def test_each_wire_uses_its_providers_codec() -> None:
    # The mock is a provider's server, not a different client: the client is that
    # provider's (its registry row and codec), named as a mock.
    names = {wire: repr(Client.mock(provider=wire)) for wire in WIRES}
    assert names["openai"].startswith("Client(provider='mock'")
    assert names["anthropic"].startswith("Client(provider='mock (anthropic)'")
    assert names["tencent"].startswith("Client(provider='mock (tencent)'")
    assert Client.mock(provider="google").provider == "google"
    assert Client.mock(MockServer(provider="ollama")).provider == "ollama"
    assert Client.mock(provider="moonshot").provider == "moonshot"
    assert Client.mock(responses_api=True).provider == "openai_compatible"
    assert sorted(MOCK_BASE_URLS) == sorted(WIRES)
    with pytest.raises(ValueError, match="Responses API"):
        MockServer(provider="anthropic", responses_api=True)


@pytest.mark.parametrize("stream", [True, False])
@pytest.mark.parametrize("wire", WIRES)
async def test_text_reasoning_and_usage(wire: Wire, stream: bool) -> None:
    reply = MockReply.reasoning("Let me think it over.", "It is sunny in Paris.")
    for answer in await answers(wire, reply, stream=stream):
        assert answer.content == "It is sunny in Paris."
        assert answer.reasoning_content == "Let me think it over."
        assert answer.finish_reason == "stop"
        assert answer.usage is not None
        # The mock counts one token per word: 5 answer words + 5 reasoning words.
        assert answer.usage.completion_tokens == 10
        assert answer.usage.total_tokens == answer.usage.prompt_tokens + 10


@pytest.mark.parametrize("stream", [True, False])
@pytest.mark.parametrize("wire", WIRES)
async def test_tool_calls(wire: Wire, stream: bool) -> None:
    reply = MockReply.tool_call("get_weather", {"city": "Paris", "days": 2})
    for answer in await answers(wire, reply, stream=stream):
        (call,) = answer.tool_calls
        assert call.function.name == "get_weather"
        assert call.parse_arguments() == {"city": "Paris", "days": 2}
        assert call.id
        assert answer.finish_reason == "tool_calls"


@pytest.mark.parametrize("wire", WIRES)
async def test_signed_reasoning_where_the_provider_signs(wire: Wire) -> None:
    # Anthropic signs thinking blocks; Gemini signs function calls; the mock does as they do.
    reply = MockReply(
        content="ok", reasoning_content="Plan.", tool_calls=MockReply.tool_call("f", {}).tool_calls
    )
    answer, _ = await answers(wire, reply, stream=True)
    assert answer.message is not None
    signed_blocks = [b for b in answer.message.reasoning_blocks if b.signature]
    signed_calls = [c for c in answer.tool_calls if c.thought_signature]
    assert (len(signed_blocks), len(signed_calls)) == {
        "anthropic": (1, 0),
        "google": (0, 1),
    }.get(wire, (0, 0))


@pytest.mark.parametrize(
    ("status", "error"), [(429, RateLimitError), (404, NotFoundError), (500, InternalServerError)]
)
@pytest.mark.parametrize("wire", WIRES)
def test_error_replies(wire: Wire, status: int, error: type[Exception]) -> None:
    server = MockServer([MockReply.error(status, "scripted failure")], provider=wire)
    client = sync_client(wire, server)
    with pytest.raises(error) as caught:
        client.chat(request(wire))
    assert "scripted failure" in str(caught.value)


@pytest.mark.parametrize("wire", WIRES)
def test_an_error_mid_stream_keeps_what_arrived(wire: Wire) -> None:
    server = MockServer(
        [MockReply.error(500, "boom", partial_content="partial text")], provider=wire
    )
    client = sync_client(wire, server)
    with pytest.raises(InternalServerError) as caught:
        client.chat_stream(request(wire)).final_response()
    assert caught.value.partial is not None
    assert caught.value.partial.content == "partial text"


@pytest.mark.parametrize("wire", [w for w in WIRES if w != "tencent"])  # Hunyuan lists none
def test_models(wire: Wire) -> None:
    server = MockServer(provider=wire, model="mock-model")
    assert [m.id for m in sync_client(wire, server).models()] == ["mock-model"]


# -- each provider's stream, as its recordings show it ------------------------------------

MODES = pytest.mark.parametrize("mode", ["sync", "async"])


def served(server: MockServer, path: str, body: dict[str, Any]) -> httpx.Response:
    """What the mock answers to one request, read whole."""
    response = server.handle(
        httpx.Request("POST", MOCK_BASE_URLS[server.provider] + path, json=body)
    )
    response.read()
    return response


def sse_payloads(response: httpx.Response) -> list[Any]:
    """The data of each event, without the fields that change from run to run."""
    out: list[Any] = []
    for line in response.text.splitlines():
        if line.startswith("data: "):
            data = line[len("data: ") :]
            payload = data if data == "[DONE]" else json.loads(data)
            if isinstance(payload, dict):
                for key in ("id", "created", "Id", "Created", "Note", "sequence_number"):
                    payload.pop(key, None)
            out.append(payload)
    return out


CHAT = {"model": "m", "messages": [{"role": "user", "content": "hello"}], "stream": True}
THOUGHT = MockReply.reasoning("Hm.", "Hi.")
USAGE = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
DETAILED = {**USAGE, "completion_tokens_details": {"reasoning_tokens": 1}}


def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return {"model": "m", "object": "chat.completion.chunk", "choices": [choice], **extra}


def test_openai_sends_the_usage_only_when_asked() -> None:
    assert sse_payloads(served(MockServer(THOUGHT), "/chat/completions", CHAT)) == [
        chunk({"role": "assistant", "content": ""}),
        chunk({"reasoning_content": "Hm."}),
        chunk({"content": "Hi."}),
        chunk({}, "stop"),
        "[DONE]",
    ]
    asked = {**CHAT, "stream_options": {"include_usage": True}}
    payloads = sse_payloads(served(MockServer(THOUGHT), "/chat/completions", asked))
    assert payloads[-2:] == [
        {"model": "m", "object": "chat.completion.chunk", "choices": [], "usage": USAGE},
        "[DONE]",
    ]


def test_deepseek_nulls_and_the_usage_inline() -> None:
    server = MockServer(THOUGHT, provider="deepseek")
    assert sse_payloads(served(server, "/chat/completions", CHAT)) == [
        chunk({"role": "assistant", "content": ""}, usage=None),
        chunk({"content": None, "reasoning_content": "Hm."}, usage=None),
        chunk({"content": "Hi."}, usage=None),
        chunk({}, "stop", usage=DETAILED),
        "[DONE]",
    ]


def test_moonshot_puts_the_usage_in_the_finishing_choice() -> None:
    server = MockServer(THOUGHT, provider="moonshot")
    finish = chunk({}, "stop")
    finish["choices"][0]["usage"] = USAGE
    assert sse_payloads(served(server, "/chat/completions", CHAT)) == [
        chunk({"role": "assistant", "content": ""}),
        chunk({"reasoning_content": "Hm."}),
        chunk({"content": "Hi."}),
        finish,
        "[DONE]",
    ]


def test_zhipu_repeats_the_role_and_puts_the_usage_inline() -> None:
    server = MockServer(THOUGHT, provider="zhipu")
    assert sse_payloads(served(server, "/chat/completions", CHAT)) == [
        chunk({"role": "assistant", "reasoning_content": "Hm."}),
        chunk({"role": "assistant", "content": "Hi."}),
        chunk({"role": "assistant"}, "stop", usage=DETAILED),
        "[DONE]",
    ]


# -- reasoning that must come back ----------------------------------------------------------


async def chat(mode: Mode, server: MockServer, request: ChatRequest) -> ChatResponse:
    if mode == "sync":
        return Client.mock(server).chat_stream(request).final_response()
    async with AsyncClient.mock(server) as client:
        return await (await client.chat_stream(request)).final_response()


def tool_turn(provider: Wire) -> tuple[MockServer, ChatRequest]:
    """A server that thought before calling a tool, and the request that got the call."""
    call = MockReply.tool_call(
        "get_weather", {"city": "Paris"}, id="call_1", reasoning="I need the weather."
    )
    assert call.tool_calls == (WEATHER_CALL,)
    server = MockServer([call, "It is sunny."], provider=provider)
    return server, request(provider)


WEATHER_CALL = ToolCall.create("call_1", "get_weather", {"city": "Paris"})
REFUSALS = {
    "moonshot": "thinking is enabled but reasoning_content is missing in assistant tool call "
    "message at index 1",
    "deepseek": "The `reasoning_content` in the thinking mode must be passed back to the API.",
}


@MODES
@pytest.mark.parametrize("provider", ["moonshot", "deepseek"])
async def test_reasoning_kept_with_a_tool_call_is_accepted(mode: Mode, provider: Wire) -> None:
    server, first = tool_turn(provider)
    answer = await chat(mode, server, first)
    assert answer.message is not None
    follow_up = first.add_message(answer.message).add_message(Message.tool("sunny", "call_1"))
    assert (await chat(mode, server, follow_up)).content == "It is sunny."
    assert server.requests[1]["messages"][1]["reasoning_content"] == "I need the weather."


@MODES
@pytest.mark.parametrize("provider", ["moonshot", "deepseek"])
async def test_a_tool_call_sent_back_without_its_reasoning_is_refused(
    mode: Mode, provider: Wire
) -> None:
    server, first = tool_turn(provider)
    await chat(mode, server, first)
    dropped = first.add_message(Message.assistant(None, tool_calls=[WEATHER_CALL])).add_message(
        Message.tool("sunny", "call_1")
    )
    with pytest.raises(BadRequestError) as caught:
        await chat(mode, server, dropped)
    assert caught.value.message == REFUSALS[provider]
    # Moonshot checks only while thinking is on.
    if provider == "moonshot":
        answer = await chat(mode, server, dropped.with_reasoning_effort("none"))
        assert answer.content == "It is sunny."


# -- Tencent Hunyuan's native API -----------------------------------------------------------

DATA = Path(__file__).parent / "data"


def signed_exchange(server: MockServer, chat: ChatRequest) -> tuple[Any, httpx.Response]:
    """The body a mock client signs and sends for ``chat`` (streamed), and the answer."""
    spec = Client.mock(server)._driver.settings.prepare_chat(chat, stream=True).spec
    sent = httpx.Request(spec.method, spec.url, headers=spec.headers, content=spec.body)
    answer = server.handle(sent)
    answer.read()
    return json.loads(spec.body or b"{}"), answer


def test_hunyuan_chunks_are_shaped_as_the_documented_ones() -> None:
    recorded = (DATA / "hunyuan" / "docs-example-stream-text.sse").read_bytes()
    documented = sse_payloads(httpx.Response(200, content=recorded))
    server = MockServer("1+1=2", provider="tencent")
    body, answer = signed_exchange(server, ChatRequest("hunyuan-lite", [Message.user("1+1")]))
    assert server.routes == ["POST /"]
    assert body == {
        "Model": "hunyuan-lite",
        "Messages": [{"Role": "user", "Content": "1+1"}],
        "Stream": True,
    }
    ours = sse_payloads(answer)
    usage = {"PromptTokens": 1, "CompletionTokens": 1, "TotalTokens": 2}
    assert ours == [
        {
            "Choices": [{"FinishReason": "", "Delta": {"Role": "assistant", "Content": "1+1=2"}}],
            "Usage": usage,
        },
        {
            "Choices": [{"FinishReason": "stop", "Delta": {"Role": "assistant", "Content": ""}}],
            "Usage": usage,
        },
    ]
    # The keys of Tencent's own example, chunk for chunk (and no [DONE] either).
    assert [sorted(p) for p in ours] == [sorted(p) for p in documented[:2]]
    assert sorted(ours[0]["Choices"][0]) == sorted(documented[0]["Choices"][0])


def tencent_with_key(mode: Mode, server: MockServer, secret_key: str) -> Client | AsyncClient:
    """A real ``tencent`` client (not a mock one) wired to the mock through http_client."""
    if mode == "sync":
        http = httpx.Client(transport=server.transport())
        return Client.tencent(
            MOCK_TENCENT_SECRET_ID, secret_key, base_url=server.base_url, http_client=http
        )
    ahttp = httpx.AsyncClient(transport=server.transport())
    return AsyncClient.tencent(
        MOCK_TENCENT_SECRET_ID, secret_key, base_url=server.base_url, http_client=ahttp
    )


async def whole_answer(client: Client | AsyncClient, chat: ChatRequest) -> ChatResponse:
    return client.chat(chat) if isinstance(client, Client) else await client.chat(chat)


@MODES
async def test_hunyuan_checks_the_signature(mode: Mode) -> None:
    server = MockServer("hi", provider="tencent")
    ask = ChatRequest("hunyuan-lite").add_message(Message.user("hi"))
    wrong = tencent_with_key(mode, server, "not-the-key")
    with pytest.raises(AuthenticationError) as caught:
        await whole_answer(wrong, ask)
    assert caught.value.message == (
        "The provided credentials could not be validated. Please check your signature is correct."
    )
    assert caught.value.code == "AuthFailure.SignatureFailure"
    # Signed with the mock's own key pair (what Client.mock uses), it is answered.
    right = tencent_with_key(mode, server, MOCK_TENCENT_SECRET_KEY)
    assert (await whole_answer(right, ask)).content == "hi"


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (429, "RequestLimitExceeded", RateLimitError),
        (400, "InvalidParameter", BadRequestError),
        (500, "InternalError", InternalServerError),
    ],
)
def test_hunyuan_errors_come_in_a_200_envelope(
    status: int, code: str, error: type[Exception]
) -> None:
    server = MockServer(MockReply.error(status, "scripted"), provider="tencent")
    _, answer = signed_exchange(server, request("tencent"))
    assert answer.status_code == 200
    assert answer.json()["Response"]["Error"] == {"Code": code, "Message": "scripted"}
    with pytest.raises(error):
        Client.mock(server).chat(request("tencent"))
