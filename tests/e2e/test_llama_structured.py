"""End-to-end: structured output from llama.cpp's real server, which enforces the JSON
schema of a type with a grammar, on both clients, whole and streamed. The model is tiny:
the tests assert what the protocol guarantees (the answer is a value of the type, the
streamed value grows into the whole one, stream == whole under greedy decoding)."""

from __future__ import annotations

import copy
import dataclasses
import enum
from typing import Any, TypedDict

import attrs
import pydantic
import pytest

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


@attrs.define
class AttrsCat:
    name: str
    mood: Mood
    age: int
    indoor: bool


class DictCat(TypedDict):
    name: str
    mood: Mood
    age: int
    indoor: bool


class PydanticCat(pydantic.BaseModel):
    name: str
    mood: Mood
    age: int
    indoor: bool


def request_for(tp: Any) -> ChatRequest:
    return (
        ChatRequest(MODEL)
        .add_message(Message.user("Describe a cat as JSON."))
        .with_output_type(tp)
        .with_max_tokens(80)
        .with_temperature(0.0)
    )


async def streamed(client: AnyClient, tp: Any) -> tuple[Any, list[Any]]:
    seen: list[Any] = []
    if isinstance(client, AsyncClient):
        async with client.chat_stream(request_for(tp)) as astream:
            async for _ in astream:
                seen.append(copy.deepcopy(astream.partial_output()))
            return (await astream.final_response()).parse(tp), seen
    with client.chat_stream(request_for(tp)) as stream:
        for _ in stream:
            seen.append(copy.deepcopy(stream.partial_output()))
        return stream.final_response().parse(tp), seen


def fields(value: Any) -> dict[str, Any]:
    """A cat of any of the four kinds as its JSON object."""
    if isinstance(value, dict):
        found = dict(value)
    elif isinstance(value, pydantic.BaseModel):
        found = value.model_dump()
    else:
        found = {k: getattr(value, k) for k in ("name", "mood", "age", "indoor")}
    assert isinstance(found["mood"], Mood)
    assert type(found["age"]) is int and type(found["indoor"]) is bool
    return {**found, "mood": found["mood"].value}


@pytest.mark.parametrize("tp", [Cat, AttrsCat, DictCat, PydanticCat])
async def test_a_type_in_a_value_out_whole_and_streamed(chat_client: AnyClient, tp: Any) -> None:
    whole = (await chat(chat_client, request_for(tp))).parse(tp)
    assert isinstance(whole, dict if tp is DictCat else tp)
    cat, seen = await streamed(chat_client, tp)
    assert fields(cat) == fields(whole)  # greedy decoding: the same answer both ways
    assert seen[-1] == fields(cat)
    # It grew key by key while it streamed.
    sizes = [len(value) for value in seen if isinstance(value, dict)]
    assert sizes == sorted(sizes) and sizes[0] < 4 and sizes[-1] == 4
    # It grew key by key while it streamed.
    sizes = [len(value) for value in seen if isinstance(value, dict)]
    assert sizes == sorted(sizes) and sizes[0] < 4 and sizes[-1] == 4
