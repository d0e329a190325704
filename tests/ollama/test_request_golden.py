"""Request bodies the Ollama codec builds, against golden bodies written by hand from
Ollama's API docs (tests/data/ollama/requests/) and against the recorded requests of the
transcripts (tests/data/ollama/*.request.json)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from llm_connector.types import (
    ChatRequest,
    ImagePart,
    Message,
    ResponseFormat,
    TextPart,
    ToolCall,
)
from tests.support.ollama_oracle import DATA
from tests.support.ollama_requests import PNG, WEATHER, chat
from tests.support.schemas import validated_request_bodies  # noqa: F401  (autouse)


def golden(name: str) -> Any:
    return json.loads((DATA / "requests" / f"{name}.json").read_text("utf-8"))


GOLDEN: dict[str, tuple[Callable[[], ChatRequest], bool]] = {
    "basic-stream": (
        lambda: ChatRequest("llama3.2").add_message(Message.user("why is the sky blue?")),
        True,
    ),
    "history-with-tools": (
        lambda: ChatRequest(
            "llama3.2",
            [
                Message.user("what is the weather in Toronto?"),
                Message.assistant(
                    tool_calls=[
                        ToolCall.create("call_k2x8tq1a", "get_weather", {"city": "Toronto"})
                    ]
                ),
                Message.tool("11 degrees celsius", "call_k2x8tq1a"),
            ],
            tools=[WEATHER],
            tool_choice="auto",
        ),
        False,
    ),
    "structured-outputs": (
        lambda: ChatRequest(
            "llama3.1",
            [
                Message.user(
                    "Ollama is 22 years old and busy saving the world. "
                    "Return a JSON object with the age and availability."
                )
            ],
            temperature=0,
            response_format=ResponseFormat.json_schema(
                "availability",
                {
                    "type": "object",
                    "properties": {"age": {"type": "integer"}, "available": {"type": "boolean"}},
                    "required": ["age", "available"],
                },
            ),
        ),
        False,
    ),
    "images": (
        lambda: ChatRequest(
            "llava",
            [
                Message.user(
                    [
                        TextPart("what is in this image?"),
                        ImagePart.from_base64(PNG, "image/png"),
                        TextPart("and this one?"),
                        ImagePart.from_url(f"data:image/png;base64,{PNG}"),
                    ]
                )
            ],
        ),
        True,
    ),
    "everything": (
        lambda: ChatRequest(
            "qwen3:8b",
            [
                Message.system("Be brief."),
                Message.developer("Answer in English."),
                Message.user("17 * 23?", name="ann"),
                Message.assistant("391", reasoning_content="17 * 20 + 17 * 3"),
                Message.user("And as JSON?"),
            ],
            temperature=0.7,  # replaced by extra_body's options
            top_p=0.9,
            top_k=40,
            max_tokens=256,
            stop=["\n\n", "END"],
            seed=42,
            presence_penalty=0.5,
            frequency_penalty=-0.5,
            response_format=ResponseFormat.json_object(),
            reasoning_effort="high",
            user="ignored: Ollama has no such field",
            extra_body={"keep_alive": "5m", "options": {"num_ctx": 8192, "temperature": 0.1}},
        ),
        True,
    ),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_bodies(name: str) -> None:
    make, stream = GOLDEN[name]
    assert chat(make(), stream=stream) == golden(name)


def test_every_golden_file_is_tested() -> None:
    assert sorted(p.stem for p in (DATA / "requests").glob("*.json")) == sorted(GOLDEN)


# The legacy ollama-python client that recorded these requests also sent its empty defaults.
_LEGACY_DEFAULTS: dict[str, Any] = {"format": "", "options": {}, "keep_alive": None, "tools": []}


def recorded(name: str) -> Any:
    raw = json.loads((DATA / f"{name}.request.json").read_text("utf-8"))
    return {k: v for k, v in raw.items() if _LEGACY_DEFAULTS.get(k, ...) != v}


@pytest.mark.parametrize(
    ("name", "stream"),
    [("chat-stream-llama3", True), ("chat-nonstream", False), ("chat-nonstream-gemma3", False)],
)
def test_the_recorded_requests(name: str, stream: bool) -> None:
    expected = recorded(name)
    request = ChatRequest(expected["model"], [Message.user(expected["messages"][0]["content"])])
    assert chat(request, stream=stream) == expected


def test_the_recorded_tool_history_request() -> None:
    # The recorded client knew neither call ids nor tool names; ours sends both, and
    # otherwise the same.
    expected = recorded("chat-nonstream-after-tool-call")
    call = ToolCall.create("call_1", "get_current_weather", {"location": "San Francisco"})
    request = ChatRequest(
        "llama3.1",
        [
            Message.assistant("", tool_calls=[call]),
            Message.tool("The weather in San Francisco is 70 degrees and sunny.", "call_1"),
        ],
    )
    body = chat(request, stream=False)
    assistant, tool = body["messages"]
    assert assistant["tool_calls"][0].pop("id") == "call_1"
    assert tool.pop("tool_name") == "get_current_weather"
    assert tool.pop("tool_call_id") == "call_1"
    assert body == expected
