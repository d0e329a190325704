"""SSEReader reads every stream exactly as httpx-sse's ``EventSource.iter_sse()`` does.

The oracle is httpx-sse itself, on an httpx.Response carrying the same bytes, decoded as
``utf-8-sig`` (a leading byte order mark dropped). It reads the recorded transcripts under
tests/data whole, a byte at a time, one event per read and split in two at (nearly) every
index, also with their line ends rewritten and a byte order mark in front; then random
streams of the pieces SSE gives meaning to, valid UTF-8 or not. Hand-written cases, checked
against the oracle too, pin the rules down.
"""

from __future__ import annotations

import codecs
import functools
import math
import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import httpx
import pytest
from httpx_sse import EventSource
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_connector.codecs.framing.sse import SSEEvent, SSEReader

Triple = tuple[str, str, str]  # (event, data, id)

DATA = Path(__file__).resolve().parent.parent / "data"


def _is_transcript(path: Path) -> bool:
    if path.suffix == ".sse":
        return True
    text = path.read_bytes().decode("utf-8", "replace")
    return re.search(r"^(data|event):", text, re.MULTILINE) is not None


TRANSCRIPTS = sorted(
    path.relative_to(DATA).as_posix()
    for path in DATA.rglob("*")
    if path.suffix in (".sse", ".txt") and _is_transcript(path)
)
VARIANTS = ("as-recorded", "crlf", "cr", "bom")
CASES = [(name, variant) for name in TRANSCRIPTS for variant in VARIANTS]
CASE_IDS = [f"{name}-{variant}" for name, variant in CASES]

# Split in two at every index of a recorded transcript up to this size (the byte path's
# limit, tests/support/protocols.py); above it, at about STRIDE_POINTS indexes evenly spread
# (the byte path's number for its large transcripts) plus those where the reader has
# something to decide: around each line end, inside each multi-byte character, the first
# and last few. The rewritten transcripts (three times the work again) take the strided
# indexes, the characters, the ends and the line ends of at most LINE_ENDS_REWRITTEN lines,
# evenly spread.
EVERY_INDEX_UP_TO = 10_000
STRIDE_POINTS = 300
LINE_ENDS_REWRITTEN = 400


class _Reads(httpx.SyncByteStream):
    def __init__(self, reads: Sequence[bytes]) -> None:
        self._reads = reads

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._reads)


def oracle(reads: Sequence[bytes]) -> list[Triple]:
    """What ``httpx_sse.EventSource(response).iter_sse()`` yields for these reads."""
    response = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, stream=_Reads(reads)
    )
    response.encoding = "utf-8-sig"
    return [(sse.event, sse.data, sse.id) for sse in EventSource(response).iter_sse()]


_triple = operator.attrgetter("event", "data", "id")


def triples(events: Iterable[SSEEvent]) -> list[Triple]:
    return list(map(_triple, events))


def read(reads: Iterable[bytes]) -> list[Triple]:
    """What SSEReader gives for these reads, feed() then close()."""
    reader = SSEReader()
    events: list[SSEEvent] = []
    for data in reads:
        events += reader.feed(data)
    events += reader.close()
    return triples(events)


@functools.cache
def transcript(name: str, variant: str) -> bytes:
    body = (DATA / name).read_bytes()
    if variant == "as-recorded":
        return body
    if variant == "bom":
        return codecs.BOM_UTF8 + body
    lf = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return lf.replace(b"\n", b"\r\n" if variant == "crlf" else b"\r")


@functools.cache
def expected(name: str, variant: str) -> list[Triple]:
    """The oracle, built once per transcript."""
    return oracle([transcript(name, variant)])


