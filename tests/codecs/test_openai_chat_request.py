"""OpenAI chat request encoding against recorded request bodies (tests/data/*/*.request.json).

Each test builds by hand the ChatRequest a user would write for a recorded request and
compares our JSON body with the recording. Where we differ on purpose the test edits the
expected body in place, with a comment saying why; nothing else may differ.

Wire reference: https://platform.openai.com/docs/api-reference/chat/create
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs

from llm_connector.codecs.contract import Endpoint, RequestSpec
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.codecs.openai_chat.dialect import (
    COMPATIBLE_DIALECT,
    OPENAI_DIALECT,
    OpenAIDialect,
)
from llm_connector.types import (
    ChatRequest,
    ImagePart,
    Message,
    TextPart,
    Tool,
    ToolCall,
    ToolChoice,
)
from tests.support.schemas import validated_request_bodies  # noqa: F401  (autouse)

DATA = Path(__file__).resolve().parent.parent / "data"
ENDPOINT = Endpoint(base_url="https://api.openai.com/v1", api_key="sk-test")
NO_STREAM_USAGE = attrs.evolve(COMPATIBLE_DIALECT, stream_usage=False)


def recorded(name: str) -> dict[str, Any]:
    value = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def build(request: ChatRequest, dialect: OpenAIDialect, *, stream: bool) -> RequestSpec:
    return OpenAIChatCodec(dialect).build_chat(request, ENDPOINT, stream=stream)


def body(request: ChatRequest, dialect: OpenAIDialect, *, stream: bool) -> dict[str, Any]:
    spec = build(request, dialect, stream=stream)
    assert spec.body is not None
    value = json.loads(spec.body)
    assert isinstance(value, dict)
    return value


WEATHER = Tool.function(
    "get_current_weather",
    "Get the current weather",
    {
        "type": "object",
        "properties": {
            "location": {
                "type": "string",
                "description": "The city and state, e.g. San Francisco, CA",
            }
        },
        "required": ["location"],
    },
)
GET_CAPITAL = Tool.function(
    "get_capital",
    "",
    {
        "additionalProperties": False,
        "properties": {"country": {"type": "string"}},
        "required": ["country"],
        "type": "object",
    },
    strict=True,
)
LOOKUP_POPULATION = Tool.function(
    "lookup_population",
    "Returns the current population of the specified fictional country",
    {"properties": {"country": {"type": "string"}}, "required": ["country"], "type": "object"},
)
CAN_HAVE_DRAGONS = Tool.function(
    "can_have_dragons",
    "Returns True if the specified population can have dragons, False otherwise",
    {
        "properties": {"population": {"type": "integer"}},
        "required": ["population"],
        "type": "object",
    },
)
DRAGONS_QUESTION = Message.user(
    "Can the country of Crumpet have dragons? Answer with only YES or NO"
)


# -- openai-chat recordings -------------------------------------------------------------------


def test_text_basic_gpt35() -> None:
    request = ChatRequest("gpt-3.5-turbo").add_message(
        Message.user("Tell me a joke about opentelemetry")
    )
    expected = recorded("openai-chat/text-basic-gpt35.request.json")
    # Deliberate: on streams we always ask for the final usage chunk.
    expected["stream_options"] = {"include_usage": True}
    assert body(request, OPENAI_DIALECT, stream=True) == expected


def test_text_include_usage_moderation_gpt5() -> None:
    request = (
        ChatRequest("gpt-5")
        .add_message(Message.user("What is the capital of France?"))
        .with_extra_body({"moderation": {"model": "omni-moderation-latest"}})
    )
    expected = recorded("openai-chat/text-include-usage-moderation-gpt5.request.json")
    assert body(request, OPENAI_DIALECT, stream=True) == expected


def test_tool_call_include_usage_gpt4omini() -> None:
    request = ChatRequest(
        "gpt-4o-mini",
        [Message.user("What is the capital of the UK? Use the tool, then answer.")],
        tools=[GET_CAPITAL],
        tool_choice=ToolChoice.auto(),
    )
    expected = recorded("openai-chat/tool-call-include-usage-gpt4omini.request.json")
    assert body(request, OPENAI_DIALECT, stream=True) == expected


def test_tool_result_followup_text_gpt4omini() -> None:
    call = ToolCall.create("call_ZR5UUuTt3pf61kjwAJIYdVMj", "get_capital", '{"country":"UK"}')
    request = ChatRequest(
        "gpt-4o-mini",
        [
            Message.user("What is the capital of the UK? Use the tool, then answer."),
            Message.assistant(tool_calls=[call]),
            Message.tool("London", "call_ZR5UUuTt3pf61kjwAJIYdVMj"),
        ],
        tools=[GET_CAPITAL],
        tool_choice=ToolChoice.auto(),
    )
    expected = recorded("openai-chat/tool-result-followup-text-gpt4omini.request.json")
    # The recording has "content": null on the tool-call turn, exactly as we send it.
    assert body(request, OPENAI_DIALECT, stream=True) == expected


def test_parallel_tool_calls_gpt35() -> None:
    request = ChatRequest(
        "gpt-3.5-turbo",
        [Message.user("What's the weather like in San Francisco and Boston?")],
        tools=[WEATHER],
    )
    expected = recorded("openai-chat/parallel-tool-calls-gpt35.request.json")
    expected["stream_options"] = {"include_usage": True}  # deliberate, see test_text_basic
    assert body(request, OPENAI_DIALECT, stream=True) == expected


def test_tool_call_single_gpt35() -> None:
    request = ChatRequest(
        "gpt-3.5-turbo",
        [Message.user("What's the weather like in San Francisco?")],
        tools=[WEATHER],
    )
    expected = recorded("openai-chat/tool-call-single-gpt35.request.json")
    expected["stream_options"] = {"include_usage": True}  # deliberate, see test_text_basic
    assert body(request, OPENAI_DIALECT, stream=True) == expected


def test_nonstream_tool_calls() -> None:
    request = ChatRequest(
        "gpt-4o-mini", [DRAGONS_QUESTION], tools=[LOOKUP_POPULATION, CAN_HAVE_DRAGONS]
    )
    expected = recorded("openai-chat/nonstream-tool-calls.request.json")
    # Deliberate: a non-streamed request does not send "stream": false (it is the default).
    del expected["stream"]
    assert body(request, OPENAI_DIALECT, stream=False) == expected


def test_nonstream_text_after_two_tool_turns() -> None:
    first = ToolCall.create(
        "call_TTY8UFNo7rNCaOBUNtlRSvMG", "lookup_population", '{"country": "Crumpet"}'
    )
    second = ToolCall.create(
        "call_aq9UyiSFkzX6W8Ydc33DoI9Y", "can_have_dragons", '{"population": 123124}'
    )
    request = ChatRequest(
        "gpt-4o-mini",
        [
            DRAGONS_QUESTION,
            Message.assistant(tool_calls=[first]),
            Message.tool("123124", first.id),
            Message.assistant(tool_calls=[second]),
            Message.tool("true", second.id),
        ],
        tools=[LOOKUP_POPULATION, CAN_HAVE_DRAGONS],
    )
    expected = recorded("openai-chat/nonstream-text.request.json")
    del expected["stream"]  # deliberate, see test_nonstream_tool_calls
    # Deliberate: the recording omits "content" on tool-call turns; we send an explicit
    # null, which OpenAI documents ("Required unless tool_calls ... is specified").
    expected["messages"][1]["content"] = None
    expected["messages"][3]["content"] = None
    assert body(request, OPENAI_DIALECT, stream=False) == expected


def test_image_by_url() -> None:
    request = ChatRequest(
        "gpt-4o-mini",
        [
            Message.user(
                [
                    TextPart("What is in this image?"),
                    ImagePart.from_url("https://source.unsplash.com/8xznAGy4HcY/800x400"),
                ]
            )
        ],
    )
    expected = recorded("openai-chat/error-400-invalid-image-url.request.json")
    assert body(request, OPENAI_DIALECT, stream=False) == expected


def test_image_by_data_url_round_trips() -> None:
    expected = recorded("openai-chat/error-400-invalid-image-format.request.json")
    data_url = expected["messages"][0]["content"][1]["image_url"]["url"]
    assert data_url.startswith("data:image/jpeg;base64,")
    image = ImagePart.from_url(data_url)
    assert image.media_type == "image/jpeg"
    request = ChatRequest(
        "gpt-4o-mini", [Message.user([TextPart("What is in this image?"), image])]
    )
    assert body(request, OPENAI_DIALECT, stream=False) == expected


def test_reasoning_effort_on_azure_deployment() -> None:
    request = ChatRequest(
        "gpt-5-nano", [Message.user("Count r's in strawberry")], reasoning_effort="low"
    )
    expected = recorded("openai-chat/error-404-azure-deployment-not-found.request.json")
    assert body(request, OPENAI_DIALECT, stream=False) == expected


# -- openai-compat recordings -----------------------------------------------------------------


def test_deepseek_chat_stream() -> None:
    request = ChatRequest("deepseek-chat", [Message.user("Tell me a joke about opentelemetry")])
    expected = recorded("openai-compat/deepseek-chat-stream.request.json")
    assert body(request, NO_STREAM_USAGE, stream=True) == expected
    expected["stream_options"] = {"include_usage": True}  # deliberate default
    assert body(request, COMPATIBLE_DIALECT, stream=True) == expected


def test_deepseek_reasoner_stream() -> None:
    request = ChatRequest("deepseek-reasoner", [Message.user("Hello")])
    expected = recorded("openai-compat/deepseek-reasoner-stream.request.json")
    assert body(request, COMPATIBLE_DIALECT, stream=True) == expected


def test_groq_reasoning_tool_call_turns() -> None:
    expected = recorded("openai-compat/groq-reasoning-tool-call.request.json")
    think = expected["messages"][2]["content"]  # the long <think> text, as recorded
    tool_result = expected["messages"][3]["content"]
    call = ToolCall.create(
        "pyd_ai_53c381537e5a4ce2852509adfb88b3d5",
        "get_something_by_name",
        '{"invalid_param":"value"}',
    )
    request = ChatRequest(
        "openai/gpt-oss-120b",
        [
            Message.system("Be concise. Never use pretty double quotes, just regular ones."),
            Message.user(
                'Please call the "get_something_by_name" tool with non-existent parameters to '
                "test error handling; on the second try you can use valid args"
            ),
            Message.assistant(think, tool_calls=[call]),
            Message.tool(tool_result, call.id),
        ],
        tools=[
            Tool.function(
                "get_something_by_name",
                "",
                {
                    "additionalProperties": False,
                    "properties": {"name": {"type": "string"}},
                    "required": ["name"],
                    "type": "object",
                },
            )
        ],
        tool_choice=ToolChoice.auto(),
        extra_body={"n": 1},
    )
    assert body(request, NO_STREAM_USAGE, stream=True) == expected
    expected["stream_options"] = {"include_usage": True}  # deliberate default
    assert body(request, COMPATIBLE_DIALECT, stream=True) == expected


def test_hf_router_novita_stream() -> None:
    request = ChatRequest(
        "meta-llama/llama-3.1-8b-instruct",
        [Message.user("Reply with exactly: Paris")],
        temperature=0.0,
        tools=[],
    )
    expected = recorded("openai-compat/hf-router-novita-stream.request.json")
    # Deliberate: no tools means no "tools" key (some servers reject an empty list).
    del expected["tools"]
    expected["stream_options"] = {"include_usage": True}  # deliberate default
    assert body(request, COMPATIBLE_DIALECT, stream=True) == expected


def test_openrouter_error_429_request() -> None:
    request = ChatRequest(
        "google/gemini-2.0-flash-exp:free",
        [Message.system("Be helpful."), Message.user("Tell me a joke.")],
    )
    expected = recorded("openai-compat/openrouter-error-429.request.json")
    del expected["stream"]  # deliberate, see test_nonstream_tool_calls
    assert body(request, COMPATIBLE_DIALECT, stream=False) == expected


def test_openrouter_max_completion_tokens() -> None:
    request = ChatRequest("minimax/minimax-m2:free", [Message.user("Hello there")], max_tokens=10)
    expected = recorded("openai-compat/openrouter-minimax-midstream-error.request.json")
    # OpenRouter takes OpenAI's newer field name, which OPENAI_DIALECT sends.
    assert body(request, OPENAI_DIALECT, stream=True) == expected
    # The generic compatible dialect sends the older name most servers know.
    expected["max_tokens"] = expected.pop("max_completion_tokens")
    assert body(request, COMPATIBLE_DIALECT, stream=True) == expected
