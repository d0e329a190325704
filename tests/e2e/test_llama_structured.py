"""End-to-end: structured output from llama.cpp's real server, which enforces the JSON
schema of a type with a grammar, on both clients, whole and streamed. The model is tiny:
the tests assert what the protocol guarantees (the answer is a value of the type, the
streamed value grows into the whole one, stream == whole under greedy decoding)."""

from __future__ import annotations

import copy
import dataclasses
import enum
from typing import Any

from llm_connector import AsyncClient
from llm_connector.types import ChatRequest, Message
from tests.support.llama import MODEL, AnyClient, chat


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


REQUEST = (
    ChatRequest(MODEL)
    .add_message(Message.user("Describe a cat as JSON."))
    .with_output_type(Cat)
    .with_max_tokens(80)
    .with_temperature(0.0)
)


async def streamed(client: AnyClient) -> tuple[Cat, list[Any]]:
    seen: list[Any] = []
    if isinstance(client, AsyncClient):
        async with client.chat_stream(REQUEST) as astream:
            async for _ in astream:
                seen.append(copy.deepcopy(astream.partial_output()))
            return (await astream.final_response()).parse(Cat), seen
    with client.chat_stream(REQUEST) as stream:
        for _ in stream:
            seen.append(copy.deepcopy(stream.partial_output()))
        return stream.final_response().parse(Cat), seen


async def test_a_type_in_a_value_out_whole_and_streamed(chat_client: AnyClient) -> None:
    whole = (await chat(chat_client, REQUEST)).parse(Cat)
    assert isinstance(whole, Cat)
    assert isinstance(whole.mood, Mood) and type(whole.age) is int and type(whole.indoor) is bool
    cat, seen = await streamed(chat_client)
    assert cat == whole  # greedy decoding: the same answer both ways
    assert seen[-1] == {
        "name": cat.name,
        "mood": cat.mood.value,
        "age": cat.age,
        "indoor": cat.indoor,
    }
    # It grew key by key while it streamed.
    sizes = [len(value) for value in seen if isinstance(value, dict)]
    assert sizes == sorted(sizes) and sizes[0] < 4 and sizes[-1] == 4
