"""The Ollama stream decoder, frame in -> chunks out, against the recorded transcripts.

Each transcript's lines are fed to the decoder (directly and through ``StreamCore``, the
code both shells share); the chunks must equal, with ``==``, what the independent oracle
(tests/support/ollama_oracle.py) reads from the lines, and the accumulated answer must equal
the hand-checked expected file. Then the shapes the transcripts do not have: errors inside
the stream, streams cut short, finish reasons, tool calls without ids, garbage.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llm_connector import errors
from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.contract import SSEFrame
from llm_connector.codecs.ollama.codec import OllamaCodec
from llm_connector.codecs.ollama.stream import OllamaStreamDecoder
from llm_connector.types import (
    ChatResponse,
    Delta,
    FunctionCallDelta,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
    Usage,
)
from tests.support.framing import ndjson_lines
from tests.support.ollama_oracle import (
    NDJSON_PATHS,
    as_dicts,
    expected_chunks,
    expected_file,
    transcript_id,
)

TRANSCRIPTS = pytest.mark.parametrize("path", NDJSON_PATHS, ids=transcript_id)


def decode(data: list[str], **options: Any) -> list[StreamingResponse]:
    decoder = OllamaStreamDecoder(**options)
    out = [chunk for line in data for chunk in decoder.feed(SSEFrame(line))]
    return out + decoder.close()


def accumulate(data: list[str], codec: OllamaCodec | None = None) -> ChatResponse:
    core = StreamCore(codec or OllamaCodec())
    for line in data:
        core.feed(SSEFrame(line))
    core.finish()
    return core.final_response()


def line(**fields: Any) -> str:
    return json.dumps({"model": "m", "created_at": "2025-01-01T00:00:00Z", **fields})


def text_line(content: str, **fields: Any) -> str:
    return line(message={"role": "assistant", "content": content}, done=False, **fields)


DONE = line(
    message={"role": "assistant", "content": ""},
    done=True,
    done_reason="stop",
    prompt_eval_count=3,
    eval_count=2,
)


@TRANSCRIPTS
def test_every_line_decodes_to_what_the_oracle_reads(path: Path) -> None:
    chunks = decode(ndjson_lines(path.read_bytes()))
    assert as_dicts(chunks) == expected_chunks(path)


@TRANSCRIPTS
def test_the_accumulated_answer_is_the_hand_checked_one(path: Path) -> None:
    expected = expected_file(path)
    answer = accumulate(ndjson_lines(path.read_bytes()))
    assert len(decode(ndjson_lines(path.read_bytes()))) == expected["lines"]
    assert answer.id == ""
    assert (answer.model, answer.created) == (expected["model"], expected["created"])
    assert answer.content == expected["content"]
    assert answer.reasoning_content == expected["reasoning_content"]
    calls = [
        {"index": n, "id": c.id, "name": c.function.name, "arguments": c.function.arguments}
        for n, c in enumerate(answer.tool_calls)
    ]
    assert calls == expected["tool_calls"]
    assert answer.finish_reason == expected["finish_reason"]
    assert answer.choices[0].native_finish_reason == expected["native_finish_reason"]
    assert answer.usage == Usage(**expected["usage"])
    # Tool-call answers have no text: None, as for every provider (the accumulator's rule).
    assert answer.message is not None
    assert answer.message.content == (expected["content"] or None if calls else expected["content"])


@TRANSCRIPTS
def test_usage_is_on_the_last_chunk_only(path: Path) -> None:
    chunks = decode(ndjson_lines(path.read_bytes()))
    assert [c.usage is not None for c in chunks] == [False] * (len(chunks) - 1) + [True]
    assert [c.finish_reason is not None for c in chunks] == [False] * (len(chunks) - 1) + [True]


def test_think_tags_stay_in_the_text_when_splitting_is_off() -> None:
    (path,) = (p for p in NDJSON_PATHS if "think-tags" in p.name)
    answer = accumulate(ndjson_lines(path.read_bytes()), OllamaCodec(think_tags=False))
    raw = "".join(json.loads(x)["message"]["content"] for x in ndjson_lines(path.read_bytes()))
    assert raw.startswith("<think>\n嗯")
    assert (answer.content, answer.reasoning_content) == (raw, None)


def test_a_think_tag_cut_across_lines_never_reaches_the_text() -> None:
    pieces = ["\n", "<th", "ink", ">\nstep 1", " & 2</", "thi", "nk", ">", "\n\n", "Done", "."]
    chunks = decode([text_line(p) for p in pieces] + [DONE])
    assert all("<" not in (c.content or "") and ">" not in (c.content or "") for c in chunks)
    assert [c.reasoning_content for c in chunks] == [
        *[None] * 3,
        "step 1",
        " & 2",
        *[None] * 6,
        None,
    ]
    assert "".join(c.content for c in chunks) == "Done."


def test_a_think_tag_later_in_the_answer_is_text() -> None:
    answer = "Wrap it in `<think>` and `</think>`:\n```\n<think>x</think>\n```"
    pieces = [answer[i : i + 5] for i in range(0, len(answer), 5)]
    response = accumulate([text_line(p) for p in pieces] + [DONE])
    assert (response.content, response.reasoning_content) == (answer, None)


def test_held_back_text_is_released_on_the_done_line() -> None:
    # The answer ends on what could have been the start of a tag: it is text after all.
    chunks = decode([text_line("<thi"), DONE])
    assert [c.get_content() for c in chunks] == [None, "<thi"]
    assert chunks[-1].finish_reason == "stop"


def test_native_thinking_turns_tag_splitting_off() -> None:
    data = [
        line(message={"role": "assistant", "content": "", "thinking": "hmm"}, done=False),
        text_line("<think> is how the tag is spelled"),
        DONE,
    ]
    answer = accumulate(data)
    assert (answer.reasoning_content, answer.content) == (
        "hmm",
        "<think> is how the tag is spelled",
    )


# -- errors and endings -----------------------------------------------------------------------


def test_an_error_line_raises_the_typed_error_with_the_partial() -> None:
    # The mid-stream error shape of https://github.com/ollama/ollama/blob/main/docs/api/errors.mdx
    error_line = '{"error":"an error was encountered while running the model"}'
    core = StreamCore(OllamaCodec())
    core.feed(SSEFrame(text_line("Yes")))
    core.feed(SSEFrame(text_line(".")))
    with pytest.raises(errors.InternalServerError) as caught:
        core.feed(SSEFrame(error_line))
    error = caught.value
    assert error.message == "an error was encountered while running the model"
    assert (error.status_code, error.in_stream, error.body) == (500, True, error_line)
    assert error.partial is not None and error.partial.content == "Yes."


@pytest.mark.parametrize("cut", range(18))
def test_a_stream_without_its_done_line_is_incomplete(cut: int) -> None:
    (path,) = (p for p in NDJSON_PATHS if "think-tags" in p.name)
    data = ndjson_lines(path.read_bytes())[:cut]
    deltas = expected_file(path)["deltas"][:cut]
    core = StreamCore(OllamaCodec())
    for item in data:
        core.feed(SSEFrame(item))
    with pytest.raises(errors.IncompleteStreamError) as caught:
        core.finish()
    partial = caught.value.partial
    assert partial is not None
    assert partial.content == "".join(d["content"] or "" for d in deltas)
    assert (partial.reasoning_content or "") == "".join(
        d["reasoning_content"] or "" for d in deltas
    )
    assert partial.finish_reason is None and partial.usage is None


def test_an_unfinished_last_line_is_incomplete_not_garbage() -> None:
    # A connection cut mid-line: the shells hand the unterminated rest over as a line.
    decoder = OllamaStreamDecoder()
    assert decoder.feed(SSEFrame(text_line("Hi"))) != []
    assert decoder.feed(SSEFrame(DONE[:40])) == []
    with pytest.raises(errors.IncompleteStreamError, match="in the middle of a line"):
        decoder.close()


def test_a_garbage_line_followed_by_more_is_a_decode_error() -> None:
    decoder = OllamaStreamDecoder()
    decoder.feed(SSEFrame(text_line("Hi")))
    assert decoder.feed(SSEFrame("<html>502 Bad Gateway</html>")) == []
    with pytest.raises(errors.StreamDecodeError) as caught:
        decoder.feed(SSEFrame(DONE))
    assert caught.value.frame == "<html>502 Bad Gateway</html>"


@pytest.mark.parametrize(
    "data",
    ['{"message": 5, "done": false}', '{"message": {"tool_calls": {}}}', "[1, 2]"],
)
def test_a_wrongly_shaped_line_is_a_decode_error(data: str) -> None:
    with pytest.raises(errors.StreamDecodeError) as caught:
        OllamaStreamDecoder().feed(SSEFrame(data))
    assert caught.value.frame == data


@pytest.mark.parametrize(
    ("done_reason", "called", "expected"),
    [
        ("stop", False, ("stop", None)),
        ("length", False, ("length", None)),
        ("stop", True, ("tool_calls", "stop")),
        ("length", True, ("length", None)),
        (None, False, ("stop", None)),  # older servers send no done_reason
        ("unload", False, ("unload", None)),
    ],
)
def test_finish_reasons(done_reason: str | None, called: bool, expected: tuple[str, Any]) -> None:
    data = []
    if called:
        call = {"function": {"name": "f", "arguments": {}}}
        data.append(line(message={"role": "assistant", "content": "", "tool_calls": [call]}))
    last: dict[str, Any] = {"done": True}
    if done_reason is not None:
        last["done_reason"] = done_reason
    data.append(line(**last))
    final = decode(data)[-1]
    assert (final.finish_reason, final.choices[0].native_finish_reason) == expected
    assert final.usage is None  # no counts on that line: no usage


def test_usage_with_only_one_count() -> None:
    # prompt_eval_count is omitted when zero (omitempty), e.g. a prompt served from cache.
    (final,) = decode([line(done=True, done_reason="stop", eval_count=4)])
    assert final.usage == Usage(prompt_tokens=0, completion_tokens=4, total_tokens=4)


def test_tool_calls_without_ids_get_unique_stable_ids_and_running_indexes() -> None:
    # The documented shape: no id, no index
    # (https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-streaming-with-tools),
    # and a server whose parser leaves every function.index at 0.
    weather = {"function": {"name": "get_weather", "arguments": {"city": "Tokyo"}}}
    zero = {"function": {"index": 0, "name": "get_time", "arguments": {"tz": "JST"}}}
    data = [
        line(message={"role": "assistant", "content": "", "tool_calls": [weather, weather]}),
        line(message={"role": "assistant", "content": "", "tool_calls": [zero]}),
        DONE,
    ]
    chunks = decode(data)
    calls = [call for chunk in chunks for call in chunk.tool_calls]
    assert [c.index for c in calls] == [0, 1, 2]
    assert [c.function for c in calls] == [
        FunctionCallDelta("get_weather", '{"city":"Tokyo"}'),
        FunctionCallDelta("get_weather", '{"city":"Tokyo"}'),
        FunctionCallDelta("get_time", '{"tz":"JST"}'),
    ]
    ids = [c.id for c in calls]
    assert all(i is not None and i.startswith("call_") for i in ids)
    assert len(set(ids)) == 3
    again = [call.id for chunk in decode(data) for call in chunk.tool_calls]
    assert again == ids  # the same bytes, the same ids
    assert chunks[-1].finish_reason == "tool_calls"


def test_a_repeated_server_id_is_replaced() -> None:
    call = {"id": "call_same", "function": {"name": "f", "arguments": {}}}
    data = [line(message={"role": "assistant", "content": "", "tool_calls": [call]})] * 2
    ids = [call.id for chunk in decode([*data, DONE]) for call in chunk.tool_calls]
    assert ids[0] == "call_same" and ids[1] != "call_same"


def test_tool_call_arguments_as_text_or_missing() -> None:
    calls = [
        {"function": {"name": "a", "arguments": '{"x": 1}'}},
        {"function": {"name": "b"}},
    ]
    (chunk, _) = decode([line(message={"role": "assistant", "tool_calls": calls}), DONE])
    assert [c.function.arguments for c in chunk.tool_calls] == ['{"x": 1}', "{}"]


def test_lines_after_done_are_ignored_and_blank_lines_skipped() -> None:
    chunks = decode(["", text_line("a"), "   ", DONE, text_line("late"), '{"error": "late"}'])
    assert [c.get_content() for c in chunks] == ["a", None]


def test_wrong_leaf_types_count_as_absent() -> None:
    data = (
        '{"model": 5, "created_at": 7, "message": {"role": 1, "content": ["x"],'
        ' "thinking": {}, "tool_calls": null}, "done": "true", "eval_count": "9"}'
    )
    (chunk,) = OllamaStreamDecoder().feed(SSEFrame(data))
    assert chunk == StreamingResponse("", "", (StreamChoice(0, Delta()),), None, None)


def test_a_generate_line_reads_response_and_thinking() -> None:
    data = line(response="Hi", thinking="hmm", done=False)
    (chunk,) = OllamaStreamDecoder().feed(SSEFrame(data))
    assert chunk.choices[0].delta == Delta(content="Hi", reasoning_content="hmm")


def test_created_is_the_first_lines_time_on_every_chunk() -> None:
    data = [
        text_line("a", created_at="2024-05-24T20:26:46.294874Z"),
        line(done=True, created_at="2024-05-24T20:26:47.872905-07:00"),
    ]
    assert [c.created for c in decode(data)] == [1716582406, 1716582406]


@pytest.mark.parametrize(
    ("stamp", "seconds"),
    [
        ("2023-08-04T08:52:19.385406455-07:00", 1691164339),
        ("2024-09-12T21:17:29.110811Z", 1726175849),
        ("0001-01-01T00:00:00Z", None),  # Go's zero time
        ("2024-13-01T00:00:00Z", None),
        ("yesterday", None),
    ],
)
def test_timestamps(stamp: str, seconds: int | None) -> None:
    (chunk,) = OllamaStreamDecoder().feed(SSEFrame(line(created_at=stamp)))
    assert chunk.created == seconds


def test_tool_call_delta_shape() -> None:
    call = {"id": "call_x", "function": {"name": "f", "arguments": {"a": [1, "é"]}}}
    (chunk,) = OllamaStreamDecoder().feed(
        SSEFrame(line(message={"role": "assistant", "content": "", "tool_calls": [call]}))
    )
    assert chunk.tool_calls == (
        ToolCallDelta(0, "call_x", FunctionCallDelta("f", '{"a":[1,"é"]}'), "function"),
    )
