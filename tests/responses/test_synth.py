"""The fallback's Responses stream, synthesized from chat streams (pure; no client).

Recorded chat transcripts of every protocol go through their codec's decoder and the
synthesizer; the events must follow the Responses grammar (lifecycle, then per item:
added, parts, deltas, done; increasing sequence numbers; the terminal response lists the
items) and add up to the same answer the chat transcript's hand-checked expected file
gives: text, reasoning, tool calls as function calls, usage, and the terminal status
(completed, incomplete on a length stop, failed on an error).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llm_connector.calls.stream_core import BaseStreamCore
from llm_connector.codecs.contract import ChatCodec, SSEFrame
from llm_connector.codecs.openai_responses.accumulate import ResponsesAccumulator
from llm_connector.codecs.openai_responses.fallback import (
    ResponsesSynthesizer,
    TranslatedSource,
    events_of_chat_response,
    responses_response_of,
)
from llm_connector.errors import APIStatusError, LLMError
from llm_connector.providers.table import provider
from llm_connector.responses import (
    FunctionCallItem,
    ResponsesResponse,
    ResponsesStreamEvent,
    chat_response_for,
)
from llm_connector.types import (
    ChatResponse,
    Delta,
    FunctionCallDelta,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
    Usage,
)
from tests.support.framing import sse_events

DATA = Path(__file__).parent.parent / "data"

# (transcript, the provider whose codec reads it). Their expected files are the chat tests'.
CHAT_TRANSCRIPTS = [
    ("openai-chat/text-basic-gpt35.sse", "openai"),
    ("openai-chat/text-include-usage-moderation-gpt5.sse", "openai"),
    ("openai-chat/tool-call-include-usage-gpt4omini.sse", "openai"),
    ("openai-chat/parallel-tool-calls-gpt35.sse", "openai"),
    ("openai-chat/tool-call-single-gpt35.sse", "openai"),
    ("openai-compat/deepseek-reasoner-stream.sse", "openai_compatible"),
    ("openai-compat/groq-reasoning-tool-call.sse", "openai_compatible"),
    ("openai-compat/openai-via-relay-parallel-tool-calls.sse", "openai_compatible"),
    ("openai-compat/openrouter-minimax-midstream-error.sse", "openai_compatible"),
    ("anthropic/text-basic.sse", "anthropic"),
    ("anthropic/thinking-signature.sse", "anthropic"),
    ("anthropic/text-then-tool-use.sse", "anthropic"),
    ("anthropic/stream-error-overloaded.sse", "anthropic"),
    ("gemini/sse-thought-parts.sse", "google"),
    ("ollama/chat-stream-qwen25-tool-calls.ndjson", "ollama"),
]


def chat_frames(path: Path) -> list[SSEFrame]:
    body = path.read_bytes()
    if path.suffix == ".ndjson":
        return [SSEFrame(line) for line in body.decode("utf-8").splitlines() if line.strip()]
    return [event.frame for event in sse_events(body)]


def synthesize(
    codec: ChatCodec, frame_list: list[SSEFrame]
) -> tuple[list[ResponsesStreamEvent], ResponsesResponse, LLMError | None]:
    core: BaseStreamCore[ResponsesStreamEvent, ResponsesResponse] = BaseStreamCore(
        TranslatedSource(codec, "the-model", 1700000000.0)
    )
    events: list[ResponsesStreamEvent] = []
    error: LLMError | None = None
    try:
        for frame in frame_list:
            events.extend(core.feed(frame))
        events.extend(core.finish())
    except LLMError as exc:
        error = exc
    return events, core.snapshot(), error


def check_grammar(events: list[ResponsesStreamEvent]) -> None:
    """The order OpenAI's streams follow (and clients rely on)."""
    types = [e.event_type for e in events]
    assert types[:2] == ["response.created", "response.in_progress"]
    assert types[-1] in ("response.completed", "response.incomplete", "response.failed")
    assert [e.sequence_number for e in events] == list(range(len(events)))
    items: dict[int, list[str]] = {}
    done: list[dict[str, Any]] = []
    for event in events[2:-1]:
        index = event.output_index
        assert index is not None, event
        if event.event_type == "response.output_item.added":
            assert index not in items and index == len(items)
            items[index] = []
        else:
            assert items[index][-1:] != ["response.output_item.done"], event
        items[index].append(event.event_type)
        if event.event_type == "response.output_item.done":
            done.append(event.data["item"])
    for kinds in items.values():
        assert kinds[0] == "response.output_item.added"
        item_done = "response.output_item.done" in kinds
        if "response.content_part.added" in kinds:
            assert kinds[1] == "response.content_part.added"
            if item_done:
                assert kinds[-2] == "response.content_part.done"
                assert kinds[-3] in ("response.output_text.done", "response.reasoning_text.done")
        elif item_done:
            assert kinds[-2] == "response.function_call_arguments.done"
    terminal = events[-1].data["response"]
    if types[-1] != "response.failed":
        assert terminal["output"] == done
        assert all(kinds[-1] == "response.output_item.done" for kinds in items.values())


