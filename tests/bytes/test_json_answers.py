"""A JSON answer to a stream request, on the byte path through both clients.

A server that ignores ``stream: true`` answers with the whole response as JSON: it is read
whole (whatever pieces it arrives in), parsed by the protocol's codec and replayed as the
chunks it amounts to, with that response as ``final_response()``. A 200 answer that is a
JSON error envelope raises the class its status would, marked as arrived in the stream.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from llm_connector import errors
from llm_connector.codecs.anthropic.codec import AnthropicCodec
from llm_connector.codecs.contract import ChatCodec
from llm_connector.codecs.gemini.codec import GeminiCodec
from llm_connector.codecs.ollama.codec import OllamaCodec
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.types import ChatResponse, StreamingResponse
from llm_connector.types._accumulate import response_as_chunks
from tests.support import gemini_oracle
from tests.support.answers import gemini_answer
from tests.support.byte_path import Outcome, run, split_at
from tests.support.facade import MODES, Mode
from tests.support.paths import DATA
from tests.support.protocols import (
    ANTHROPIC_WIRE,
    GEMINI_WIRE,
    OLLAMA_WIRE,
    OPENAI_CHAT_WIRE,
    ChatWire,
)

ALL_MODES = pytest.mark.parametrize("mode", MODES)
ChatOutcome = Outcome[StreamingResponse, ChatResponse]


@attrs.frozen
class Answer:
    """A whole JSON response served to a stream request, and what else it must give."""

    wire: ChatWire
    codec: ChatCodec
    path: Path
    #: Where the body is cut on its way (the pieces are read whole before parsing).
    cuts: tuple[int, ...]
    #: What the replay must say besides being the codec's own parse of the body.
    check: Callable[[Path, ChatOutcome], None]


def _first_chunk_says_yes(path: Path, outcome: ChatOutcome) -> None:
    assert outcome.chunks[0].content == "YES"


def _tells_the_joke(path: Path, outcome: ChatOutcome) -> None:
    assert outcome.final is not None
    assert outcome.final.content.startswith("A joke about OpenTelemetry!")


def _is_the_hand_checked_answer(path: Path, outcome: ChatOutcome) -> None:
    assert outcome.final is not None
    assert gemini_answer(outcome.final) == gemini_oracle.expected_file(path)


def _nothing_more(path: Path, outcome: ChatOutcome) -> None:
    return None


ANSWERS = {
    "openai-chat/nonstream-text": Answer(
        OPENAI_CHAT_WIRE,
        OpenAIChatCodec(),
        DATA / "openai-chat" / "nonstream-text.json",
        (7, 400),
        _first_chunk_says_yes,
    ),
    "anthropic/nonstream-tool-use": Answer(
        ANTHROPIC_WIRE,
        AnthropicCodec(),
        DATA / "anthropic" / "nonstream-tool-use.json",
        (10,),
        _nothing_more,
    ),
    # streamGenerateContent without alt=sse answers one JSON array (a proxy that drops the
    # query could pass it on).
    **{
        f"gemini/{path.stem}": Answer(
            GEMINI_WIRE, GeminiCodec(), path, (9, 500), _is_the_hand_checked_answer
        )
        for path in gemini_oracle.JSONARRAY_PATHS
    },
    "ollama/chat-nonstream": Answer(
        OLLAMA_WIRE,
        OllamaCodec(),
        DATA / "ollama" / "chat-nonstream.json",
        (9, 300),
        _tells_the_joke,
    ),
}


@ALL_MODES
@pytest.mark.parametrize("answer", ANSWERS.values(), ids=ANSWERS.keys())
def test_a_json_answer_to_a_stream_request_is_replayed(answer: Answer, mode: Mode) -> None:
    body = answer.path.read_bytes()
    response = answer.codec.parse_chat(body)
    (outcome,) = run(
        answer.wire, mode, [split_at(body, answer.cuts)], content_type="application/json"
    )
    assert outcome.error is None
    assert outcome.chunks == tuple(response_as_chunks(response))
    assert outcome.final == response
    answer.check(answer.path, outcome)


@attrs.frozen
class ErrorAnswer:
    """A 200 JSON error envelope answering a stream request, and the error it raises."""

    wire: ChatWire
    body: bytes
    raised: type[errors.LLMError]
    status_code: int
    content_type: str = "application/json"
    error_type: str | None = None
    message_starts: str = ""


ERROR_ANSWERS = {
    # OpenRouter may answer a stream request with a 200 JSON error envelope.
    "openai-chat/openrouter-error-429": ErrorAnswer(
        OPENAI_CHAT_WIRE,
        (DATA / "openai-compat" / "openrouter-error-429.json").read_bytes(),
        errors.RateLimitError,
        429,
        message_starts="Provider returned error: google/gemini-2.0-flash",
    ),
    "anthropic/overloaded": ErrorAnswer(
        ANTHROPIC_WIRE,
        json.dumps(
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
        ).encode(),
        errors.OverloadedError,
        529,
    ),
    "gemini/error-400-vertex": ErrorAnswer(
        GEMINI_WIRE,
        (DATA / "gemini" / "error-400-vertex.json").read_bytes(),
        errors.BadRequestError,
        400,
        content_type="application/json; charset=UTF-8",
        error_type="INVALID_ARGUMENT",
    ),
}


@ALL_MODES
@pytest.mark.parametrize("answer", ERROR_ANSWERS.values(), ids=ERROR_ANSWERS.keys())
def test_a_200_json_error_answer_to_a_stream_request_raises_the_typed_error(
    answer: ErrorAnswer, mode: Mode
) -> None:
    (outcome,) = run(answer.wire, mode, [[answer.body]], content_type=answer.content_type)
    assert outcome.chunks == ()
    assert outcome.error is not None
    assert (outcome.error.type, outcome.error.status_code) == (answer.raised, answer.status_code)
    assert outcome.error.in_stream is True
    assert outcome.error.message.startswith(answer.message_starts)
    if answer.error_type is not None:
        assert outcome.error.error_type == answer.error_type
