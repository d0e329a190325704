"""The public API's types as a user's code sees them, checked by ``mypy --strict``
(the typecheck session covers tests/). Nothing here runs: pytest does not collect this
file, and the functions are never called."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from llm_connector import (
    APIStatusError,
    AsyncChatStream,
    AsyncClient,
    AsyncResponsesStream,
    Capabilities,
    ChatStream,
    Client,
    LLMError,
    MockReply,
    ResponsesStream,
)
from llm_connector.types import (
    ChatRequest,
    ChatResponse,
    EmbedRequest,
    EmbedResponse,
    FunctionCallItem,
    Message,
    Model,
    ModelDetails,
    ResponsesItem,
    ResponsesRequest,
    ResponsesResponse,
    ResponsesStreamEvent,
    ResponsesUsage,
    StreamingResponse,
    Tool,
    ToolCall,
    ToolCallDelta,
    ToolChoice,
    Usage,
)

if TYPE_CHECKING:
    from typing_extensions import assert_type


def blocking_usage() -> None:
    client = Client.openai("sk-...")
    assert_type(client, Client)
    assert_type(Client.mock([MockReply.text("hi")]), Client)
    assert_type(Client.anthropic(), Client)
    assert_type(Client.ollama("http://localhost:11434"), Client)

    request = (
        ChatRequest("gpt-4o")
        .add_message(Message.user("Tell me a story"))
        .with_tools([Tool.function("f", "does f", {"type": "object"})])
        .with_tool_choice(ToolChoice.auto())
        .with_stream(True)
    )
    assert_type(request, ChatRequest)

    response = client.chat(request)
    assert_type(response, ChatResponse)
    assert_type(response.content, str)
    assert_type(response.get_content(), str | None)
    assert_type(response.reasoning_content, str | None)
    assert_type(response.tool_calls, tuple[ToolCall, ...])
    assert_type(response.usage, Usage | None)

    stream = client.chat_stream(request)
    assert_type(stream, ChatStream)
    for chunk in stream:
        assert_type(chunk, StreamingResponse)
        assert_type(chunk.get_content(), str | None)
        assert_type(chunk.tool_calls, tuple[ToolCallDelta, ...])
        assert_type(chunk.choices[0].delta.content, str | None)
    assert_type(stream.final_response(), ChatResponse)
    with client.chat_stream(request) as managed:
        assert_type(managed, ChatStream)

    assert_type(client.models(), list[Model])
    assert_type(client.embed(EmbedRequest("text-embedding-3-small", "hi")), EmbedResponse)
    assert_type(client.count_tokens(request), int)
    assert_type(client.show_model("llama3"), ModelDetails)
    assert_type(client.delete_model("llama3"), None)

    try:
        client.chat(request)
    except APIStatusError as error:
        assert_type(error.status_code, int)
        assert_type(error.retry_after, float | None)
    except LLMError as error:
        assert_type(error.partial, ChatResponse | None)


async def async_usage() -> None:
    client = AsyncClient.openai("sk-...")
    assert_type(client, AsyncClient)
    request = ChatRequest("gpt-4o").add_message(Message.user("Hi"))

    assert_type(await client.chat(request), ChatResponse)
    stream = await client.chat_stream(request)
    assert_type(stream, AsyncChatStream)
    async for chunk in stream:
        assert_type(chunk, StreamingResponse)
    assert_type(await stream.final_response(), ChatResponse)
    async with client.chat_stream(request) as managed:
        assert_type(managed, AsyncChatStream)
    assert_type(await client.models(), list[Model])
    assert_type(await client.count_tokens(request), int)
    await client.aclose()


def responses_usage() -> None:
    client = Client.openai("sk-...")
    request = ResponsesRequest(model="gpt-4.1", input="Count from 1 to 5", stream=True)
    assert_type(request.with_max_output_tokens(50), ResponsesRequest)

    response = client.invoke_responses(request)
    assert_type(response, ResponsesResponse)
    assert_type(response.output_text, str)
    assert_type(response.output, tuple[ResponsesItem, ...])
    assert_type(response.function_calls, tuple[FunctionCallItem, ...])
    assert_type(response.usage, ResponsesUsage | None)
    assert_type(response.status, str | None)

    stream = client.invoke_responses_stream(request)
    assert_type(stream, ResponsesStream)
    for event in stream:
        assert_type(event, ResponsesStreamEvent)
        assert_type(event.event_type, str)
        assert_type(event.data, dict[str, Any])
        assert_type(event.delta, str | None)
        assert_type(event.sequence_number, int | None)
    assert_type(stream.final_response(), ResponsesResponse)
    assert_type(stream.snapshot(), ResponsesResponse)
    with client.invoke_responses_stream(request) as managed:
        assert_type(managed, ResponsesStream)
    # The next turn: the output items and a result go back as input.
    follow_up = request.add_input(*response.output)
    assert_type(follow_up, ResponsesRequest)


async def async_responses_usage() -> None:
    client = AsyncClient.openai("sk-...")
    request = ResponsesRequest(model="gpt-4.1", input="Hi")
    assert_type(await client.invoke_responses(request), ResponsesResponse)
    stream = await client.invoke_responses_stream(request)
    assert_type(stream, AsyncResponsesStream)
    async for event in stream:
        assert_type(event, ResponsesStreamEvent)
    assert_type(await stream.final_response(), ResponsesResponse)
    async with client.invoke_responses_stream(request) as managed:
        assert_type(managed, AsyncResponsesStream)
    await client.aclose()


def constructors_build_their_own_client_class() -> None:
    """Every constructor, made from its provider row, is typed: it returns the class it is
    called on and takes that class's httpx client (the ignores below are checked: mypy's
    ``warn_unused_ignores`` fails this file if it ever accepts the other client)."""
    sync_http = httpx.Client()
    async_http = httpx.AsyncClient()
    assert_type(Client.openai(http_client=sync_http), Client)
    assert_type(AsyncClient.openai(http_client=async_http), AsyncClient)
    Client.openai(http_client=async_http)  # type: ignore[arg-type]
    AsyncClient.openai(http_client=sync_http)  # type: ignore[arg-type]
    AsyncClient.anthropic("k", http_client=sync_http)  # type: ignore[arg-type]
    Client.tencent("id", "key", http_client=async_http)  # type: ignore[arg-type]
    Client.openai(timeout="10")  # type: ignore[arg-type]
    Client.moonshot(region="mars")  # type: ignore[arg-type]
    assert_type(Client.openai_compatible("k", "http://localhost/v1", "groq"), Client)
    assert_type(Client.azure_openai("k", "https://r.openai.azure.com", "2024-10-21"), Client)
    assert_type(Client.deepseek(), Client)
    assert_type(Client.moonshot(region="international"), Client)
    assert_type(Client.zhipu(), Client)
    assert_type(Client.zhipu_openai_compatible(region="international"), Client)
    assert_type(Client.aliyun(incremental_output=False), Client)
    assert_type(Client.aliyun_openai_compatible(), Client)
    assert_type(Client.volcengine(), Client)
    assert_type(Client.xiaomi(), Client)
    assert_type(Client.tencent(region="ap-guangzhou"), Client)
    assert_type(Client.tencent_openai_compatible(), Client)
    assert_type(Client.bedrock("us-east-1", access_key_id="AKID", secret_access_key="s"), Client)
    assert_type(AsyncClient.bedrock(api_key="bedrock-api-key-x", model="m"), AsyncClient)
    Client.bedrock(http_client=async_http)  # type: ignore[arg-type]
    assert_type(AsyncClient.mock(provider="bedrock"), AsyncClient)
    assert_type(Client.longcat_anthropic(), Client)
    assert_type(Client.anthropic(api_version="2023-06-01"), Client)
    assert_type(AsyncClient.longcat_anthropic(api_version="2023-06-01"), AsyncClient)
    assert_type(Client.anthropic_vertex("project", "us-east5", "token"), Client)
    assert_type(Client.anthropic_vertex(api_version="vertex-2023-10-16"), Client)
    Client.google(api_version="v1")  # type: ignore[call-arg]
    Client.openai(api_version="2023-06-01")  # type: ignore[call-arg]
    assert_type(Client.google(), Client)
    assert_type(AsyncClient.ollama(http_client=async_http), AsyncClient)
    assert_type(AsyncClient.mock(provider="anthropic"), AsyncClient)
    AsyncClient.mock(http_client=async_http)  # type: ignore[call-arg]
    assert_type(Client.openai().capabilities, Capabilities)
