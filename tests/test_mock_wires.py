"""The offline mock speaks each provider's wire format, checked through that provider's
real codec: what a scripted reply says must come out of the client, sync and async,
streamed and whole; and each provider's quirks are on the wire as its recordings show
them (where the usage goes, Moonshot's and DeepSeek's refusals of a tool turn without its
reasoning, Mistral's thinking parts, Hunyuan's signed PascalCase API, DashScope's native
events, Claude on Vertex AI's routes, Azure OpenAI's deployment paths)."""

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
from llm_connector._mock.rows import MOCK_HOST, mock_of
from llm_connector._mock.server import (
    MOCK_BASE_URLS,
    MOCK_TENCENT_SECRET_ID,
    MOCK_TENCENT_SECRET_KEY,
    Wire,
)
from llm_connector.types import (
    ChatRequest,
    ChatResponse,
    EmbedRequest,
    ImagePart,
    Message,
    TextPart,
    Tool,
    ToolCall,
)
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
    assert names["mock"].startswith("Client(provider='mock'")
    assert names["aliyun"].startswith("Client(provider='mock (aliyun)'")
    assert Client.mock(provider="anthropic_vertex").provider == "anthropic_vertex"
    assert Client.mock(provider="groq").provider == "groq"
    # Where each points: the provider's own path, from its row, under the mock's host.
    assert sorted(MOCK_BASE_URLS) == sorted(WIRES)
    assert MOCK_BASE_URLS["azure_openai"] == f"{MOCK_HOST}/openai/v1"
    assert MockServer(provider="aliyun").base_url == f"{MOCK_HOST}/api/v1"
    assert MockServer(provider="tencent").base_url == MOCK_HOST
    with pytest.raises(KeyError):
        MOCK_BASE_URLS["nobody"]
    with pytest.raises(ValueError, match=r"the mock speaks \[.*'zai'.*\], not 'nobody'"):
        MockServer(provider="nobody")  # type: ignore[arg-type]
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
    # Anthropic and Bedrock sign reasoning blocks; Gemini signs function calls; the mock does
    # as they do.
    reply = MockReply(
        content="ok", reasoning_content="Plan.", tool_calls=MockReply.tool_call("f", {}).tool_calls
    )
    answer, _ = await answers(wire, reply, stream=True)
    assert answer.message is not None
    signed_blocks = [b for b in answer.message.reasoning_blocks if b.signature]
    signed_calls = [c for c in answer.tool_calls if c.thought_signature]
    assert (len(signed_blocks), len(signed_calls)) == {
        "anthropic": (1, 0),
        "bedrock": (1, 0),
        "gemini": (0, 1),
    }.get(mock_of(wire)[1].wire, (0, 0))


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


@pytest.mark.parametrize("wire", [w for w in WIRES if mock_of(w)[0].capabilities.models])
def test_models(wire: Wire) -> None:
    server = MockServer(provider=wire, model="mock-model")
    assert [m.id for m in sync_client(wire, server).models()] == ["mock-model"]


# -- each provider's stream, as its recordings show it ------------------------------------

MODES = pytest.mark.parametrize("mode", ["sync", "async"])


def served(server: MockServer, path: str, body: dict[str, Any]) -> httpx.Response:
    """What the mock answers to one request, read whole."""
    response = server.handle(httpx.Request("POST", server.base_url + path, json=body))
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
#: OpenAI's usage says what was cached (nothing, here).
OPENAI_USAGE = {**USAGE, "prompt_tokens_details": {"cached_tokens": 0}}


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
        {"model": "m", "object": "chat.completion.chunk", "choices": [], "usage": OPENAI_USAGE},
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


# -- Mistral ----------------------------------------------------------------------------------


def test_mistral_thinks_in_typed_parts_and_puts_the_usage_inline() -> None:
    # As recorded: tests/data/openai-compat/mistral-thinking-content-chunks.sse (and
    # mistral-text-stream.sse for the usage, sent without stream_options).
    thinking = {"type": "thinking", "thinking": [{"type": "text", "text": "Hm."}]}
    server = MockServer(THOUGHT, provider="mistral")
    assert sse_payloads(served(server, "/chat/completions", CHAT)) == [
        chunk({"role": "assistant", "content": ""}),
        chunk({"content": [thinking]}),
        chunk({"content": "Hi."}),
        chunk({}, "stop", usage=USAGE),
        "[DONE]",
    ]  # fmt: skip
    whole = served(
        MockServer(THOUGHT, provider="mistral"), "/chat/completions", {**CHAT, "stream": False}
    )
    content = [thinking, {"type": "text", "text": "Hi."}]
    assert whole.json()["choices"][0]["message"] == {"role": "assistant", "content": content}


