"""Response values: the convenience properties of ChatResponse and StreamingResponse."""

from __future__ import annotations

from llm_connector.types import (
    ChatResponse,
    Choice,
    Delta,
    Embedding,
    EmbedResponse,
    FunctionCallDelta,
    Message,
    StreamChoice,
    StreamingResponse,
    TextPart,
    ToolCall,
    ToolCallDelta,
    Usage,
)


def test_usage_defaults_and_fields() -> None:
    assert Usage() == Usage(0, 0, 0, None, None)
    usage = Usage(
        prompt_tokens=10,
        completion_tokens=5,
        total_tokens=15,
        reasoning_tokens=3,
        cached_tokens=4,
    )
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (10, 5, 15)
    assert (usage.reasoning_tokens, usage.cached_tokens) == (3, 4)


def test_chat_response_reads_the_first_choice() -> None:
    call = ToolCall.create("call_1", "f", {"x": 1})
    response = ChatResponse(
        id="chatcmpl-1",
        model="gpt-4o",
        choices=(
            Choice(
                0,
                Message.assistant("Hello", tool_calls=[call], reasoning_content="thinking"),
                "tool_calls",
            ),
            Choice(1, Message.assistant("Other"), "stop"),
        ),
        usage=Usage(1, 2, 3),
    )
    assert response.content == "Hello"
    assert response.get_content() == "Hello"
    assert response.reasoning_content == "thinking"
    assert response.tool_calls == (call,)
    assert response.finish_reason == "tool_calls"
    assert response.message == Message.assistant(
        "Hello", tool_calls=[call], reasoning_content="thinking"
    )
    assert response.choices[1].message.content == "Other"
    assert response.usage == Usage(1, 2, 3)


def test_chat_response_without_text() -> None:
    tool_only = ChatResponse(
        choices=(Choice(0, Message.assistant(None, tool_calls=[ToolCall.create("c", "f", "")])),)
    )
    assert tool_only.content == ""
    assert tool_only.get_content() is None
    assert tool_only.finish_reason is None

    empty = ChatResponse()
    assert empty.content == ""
    assert empty.get_content() is None
    assert empty.reasoning_content is None
    assert empty.tool_calls == ()
    assert empty.finish_reason is None
    assert empty.message is None


def test_chat_response_content_joins_text_parts() -> None:
    message = Message("assistant", [TextPart("a"), TextPart("b")])
    assert ChatResponse(choices=(Choice(0, message),)).content == "a\nb"


def test_streaming_response_text_chunk() -> None:
    chunk = StreamingResponse(
        id="chatcmpl-1",
        model="gpt-4o",
        choices=(StreamChoice(0, Delta(role="assistant", content="Hel")),),
    )
    assert chunk.content == "Hel"
    assert chunk.get_content() == "Hel"
    assert chunk.reasoning_content is None
    assert chunk.tool_calls == ()
    assert chunk.finish_reason is None
    assert chunk.choices[0].delta.role == "assistant"


def test_streaming_response_reasoning_and_tool_call_deltas() -> None:
    first = ToolCallDelta(
        index=0,
        id="call_1",
        function=FunctionCallDelta(name="get_weather", arguments='{"ci'),
        type="function",
    )
    chunk = StreamingResponse(
        choices=(
            StreamChoice(
                0, Delta(reasoning_content="hmm", tool_calls=(first,)), finish_reason=None
            ),
        )
    )
    assert chunk.content == ""
    assert chunk.get_content() is None
    assert chunk.reasoning_content == "hmm"
    assert chunk.tool_calls == (first,)
    delta = chunk.choices[0].delta.tool_calls[0]
    assert (delta.index, delta.id, delta.function.name, delta.function.arguments) == (
        0,
        "call_1",
        "get_weather",
        '{"ci',
    )
    later = ToolCallDelta(index=0, function=FunctionCallDelta(arguments='ty": "Oslo"}'))
    assert later.id is None
    assert later.function.name is None


def test_streaming_response_empty_content_is_none() -> None:
    chunk = StreamingResponse(choices=(StreamChoice(0, Delta(content=""), "stop"),))
    assert chunk.get_content() is None
    assert chunk.content == ""
    assert chunk.finish_reason == "stop"


def test_usage_only_chunk_has_no_choice() -> None:
    chunk = StreamingResponse(usage=Usage(3, 4, 7))
    assert chunk.choices == ()
    assert chunk.content == ""
    assert chunk.get_content() is None
    assert chunk.reasoning_content is None
    assert chunk.tool_calls == ()
    assert chunk.finish_reason is None
    assert chunk.usage == Usage(3, 4, 7)


def test_embeddings_come_back_in_input_order() -> None:
    response = EmbedResponse(model="emb", data=(Embedding(1, [0.5, 0.6]), Embedding(0, [0.1, 0.2])))
    assert response.embeddings == [[0.1, 0.2], [0.5, 0.6]]
