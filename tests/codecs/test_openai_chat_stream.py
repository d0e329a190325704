"""The OpenAI chat stream decoder, frame by frame, against every recorded transcript.

Each transcript's frames go straight into ``OpenAIChatStreamDecoder`` (no bytes, no
httpx). Every chunk is compared field by field with the independent oracle
(tests/support/openai_chat_oracle.py); the accumulated answer with the hand-checked
``<name>.expected.json`` beside the transcript. The byte path is tests/bytes' job.

Wire reference: https://platform.openai.com/docs/api-reference/chat-streaming
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from llm_connector import errors
from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.contract import SSEFrame
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.codecs.openai_chat.stream import OpenAIChatStreamDecoder
from llm_connector.types import ChatResponse, StreamingResponse, Usage
from tests.support.openai_chat_oracle import (
    SSE_PATHS,
    chunk_objects,
    content_text,
    error_object,
    expected_chunk,
    expected_file,
    frames,
    is_complete,
    reasoning_text,
    transcript_id,
)

TRANSCRIPTS = pytest.mark.parametrize("path", SSE_PATHS, ids=transcript_id)


def answer_fields(response: ChatResponse) -> dict[str, Any]:
    """A ChatResponse in the shape of the expected files."""
    return {
        "id": response.id,
        "model": response.model,
        "created": response.created,
        "system_fingerprint": response.system_fingerprint,
        "content": response.content,
        "reasoning_content": response.reasoning_content,
        "tool_calls": [
            {"id": c.id, "name": c.function.name, "arguments": c.function.arguments}
            for c in response.tool_calls
        ],
        "finish_reason": response.finish_reason,
        "usage": attrs.asdict(response.usage) if response.usage else None,
    }


# -- every transcript, every chunk ---------------------------------------------------------


def test_the_corpus_is_all_here() -> None:
    # A glob that silently matched nothing would make every parametrized test vanish.
    assert len(SSE_PATHS) == 13
    for path in SSE_PATHS:
        assert path.with_name(path.stem + ".expected.json").is_file(), path


@TRANSCRIPTS
def test_each_frame_decodes_to_what_the_oracle_says(path: Path) -> None:
    decoder = OpenAIChatStreamDecoder()
    for n, event in enumerate(frames(path)):
        error = error_object(event)
        if error is not None:
            with pytest.raises(errors.APIStatusError):
                decoder.feed(event)
            return  # the stream is over once the provider reported an error
        got = [attrs.asdict(chunk) for chunk in decoder.feed(event)]
        want = [] if event.data == "[DONE]" else [expected_chunk(event.data)]
        assert got == want, f"frame {n}: {event.data[:200]}"
    assert decoder.close() == []


def run_stream_core(
    events: list[SSEFrame],
) -> tuple[list[StreamingResponse], ChatResponse | None, errors.APIStatusError | None]:
    """Feed events through StreamCore as the shells do: (chunks, answer, provider error)."""
    core = StreamCore(OpenAIChatCodec())
    chunks: list[StreamingResponse] = []
    try:
        for event in events:
            chunks += core.feed(event)
        chunks += core.finish()
    except errors.APIStatusError as exc:
        return chunks, exc.partial, exc
    return chunks, core.final_response(), None


@TRANSCRIPTS
def test_the_accumulated_answer_is_the_hand_checked_one(path: Path) -> None:
    expected = expected_file(path)
    want_error = expected.pop("error", None)
    want_chunks = expected.pop("chunks")
    chunks, answer, error = run_stream_core(frames(path))
    if want_error is None:
        assert error is None
    else:
        # The answer is then the partial one the error carries.
        assert error is not None, "the provider's error event was not raised"
        assert type(error).__name__ == want_error["class"]
        assert error.status_code == want_error["status_code"]
        assert error.code == want_error["code"]
        assert error.error_type == want_error["error_type"]
        assert error.message == want_error["message"]
        assert error.in_stream is want_error["in_stream"]
    assert len(chunks) == want_chunks
    assert answer is not None
    assert answer_fields(answer) == expected


# -- the quirks, one by one ------------------------------------------------------------------


def events_of(stem: str) -> list[SSEFrame]:
    (path,) = (p for p in SSE_PATHS if p.stem == stem)
    return frames(path)


def test_include_usage_chunk_with_no_choices_carries_the_usage() -> None:
    # stream_options.include_usage: the last chunk before [DONE] has "choices": [].
    # https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
    events = events_of("tool-call-include-usage-gpt4omini")
    (chunk,) = OpenAIChatStreamDecoder().feed(events[-2])
    assert chunk.choices == ()
    assert chunk.content == ""
    assert chunk.finish_reason is None
    assert chunk.usage is not None
    assert (chunk.usage.prompt_tokens, chunk.usage.completion_tokens) == (53, 15)
    assert (chunk.usage.cached_tokens, chunk.usage.reasoning_tokens) == (0, 0)


def test_the_moderation_chunk_is_an_empty_chunk_not_a_crash() -> None:
    # gpt-5 with moderation sends a non-standard chunk ("moderation": {...}, "choices": [])
    # after the usage chunk; unknown fields are ignored (DESIGN.md rule 6).
    events = events_of("text-include-usage-moderation-gpt5")
    assert "moderation" in json.loads(events[-2].data)
    decoder = OpenAIChatStreamDecoder()
    for event in events[:-2]:
        decoder.feed(event)
    (chunk,) = decoder.feed(events[-2])
    assert (chunk.choices, chunk.usage, chunk.get_content()) == ((), None, None)
    assert decoder.feed(events[-1]) == []  # [DONE]
    assert decoder.close() == []


def test_usage_inline_on_the_last_chunk_with_its_finish_reason() -> None:
    # DeepSeek puts usage on the chunk that finishes the choice (no choices:[] chunk).
    events = events_of("deepseek-reasoner-stream")
    (chunk,) = OpenAIChatStreamDecoder().feed(events[-2])
    assert chunk.finish_reason == "stop"
    assert chunk.usage is not None
    assert chunk.usage.reasoning_tokens == 198
    assert chunk.usage.cached_tokens == 0


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        # DeepSeek's cache hits at top level, without prompt_tokens_details:
        # https://api-docs.deepseek.com/api/create-chat-completion
        (
            {"prompt_tokens": 9, "completion_tokens": 1, "prompt_cache_hit_tokens": 5},
            Usage(9, 1, 10, None, 5),
        ),
        ({"prompt_tokens": 9.0, "completion_tokens": 1, "total_tokens": 10.0}, Usage(9, 1, 10)),
        # Counts of the wrong type count as absent, they do not leak into ints.
        ({"prompt_tokens": True, "completion_tokens": "1", "total_tokens": None}, Usage(0, 0, 0)),
    ],
)
def test_usage_shapes(usage: dict[str, Any], expected: Usage) -> None:
    (chunk,) = OpenAIChatStreamDecoder().feed(
        SSEFrame(json.dumps({"id": "x", "choices": [], "usage": usage}))
    )
    assert chunk.usage == expected


def test_groq_sends_whole_arguments_in_one_fragment() -> None:
    events = events_of("groq-tool-call-whole-args")
    (chunk,) = OpenAIChatStreamDecoder().feed(events[1])
    (call,) = chunk.tool_calls
    assert (call.index, call.id, call.function.name) == (0, "tk85n1k4m", "weather")
    assert call.function.arguments == "{}"


@pytest.mark.parametrize(
    ("stem", "field"),
    [("groq-reasoning-tool-call", "reasoning"), ("deepseek-reasoner-stream", "reasoning_content")],
)
def test_both_reasoning_field_names_become_reasoning_content(stem: str, field: str) -> None:
    events = events_of(stem)
    raw = json.loads(events[1].data)["choices"][0]["delta"]
    assert field in raw
    (chunk,) = OpenAIChatStreamDecoder().feed(events[1])
    assert chunk.reasoning_content == raw[field]
    assert chunk.content == ""


def test_reasoning_sent_under_both_names_is_not_doubled() -> None:
    # vLLM versions in transition send the same text as "reasoning" and "reasoning_content".
    data = {
        "id": "x",
        "choices": [{"index": 0, "delta": {"reasoning": "ab", "reasoning_content": "ab"}}],
    }
    (chunk,) = OpenAIChatStreamDecoder().feed(SSEFrame(json.dumps(data)))
    assert chunk.reasoning_content == "ab"


def interleaved_parallel_calls() -> list[SSEFrame]:
    """The recorded gpt-3.5 parallel-call stream with the two calls' fragments alternating
    (0, 1, 0, 1, ...), as servers that generate calls concurrently send them."""
    events = events_of("parallel-tool-calls-gpt35")
    middle = events[1:-2]  # between the role chunk and the finish chunk + [DONE]
    by_call = {
        i: [
            e
            for e in middle
            if json.loads(e.data)["choices"][0]["delta"]["tool_calls"][0]["index"] == i
        ]
        for i in (0, 1)
    }
    assert [len(by_call[0]), len(by_call[1])] == [7, 6]  # a header and its argument fragments
    mixed = [e for pair in itertools.zip_longest(by_call[0], by_call[1]) for e in pair if e]
    return [events[0], *mixed, *events[-2:]]


def test_parallel_calls_with_interleaved_fragments_accumulate_per_index() -> None:
    core = StreamCore(OpenAIChatCodec())
    indices = []
    for event in interleaved_parallel_calls():
        for chunk in core.feed(event):
            indices += [call.index for call in chunk.tool_calls]
    core.finish()
    assert indices == [0, 1] * 6 + [0]
    calls = core.final_response().tool_calls
    assert [(c.id, c.function.arguments) for c in calls] == [
        ("call_cCPjAyfwTzboEKjVlqFrArNF", '{"location": "San Francisco"}'),
        ("call_Zi4He1Ns0mozwT6f85nW1BOW", '{"location": "Boston"}'),
    ]


def test_tool_calls_without_index_get_one_per_call_id() -> None:
    # Some compatible servers omit tool_calls[].index; a fragment without an id continues
    # the newest call of its choice.
    def frame(*calls: dict[str, Any]) -> SSEFrame:
        chunk = {"id": "x", "choices": [{"index": 0, "delta": {"tool_calls": list(calls)}}]}
        return SSEFrame(json.dumps(chunk))

    decoder = OpenAIChatStreamDecoder()
    fed = [
        frame({"id": "a", "function": {"name": "f", "arguments": '{"x"'}}),
        frame({"function": {"arguments": ": 1}"}}),
        frame({"id": "b", "function": {"name": "g", "arguments": "{}"}}),
        frame({"id": "a", "function": {"arguments": ""}}),
    ]
    got = [
        (c.index, c.id, c.function.arguments) for f in fed for c in decoder.feed(f)[0].tool_calls
    ]
    assert got == [(0, "a", '{"x"'), (0, None, ": 1}"), (1, "b", "{}"), (0, "a", "")]


def test_arguments_sent_as_an_object_become_json_text() -> None:
    call = {"index": 0, "id": "c", "function": {"name": "f", "arguments": {"city": "北京"}}}
    chunk = {"id": "x", "choices": [{"index": 0, "delta": {"tool_calls": [call]}}]}
    (out,) = OpenAIChatStreamDecoder().feed(SSEFrame(json.dumps(chunk)))
    assert json.loads(out.tool_calls[0].function.arguments) == {"city": "北京"}


def test_content_sent_as_a_list_of_parts_is_joined() -> None:
    parts = [{"type": "text", "text": "he"}, {"type": "image_url"}, {"type": "text", "text": "y"}]
    chunk = {"id": "x", "choices": [{"index": 0, "delta": {"content": parts}}]}
    (out,) = OpenAIChatStreamDecoder().feed(SSEFrame(json.dumps(chunk)))
    assert out.content == "hey"


# -- errors inside the stream -----------------------------------------------------------------


def test_openrouter_midstream_error_raises_the_class_of_its_code() -> None:
    events = events_of("openrouter-minimax-midstream-error")
    decoder = OpenAIChatStreamDecoder()
    for event in events[:3]:
        decoder.feed(event)
    with pytest.raises(errors.BadRequestError) as caught:
        decoder.feed(events[3])
    assert (caught.value.status_code, caught.value.code) == (400, 400)
    assert caught.value.message == "Token limit reached"
    assert caught.value.in_stream is True
    assert caught.value.body == events[3].data


@pytest.mark.parametrize(
    ("error", "cls", "status"),
    [
        ({"code": 400, "message": "m"}, errors.BadRequestError, 400),
        ({"code": "401", "message": "m"}, errors.AuthenticationError, 401),
        ({"code": 429, "message": "m"}, errors.RateLimitError, 429),
        ({"type": "rate_limit_exceeded", "message": "m"}, errors.RateLimitError, 429),
        ({"type": "overloaded_error", "message": "m"}, errors.OverloadedError, 529),
        ({"code": 502, "message": "m"}, errors.InternalServerError, 502),
        ({"message": "m"}, errors.InternalServerError, 500),  # no code: the server failed
        ("m", errors.InternalServerError, 500),
    ],
)
def test_in_stream_errors_raise_the_class_their_code_stands_for(
    error: object, cls: type[errors.APIStatusError], status: int
) -> None:
    decoder = OpenAIChatStreamDecoder()
    with pytest.raises(cls) as caught:
        decoder.feed(SSEFrame(json.dumps({"id": "x", "error": error, "choices": []})))
    assert (type(caught.value), caught.value.status_code) == (cls, status)
    assert (caught.value.message, caught.value.in_stream) == ("m", True)


def test_an_error_event_raises_the_typed_error() -> None:
    # Some servers (vLLM, llama.cpp) name the event: "event: error".
    data = json.dumps({"error": {"message": "m", "type": "invalid_request_error", "param": "p"}})
    with pytest.raises(errors.BadRequestError) as caught:
        OpenAIChatStreamDecoder().feed(SSEFrame(data, event="error"))
    assert (caught.value.error_type, caught.value.param) == ("invalid_request_error", "p")


def test_an_error_event_with_plain_text_data_is_still_the_provider_error() -> None:
    with pytest.raises(errors.InternalServerError) as caught:
        OpenAIChatStreamDecoder().feed(SSEFrame("upstream timed out", event="error"))
    assert (caught.value.message, caught.value.in_stream) == ("upstream timed out", True)


# -- truncation and undecodable frames ---------------------------------------------------------


@TRANSCRIPTS
def test_every_cut_between_frames_either_completes_or_raises_with_the_partial(
    path: Path,
) -> None:
    events = frames(path)
    for k in range(len(events) + 1):
        arrived = events[:k]
        if any(error_object(e) for e in arrived):
            break  # from here on the error event decides; covered above
        core = StreamCore(OpenAIChatCodec())
        for event in arrived:
            core.feed(event)
        objs = chunk_objects(arrived)
        if is_complete(arrived):
            core.finish()
            answer = core.final_response()
        else:
            with pytest.raises(errors.IncompleteStreamError) as caught:
                core.finish()
            assert caught.value.partial is not None, k
            answer = caught.value.partial
        assert answer.content == content_text(objs), k
        assert (answer.reasoning_content or "") == reasoning_text(objs), k


@pytest.mark.parametrize("data", ['{"id": "x", "choices": [', "data: {}", "{'a': 1}", "nan]"])
def test_invalid_json_raises_stream_decode_error_with_the_frame(data: str) -> None:
    with pytest.raises(errors.StreamDecodeError) as caught:
        OpenAIChatStreamDecoder().feed(SSEFrame(data))
    assert caught.value.frame == data
    assert repr(data) in str(caught.value)


def test_a_long_invalid_frame_is_kept_truncated() -> None:
    data = '{"id": "' + "x" * 2000
    with pytest.raises(errors.StreamDecodeError) as caught:
        OpenAIChatStreamDecoder().feed(SSEFrame(data))
    assert caught.value.frame == data[: errors.MAX_FRAME_EXCERPT] + f"... ({len(data)} characters)"


@pytest.mark.parametrize("data", ["[1, 2]", '"text"', "42", "null"])
def test_json_that_is_not_an_object_raises_stream_decode_error(data: str) -> None:
    with pytest.raises(errors.StreamDecodeError) as caught:
        OpenAIChatStreamDecoder().feed(SSEFrame(data))
    assert caught.value.frame == data


def test_a_stream_with_no_chunk_at_all_is_incomplete() -> None:
    decoder = OpenAIChatStreamDecoder()
    assert decoder.feed(SSEFrame("")) == []  # a keep-alive event without data
    with pytest.raises(errors.IncompleteStreamError):
        decoder.close()