# -- DashScope's native API -------------------------------------------------------------------

GENERATION = "/services/aigc/text-generation/generation"
MULTIMODAL = "/services/aigc/multimodal-generation/generation"
SSE = {"X-DashScope-SSE": "enable"}


def dashscope_body(incremental: bool | None = None) -> dict[str, Any]:
    parameters: dict[str, Any] = {"result_format": "message"}
    if incremental is not None:
        parameters["incremental_output"] = incremental
    messages = [{"role": "user", "content": "hello"}]
    return {"model": "qwen-plus", "input": {"messages": messages}, "parameters": parameters}


def dashscope_served(
    server: MockServer, body: dict[str, Any], path: str = GENERATION, *, stream: bool = True
) -> httpx.Response:
    headers = SSE if stream else {}
    answer = server.handle(
        httpx.Request("POST", server.base_url + path, json=body, headers=headers)
    )
    answer.read()
    return answer


def frames_of(answer: httpx.Response) -> list[tuple[list[str], dict[str, Any]]]:
    """Each frame's lines before ``data:``, and its data."""
    out = []
    for frame in answer.text.split("\n\n"):
        if frame:
            *head, data = frame.split("\n")
            assert data.startswith("data:{")
            out.append((head, json.loads(data[len("data:") :])))
    return out


def test_dashscope_events_are_framed_as_recorded() -> None:
    recorded = frames_of(
        httpx.Response(
            200, content=(DATA / "dashscope" / "dashscope-native-qwen-vl-excerpt.sse").read_bytes()
        )
    )
    server = MockServer("Hello! How can I help?", provider="aliyun")
    ours = frames_of(dashscope_served(server, dashscope_body(), MULTIMODAL))
    assert [head for head, _ in ours] == [
        [f"id:{n}", "event:result", ":HTTP_STATUS/200"] for n in range(1, 7)
    ]
    assert [head[1:] for head, _ in recorded] == [head[1:] for head, _ in ours[:2]]
    # The same keys, choice for choice, as the recorded multimodal events.
    for (_, theirs), (_, mine) in zip(recorded, [ours[0], ours[-1]], strict=True):
        assert sorted(mine) == sorted(theirs)
        assert sorted(mine["usage"]) == sorted(theirs["usage"])
        (choice,), (their_choice,) = mine["output"]["choices"], theirs["output"]["choices"]
        assert sorted(choice) == sorted(their_choice)
        assert sorted(choice["message"]) == sorted(their_choice["message"])
    # Without incremental_output (the API's default) each event repeats the answer so far.
    choices = [data["output"]["choices"][0] for _, data in ours]
    assert [(c["message"]["content"], c["finish_reason"]) for c in choices] == [
        ([{"text": "Hello!"}], "null"),
        ([{"text": "Hello! How"}], "null"),
        ([{"text": "Hello! How can"}], "null"),
        ([{"text": "Hello! How can I"}], "null"),
        ([{"text": "Hello! How can I help?"}], "null"),
        ([{"text": "Hello! How can I help?"}], "stop"),
    ]


def test_dashscope_incremental_events_carry_new_text_and_the_running_usage() -> None:
    server = MockServer(MockReply.reasoning("Hm.", "Hi there."), provider="aliyun")
    ours = [data for _, data in frames_of(dashscope_served(server, dashscope_body(True)))]
    messages = [d["output"]["choices"][0]["message"] for d in ours]
    assert messages == [
        {"content": "", "role": "assistant", "reasoning_content": "Hm."},
        {"content": "Hi", "role": "assistant", "reasoning_content": ""},
        {"content": " there.", "role": "assistant", "reasoning_content": ""},
        {"content": "", "role": "assistant", "reasoning_content": ""},
    ]
    assert [d["output"]["choices"][0]["finish_reason"] for d in ours] == ["null"] * 3 + ["stop"]
    assert [d["usage"] for d in ours] == [
        {"input_tokens": 1, "output_tokens": n, "total_tokens": 1 + n,
         "output_tokens_details": {"reasoning_tokens": 1}}
        for n in (1, 2, 3, 3)
    ]  # fmt: skip
    assert len({d["request_id"] for d in ours}) == 1


