"""The Gemini stream decoder, frame by frame, against every recorded transcript, then its
quirks one at a time on small hand-written chunks.

Each transcript's frames go straight into ``GeminiStreamDecoder`` (no bytes, no httpx);
every chunk is compared with the independent oracle (tests/support/gemini_oracle.py), the
accumulated answer with the hand-checked ``<name>.expected.json``. The byte path is
tests/bytes'.

Wire reference: https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

from llm_connector import errors
from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.contract import SSEFrame
from llm_connector.codecs.gemini.codec import GeminiCodec
from llm_connector.codecs.gemini.stream import GeminiStreamDecoder
from llm_connector.types import ChatResponse, Delta, StreamChoice, StreamingResponse, Usage
from llm_connector.types._accumulate import StreamAccumulator
from tests.support.answers import gemini_answer
from tests.support.gemini_oracle import (
    SSE_PATHS,
    Oracle,
    expected_file,
    frames,
    transcript_id,
)

TRANSCRIPTS = pytest.mark.parametrize("path", SSE_PATHS, ids=transcript_id)


def run_stream_core(events: list[SSEFrame]) -> tuple[list[StreamingResponse], ChatResponse]:
    core = StreamCore(GeminiCodec())
    chunks: list[StreamingResponse] = []
    for event in events:
        chunks += core.feed(event)
    chunks += core.finish()
    return chunks, core.final_response()


def feed_all(*objs: dict[str, Any]) -> tuple[list[StreamingResponse], GeminiStreamDecoder]:
    decoder = GeminiStreamDecoder()
    chunks: list[StreamingResponse] = []
    for obj in objs:
        chunks += decoder.feed(SSEFrame(json.dumps(obj)))
    return chunks, decoder


def candidate(*parts: dict[str, Any], finish: str | None = None, index: int | None = None) -> Any:
    out: dict[str, Any] = {"content": {"parts": list(parts), "role": "model"}}
    if finish is not None:
        out["finishReason"] = finish
    if index is not None:
        out["index"] = index
    return out


def response(*candidates: Any, usage: dict[str, int] | None = None, **extra: Any) -> Any:
    out: dict[str, Any] = {"candidates": list(candidates), "responseId": "resp-1"}
    out["modelVersion"] = "gemini-test"
    if usage is not None:
        out["usageMetadata"] = usage
    out.update(extra)
    return out


# -- every transcript, every chunk ---------------------------------------------------------


def test_the_corpus_is_all_here() -> None:
    # A glob that silently matched nothing would make every parametrized test vanish.
    assert [p.name for p in SSE_PATHS] == [
        "sse-code-execution.sse",
        "sse-grounding-web-search.sse",
        "sse-text-basic.sse",
        "sse-thought-parts.sse",
        "sse-tool-call-gemini3-reconstructed.sse",
        "sse-vertex.sse",
    ]
    for path in SSE_PATHS:
        assert path.with_name(path.stem + ".expected.json").is_file(), path
        assert b"\r\n\r\n" in path.read_bytes(), "Gemini's CRLF framing is kept as recorded"


@TRANSCRIPTS
def test_each_frame_decodes_to_what_the_oracle_says(path: Path) -> None:
    decoder = GeminiStreamDecoder()
    oracle = Oracle()
    for n, event in enumerate(frames(path)):
        got = [attrs.asdict(chunk) for chunk in decoder.feed(event)]
        assert got == oracle.chunks(event.data), f"frame {n}: {event.data[:200]}"
    assert [attrs.asdict(chunk) for chunk in decoder.close()] == oracle.final()


@TRANSCRIPTS
def test_the_accumulated_answer_is_the_hand_checked_one(path: Path) -> None:
    expected = expected_file(path)
    want_chunks = expected.pop("chunks")
    chunks, answer = run_stream_core(frames(path))
    assert len(chunks) == want_chunks
    assert gemini_answer(answer) == expected


@TRANSCRIPTS
def test_usage_comes_once_on_a_final_chunk_of_its_own(path: Path) -> None:
    # Gemini repeats its running usageMetadata on every chunk; summing the chunks' usage
    # must count it once, as with OpenAI's include_usage chunk.
    chunks, answer = run_stream_core(frames(path))
    with_usage = [c for c in chunks if c.usage is not None]
    assert with_usage == [chunks[-1]]
    assert chunks[-1].choices == ()
    assert chunks[-1].usage == answer.usage


# -- the quirks, one by one ------------------------------------------------------------------


def test_parallel_function_calls_in_one_chunk_are_separate_calls() -> None:
    # Gemini sends parallel calls as several functionCall parts of one candidate, only
    # the first signed: https://ai.google.dev/gemini-api/docs/thought-signatures
    chunks, decoder = feed_all(
        response(
            candidate(
                {
                    "functionCall": {"name": "weather", "args": {"city": "Paris"}},
                    "thoughtSignature": "sig-A",
                },
                {"functionCall": {"name": "weather", "args": {"city": "Rome"}}},
                {"functionCall": {"name": "time", "args": {}}},
            )
        ),
        response(candidate({"text": ""}, finish="STOP")),
    )
    (first, last) = chunks
    calls = [
        (c.index, c.id, c.function.name, c.function.arguments, c.thought_signature)
        for c in first.tool_calls
    ]
    assert calls == [
        (0, "call_resp-1_0", "weather", '{"city":"Paris"}', "sig-A"),
        (1, "call_resp-1_1", "weather", '{"city":"Rome"}', None),
        (2, "call_resp-1_2", "time", "{}", None),
    ]
    assert (last.finish_reason, last.choices[0].native_finish_reason) == ("tool_calls", "STOP")
    decoder.close()


def test_call_indexes_count_across_the_whole_stream() -> None:
    chunks, _ = feed_all(
        response(candidate({"functionCall": {"name": "a", "args": {}}})),
        response(
            candidate({"functionCall": {"name": "b", "args": {}}}, {"functionCall": {"name": "c"}})
        ),
    )
    assert [(c.index, c.id, c.function.name) for ch in chunks for c in ch.tool_calls] == [
        (0, "call_resp-1_0", "a"),
        (1, "call_resp-1_1", "b"),
        (2, "call_resp-1_2", "c"),
    ]


def test_gemini_own_call_ids_are_kept() -> None:
    # FunctionCall.id: https://ai.google.dev/api/caching#FunctionCall
    chunks, _ = feed_all(response(candidate({"functionCall": {"id": "fc-9", "name": "f"}})))
    (call,) = chunks[0].tool_calls
    assert call.id == "fc-9"


def test_call_ids_without_a_response_id_are_still_unique() -> None:
    a, _ = feed_all({"candidates": [candidate({"functionCall": {"name": "lookup"}})]})
    b, _ = feed_all({"candidates": [candidate({"functionCall": {"name": "lookup"}})]})
    (call_a,), (call_b,) = a[0].tool_calls, b[0].tool_calls
    assert call_a.id != call_b.id
    for call in (call_a, call_b):
        assert call.id is not None and re.fullmatch(r"call_[0-9a-f]{32}_0", call.id)


def test_every_candidate_is_a_choice() -> None:
    # candidateCount > 1: proto3 JSON leaves out index 0.
    chunks, decoder = feed_all(
        response(candidate({"text": "A"}), candidate({"text": "B"}, index=1)),
        response(candidate({"text": "a"}, finish="STOP"), candidate({"text": "b"}, index=1)),
        response(candidate({"text": "!"}, index=1, finish="MAX_TOKENS")),
    )
    assert [[(c.index, c.delta.content, c.finish_reason) for c in ch.choices] for ch in chunks] == [
        [(0, "A", None), (1, "B", None)],
        [(0, "a", "stop"), (1, "b", None)],
        [(1, "!", "length")],
    ]
    assert [c.delta.role for c in chunks[0].choices] == ["assistant", "assistant"]
    assert decoder.close() == []


def test_a_stream_with_an_unfinished_candidate_is_incomplete() -> None:
    _, decoder = feed_all(
        response(candidate({"text": "a"}, finish="STOP"), candidate({"text": "b"}, index=1))
    )
    with pytest.raises(errors.IncompleteStreamError):
        decoder.close()


def test_a_stream_without_any_finish_reason_is_incomplete() -> None:
    _, decoder = feed_all(response(candidate({"text": "Hel"}), usage={"promptTokenCount": 3}))
    with pytest.raises(errors.IncompleteStreamError):
        decoder.close()
    with pytest.raises(errors.IncompleteStreamError):
        GeminiStreamDecoder().close()  # nothing at all


@pytest.mark.parametrize(
    ("native", "finish"),
    [
        # https://ai.google.dev/api/generate-content#FinishReason
        ("STOP", "stop"),
        ("MAX_TOKENS", "length"),
        ("SAFETY", "content_filter"),
        ("RECITATION", "content_filter"),
        ("BLOCKLIST", "content_filter"),
        ("PROHIBITED_CONTENT", "content_filter"),
        ("SPII", "content_filter"),
        ("IMAGE_SAFETY", "content_filter"),
        ("MALFORMED_FUNCTION_CALL", "malformed_function_call"),
        ("OTHER", "other"),
        ("SOMETHING_NEW", "something_new"),
    ],
)
def test_finish_reasons_in_openai_words_with_the_raw_value_kept(native: str, finish: str) -> None:
    chunks, decoder = feed_all(response(candidate(finish=native)))
    (choice,) = chunks[0].choices
    assert (choice.finish_reason, choice.native_finish_reason) == (finish, native)
    assert decoder.close() == []


def test_an_unspecified_finish_reason_is_no_finish() -> None:
    chunks, decoder = feed_all(
        response(candidate({"text": "x"}, finish="FINISH_REASON_UNSPECIFIED"))
    )
    assert chunks[0].finish_reason is None
    with pytest.raises(errors.IncompleteStreamError):
        decoder.close()


def test_thought_parts_are_reasoning_and_a_signature_closes_the_block() -> None:
    chunks, _ = feed_all(
        response(
            candidate(
                {"text": "Let me think", "thought": True},
                {"text": "Answer", "thoughtSignature": "sig-T"},
            )
        )
    )
    (chunk,) = chunks
    assert chunk.choices[0].delta == Delta(
        role="assistant",
        content="Answer",
        reasoning_content="Let me think",
        reasoning_signature="sig-T",
    )


def test_two_signed_blocks_in_one_chunk_spill_into_two_chunks_in_order() -> None:
    # Each signature closes the reasoning before it; two in one Delta would merge blocks.
    chunks, decoder = feed_all(
        response(
            candidate(
                {"text": "first", "thought": True, "thoughtSignature": "s1"},
                {"text": "second", "thought": True},
                {"text": "done", "thoughtSignature": "s2"},
                finish="STOP",
            ),
            usage={"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2},
        )
    )
    assert [
        (c.reasoning_content, c.choices[0].delta.content, c.choices[0].delta.reasoning_signature)
        for c in chunks
    ] == [
        ("first", None, "s1"),
        ("second", "done", "s2"),
    ]
    assert [c.finish_reason for c in chunks] == [None, "stop"]
    accumulator = StreamAccumulator()
    for chunk in chunks:
        accumulator.add(chunk)
    message = accumulator.snapshot().message
    assert message is not None
    assert [(b.text, b.signature) for b in message.reasoning_blocks] == [
        ("first", "s1"),
        ("second", "s2"),
    ]
    assert decoder.close()[0].usage == Usage(1, 1, 2)


def test_unknown_parts_and_metadata_are_skipped_not_fatal() -> None:
    # executableCode / codeExecutionResult / inlineData and groundingMetadata have no
    # neutral field (recorded: sse-code-execution.sse, sse-grounding-web-search.sse).
    chunks, decoder = feed_all(
        response(
            {
                **candidate(
                    {"executableCode": {"language": "PYTHON", "code": "print(1)"}},
                    {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "1\n"}},
                    {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
                    {"futurePart": {"x": 1}},
                    {"text": "one"},
                    finish="STOP",
                ),
                "groundingMetadata": {"webSearchQueries": ["q"]},
                "citationMetadata": {},
            },
            futureField=[1, 2],
        )
    )
    assert chunks[0].choices[0].delta == Delta(role="assistant", content="one")
    assert decoder.close() == []


def test_usage_mapping() -> None:
    # usageMetadata: https://ai.google.dev/api/generate-content#UsageMetadata
    usage = {
        "promptTokenCount": 100,  # includes the 60 cached ones
        "cachedContentTokenCount": 60,
        "toolUsePromptTokenCount": 7,
        "candidatesTokenCount": 20,
        "thoughtsTokenCount": 30,
        "totalTokenCount": 157,
    }
    _, decoder = feed_all(response(candidate({"text": "x"}, finish="STOP"), usage=usage))
    (chunk,) = decoder.close()
    assert chunk.usage == Usage(
        prompt_tokens=107,
        completion_tokens=50,
        total_tokens=157,
        reasoning_tokens=30,
        cached_tokens=60,
    )


def test_only_the_last_usage_counts_even_when_it_shrinks() -> None:
    # Recorded in sse-text-basic.sse: promptTokenCount 15 on the first chunks, 13 on the last.
    _, decoder = feed_all(
        response(candidate({"text": "a"}), usage={"promptTokenCount": 15, "totalTokenCount": 15}),
        response(
            candidate({"text": "b"}, finish="STOP"),
            usage={"promptTokenCount": 13, "candidatesTokenCount": 2, "totalTokenCount": 15},
        ),
    )
    (chunk,) = decoder.close()
    assert chunk.usage == Usage(13, 2, 15)


def test_a_blocked_prompt_raises_bad_request_naming_the_reason() -> None:
    # https://ai.google.dev/api/generate-content#PromptFeedback: no candidates at all.
    data = json.dumps(
        {
            "promptFeedback": {"blockReason": "SAFETY", "safetyRatings": []},
            "usageMetadata": {"promptTokenCount": 8, "totalTokenCount": 8},
        }
    )
    with pytest.raises(errors.BadRequestError) as caught:
        GeminiStreamDecoder().feed(SSEFrame(data))
    error = caught.value
    assert (error.status_code, error.code, error.error_type) == (400, "SAFETY", "prompt_blocked")
    assert error.message == "Gemini blocked the prompt (SAFETY)"
    assert error.in_stream is True
    assert error.body == data


def test_a_blocked_prompt_message_includes_gemini_explanation() -> None:
    data = json.dumps({"promptFeedback": {"blockReason": "OTHER", "blockReasonMessage": "nope"}})
    with pytest.raises(errors.BadRequestError) as caught:
        GeminiStreamDecoder().feed(SSEFrame(data))
    assert caught.value.message == "Gemini blocked the prompt (OTHER): nope"


@pytest.mark.parametrize(
    ("error", "cls", "status"),
    [
        (
            {"code": 429, "message": "quota", "status": "RESOURCE_EXHAUSTED"},
            errors.RateLimitError,
            429,
        ),
        (
            {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"},
            errors.InternalServerError,
            503,
        ),
        ({"message": "no code", "status": "PERMISSION_DENIED"}, errors.PermissionDeniedError, 403),
        ({"message": "nothing known"}, errors.InternalServerError, 500),
    ],
)
def test_an_error_event_raises_the_class_its_status_would(
    error: dict[str, Any], cls: type[errors.APIStatusError], status: int
) -> None:
    data = json.dumps({"error": error})
    with pytest.raises(cls) as caught:
        GeminiStreamDecoder().feed(SSEFrame(data))
    assert caught.value.status_code == status
    assert caught.value.message == error["message"]
    assert caught.value.error_type == error.get("status")
    assert caught.value.in_stream is True


def test_an_error_after_some_text_carries_the_partial_answer() -> None:
    core = StreamCore(GeminiCodec())
    core.feed(SSEFrame(json.dumps(response(candidate({"text": "Hello"})))))
    with pytest.raises(errors.RateLimitError) as caught:
        core.feed(
            SSEFrame(
                '{"error": {"code": 429, "message": "slow down", "status": "RESOURCE_EXHAUSTED"}}'
            )
        )
    assert caught.value.partial is not None
    assert caught.value.partial.content == "Hello"


def test_empty_data_frames_are_nothing() -> None:
    decoder = GeminiStreamDecoder()
    assert decoder.feed(SSEFrame("")) == []
    assert decoder.feed(SSEFrame(json.dumps({"usageMetadata": {"promptTokenCount": 1}}))) == []


def test_the_first_chunk_of_a_candidate_says_assistant() -> None:
    chunks, _ = feed_all(response(candidate({"text": "a"})), response(candidate({"text": "b"})))
    assert [c.choices[0].delta.role for c in chunks] == ["assistant", None]


def test_a_finished_candidate_with_no_parts_is_one_empty_choice() -> None:
    chunks, _ = feed_all(response({"finishReason": "SAFETY", "safetyRatings": []}))
    assert chunks[0].choices == (
        StreamChoice(0, Delta(role="assistant"), "content_filter", "SAFETY"),
    )