def expected_chat(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.with_suffix(".expected.json").read_text("utf-8"))
    return loaded


@pytest.mark.parametrize(
    ("name", "row"), CHAT_TRANSCRIPTS, ids=[name for name, _ in CHAT_TRANSCRIPTS]
)
def test_a_chat_stream_becomes_a_responses_stream_with_the_same_answer(name: str, row: str) -> None:
    path = DATA / name
    expected = expected_chat(path)
    events, final, error = synthesize(provider(row).codec(), chat_frames(path))
    check_grammar(events)
    # The answer, read back from the events alone.
    text = "".join(e.delta or "" for e in events if e.event_type == "response.output_text.delta")
    reasoning = "".join(
        e.delta or "" for e in events if e.event_type == "response.reasoning_text.delta"
    )
    assert text == expected["content"] == final.output_text
    assert (reasoning or None) == expected["reasoning_content"] == final.reasoning_text
    calls = [(c.call_id, c.name, c.arguments) for c in final.function_calls]
    assert calls == [(c["id"], c["name"], c["arguments"]) for c in expected["tool_calls"]]
    # The id is the chat answer's, or (Ollama sends none) its creation time's.
    created = expected.get("created") or 1700000000
    assert final.id == f"resp_{expected.get('id') or format(created * 1000, 'x')}"
    assert final.model == expected["model"] or not expected["model"]
    usage = expected["usage"]
    if usage is None:
        assert final.usage is None
    else:
        assert final.usage is not None
        assert (final.usage.input_tokens, final.usage.output_tokens, final.usage.total_tokens) == (
            usage["prompt_tokens"],
            usage["completion_tokens"],
            usage["total_tokens"],
        )
        assert final.usage.reasoning_tokens == usage.get("reasoning_tokens")
        assert final.usage.cached_tokens == usage.get("cached_tokens")
    if "error" in expected:
        assert error is not None and events[-1].event_type == "response.failed"
        assert isinstance(error, APIStatusError)
        assert type(error).__name__ == expected["error"]["class"]
        assert error.message == expected["error"]["message"]
        assert final.status == "failed" and final.error is not None
        assert final.error.message == expected["error"]["message"]
    else:
        assert error is None
        status = "incomplete" if expected["finish_reason"] == "length" else "completed"
        assert final.status == status
        # Back to chat, it is the chat answer again.
        back = chat_response_for(final)
        assert (back.content, back.finish_reason) == (
            expected["content"],
            expected["finish_reason"],
        )


def test_the_crate_minimal_sequence_holds() -> None:
    """The original crate's promise: response.created, output_text.delta (repeated),
    response.completed, in that order (with more events around them now)."""
    path = DATA / "openai-chat/text-basic-gpt35.sse"
    events, _, _ = synthesize(provider("openai").codec(), chat_frames(path))
    kinds = [e.event_type for e in events if e.event_type in _CRATE]
    deltas = kinds.count("response.output_text.delta")
    assert deltas > 1
    assert kinds == [
        "response.created",
        *["response.output_text.delta"] * deltas,
        "response.completed",
    ]


_CRATE = {"response.created", "response.output_text.delta", "response.completed"}