def test_dashscope_whole_answer_with_a_tool_call() -> None:
    reply = MockReply.tool_call("get_weather", {"city": "Paris"}, id="call_1")
    answer = dashscope_served(MockServer(reply, provider="aliyun"), dashscope_body(), stream=False)
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert body["output"] == {
        "choices": [
            {
                "message": {
                    "content": "",
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                        }
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ]
    }
    assert body["usage"] == {"input_tokens": 1, "output_tokens": 3, "total_tokens": 4}


def real_aliyun(mode: Mode, server: MockServer, **options: Any) -> Client | AsyncClient:
    """A real ``aliyun`` client (not a mock one) wired to the mock through http_client."""
    if mode == "sync":
        http = httpx.Client(transport=server.transport())
        return Client.aliyun("k", server.base_url, http_client=http, **options)
    ahttp = httpx.AsyncClient(transport=server.transport())
    return AsyncClient.aliyun("k", server.base_url, http_client=ahttp, **options)


async def streamed_answer(client: Client | AsyncClient, chat: ChatRequest) -> ChatResponse:
    if isinstance(client, Client):
        return client.chat_stream(chat).final_response()
    return await (await client.chat_stream(chat)).final_response()


@MODES
@pytest.mark.parametrize("incremental", [True, False])
async def test_dashscope_streams_either_way_to_the_same_answer(
    mode: Mode, incremental: bool
) -> None:
    calls = (ToolCall.create("call_1", "get_weather", {"city": "Paris", "days": 2}),)
    reply = MockReply(
        content="Let me look.", reasoning_content="Weather, so a tool.", tool_calls=calls
    )
    server = MockServer(reply, provider="aliyun")
    client = real_aliyun(mode, server, incremental_output=incremental)
    answer = await streamed_answer(client, request("aliyun"))
    assert server.requests[0]["parameters"]["incremental_output"] is incremental
    assert (answer.content, answer.reasoning_content) == ("Let me look.", "Weather, so a tool.")
    assert answer.tool_calls == calls
    assert answer.finish_reason == "tool_calls"
    assert answer.usage is not None
    assert (answer.usage.completion_tokens, answer.usage.reasoning_tokens) == (12, 4)


@MODES
async def test_dashscope_images_go_to_the_multimodal_endpoint(mode: Mode) -> None:
    server = MockServer("A red square.", provider="aliyun")
    image = ImagePart.from_url("https://example.com/red.png")
    ask = ChatRequest("qwen-vl-max").add_message(Message.user([TextPart("What is it?"), image]))
    client = real_aliyun(mode, server)
    assert (await whole_answer(client, ask)).content == "A red square."
    assert (await streamed_answer(client, ask)).content == "A red square."
    assert server.routes == [f"POST /api/v1{MULTIMODAL}"] * 2
    whole = dashscope_served(
        MockServer("A red square.", provider="aliyun"), dashscope_body(), MULTIMODAL, stream=False
    )
    assert whole.json()["output"]["choices"][0]["message"]["content"] == [{"text": "A red square."}]


def test_dashscope_errors_come_with_their_status_and_code() -> None:
    server = MockServer(MockReply.error(429, "slow down", retry_after=3), provider="aliyun")
    answer = dashscope_served(server, dashscope_body(True))
    assert (answer.status_code, answer.headers["retry-after"]) == (429, "3")
    assert answer.json() == {
        "code": "Throttling.RateQuota",
        "message": "slow down",
        "request_id": "00000000-0000-4000-8000-000000000001",
    }
    with pytest.raises(RateLimitError) as caught:
        Client.mock(server).chat(request("aliyun"))
    assert (caught.value.message, caught.value.code) == ("slow down", "Throttling.RateQuota")
    midway = MockServer(MockReply.error(500, "boom", partial_content="Half"), provider="aliyun")
    *_, (head, data) = frames_of(dashscope_served(midway, dashscope_body(True)))
    assert head == ["id:2", "event:error", ":HTTP_STATUS/500"]
    assert (data["code"], data["message"]) == ("InternalError", "boom")
    missing = midway.handle(httpx.Request("POST", midway.base_url + "/services/nothing", json={}))
    assert (missing.status_code, missing.json()["code"]) == (404, "NotFound")


# -- Claude on Vertex AI ----------------------------------------------------------------------

VERTEX_MODELS = "/v1/projects/mock/locations/us-east5/publishers/anthropic/models"


@MODES
async def test_vertex_names_the_model_in_the_url(mode: Mode) -> None:
    server = MockServer(MockReply.reasoning("Hm.", "Hi."), provider="anthropic_vertex")
    ask = ChatRequest("claude-sonnet-4@20250514").add_message(Message.user("hello"))
    if mode == "sync":
        client: Client | AsyncClient = Client.mock(server)
        tokens = client.count_tokens(ask)
    else:
        client = AsyncClient.mock(server)
        tokens = await client.count_tokens(ask)
    whole = await whole_answer(client, ask)
    streamed = await streamed_answer(client, ask)
    assert tokens == 1
    assert [(a.content, a.reasoning_content) for a in (whole, streamed)] == [("Hi.", "Hm.")] * 2
    assert whole.model == streamed.model == "claude-sonnet-4-20250514"  # as Vertex names it
    assert whole.id.startswith("msg_vrtx_")
    assert server.routes == [
        f"POST {VERTEX_MODELS}/count-tokens:rawPredict",
        f"POST {VERTEX_MODELS}/claude-sonnet-4@20250514:rawPredict",
        f"POST {VERTEX_MODELS}/claude-sonnet-4@20250514:streamRawPredict",
    ]
    assert [r["anthropic_version"] for r in server.requests] == ["vertex-2023-10-16"] * 3
    assert ["model" in r for r in server.requests] == [True, False, False]


def test_vertex_wants_its_version_in_the_body_and_its_own_routes() -> None:
    server = MockServer("Hi.", provider="anthropic_vertex")
    body = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 10}
    url = f"{server.base_url}/claude-sonnet-4@20250514:rawPredict"
    unversioned = server.handle(httpx.Request("POST", url, json=body))
    assert (unversioned.status_code, unversioned.json()["error"]["message"]) == (
        400,
        "anthropic_version: Field required",
    )
    messages = server.handle(httpx.Request("POST", f"{MOCK_HOST}/v1/messages", json=body))
    assert messages.status_code == 404