def split_points(body: bytes, every_index_up_to: int, line_ends: int | None = None) -> list[int]:
    n = len(body)
    if n <= every_index_up_to:
        return list(range(n + 1))
    points = set(range(0, n + 1, -(-n // STRIDE_POINTS)))
    points.update(range(8))  # a byte order mark, split or not
    points.update(range(n - 8, n + 1))
    ends = [m.span() for m in re.finditer(rb"\r\n|\r|\n", body)]
    if line_ends is not None and len(ends) > line_ends:
        # Every k-th line end, k prime to 2..7 so that the lines of an event (event, data,
        # blank, ...) all take turns rather than the same one every time.
        k = -(-len(ends) // line_ends)
        while math.gcd(k, 210) != 1:
            k += 1
        ends = ends[::k]
    for start, end in ends:
        points.update(range(start, end + 1))  # before, inside (CRLF) and after a line end
    for match in re.finditer(rb"[\x80-\xbf]", body):
        points.add(match.start())  # inside a multi-byte character
    return sorted(points)


def test_transcripts_found() -> None:
    assert len(TRANSCRIPTS) >= 40
    assert any(transcript(name, "as-recorded").count(b"\r\n") for name in TRANSCRIPTS)
    assert any(b"\xc3" in transcript(name, "as-recorded") for name in TRANSCRIPTS)


@pytest.mark.parametrize(("name", "variant"), CASES, ids=CASE_IDS)
def test_transcript_whole_and_byte_by_byte(name: str, variant: str) -> None:
    body = transcript(name, variant)
    want = expected(name, variant)
    assert want  # every transcript has events: the comparison means something
    assert read([body]) == want
    assert read([body[i : i + 1] for i in range(len(body))]) == want


@pytest.mark.parametrize(("name", "variant"), CASES, ids=CASE_IDS)
def test_transcript_one_event_per_read(name: str, variant: str) -> None:
    # The reads servers make (and the reader's shortcuts take): a whole event each.
    body = transcript(name, variant)
    reads = re.findall(rb".*?(?:\r\n\r\n|\n\n|\r\r|\Z)", body, re.DOTALL)
    assert b"".join(reads) == body
    assert read(reads) == expected(name, variant)


@pytest.mark.parametrize(("name", "variant"), CASES, ids=CASE_IDS)
def test_transcript_split_in_two(name: str, variant: str) -> None:
    body = transcript(name, variant)
    want = expected(name, variant)
    if variant == "as-recorded":
        points = split_points(body, EVERY_INDEX_UP_TO)
    else:
        points = split_points(body, 0, LINE_ENDS_REWRITTEN)
    for i in points:
        assert read([body[:i], body[i:]]) == want, f"split at {i}"


# Random streams: the pieces SSE gives meaning to, and some it must not.
PIECES = [
    "data:", "data: ", "data", "event:", "event: ", "event", "id:", "id: ", "id",
    "retry:", "retry: ", "retry", ":", ": ", "\n", "\n", "\r", "\r\n", "\n\n", " ", "x",
    "é", "€", "😀", "\x00", "{}", "5", "-1", "1_0", "message", "\ufeff", "\u2028", "\x85",
    "\x0b", "\t",
]  # fmt: skip
BAD_BYTES = [b"\xff", b"\x80", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xed\xa0\x80", b"\xc0\xaf"]

valid_bodies = st.lists(st.sampled_from(PIECES), max_size=40).map(lambda p: "".join(p).encode())
any_bodies = st.tuples(
    st.booleans(),
    st.lists(st.sampled_from([p.encode() for p in PIECES] + BAD_BYTES), max_size=40),
).map(lambda t: (codecs.BOM_UTF8 if t[0] else b"") + b"".join(t[1]))


@st.composite
def split_up(draw: st.DrawFn, bodies: st.SearchStrategy[bytes]) -> list[bytes]:
    body = draw(bodies)
    cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=8)))
    return [body[i:j] for i, j in zip([0, *cuts], [*cuts, len(body)], strict=True)]


def check(reads: list[bytes]) -> None:
    want = oracle(reads)
    # httpx-sse's events do not depend on how the body is read: the transcript tests,
    # which build the oracle once per file, lean on this.
    assert oracle([b"".join(reads)]) == want
    assert read(reads) == want


@settings(max_examples=1500, deadline=None)
@given(reads=split_up(valid_bodies))
def test_random_streams(reads: list[bytes]) -> None:
    check(reads)


@settings(max_examples=1500, deadline=None)
@given(reads=split_up(any_bodies))
def test_random_streams_with_bad_utf8_and_byte_order_marks(reads: list[bytes]) -> None:
    check(reads)


@settings(max_examples=500, deadline=None)
@given(reads=split_up(valid_bodies))
def test_random_streams_a_byte_at_a_time(reads: list[bytes]) -> None:
    body = b"".join(reads)
    assert read([body[i : i + 1] for i in range(len(body))]) == oracle(reads)


# One read per event, as servers send them, of lines close to the shapes feed() takes a
# shortcut for: each must be taken only when the general path would give the same.
line_ends = st.sampled_from(["\n", "\r\n", "\r"])
field_names = st.sampled_from(
    ["data: ", "data: ", "data:", "data:  ", "event: ", "event:", "id: ", "retry: ", ": "]
)
values = st.sampled_from(["{}", "x", "", "5"]) | st.text(st.sampled_from("xé:5 \x00\r\n"))


@st.composite
def event_read(draw: st.DrawFn) -> bytes:
    end = draw(line_ends)  # mostly one kind of line end throughout, as servers write them
    ends = st.sampled_from([end, end, end, "\n", "\r\n", "\r"])
    lines = draw(st.lists(st.tuples(field_names, values, ends), max_size=3))
    last = draw(st.sampled_from([end, end, ""]))  # "": the event goes on in the next read
    return ("".join(name + value + e for name, value, e in lines) + last).encode()


event_reads = st.lists(event_read(), max_size=6)


@settings(max_examples=1000, deadline=None)
@given(reads=event_reads)
def test_random_one_event_reads(reads: list[bytes]) -> None:
    check(reads)


# Hand-written cases: (name, the reads, the events each feed() returns); close() gives none.
M = "message"
UNIT_CASES: list[tuple[str, list[bytes], list[list[Triple]]]] = [
    ("data", [b'data: {"a":1}\n\n'], [[(M, '{"a":1}', "")]]),
    ("data-no-space", [b"data:{}\n\n"], [[(M, "{}", "")]]),
    ("data-two-spaces", [b"data:  x\n\n"], [[(M, " x", "")]]),
    ("data-crlf", [b"data: {}\r\n\r\n"], [[(M, "{}", "")]]),
    ("data-cr", [b"data: {}\r\r"], [[(M, "{}", "")]]),
    ("event-and-data", [b"event: delta\ndata: {}\n\n"], [[("delta", "{}", "")]]),
    ("event-no-space", [b"event:delta\ndata:{}\n\n"], [[("delta", "{}", "")]]),
    ("event-empty-name", [b"event:\ndata: {}\n\n"], [[(M, "{}", "")]]),
    ("event-crlf", [b"event: e\r\ndata: {}\r\n\r\n"], [[("e", "{}", "")]]),
    ("event-colons", [b"event: a:b\ndata: c: d\n\n"], [[("a:b", "c: d", "")]]),
    ("one-read-per-event", [b"data: 1\n\n", b"data: 2\n\n"], [[(M, "1", "")], [(M, "2", "")]]),
    (
        "several-events-one-read",
        [b"data: 1\n\nevent: e\ndata: 2\n\ndata: 3\ndata: 4\n\n"],
        [[(M, "1", ""), ("e", "2", ""), (M, "3\n4", "")]],
    ),
    ("multi-line-data", [b"data: a\ndata:\ndata: b\n\n"], [[(M, "a\n\nb", "")]]),
    ("crlf-split-across-reads", [b"data: a\r", b"\ndata: b\r\n\r\n"], [[], [(M, "a\nb", "")]]),
    (
        # The LF after a CR that ended a blank line is not one more blank line: with a
        # sticky id set, one more would dispatch an empty event.
        "cr-blank-line-then-lf",
        [b"id: 7\ndata: a\r\r", b"\ndata: b\n\n"],
        [[(M, "a", "7")], [(M, "b", "7")]],
    ),
    (
        # A CR-ended read leaves its LF to be skipped: the shortcut must not forget it.
        "cr-then-one-event-read-then-lf",
        [b"id: 1\ndata: a\r\r", b"data: b\n\n", b"\n"],
        [[(M, "a", "1")], [(M, "b", "1")], [(M, "", "1")]],
    ),
    (
        # A retry read before an event read is reset by its dispatch, as all fields are.
        "retry-then-one-event-read",
        [b"retry: 5\n", b"data: x\n\n", b"\n"],
        [[], [(M, "x", "")], []],
    ),
    ("cr-then-cr", [b"data: a\r", b"\r"], [[], [(M, "a", "")]]),
    ("comment", [b": keep-alive\n\n"], [[]]),
    ("comments-in-event", [b":c\ndata: a\n: c\ndata: b\n\n"], [[(M, "a\nb", "")]]),
    ("blank-lines", [b"\n\n\r\n\r\r"], [[]]),
    ("event-without-data", [b"event: ping\n\n"], [[("ping", "", "")]]),
    ("empty-data-line", [b"data\n\n"], [[(M, "", "")]]),
    ("empty-data-lines", [b"data:\ndata:\n\n"], [[(M, "\n", "")]]),
    ("retry-alone", [b"retry: 1000\n\n"], [[(M, "", "")]]),
    ("retry-int-syntax", [b"retry: -1_0 \n\n"], [[(M, "", "")]]),
    ("retry-not-int", [b"retry: soon\n\nretry\n\n"], [[]]),
    (
        "sticky-id",
        [b"id: 1\ndata: a\n\n", b"\n", b"data: b\n\n"],
        [[(M, "a", "1")], [(M, "", "1")], [(M, "b", "1")]],
    ),
    ("id-alone", [b"id: 1\n\n"], [[(M, "", "1")]]),
    ("id-reset", [b"id: 1\n\nid\n\n\n"], [[(M, "", "1")]]),
    ("id-with-nul", [b"id: 1\n\nid: 2\x00\ndata: a\n\n"], [[(M, "", "1"), (M, "a", "1")]]),
    ("unknown-fields", [b"data : a\nDATA: b\nfoo: c\n\n"], [[]]),
    ("no-colon-event", [b"event\ndata: a\n\n"], [[(M, "a", "")]]),
    (
        "line-separators-kept",
        [b"data: a\xe2\x80\xa8b\xc2\x85c\x0bd\n\n"],
        [[(M, "a\u2028b\x85c\x0bd", "")]],
    ),
    ("nul-in-data", [b"data: a\x00b\n\n"], [[(M, "a\x00b", "")]]),
    ("bom", [b"\xef\xbb\xbfdata: a\n\n"], [[(M, "a", "")]]),
    ("bom-split", [b"\xef", b"\xbb", b"\xbfdata: a\n\n"], [[], [], [(M, "a", "")]]),
    ("second-bom-is-text", [b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\n"], [[]]),
    ("character-split", [b"data: \xc3", b"\xa9\n\n"], [[], [(M, "é", "")]]),
    ("bad-byte", [b"data: \xff\n\n"], [[(M, "\ufffd", "")]]),
    ("truncated-character", [b"data: \xe2\x82\n\n"], [[(M, "\ufffd", "")]]),
    ("unterminated-event", [b"data: a\n"], [[]]),
    ("unterminated-line", [b"data: a\n\ndata: b"], [[(M, "a", "")]]),
    ("unterminated-character", [b"data: a\n\ndata: \xc3"], [[(M, "a", "")]]),
    ("data-crlf-no-space", [b"data:{}\r\n\r\n"], [[(M, "{}", "")]]),
    ("mixed-line-ends-event", [b"event: a\r\ndata: x\n\n"], [[("a", "x", "")]]),
    ("cr-inside-event-read", [b"event: a\ndata: x\ry\n\n"], [[("a", "x", "")]]),
    ("cr-inside-data-read", [b"data: x\ry\n\n"], [[(M, "x", "")]]),
    ("lf-then-crlf", [b"data: x\n\r\n"], [[(M, "x", "")]]),
    ("empty-reads", [b"", b"data: a\n\n", b""], [[], [(M, "a", "")], []]),
]


@pytest.mark.parametrize(
    ("reads", "per_feed"), [c[1:] for c in UNIT_CASES], ids=[c[0] for c in UNIT_CASES]
)
def test_unit_case(reads: list[bytes], per_feed: list[list[Triple]]) -> None:
    reader = SSEReader()
    assert [triples(reader.feed(data)) for data in reads] == per_feed
    assert reader.close() == []
    assert read(reads) == oracle(reads)  # the hand-written values are httpx-sse's too


@pytest.mark.parametrize(
    "event",
    [b'data: {"t":"\xc3\xa9"}\n\n', b'event: delta\ndata: {"t":"\xe2\x82\xac"}\n\n'],
    ids=["data", "event-and-data"],
)
def test_event_split_at_every_point(event: bytes) -> None:
    whole = triples(SSEReader().feed(event))
    assert len(whole) == 1 and whole[0][1].startswith('{"t":')
    for i in range(len(event) + 1):
        reader = SSEReader()
        first = triples(reader.feed(event[:i]))
        second = triples(reader.feed(event[i:]))
        # The event comes with the read holding its final LF, not before.
        assert (first, second) == (([], whole) if i < len(event) else (whole, [])), i
        assert reader.close() == []


def test_close_ends_the_body_and_the_reader_reads_a_new_one() -> None:
    reader = SSEReader()
    assert triples(reader.feed(b"id: 1\ndata: a\n\nevent: e\ndata: b")) == [(M, "a", "1")]
    assert reader.close() == []  # the unterminated event is not dispatched
    # A new body: no leftover line, fields or last id (a blank line dispatches nothing).
    assert triples(reader.feed(b"\n\ndata: c\n\n")) == [(M, "c", "")]


def test_cr_ending_the_body() -> None:
    # httpx-sse holds a CR at the end of a read until the next (here: its flush) to see if
    # an LF follows; SSEReader dispatches the blank line it ends at once. Same events.
    reads = [b"data: a\n\r"]
    reader = SSEReader()
    assert triples(reader.feed(reads[0])) == [(M, "a", "")]
    assert reader.close() == []
    assert oracle(reads) == [(M, "a", "")]


def test_event_repr() -> None:
    event = SSEEvent("{}", "delta", "7")
    assert (event.data, event.event, event.id) == ("{}", "delta", "7")
    assert repr(event) == "SSEEvent(data='{}', event='delta', id='7')"
    assert (SSEEvent("x").event, SSEEvent("x").id) == ("message", "")
