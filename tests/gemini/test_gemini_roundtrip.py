"""Multi-turn: a recorded Gemini answer, accumulated from its stream (or read whole), goes
back on the next turn with its thought signatures on the parts they came with.

Gemini 3 rejects a turn whose function call lost its signature:
https://ai.google.dev/gemini-api/docs/thought-signatures. The expected parts are built
from the transcript with ``json`` alone.
"""

from __future__ import annotations

import json
from typing import Any

from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.contract import Endpoint
from llm_connector.codecs.gemini.codec import GeminiCodec
from llm_connector.types import ChatRequest, ChatResponse, Message, Tool
from tests.support.gemini_oracle import DATA, frames

CODEC = GeminiCodec()
ENDPOINT = Endpoint("https://generativelanguage.googleapis.com/v1beta", "k", "x-goog-api-key")


def streamed(name: str) -> ChatResponse:
    core = StreamCore(CODEC)
    for event in frames(DATA / name):
        core.feed(event)
    core.finish()
    return core.final_response()


def recorded_parts(name: str) -> list[dict[str, Any]]:
    """Every part of candidate 0, in order, over the whole transcript."""
    return [
        part
        for block in (DATA / name).read_bytes().decode().split("\r\n\r\n")
        if block
        for c in json.loads(block[len("data: ") :])["candidates"]
        for part in c["content"]["parts"]
    ]


def next_turn(*messages: Message, model: str = "gemini-3-pro-preview") -> list[dict[str, Any]]:
    request = ChatRequest(
        model, [Message.user("Weather in SF?"), *messages], tools=[Tool.function("weather")]
    )
    spec = CODEC.build_chat(request, ENDPOINT, stream=True)
    contents: list[dict[str, Any]] = json.loads(spec.body or b"")["contents"]
    return contents[1:]


def test_a_gemini_3_function_call_goes_back_with_its_signature() -> None:
    answer = streamed("sse-tool-call-gemini3-reconstructed.sse")
    assert answer.message is not None
    (call,) = answer.tool_calls
    recorded = recorded_parts("sse-tool-call-gemini3-reconstructed.sse")[0]
    model_turn, result_turn = next_turn(answer.message, Message.tool('{"temp": 18}', call.id))
    assert model_turn == {
        "role": "model",
        "parts": [
            {
                "functionCall": {"id": call.id, **recorded["functionCall"]},
                "thoughtSignature": recorded["thoughtSignature"],
            }
        ],
    }
    assert result_turn == {
        "role": "user",
        "parts": [
            {
                "functionResponse": {
                    "id": call.id,
                    "name": "weather",
                    "response": {"output": '{"temp": 18}'},
                }
            }
        ],
    }


def test_signed_thoughts_go_back_as_a_signed_thought_part() -> None:
    answer = streamed("sse-thought-parts.sse")
    assert answer.message is not None
    parts = recorded_parts("sse-thought-parts.sse")
    thoughts = "".join(p["text"] for p in parts if p.get("thought"))
    (signature,) = [p["thoughtSignature"] for p in parts if "thoughtSignature" in p]
    text = "".join(p["text"] for p in parts if not p.get("thought"))
    (model_turn,) = next_turn(answer.message, model="gemini-2.5-pro")
    assert model_turn == {
        "role": "model",
        "parts": [
            {"text": thoughts, "thought": True, "thoughtSignature": signature},
            {"text": text},
        ],
    }


def test_a_signature_on_the_answer_goes_back_on_the_answer() -> None:
    answer = streamed("sse-vertex.sse")
    assert answer.message is not None
    (part,) = recorded_parts("sse-vertex.sse")
    (model_turn,) = next_turn(answer.message)
    assert model_turn == {"role": "model", "parts": [part]}  # {"text": "OK", "thoughtSignature"}


def test_a_whole_answer_round_trips_too() -> None:
    # Gemini 2.5, read whole (JSON array): the unsigned thought summary is not sent back;
    # the signed function call is.
    body = (DATA / "jsonarray-thought-function-call.json").read_bytes()
    answer = CODEC.parse_chat(body)
    assert answer.message is not None and answer.reasoning_content
    recorded = json.loads(body)[1]["candidates"][0]["content"]["parts"][0]
    (call,) = answer.tool_calls
    (model_turn,) = next_turn(answer.message, model="gemini-2.5-flash")
    assert model_turn == {
        "role": "model",
        "parts": [
            {
                "functionCall": {"id": call.id, **recorded["functionCall"]},
                "thoughtSignature": recorded["thoughtSignature"],
            }
        ],
    }
