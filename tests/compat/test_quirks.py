"""Each provider's documented stream and body quirks, one by one, through the codec its
constructor builds. Where no recording exists the input is written in the documented
shape, and the test says where that shape is documented.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from llm_connector import AsyncClient, Client, errors
from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.contract import ChatCodec, SSEFrame
from llm_connector.types import ChatRequest, ChatResponse, Message
from tests.support.facade import MODES, Mode
from tests.support.paths import DATA


def codec_of(make: Any) -> ChatCodec:
    with httpx.Client() as http:
        codec: ChatCodec = make(http)._driver.settings.codec
        return codec


def stream(codec: ChatCodec, *events: object, event: str = "message") -> ChatResponse:
    """Frames of JSON objects (or raw strings) through StreamCore; the final answer."""
    core = StreamCore(codec)
    for item in events:
        data = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
        core.feed(SSEFrame(data, event))
    core.finish()
    return core.final_response()


def chunk(delta: dict[str, Any], finish: str | None = None, **top: Any) -> dict[str, Any]:
    return {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **top,
    }


def compatible(name: str, **options: Any) -> ChatCodec:
    return codec_of(lambda http: Client.openai_compatible("k", "http://x/v1", name, **options))


# -- tool calls ---------------------------------------------------------------------------


def test_hunyuan_openai_compatible_repeats_the_call_id_with_an_empty_name() -> None:
    # Hunyuan documents that a call's fragments repeat its id and name the function once
    # (merge by id): tccli/examples/hunyuan/v20230901/ChatCompletions.md, streamed
    # hunyuan-functioncall example; every chunk also carries a "note" field, as the
    # recorded hunyuan-lite-stream.sse shows. Here in the OpenAI-compatible field names.
    codec = codec_of(lambda http: Client.tencent_openai_compatible("k"))
    note = "以上内容为AI生成，不代表开发者立场，请勿删除或修改本标记"
    call = {"id": "call_cq154", "type": "function"}
    answer = stream(
        codec,
        chunk({"role": "assistant", "content": "", "reasoning_content": "", "tool_calls": [
            {**call, "function": {"name": "get_current_weather", "arguments": ""}}]}, note=note),
        chunk({"role": "assistant", "content": "", "reasoning_content": "", "tool_calls": [
            {**call, "function": {"name": "", "arguments": '{"location":"北京"}'}}]}, note=note),
        chunk({"role": "assistant", "content": ""}, "tool_calls", note=note),
        "[DONE]",
    )  # fmt: skip
    (tool,) = answer.tool_calls
    assert (tool.id, tool.function.name) == ("call_cq154", "get_current_weather")
    assert tool.parse_arguments() == {"location": "北京"}
    assert answer.finish_reason == "tool_calls"


def test_doubao_sends_a_whole_tool_call_in_one_chunk() -> None:
    # Volcengine Ark streams a complete call (id, name and all arguments) in one delta:
    # https://www.volcengine.com/docs/82379/1262342 (function calling, streamed output).
    codec = codec_of(lambda http: Client.volcengine("k"))
    whole = {"index": 0, "id": "call_1", "type": "function"}
    answer = stream(
        codec,
        chunk({"role": "assistant", "content": "", "tool_calls": [
            {**whole, "function": {"name": "get_weather", "arguments": '{"city": "杭州"}'}}]}),
        chunk({"content": ""}, "tool_calls"),
        "[DONE]",
    )  # fmt: skip
    (tool,) = answer.tool_calls
    assert (tool.id, tool.function.name, tool.parse_arguments()) == (
        "call_1",
        "get_weather",
        {"city": "杭州"},
    )


def test_ollama_v1_whole_tool_call_with_reasoning() -> None:
    # Recorded: ollama.com/v1 answers a tool call whole, its reasoning under "reasoning".
    body = (DATA / "openai-compat" / "ollama-cloud-v1-tool-calls.json").read_bytes()
    answer = compatible("ollama").parse_chat(body)
    (tool,) = answer.tool_calls
    assert (tool.id, tool.function.name) == ("call_o2vnpxrw", "final_result")
    assert tool.parse_arguments() == {"city": "Paris", "country": "France"}
    assert answer.reasoning_content is not None
    assert answer.reasoning_content.startswith('The conversation: user asked "What is the')
    assert answer.reasoning_content.endswith("Let's do that.")
    assert answer.finish_reason == "tool_calls"
    assert answer.usage is not None
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (206, 194)


# -- in-band errors -------------------------------------------------------------------------


def test_groq_error_event_without_done() -> None:
    # Groq reports a failed generation as an "event: error" frame with an OpenAI error
    # object and ends the stream without [DONE] (https://console.groq.com/docs/errors).
    codec = compatible("groq")
    core = StreamCore(codec)
    core.feed(SSEFrame(json.dumps(chunk({"role": "assistant", "content": "Hel"}))))
    error = {
        "error": {
            "message": "Failed to call a function. Please adjust your prompt.",
            "type": "invalid_request_error",
            "code": "tool_use_failed",
        }
    }
    with pytest.raises(errors.BadRequestError) as caught:
        core.feed(SSEFrame(json.dumps(error), "error"))
    assert caught.value.message == "Failed to call a function. Please adjust your prompt."
    assert (caught.value.code, caught.value.in_stream) == ("tool_use_failed", True)
    assert caught.value.partial is not None
    assert caught.value.partial.content == "Hel"


# -- usage ------------------------------------------------------------------------------------


def test_moonshot_usage_in_the_finishing_choice() -> None:
    # Moonshot streams the usage inside the last chunk's choice, not beside it:
    # https://platform.moonshot.ai/docs/api/chat (choices[0].usage)
    codec = codec_of(lambda http: Client.moonshot("k"))
    usage = {"prompt_tokens": 19, "completion_tokens": 13, "total_tokens": 32}
    last = chunk({}, "stop")
    last["choices"][0]["usage"] = usage
    answer = stream(codec, chunk({"role": "assistant", "content": "Hi"}), last, "[DONE]")
    assert answer.usage is not None
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (19, 13)


# -- where reasoning arrives --------------------------------------------------------------------


def test_openrouter_reasoning_details_alone_are_reasoning() -> None:
    # https://openrouter.ai/docs/use-cases/reasoning-tokens#reasoning-details-api-shape
    details = [{"type": "reasoning.summary", "summary": "Thinking about it.", "index": 0}]
    answer = stream(
        compatible("openrouter"),
        chunk({"role": "assistant", "content": "", "reasoning_details": details}),
        chunk({"content": "Yes."}, "stop"),
        "[DONE]",
    )
    assert (answer.reasoning_content, answer.content) == ("Thinking about it.", "Yes.")


THINK = ["<thi", "nk>\nFirst ", "I think.", "</th", "ink>\n\n", "The answer."]


def think_stream(codec: ChatCodec, pieces: list[str]) -> ChatResponse:
    events: list[object] = [chunk({"role": "assistant", "content": piece}) for piece in pieces]
    return stream(codec, *events, chunk({}, "stop"), "[DONE]")


@pytest.mark.parametrize(
    ("name", "make"),
    [
        # GLM-Z1 answers with <think> in the content (Zhipu's chat API reference,
        # message.content): https://docs.bigmodel.cn/api-reference/
        ("zhipu", lambda http: Client.zhipu("k")),
        ("zai", lambda http: Client.zhipu_openai_compatible("k", region="international")),
        # Groq's default reasoning_format "raw": https://console.groq.com/docs/reasoning
        ("groq", lambda http: Client.openai_compatible("k", name="groq")),
        # MiniMax M2: https://platform.minimax.io/docs/api-reference/text-openai-api
        ("minimax", lambda http: Client.openai_compatible("k", name="minimax")),
        # A user's own server, told so.
        ("think_tags", lambda http: Client.openai_compatible("k", "http://x/v1", think_tags=True)),
    ],
)
def test_think_tags_are_reasoning_where_the_dialect_says_so(name: str, make: Any) -> None:
    codec = codec_of(make)
    answer = think_stream(codec, THINK)
    assert (answer.reasoning_content, answer.content) == ("First I think.", "The answer.")
    whole = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "".join(THINK)},
                          "finish_reason": "stop"}]}  # fmt: skip
    parsed = codec.parse_chat(json.dumps(whole).encode())
    assert (parsed.reasoning_content, parsed.content) == ("First I think.", "The answer.")


def test_implicit_open_think_tags() -> None:
    # DeepSeek-R1 behind a template that opens the block: only </think> appears.
    codec = compatible("openai_compatible", think_tags="implicit")
    answer = think_stream(codec, ["Reasoning first.", "</think>", "Then the answer."])
    assert (answer.reasoning_content, answer.content) == ("Reasoning first.", "Then the answer.")


@pytest.mark.parametrize(
    "codec",
    [
        compatible("openai_compatible"),  # off by default: nothing documents inline tags
        compatible("groq", think_tags=False),  # a preset's default turned off
        codec_of(lambda http: Client.deepseek("k")),  # reasoning_content, never tags
    ],
    ids=["generic", "groq-off", "deepseek"],
)
def test_think_tags_stay_text_where_the_dialect_does_not_split(codec: ChatCodec) -> None:
    answer = think_stream(codec, THINK)
    assert (answer.reasoning_content, answer.content) == (None, "".join(THINK))


def test_separate_reasoning_stops_the_splitting() -> None:
    # A server that separates reasoning itself: a later <think> in the text is text.
    answer = stream(
        codec_of(lambda http: Client.zhipu("k")),
        chunk({"role": "assistant", "reasoning_content": "Plan."}),
        chunk({"content": "<think>not reasoning</think>"}, "stop"),
        "[DONE]",
    )
    assert (answer.reasoning_content, answer.content) == ("Plan.", "<think>not reasoning</think>")


# -- whole bodies ------------------------------------------------------------------------------


def body(name: str) -> bytes:
    return (DATA / "openai-compat" / name).read_bytes()


def test_deepseek_reasoner_whole_answer() -> None:
    answer = codec_of(lambda http: Client.deepseek("k")).parse_chat(
        body("deepseek-reasoner-nonstream.json")
    )
    assert answer.content is not None and answer.reasoning_content is not None
    assert answer.content.startswith("Crossing the street safely involves careful observation")
    assert answer.reasoning_content.startswith("Okay, the user is asking how to cross the street.")
    assert answer.usage is not None
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (12, 789)
    assert (answer.usage.reasoning_tokens, answer.usage.cached_tokens) == (415, 0)


def test_doubao_whole_answer_with_go_escapes() -> None:
    answer = codec_of(lambda http: Client.volcengine("k")).parse_chat(
        body("doubao-seed-nonstream-reasoning.json")
    )
    assert answer.content == "<p>Product Specifications</p>"  # \u003c escapes decoded
    assert answer.reasoning_content is not None
    assert answer.reasoning_content.startswith("\n用户让我把代码中的中文“商品参数”翻译成英文。")
    assert answer.usage is not None
    assert (answer.usage.total_tokens, answer.usage.reasoning_tokens) == (255, 146)


def test_openrouter_whole_answer_reasoning_not_in_content() -> None:
    raw = json.loads(body("openrouter-glm46-nonstream-reasoning.json"))
    answer = compatible("openrouter").parse_chat(body("openrouter-glm46-nonstream-reasoning.json"))
    message = raw["choices"][0]["message"]
    assert answer.reasoning_content == message["reasoning"]
    assert answer.content == message["content"]
    assert message["reasoning"] not in (answer.content or "")


def test_dashscope_compatible_whole_answer() -> None:
    answer = codec_of(lambda http: Client.aliyun_openai_compatible("k")).parse_chat(
        body("qwen3max-nonstream.json")
    )
    assert answer.content is not None
    assert answer.content.startswith("## The Festival of Forgotten Things (Obsidiana)")
    assert answer.usage is not None
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (18, 1064)


def hunyuan(name: str) -> bytes:
    return (DATA / "hunyuan" / name).read_bytes()


def test_hunyuan_documented_whole_answers() -> None:
    codec = codec_of(lambda http: Client.tencent("AKIDx", "keyx"))
    # The documented example comes both with and without the {"Response": ...} envelope.
    text = codec.parse_chat(hunyuan("docs-example-nonstream-text.json"))
    assert text.content == "你好！很高兴为您提供帮助。请问有什么问题我可以帮助您解决？"
    assert (text.id, text.finish_reason) == ("e4657570-94a5-45f1-896c-a00ac3471d51", "stop")
    assert text.usage is not None and text.usage.total_tokens == 17
    tools = codec.parse_chat(hunyuan("docs-example-nonstream-tool-call.json"))
    (call,) = tools.tool_calls
    assert call.function.name == "get_current_weather"
    assert call.parse_arguments() == {"location": ["北京", "深圳"], "unit": "celsius"}
    assert call.id == "call_0_0"  # the documented answer has no Id: one is made up
    assert tools.finish_reason == "tool_calls"


def test_hunyuan_error_in_a_200_body_is_typed() -> None:
    codec = codec_of(lambda http: Client.tencent("AKIDx", "keyx"))
    with pytest.raises(errors.BadRequestError) as caught:
        codec.parse_chat(hunyuan("docs-example-error-invalid-parameter.json"))
    assert caught.value.message == "Temperature must be 2 or less"
    assert caught.value.code == "InvalidParameter"
    info = codec.parse_error(401, hunyuan("docs-example-error-invalid-parameter.json"))
    assert (info.message, info.code, info.status) == (
        "Temperature must be 2 or less",
        "InvalidParameter",
        None,
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", [400, 200])
def test_hunyuan_error_request_id_from_the_body(mode: Mode, status: int) -> None:
    # API 3.0 answers carry Response.RequestId (https://cloud.tencent.com/document/api/1729/105701,
    # example 3): the error's request id when no header gives one.
    body = hunyuan("docs-example-error-invalid-parameter.json")

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers={"content-type": "application/json"}, content=body)

    transport = httpx.MockTransport(handle)
    request = ChatRequest("hunyuan-turbos-latest").add_message(Message.user("Hi"))

    def sync_call() -> None:
        with httpx.Client(transport=transport) as http:
            Client.tencent("AKIDx", "keyx", http_client=http, max_retries=0).chat(request)

    async def async_call() -> None:
        async with httpx.AsyncClient(transport=transport) as http:
            client = AsyncClient.tencent("AKIDx", "keyx", http_client=http, max_retries=0)
            await client.chat(request)

    with pytest.raises(errors.BadRequestError) as caught:
        sync_call() if mode == "sync" else asyncio.run(async_call())
    assert (caught.value.status_code, caught.value.request_id) == (
        400,
        "188cc996-ab09-49a7-aa9f-1df88f11c6b4",
    )


QWEN_ANSWER = "我是阿里云开发的一款超大规模语言模型，我叫通义千问。"


def test_dashscope_documented_whole_answer_and_error() -> None:
    # The response example of https://help.aliyun.com/zh/model-studio/qwen-api-via-dashscope
    # (result_format "message"), and its error body shape.
    codec = codec_of(lambda http: Client.aliyun("k"))
    answer = codec.parse_chat(
        json.dumps(
            {
                "status_code": 200,
                "request_id": "902fee3b-f7f0-9a8c-96a1-6b4ea25af114",
                "code": "",
                "message": "",
                "output": {
                    "text": None,
                    "finish_reason": None,
                    "choices": [
                        {
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": QWEN_ANSWER},
                        }
                    ],
                },
                "usage": {"input_tokens": 22, "output_tokens": 17, "total_tokens": 39},
            },
            ensure_ascii=False,
        ).encode()
    )  # fmt: skip
    assert answer.content == QWEN_ANSWER
    assert (answer.id, answer.finish_reason) == ("902fee3b-f7f0-9a8c-96a1-6b4ea25af114", "stop")
    assert answer.usage is not None and answer.usage.total_tokens == 39
    error = b'{"code":"InvalidApiKey","message":"Invalid API-key provided.","request_id":"x"}'
    info = codec.parse_error(401, error)
    assert (info.message, info.code) == ("Invalid API-key provided.", "InvalidApiKey")
    with pytest.raises(errors.AuthenticationError):
        codec.new_stream_decoder().feed(SSEFrame(error.decode(), "error"))
