"""The accumulator's provider-neutral rules for signed reasoning and tool-call signatures.

Anthropic streams thinking text, then a ``signature_delta`` closing that block; redacted
thinking arrives whole. Gemini signs function calls. The accumulated answer must keep
both exactly, because the next turn has to send them back.
"""

from __future__ import annotations

from llm_connector.types import (
    ChatResponse,
    Delta,
    FunctionCallDelta,
    ReasoningBlock,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
    Usage,
)
from llm_connector.types._accumulate import StreamAccumulator, response_as_chunks


def chunk(delta: Delta, finish: str | None = None, native: str | None = None) -> StreamingResponse:
    return StreamingResponse("msg_1", "m", (StreamChoice(0, delta, finish, native),))


def accumulate(*chunks: StreamingResponse) -> ChatResponse:
    acc = StreamAccumulator()
    for c in chunks:
        acc.add(c)
    return acc.snapshot()


def test_a_signature_closes_the_reasoning_block_it_follows() -> None:
    answer = accumulate(
        chunk(Delta(reasoning_content="Let me ")),
        chunk(Delta(reasoning_content="think.")),
        chunk(Delta(reasoning_signature="sig-A")),
        chunk(Delta(redacted_reasoning="opaque-B")),
        chunk(Delta(reasoning_content="More.")),
        chunk(Delta(reasoning_signature="sig-C")),
        chunk(Delta(content="Answer.")),
    )
    assert answer.message is not None
    assert answer.message.reasoning_blocks == (
        ReasoningBlock(text="Let me think.", signature="sig-A"),
        ReasoningBlock(redacted="opaque-B"),
        ReasoningBlock(text="More.", signature="sig-C"),
    )
    # The plain text view still has all visible reasoning, in order.
    assert answer.reasoning_content == "Let me think.More."
    assert answer.content == "Answer."


def test_unsigned_reasoning_makes_no_blocks() -> None:
    # DeepSeek, llama.cpp, OpenRouter: reasoning text only; reasoning_content says it all.
    answer = accumulate(chunk(Delta(reasoning_content="hmm")), chunk(Delta(content="ok")))
    assert answer.message is not None
    assert answer.message.reasoning_blocks == ()
    assert answer.reasoning_content == "hmm"


def test_reasoning_after_the_last_signature_is_kept_as_an_unsigned_block() -> None:
    # A stream cut after the signature of one block and inside the next.
    answer = accumulate(
        chunk(Delta(reasoning_content="one")),
        chunk(Delta(reasoning_signature="s1")),
        chunk(Delta(reasoning_content="tw")),
    )
    assert answer.message is not None
    assert answer.message.reasoning_blocks == (
        ReasoningBlock(text="one", signature="s1"),
        ReasoningBlock(text="tw"),
    )


def test_tool_call_signature_and_native_finish_reason_are_kept() -> None:
    call = ToolCallDelta(0, "call_a", FunctionCallDelta("f", '{"x":'), "function", "sig-call")
    answer = accumulate(
        chunk(Delta(tool_calls=(call,))),
        chunk(Delta(tool_calls=(ToolCallDelta(0, function=FunctionCallDelta(arguments="1}")),))),
        chunk(Delta(), "tool_calls", "tool_use"),
    )
    (tool,) = answer.tool_calls
    assert tool.thought_signature == "sig-call"
    assert tool.function.arguments == '{"x":1}'
    assert answer.finish_reason == "tool_calls"
    assert answer.choices[0].native_finish_reason == "tool_use"


def test_a_whole_response_replays_to_itself_signatures_included() -> None:
    original = accumulate(
        chunk(Delta(role="assistant", reasoning_content="plan")),
        chunk(Delta(reasoning_signature="sig")),
        chunk(Delta(redacted_reasoning="zzz")),
        chunk(Delta(content="done")),
        chunk(
            Delta(tool_calls=(ToolCallDelta(0, "c1", FunctionCallDelta("f", "{}"), None, "ts"),)),
            "tool_calls",
            "tool_use",
        ),
    )
    original = ChatResponse(
        original.id, original.model, original.choices, Usage(3, 4, 7), original.created
    )
    chunks = response_as_chunks(original)
    # Usage rides on the last chunk only, as a stream reports it once.
    assert [c.usage for c in chunks] == [None] * (len(chunks) - 1) + [Usage(3, 4, 7)]
    assert accumulate(*chunks) == original


def test_an_empty_response_replays_to_one_chunk_with_its_usage() -> None:
    empty = ChatResponse("r", "m", (), Usage(1, 0, 1))
    (only,) = response_as_chunks(empty)
    assert only.choices == ()
    assert only.usage == Usage(1, 0, 1)


def test_long_streams_accumulate_exactly_across_the_joining_batches() -> None:
    # The accumulator joins pieces in batches to keep memory to the text itself; the text
    # must come out the same on both sides of every batch boundary.
    words = [f"w{i} " for i in range(1000)]
    thoughts = [f"t{i}." for i in range(600)]
    chunks = [chunk(Delta(reasoning_content=t)) for t in thoughts[:300]]
    chunks.append(chunk(Delta(reasoning_signature="s1")))
    chunks += [chunk(Delta(reasoning_content=t)) for t in thoughts[300:]]
    chunks += [chunk(Delta(content=w)) for w in words]
    answer = accumulate(*chunks)
    assert answer.content == "".join(words)
    assert answer.reasoning_content == "".join(thoughts)
    assert answer.message is not None
    assert answer.message.reasoning_blocks == (
        ReasoningBlock(text="".join(thoughts[:300]), signature="s1"),
        ReasoningBlock(text="".join(thoughts[300:])),
    )


def test_the_first_chunk_names_the_answer_even_without_an_id() -> None:
    first = StreamingResponse("", "model-a", (StreamChoice(0, Delta(content="a")),), created=1)
    later = StreamingResponse("", "model-b", (StreamChoice(0, Delta(content="b")),), created=2)
    answer = accumulate(first, later)
    assert (answer.id, answer.model, answer.created) == ("", "model-a", 1)
