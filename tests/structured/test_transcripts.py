"""Structured answers recorded from llama.cpp's server (tests/data/MANIFEST.md, "Rows added
for structured output"): read at every split point (the framing, the decoder, the
accumulator and the partial reader together, as a stream reads them), and through both
clients. The values are written out by hand from the transcripts."""

from __future__ import annotations

import copy
import dataclasses
import enum
from pathlib import Path
from typing import Any

import httpx
import pytest

from llm_connector import AsyncClient, Client, OutputValidationError
from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.framing import frame_reader
from llm_connector.providers import row
from llm_connector.structured.partial import StreamOutput
from llm_connector.types import ChatRequest, Message
from tests.support.facade import Mode

DATA = Path(__file__).resolve().parents[1] / "data" / "structured"
WHOLE = (DATA / "llamacpp-json-schema-stream.sse").read_bytes()
CUT = (DATA / "llamacpp-json-schema-cut-at-length.sse").read_bytes()


class Mood(enum.Enum):
    HAPPY = "happy"
    SLEEPY = "sleepy"
    CURIOUS = "curious"


@dataclasses.dataclass
class Cat:
    """A cat."""

    name: str
    mood: Mood
    age: int
    indoor: bool


@dataclasses.dataclass
class CatWithToys:
    name: str
    mood: Mood
    age: int
    indoor: bool
    toys: list[str]


CAT = {"name": "Felicia", "mood": "happy", "age": 12, "indoor": True}
CUT_SO_FAR = {**CAT, "toys": ["Felicia"] * 12 + ["Fel"]}


def read(body: bytes, cuts: list[int]) -> tuple[StreamCore, list[Any]]:
    """``body`` read in the pieces ``cuts`` makes, as a stream reads it; the partial
    output (copied) after each piece."""
    core = StreamCore(row("llamacpp").codec())
    reader = frame_reader("sse")
    output = StreamOutput(wrapped=False)
    seen = []
    for start, end in zip([0, *cuts], [*cuts, len(body)], strict=True):
        for frame in reader.feed(body[start:end]):
            core.feed(frame)
        seen.append(copy.deepcopy(output.read(core.accumulator)))
    for frame in reader.close():
        core.feed(frame)
    core.finish()
    return core, seen


@pytest.mark.parametrize(("body", "stride"), [(WHOLE, 1), (CUT, 11)])
def test_every_split_point(body: bytes, stride: int) -> None:
    for cut in range(0, len(body) + 1, stride):
        core, seen = read(body, [cut])
        expected = CAT if body is WHOLE else CUT_SO_FAR
        assert seen[-1] == expected, cut
        answer = core.final_response()
        if body is WHOLE:
            assert answer.parse(Cat) == Cat("Felicia", Mood.HAPPY, 12, True)
            assert answer.finish_reason == "stop"


def test_the_value_grows_as_the_reads_come() -> None:
    _, seen = read(WHOLE, list(range(64, len(WHOLE), 64)))
    assert seen[0] is None  # the first 64 bytes hold no content yet
    assert {"name": "Felicia"} in seen and {"name": "Felicia", "mood": "happy"} in seen
    assert seen[-1] == CAT


def test_an_answer_cut_by_the_token_limit_keeps_what_came() -> None:
    core, seen = read(CUT, [])
    answer = core.final_response()
    assert answer.finish_reason == "length"
    with pytest.raises(OutputValidationError) as raised:
        answer.parse(CatWithToys)
    assert raised.value.message.startswith("the answer is not JSON (Unterminated string")
    assert raised.value.raw == answer.content
    assert seen[-1] == CUT_SO_FAR


def client_of(mode: Mode, body: bytes) -> Client | AsyncClient:
    headers = {"content-type": "text/event-stream"}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=body)

    transport = httpx.MockTransport(answer)
    base = "http://llama.test/v1"
    if mode == "sync":
        return Client.openai_compatible(
            base_url=base, name="llamacpp", http_client=httpx.Client(transport=transport)
        )
    return AsyncClient.openai_compatible(
        base_url=base, name="llamacpp", http_client=httpx.AsyncClient(transport=transport)
    )


async def test_through_both_clients(mode: Mode) -> None:
    client = client_of(mode, WHOLE)
    request = ChatRequest("smollm2-135m").add_message(Message.user("A cat?")).with_output_type(Cat)
    if isinstance(client, Client):
        with client.chat_stream(request) as stream:
            for _ in stream:
                stream.partial_output()
            value = stream.partial_output()
            cat = stream.final_response().parse(Cat)
    else:
        async with client.chat_stream(request) as astream:
            async for _ in astream:
                astream.partial_output()
            value = astream.partial_output()
            cat = (await astream.final_response()).parse(Cat)
    assert value == CAT
    assert cat == Cat("Felicia", Mood.HAPPY, 12, True)
