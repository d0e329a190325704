"""Every chunk of every transcript, decoded by its provider's codec, against what the
transcript says it must be.

OpenAI-wire transcripts: the independent oracle of tests/codecs (plain ``json`` reads of
each event), extended here for Mistral's typed content parts. DashScope and Hunyuan: each
chunk's text, reasoning and tool-call fragments listed by hand from the transcript.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest

from llm_connector.codecs.contract import SSEFrame
from llm_connector.types import StreamingResponse, Usage
from tests.support.framing import sse_events
from tests.support.openai_chat_oracle import expected_chunk
from tests.support.protocols import COMPAT_TRANSCRIPTS, Transcript, compat_transcript

OPENAI_WIRE = [t for t in COMPAT_TRANSCRIPTS if t.path.parent.name == "openai-compat"]


def frames(t: Transcript) -> list[SSEFrame]:
    return [event.frame for event in sse_events(t.path.read_bytes())]


def decode(t: Transcript) -> list[list[StreamingResponse]]:
    """The chunks each frame gives, the stream's close() last (errors propagate)."""
    decoder = t.codec().new_stream_decoder()
    out = [decoder.feed(frame) for frame in frames(t)]
    return [*out, decoder.close()]


def typed_parts_chunk(data: str) -> dict[str, Any]:
    """The oracle's chunk, with a content given as typed parts read the way Mistral
    documents them (https://docs.mistral.ai/capabilities/reasoning/): ``text`` parts are
    the answer, ``thinking`` parts (a list of text parts) the reasoning."""
    obj = json.loads(data)
    parts = obj["choices"][0]["delta"].get("content") if obj["choices"] else None
    if not isinstance(parts, list):
        return expected_chunk(data)
    text = "".join(p["text"] for p in parts if p["type"] == "text")
    thinking = "".join(x["text"] for p in parts if p["type"] == "thinking" for x in p["thinking"])
    obj["choices"][0]["delta"]["content"] = None
    want = expected_chunk(json.dumps(obj))
    delta = want["choices"][0]["delta"]
    delta["content"] = text or None
    delta["reasoning_content"] = thinking or None
    return want


@pytest.mark.parametrize("t", OPENAI_WIRE, ids=lambda t: t.id)
def test_each_openai_wire_chunk_is_what_its_event_says(t: Transcript) -> None:
    decoder = t.codec().new_stream_decoder()
    for n, frame in enumerate(frames(t)):
        if frame.data == "[DONE]":
            assert decoder.feed(frame) == []
            continue
        if json.loads(frame.data).get("error"):
            return  # the in-band error: tests/bytes/test_reference.py checks the exception
        got = [attrs.asdict(chunk) for chunk in decoder.feed(frame)]
        assert got == [typed_parts_chunk(frame.data)], f"event {n}: {frame.data[:200]}"
    assert decoder.close() == []


def test_mistral_thinking_parts_never_reach_the_text() -> None:
    t = compat_transcript("mistral-thinking-content-chunks")
    thinking_events = 0
    for frame, chunks in zip(frames(t), decode(t), strict=False):
        if frame.data == "[DONE]":
            continue
        parts = json.loads(frame.data)["choices"][0]["delta"].get("content")
        (chunk,) = chunks
        if isinstance(parts, list):
            thinking_events += 1
            assert chunk.choices[0].delta.content is None
    assert thinking_events == 58


def pieces(chunks: list[list[StreamingResponse]]) -> list[tuple[Any, ...]]:
    """(content, reasoning, finish, tool-call fragments) of each single-chunk step."""
    out: list[tuple[Any, ...]] = []
    for step in chunks:
        for chunk in step:
            (choice,) = chunk.choices
            calls = tuple(
                (c.index, c.id, c.function.name, c.function.arguments)
                for c in choice.delta.tool_calls
            )
            out.append(
                (
                    choice.delta.content,
                    choice.delta.reasoning_content,
                    choice.finish_reason,
                    calls,
                )
            )
    return out


def test_dashscope_cumulative_events_become_increments() -> None:
    # Each excerpt event repeats the whole answer so far (no incremental_output); the
    # decoder hands out only what is new.
    vl = decode(compat_transcript("dashscope-native-qwen-vl-excerpt"))
    assert pieces(vl) == [
        ("Hello", None, None, ()),  # finish_reason "null" is no finish
        ("! How can I assist you today?", None, "stop", ()),
    ]
    kimi = decode(compat_transcript("dashscope-native-kimi-excerpt"))
    assert pieces(kimi) == [
        ('[{"text": "Okay', None, None, ()),
        ("! I'm here to help. If you have any questions or need assistance, just let me know.\"}]",
         None, "stop", ()),
    ]  # fmt: skip
    assert [c.usage.total_tokens if c.usage else None for step in kimi for c in step] == [None, 87]


def test_dashscope_text_format_excerpt() -> None:
    t = compat_transcript("dashscope-native-qwen2-text-excerpt")
    decoder = t.codec().new_stream_decoder()
    got = [pieces([decoder.feed(frame)]) for frame in frames(t)]
    assert got == [[("我是", None, None, ())], [("阿里", None, None, ())]]


def test_hunyuan_documented_stream() -> None:
    text = decode(compat_transcript("docs-example-stream-text"))
    *answer, (end,) = text
    assert [p[0] for p in pieces(answer)] == ["1", "+", "1", "=", "2", ""]
    # Every chunk carries the running Usage; it is reported once, on a usage-only chunk
    # at the end (as Gemini's and OpenAI's include_usage), so summing chunks counts it once.
    assert [c.usage for step in answer for c in step] == [None] * 6
    assert end == StreamingResponse(
        "148b89ef-14e1-489f-8e70-b767e5b27d56", "", (), Usage(4, 5, 9), 1700549760
    )


def test_hunyuan_tool_call_fragments_merge_by_id() -> None:
    # The second fragment repeats the Id with an empty Name and no Index: the same call.
    *steps, (end,) = decode(compat_transcript("docs-example-stream-tool-call"))
    assert [p[3] for p in pieces(steps)] == [
        ((0, "call_cq154vk2c3m1v7ep3530", "get_current_weather", ""),),
        ((0, "call_cq154vk2c3m1v7ep3530", None, '{"location":"北京"}'),),
        (),
        (),
    ]
    assert [p[2] for p in pieces(steps)] == [None, None, None, "tool_calls"]
    assert [c.usage for step in steps for c in step] == [None] * 4
    assert end == StreamingResponse(
        "cd37cf66-089f-4ab2-8118-e18baa238462", "", (), Usage(6, 46, 52), 1719816830
    )
