"""Types the structured-output tests ask for: one of each kind the schema maker takes.

Written without ``from __future__ import annotations`` on purpose for ``Plain``: the
schema maker must read both real and string annotations (the others use neither import,
the module is imported as written)."""

import dataclasses
import enum
from typing import Annotated, Literal, Optional, TypedDict, Union

import attrs
import pydantic
from typing_extensions import NotRequired


class Colour(enum.Enum):
    """A primary colour."""

    RED = "red"
    GREEN = "green"
    BLUE = "blue"


@dataclasses.dataclass
class Item:
    """One line of an invoice."""

    name: str
    """What was bought."""
    price: float
    quantity: int = 1
    tags: list[str] = dataclasses.field(default_factory=list, metadata={"description": "labels"})


@attrs.define
class Invoice:
    """An invoice, as printed."""

    number: str = attrs.field(metadata={"description": "as printed, e.g. INV-7"})
    items: list[Item]
    paid: bool
    colour: Optional[Colour]  # noqa: UP045 - the typing form must work too
    kind: Literal["retail", "wholesale"]
    note: Annotated[Union[str, None], "anything else written on it"] = None  # noqa: UP007


class Address(TypedDict):
    street: str
    city: str
    postcode: NotRequired[str]


@dataclasses.dataclass
class Plain:
    count: int
    ratio: float
    label: str | None


@dataclasses.dataclass
class Node:
    """A tree."""

    value: int
    children: list["Node"]


class Person(pydantic.BaseModel):
    """Someone in the story."""

    name: str
    age: int | None = None
    title: str = "none"
