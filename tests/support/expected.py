"""Each protocol's check of a transcript's frame-level reference against the hand-checked
``<name>.expected.json`` beside it: the fields that protocol's files give, compared
exactly. This ties the byte path (whose runs must equal the reference) to values a person
checked, not to anything the package computed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llm_connector.types import Usage
from tests.support import (
    anthropic_oracle,
    gemini_oracle,
    ollama_oracle,
    openai_chat_oracle,
    responses_oracle,
)
from tests.support.answers import anthropic_answer, compat_answer, gemini_answer, summary
from tests.support.byte_path import Outcome


def _answer(outcome: Outcome[Any, Any]) -> Any:
    """The final answer, or what arrived before the error."""
    answer = outcome.final if outcome.error is None else outcome.error.partial
    assert answer is not None
    return answer


def openai_chat(path: Path, outcome: Outcome[Any, Any]) -> None:
    expected = openai_chat_oracle.expected_file(path)
    assert len(outcome.chunks) == expected["chunks"]
    answer = _answer(outcome)
    assert (answer.content, answer.reasoning_content) == (
        expected["content"],
        expected["reasoning_content"],
    )
    assert (outcome.error is None) == ("error" not in expected)


def compat(path: Path, outcome: Outcome[Any, Any]) -> None:
    """openai-compat, DashScope and Hunyuan: every field of the answer, and the typed error
    of an in-band error with every detail its file names."""
    expected = openai_chat_oracle.expected_file(path)
    want_error = expected.pop("error", None)
    assert len(outcome.chunks) == expected.pop("chunks")
    if want_error is None:
        assert outcome.error is None
    else:
        error = outcome.error
        assert error is not None, "the expected error was not raised"
        assert error.type.__name__ == want_error["class"]
        assert error.message == want_error["message"]
        for field in ("status_code", "code", "error_type", "in_stream"):
            if field in want_error:
                assert getattr(error, field) == want_error[field], field
    assert compat_answer(_answer(outcome)) == expected


def anthropic(path: Path, outcome: Outcome[Any, Any]) -> None:
    expected = anthropic_oracle.expected_file(path)
    assert len(outcome.chunks) == expected.pop("chunks")
    want_error = expected.pop("error", None)
    assert anthropic_answer(_answer(outcome)) == expected
    if want_error is None:
        assert outcome.error is None
    else:
        assert outcome.error is not None
        assert outcome.error.type.__name__ == want_error["class"]
        assert (outcome.error.status_code, outcome.error.message) == (
            want_error["status_code"],
            want_error["message"],
        )


def gemini(path: Path, outcome: Outcome[Any, Any]) -> None:
    expected = gemini_oracle.expected_file(path)
    assert outcome.error is None
    assert len(outcome.chunks) == expected.pop("chunks")
    assert outcome.final is not None
    assert gemini_answer(outcome.final) == expected


def ollama(path: Path, outcome: Outcome[Any, Any]) -> None:
    expected = ollama_oracle.expected_file(path)
    assert outcome.error is None and outcome.final is not None
    assert len(outcome.chunks) == expected["lines"]
    assert (outcome.final.content, outcome.final.reasoning_content) == (
        expected["content"],
        expected["reasoning_content"],
    )
    assert outcome.final.usage == Usage(**expected["usage"])


def responses(path: Path, outcome: Outcome[Any, Any]) -> None:
    expected = responses_oracle.expected_file(path)
    assert outcome.error is None and outcome.final is not None
    assert len(outcome.chunks) == expected["events"]
    assert summary(outcome.final) == expected["final"]