@pytest.mark.parametrize(
    ("status", "body"),
    [
        # The gateway's quota error: Google's shape, in a list.
        (429, [{"error": {"code": 429, "message": "slow down", "status": "RESOURCE_EXHAUSTED"}}]),
        # Claude's own errors pass through in Anthropic's shape.
        (529, {"type": "error", "error": {"type": "overloaded_error", "message": "slow down"}}),
    ],
)
def test_vertex_errors(status: int, body: Any) -> None:
    server = MockServer(MockReply.error(status, "slow down"), provider="anthropic_vertex")
    payload = {"anthropic_version": "vertex-2023-10-16", "messages": [], "max_tokens": 1}
    url = f"{server.base_url}/claude-sonnet-4@20250514:rawPredict"
    answer = server.handle(httpx.Request("POST", url, json=payload))
    assert (answer.status_code, answer.json()) == (status, body)


def test_anthropic_wants_its_version_header() -> None:
    server = MockServer("Hi.", provider="anthropic")
    body = {"model": "m", "messages": [{"role": "user", "content": "hello"}], "max_tokens": 10}
    answer = server.handle(httpx.Request("POST", f"{server.base_url}/v1/messages", json=body))
    assert (answer.status_code, answer.json()["error"]["message"]) == (
        400,
        "anthropic-version: header is required",
    )


# -- Azure OpenAI -----------------------------------------------------------------------------


@MODES
async def test_azure_with_an_api_version_uses_deployment_paths(mode: Mode) -> None:
    server = MockServer("Hi.", provider="azure_openai")
    urls: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        urls.append(f"{request.method} {request.url}")
        assert request.headers["api-key"] == "k"
        return server.handle(request)

    transport = httpx.MockTransport(handle)
    embed = EmbedRequest("mock-model", ["a"])
    client: Client | AsyncClient
    if mode == "sync":
        sync = client = Client.azure_openai(
            "k", MOCK_HOST, "2024-10-21", http_client=httpx.Client(transport=transport)
        )
        models, vectors = sync.models(), sync.embed(embed)
    else:
        asynchronous = client = AsyncClient.azure_openai(
            "k", MOCK_HOST, "2024-10-21", http_client=httpx.AsyncClient(transport=transport)
        )
        models, vectors = await asynchronous.models(), await asynchronous.embed(embed)
    assert (await whole_answer(client, request("azure_openai"))).content == "Hi."
    assert (await streamed_answer(client, request("azure_openai"))).content == "Hi."
    assert [m.id for m in models] == ["mock-model"]
    assert vectors.data[0].embedding == server.vector("a")
    deployment = f"{MOCK_HOST}/openai/deployments/mock-model"
    assert urls == [
        f"GET {MOCK_HOST}/openai/models?api-version=2024-10-21",
        f"POST {deployment}/embeddings?api-version=2024-10-21",
        f"POST {deployment}/chat/completions?api-version=2024-10-21",
        f"POST {deployment}/chat/completions?api-version=2024-10-21",
    ]


def test_azure_deployment_paths_need_an_api_version() -> None:
    server = MockServer("Hi.", provider="azure_openai")
    url = f"{MOCK_HOST}/openai/deployments/mock-model/chat/completions"
    answer = server.handle(httpx.Request("POST", url, json=CHAT))
    assert (answer.status_code, answer.json()) == (
        404,
        {"error": {"code": "404", "message": "Resource not found"}},
    )
    # The /openai/v1 form (a mock client's) needs none.
    v1 = server.handle(httpx.Request("POST", f"{server.base_url}/chat/completions", json=CHAT))
    assert v1.status_code == 200
