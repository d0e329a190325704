"""The incremental JSON reader: the whole value at every split of a document, a value
that only grows piece by piece, random documents in random pieces, and text that is not
JSON stopping it without losing what it had."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_connector.structured.partial import PartialJSON

DOCUMENTS = [
    '{"name": "Paris", "population": 2100000, "sights": ["Louvre", "Eiffel Tower"]}',
    '{"a": {"b": [1, 2.5, -3e2, true, false, null]}, "c": [], "d": {}}',
    '{"quote": "she said \\"hi\\"\\n\\ttab \\\\ slash \\/", "emoji": "\\ud83d\\ude00 \\u00e9"}',
    '  [ {"k" : "v"} , [ [ ] ] , "x" , 0 ]  ',
    '{"value": "naïve café – 日本語 😀"}',
    "[1.5E+3, -0.25, 10]",
    '"just a string"',
    "12345",
]


def read_in(pieces: list[str]) -> PartialJSON:
    parser = PartialJSON()
    for piece in pieces:
        parser.feed(piece)
    return parser


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_split_gives_the_whole_value(document: str) -> None:
    expected = json.loads(document)
    for cut in range(len(document) + 1):
        parser = read_in([document[:cut], document[cut:]])
        assert parser.finish() == expected, cut
        assert not parser.broken


def grows(old: Any, new: Any) -> bool:
    """Whether ``new`` is ``old`` with more arrived (nothing changed or taken away)."""
    if old is None:
        return True
    if isinstance(old, dict):
        return isinstance(new, dict) and all(k in new and grows(v, new[k]) for k, v in old.items())
    if isinstance(old, list):
        return (
            isinstance(new, list)
            and len(new) >= len(old)
            and all(grows(o, n) for o, n in zip(old, new, strict=False))
        )
    if isinstance(old, str):
        return isinstance(new, str) and new.startswith(old)
    return bool(old == new)


@pytest.mark.parametrize("document", DOCUMENTS[:5])
def test_the_value_only_grows_one_character_at_a_time(document: str) -> None:
    parser = PartialJSON()
    before: Any = None
    for char in document:
        parser.feed(char)
        now = copy.deepcopy(parser.value())
        assert grows(before, now), (before, now)
        before = now
    assert parser.finish() == json.loads(document)


def test_what_shows_while_it_streams() -> None:
    parser = PartialJSON()
    parser.feed('{"name": "Par')
    assert parser.value() == {"name": "Par"}
    parser.feed('is", "population": 21')
    assert parser.value() == {"name": "Paris"}  # a number shows once it is complete
    parser.feed('00000, "sights": ["Lou')
    assert parser.value() == {"name": "Paris", "population": 2100000, "sights": ["Lou"]}
    parser.feed('vre"]}')
    assert parser.complete
    assert parser.value() == {"name": "Paris", "population": 2100000, "sights": ["Louvre"]}


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Sure! {", None),
        ('{"a": 1,}', {"a": 1}),
        ('{"a": 1} trailing', {"a": 1}),
        ('{"a": nul}', {}),
        ('["\\x"]', [""]),
        ("[1,]", [1]),
    ],
)
def test_text_that_is_not_json_stops_the_reading(text: str, kept: Any) -> None:
    parser = read_in([text, ', "b": 2}'])
    assert parser.broken
    assert parser.value() == kept


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    value=json_values,
    ascii_only=st.booleans(),
    indent=st.sampled_from([None, 1]),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=8),
)
def test_random_documents_in_random_pieces(
    value: Any, ascii_only: bool, indent: int | None, cuts: list[int]
) -> None:
    document = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    points = sorted({c % (len(document) + 1) for c in cuts})
    pieces = [document[a:b] for a, b in zip([0, *points], [*points, len(document)], strict=True)]
    parser = PartialJSON()
    before: Any = None
    for piece in pieces:
        parser.feed(piece)
        now = copy.deepcopy(parser.value())
        assert grows(before, now)
        before = now
    assert parser.finish() == value
    assert not parser.broken
