"""Every recorded ConverseStream body (tests/data/bedrock, MANIFEST.md) through real
``Client`` and ``AsyncClient`` objects (httpx.MockTransport), split in two at every index
up to 3,000 bytes and at a drifting stride plus every message boundary above, each cut
alternately through the blocking and the asyncio client: the same chunks and the same
answer every time, and that answer as the bytes say (tests/support/bedrock_oracle.py)
and as the recording's facts are written out below by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llm_connector.errors import IncompleteStreamError, StreamDecodeError
from llm_connector.types import ChatRequest, ChatResponse, Message, StreamingResponse
from tests.support.bedrock_eventstream import EVENTSTREAM_PATHS, walk
from tests.support.bedrock_oracle import expected
from tests.support.byte_path import Outcome, Wire, mismatches, run, split_at

BASE_URL = "https://bedrock-runtime.us-east-1.amazonaws.com"
MODEL = "us.amazon.nova-micro-v1:0"
CONTENT_TYPE = "application/vnd.amazon.eventstream"


def _bedrock(cls: Any, http: Any) -> Any:
    return cls.bedrock(
        "us-east-1", access_key_id="AKIDEXAMPLE", secret_access_key="secret",
        http_client=http, max_retries=0,
    )  # fmt: skip


WIRE: Wire[StreamingResponse, ChatResponse] = Wire(
    "bedrock",
    _bedrock,
    f"{BASE_URL}/model/us.amazon.nova-micro-v1%3A0/converse-stream",
    ChatRequest(MODEL, [Message.user("hi")]),
    lambda: None,  # type: ignore[arg-type,return-value]  # (no frame-level reference here)
)

# Facts of each recording, read off the bytes by hand (MANIFEST.md's notes say the same).
HAND = {
    "stream-text-nova-micro": ("stop", "end_turn", (13, 82, 95, None, None)),
    "stream-text-then-tool-use-nova-micro": ("tool_calls", "tool_use", None),
    "stream-tool-use-input-deltas-claude3-sonnet": ("tool_calls", "tool_use", None),
    "stream-reasoning-signature-claude-sonnet4": ("stop", "end_turn", (36, 73, 109, None, None)),
    "stream-reasoning-empty-text-delta-gpt-oss": ("stop", "end_turn", None),
    "stream-cache-write-claude37-sonnet": ("stop", "end_turn", None),
    "stream-max-tokens-titan-lite": ("length", "max_tokens", None),
    "stream-code-interpreter-server-tool-nova2-lite": (
        "tool_calls", "tool_use", (1002, 59, 1061, None, None),
    ),
    "stream-citations-claude-sonnet5": ("stop", "end_turn", None),
}  # fmt: skip


def _cuts(body: bytes, mode_offset: int) -> list[int]:
    if len(body) <= 3_000:
        cuts = set(range(1 + mode_offset, len(body), 2))
    else:
        stride = (len(body) // 150) | 1
        cuts = set(range(1 + mode_offset * (stride // 2), len(body), stride))
    # Every message boundary and its neighbours, through both clients.
    for start, _ in walk(body):
        cuts.update((start - 1, start, start + 1, start + 12))
    return sorted(c for c in cuts if 0 < c < len(body))


def _reference(body: bytes) -> Outcome[StreamingResponse, ChatResponse]:
    (outcome,) = run(WIRE, "sync", [[body]], CONTENT_TYPE)
    assert outcome.error is None, outcome.error
    return outcome


@pytest.mark.parametrize("path", EVENTSTREAM_PATHS, ids=lambda p: p.stem)
def test_the_answer_is_what_the_bytes_say(path: Path) -> None:
    body = path.read_bytes()
    final = _reference(body).final
    assert final is not None
    want = expected(body)
    message = final.message
    assert message is not None
    assert (final.content, message.reasoning_content or "") == (want.content, want.reasoning)
    assert tuple(b.signature for b in message.reasoning_blocks if b.signature) == want.signatures
    calls = tuple(
        (c.id, c.function.name, json.loads(c.function.arguments)) for c in final.tool_calls
    )
    assert calls == want.tool_calls
    assert (final.finish_reason, final.choices[0].native_finish_reason) == (
        want.finish_reason,
        want.native_finish_reason,
    )
    usage = final.usage
    assert usage is not None
    got = (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens)
    assert (*got, usage.cached_tokens, usage.cache_creation_tokens) == want.usage
    finish, native, hand_usage = HAND[path.stem]
    assert (final.finish_reason, final.choices[0].native_finish_reason) == (finish, native)
    if hand_usage is not None:
        assert want.usage == hand_usage


def test_facts_written_out_by_hand() -> None:
    def final(stem: str) -> ChatResponse:
        answer = _reference(
            (EVENTSTREAM_PATHS[0].parent / f"{stem}.eventstream").read_bytes()
        ).final
        assert answer is not None
        return answer

    nova = final("stream-text-nova-micro")
    assert nova.content.startswith("The capital of France is Paris. Paris is not only")
    assert nova.content.endswith('"The City of Love."')
    sonnet4 = final("stream-reasoning-signature-claude-sonnet4")
    assert sonnet4.content == "Hello! It's nice to meet you. How can I help you today?"
    assert sonnet4.reasoning_content is not None
    assert sonnet4.reasoning_content.startswith('The user has greeted me with a simple "Hello".')
    (block,) = sonnet4.message.reasoning_blocks if sonnet4.message else ()
    assert block.signature is not None and block.signature.startswith("Eu0CCkgIBxABGAIqQJDccbDQ")
    cache = final("stream-cache-write-claude37-sonnet")
    assert cache.usage is not None
    assert (cache.usage.cache_creation_tokens, cache.usage.cached_tokens) == (1028, 0)
    assert cache.usage.prompt_tokens == 11 + 1028
    interpreter = final("stream-code-interpreter-server-tool-nova2-lite")
    # The server's own nova_code_interpreter call is not the caller's: one call remains.
    (call,) = interpreter.tool_calls
    assert (call.id, call.function.name) == ("tooluse_ptgCcZ0uQu-UUMz0abqoWw", "final_result")
    assert call.parse_arguments() == {"result": 7006652.0}
    cities = final("stream-tool-use-input-deltas-claude3-sonnet")
    (call,) = cities.tool_calls
    assert call.function.name == "get_cities_list"
    assert call.parse_arguments()["cities"][:3] == ["Tokyo", "Osaka", "Kyoto"]
    titan = final("stream-max-tokens-titan-lite")
    assert titan.usage is not None and titan.usage.completion_tokens == 10


@pytest.mark.parametrize("path", EVENTSTREAM_PATHS, ids=lambda p: p.stem)
def test_every_split_sync_and_async(path: Path) -> None:
    body = path.read_bytes()
    reference = _reference(body)
    for offset, mode in enumerate(("sync", "async")):
        chunkings = [split_at(body, [cut]) for cut in _cuts(body, offset)]
        assert mismatches(WIRE, mode, chunkings, reference) == [], mode  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_stream_cut_short_keeps_what_arrived(mode: str) -> None:
    body = (EVENTSTREAM_PATHS[0].parent / "stream-text-nova-micro.eventstream").read_bytes()
    whole = expected(body).content
    starts = [start for start, _ in walk(body)]
    # Inside a message (the reader's error) and at message boundaries before messageStop
    # (the decoder's: no messageStop came).
    cuts = [starts[5] + 7, starts[12] + 30, starts[20], starts[-2] - 1, starts[-2]]
    for outcome in run(WIRE, mode, [[body[:cut]] for cut in cuts], CONTENT_TYPE):  # type: ignore[arg-type]
        error = outcome.error
        assert error is not None
        assert error.type in (StreamDecodeError, IncompleteStreamError), error
        assert error.partial is not None and whole.startswith(error.partial.content)
        assert error.partial.content