def chunk(
    content: str | None = None,
    *,
    reasoning: str | None = None,
    calls: tuple[ToolCallDelta, ...] = (),
    finish: str | None = None,
    usage: Usage | None = None,
) -> StreamingResponse:
    delta = Delta(content=content, reasoning_content=reasoning, tool_calls=calls)
    return StreamingResponse("chat-1", "m", (StreamChoice(0, delta, finish),), usage)


def test_a_length_stop_is_response_incomplete_with_incomplete_items() -> None:
    synth = ResponsesSynthesizer("m")
    events = [*synth.feed(chunk("Once upon")), *synth.feed(chunk(" a", finish="length"))]
    events += synth.feed(chunk(usage=Usage(4, 2, 6)))
    events += synth.finish()
    check_grammar(events)
    terminal = events[-1]
    assert terminal.event_type == "response.incomplete"
    response = terminal.response
    assert response is not None and response.incomplete_details is not None
    assert response.incomplete_details.reason == "max_output_tokens"
    assert [item.status for item in response.output] == ["incomplete"]
    assert response.output_text == "Once upon a"
    assert response.usage is not None and response.usage.total_tokens == 6


def test_items_follow_the_order_of_the_answer() -> None:
    """Reasoning, then text, then two calls whose fragments interleave: each becomes an
    item; a new kind of content closes the item before it; calls stay open side by side."""
    synth = ResponsesSynthesizer("m")
    call0 = ToolCallDelta(0, "call_a", FunctionCallDelta("f", '{"x":'))
    call1 = ToolCallDelta(1, "call_b", FunctionCallDelta("g", '{"y":'))
    events = [
        *synth.feed(chunk(reasoning="think")),
        *synth.feed(chunk("say")),
        *synth.feed(chunk(calls=(call0,))),
        *synth.feed(chunk(calls=(call1,))),
        *synth.feed(chunk(calls=(ToolCallDelta(0, None, FunctionCallDelta(None, "1}")),))),
        *synth.feed(chunk(calls=(ToolCallDelta(1, None, FunctionCallDelta(None, "2}")),))),
        *synth.feed(chunk(finish="tool_calls")),
        *synth.finish(),
    ]
    check_grammar(events)
    response = events[-1].response
    assert response is not None and response.status == "completed"
    assert [item.type for item in response.output] == [
        "reasoning",
        "message",
        "function_call",
        "function_call",
    ]
    assert response.function_calls == (
        FunctionCallItem("call_a", "f", '{"x":1}', id="fc_chat-1_2", status="completed"),
        FunctionCallItem("call_b", "g", '{"y":2}', id="fc_chat-1_3", status="completed"),
    )
    assert response.reasoning_text == "think" and response.output_text == "say"


def test_an_empty_answer_still_has_its_lifecycle() -> None:
    synth = ResponsesSynthesizer("m", created_at=1.5)
    events = synth.finish()
    assert [e.event_type for e in events] == [
        "response.created",
        "response.in_progress",
        "response.completed",
    ]
    response = events[-1].response
    assert response is not None and response.id == "resp_5dc" and response.created_at == 1.5


def test_a_whole_chat_answer_gives_what_its_stream_gives() -> None:
    """The non-streamed fallback uses the same translation: the ResponsesResponse of a
    whole chat answer equals the one its stream accumulates."""
    path = DATA / "openai-chat/tool-call-include-usage-gpt4omini.sse"
    codec = provider("openai").codec()
    _, streamed, _ = synthesize(codec, chat_frames(path))
    decoder = codec.new_stream_decoder()
    from llm_connector.types._accumulate import StreamAccumulator

    acc = StreamAccumulator()
    for frame in chat_frames(path):
        for piece in decoder.feed(frame):
            acc.add(piece)
    whole: ChatResponse = acc.snapshot()
    assert responses_response_of(whole, "the-model", 1700000000.0) == streamed
    events = events_of_chat_response(whole, "the-model", 1700000000.0)
    check_grammar(events)
    replay = ResponsesAccumulator()
    for event in events:
        replay.add(event)
    assert replay.snapshot() == streamed
