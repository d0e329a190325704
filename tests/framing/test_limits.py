"""The frame readers keep within ``max_event_bytes``: exactly at the limit passes, one more
raises ``ResponseTooLargeError``, however the bytes are split; what arrived before the
offending event is handed out first (the contract on ``FrameReader`` in
codecs/contract.py); after it the reader holds nothing, and tiny reads cost about the
characters held, not an object each.

SSE counts decoded characters of an event's data (and of any one line, less ``data:`` and
a space); NDJSON counts the bytes of a line less its line end.
"""

from __future__ import annotations

import itertools
import sys
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from llm_connector.codecs.framing import FRAME_READERS, frame_reader
from llm_connector.codecs.framing.ndjson import NDJSONLines, NDJSONReader
from llm_connector.codecs.framing.sse import SSEReader
from llm_connector.errors import ResponseTooLargeError, StreamDecodeError
from llm_connector.types._size_limits import DEFAULT_SIZE_LIMITS

L = 10  # the limit of the boundary tests: small, so that every split is cheap


def splits(body: bytes) -> list[list[bytes]]:
    """The body whole, in two at every index, and a byte at a time."""
    ways = [[body]]
    ways += [[body[:i], body[i:]] for i in range(1, len(body))]
    ways.append([body[i : i + 1] for i in range(len(body))])
    return ways


def read_all(make: Callable[[], Any], reads: Sequence[bytes]) -> tuple[list[str], bool]:
    """The frames' data until the reader raises, and whether it raised the limit."""
    reader = make()
    got: list[str] = []
    limit = None
    try:
        for data in reads:
            got += [frame.data for frame in reader.feed(data)]
        got += [frame.data for frame in reader.close()]
    except ResponseTooLargeError as exc:
        limit = (exc.limit_name, exc.limit)
    assert limit in (None, ("max_event_bytes", L))
    return got, limit is not None


def feed_all(reader: Any, reads: Sequence[bytes]) -> None:
    for data in reads:
        reader.feed(data)


def sse(limit: int = L) -> SSEReader:
    return SSEReader(max_event_bytes=limit)


def ndjson(limit: int = L) -> NDJSONReader:
    return NDJSONReader(max_event_bytes=limit)


# -- the default, and the error ------------------------------------------------------------


def test_the_default_limit_is_size_limits_default() -> None:
    assert DEFAULT_SIZE_LIMITS.max_event_bytes == 16 * 1024 * 1024
    big = b"x" * (16 * 1024 * 1024)
    assert [e.data for e in SSEReader().feed(b"data: " + big + b"\n\n")] == [big.decode()]
    with pytest.raises(ResponseTooLargeError):
        SSEReader().feed(b"data: " + big + b"x\n\n")
    assert [f.data for f in NDJSONReader().feed(big + b"\n")] == [big.decode()]
    with pytest.raises(ResponseTooLargeError):
        NDJSONReader().feed(big + b"x\n")


def test_frame_reader_passes_the_limit_on() -> None:
    assert set(FRAME_READERS) == {"sse", "ndjson", "eventstream"}
    # An event stream message of 16 bytes: a prelude and a CRC, no headers, no payload.
    message = bytes.fromhex("000000100000000005c248eb7d98c8ff")
    for framing, body in (
        ("sse", b"data: 0123456789x\n\n"),
        ("ndjson", b"0123456789x\n"),
        ("eventstream", message),
    ):
        with pytest.raises(ResponseTooLargeError):
            frame_reader(framing, max_event_bytes=L).feed(body)
        assert len(frame_reader(framing).feed(body)) == 1


@pytest.mark.parametrize(
    ("make", "body", "what"),
    [
        (sse, b"data: 0123456789x\n\n", "a stream event"),
        (ndjson, b"0123456789x\n", "an NDJSON line"),
    ],
    ids=["sse", "ndjson"],
)
def test_the_error(make: Callable[[], Any], body: bytes, what: str) -> None:
    with pytest.raises(ResponseTooLargeError) as raised:
        make().feed(body)
    exc = raised.value
    assert isinstance(exc, StreamDecodeError)
    assert (exc.limit_name, exc.limit) == ("max_event_bytes", L)
    assert str(exc) == f"{what} is larger than max_event_bytes (10 bytes)"


# -- SSE at the boundary -------------------------------------------------------------------

X = "0123456789"  # L characters

SSE_AT_LIMIT = [
    ("data-space", f"data: {X}\n\n", [X]),
    ("data-no-space", f"data:{X}\n\n", [X]),
    ("crlf", f"data: {X}\r\n\r\n", [X]),
    ("cr", f"data: {X}\r\r", [X]),
    ("two-data-lines", "data: 01234\ndata: 5678\n\n", ["01234\n5678"]),
    ("empty-data-lines", "data\n" * (L + 1) + "\n", ["\n" * L]),
    ("event-line", "event: 012\ndata: x\n\n", ["x"]),
    ("event-name-line", "event:0123\ndata: x\n\n", ["x"]),
    ("comment-line", ": 34567890\ndata: x\n\n", ["x"]),
    ("id-line", "id: 012345\ndata: x\n\n", ["x"]),
    ("unknown-field", "0123456789\ndata: x\n\n", ["x"]),
    ("multibyte", f"data: {'é' * L}\n\n", ["é" * L]),  # characters, not bytes
    ("two-events", f"data: {X}\n\ndata: {X}\n\n", [X, X]),
    ("after-bom", f"\ufeffdata: {X}\n\n", [X]),
]
SSE_PAST_LIMIT = [
    ("data-space", f"data: {X}x\n\n"),
    ("data-no-space", f"data:{X}x\n\n"),
    ("data-two-spaces", f"data:  {X}\n\n"),  # the second space is data
    ("crlf", f"data: {X}x\r\n\r\n"),
    ("two-data-lines", "data: 01234\ndata: 56789\n\n"),
    ("empty-data-lines", "data\n" * (L + 2) + "\n"),
    ("event-line", "event: 0123\ndata: x\n\n"),
    ("comment-line", ": 345678901\ndata: x\n\n"),
    ("id-line", "id: 0123456\ndata: x\n\n"),
    ("unknown-field", "0123456789x\ndata: x\n\n"),
    ("multibyte", f"data: {'é' * (L + 1)}\n\n"),
    ("unterminated-line", f"data: {X}x"),
    ("unterminated-event", f"data: {X}x\n"),
    ("second-event", f"data: {X}\n\ndata: {X}x\n\n"),
]


@pytest.mark.parametrize(
    ("body", "events"), [c[1:] for c in SSE_AT_LIMIT], ids=[c[0] for c in SSE_AT_LIMIT]
)
def test_sse_at_the_limit_passes(body: str, events: list[str]) -> None:
    for reads in splits(body.encode()):
        assert read_all(sse, reads) == (events, False), reads


@pytest.mark.parametrize("body", [c[1] for c in SSE_PAST_LIMIT], ids=[c[0] for c in SSE_PAST_LIMIT])
def test_sse_past_the_limit_raises(body: str) -> None:
    before = [X] if body.startswith(f"data: {X}\n\n") else []
    for reads in splits(body.encode()):
        assert read_all(sse, reads) == (before, True), reads


def test_sse_an_unfinished_line_is_refused_once_it_cannot_be_within_the_limit() -> None:
    # "data: " + L characters may still end well; one more character cannot.
    reader = sse()
    assert reader.feed(b"data: " + X.encode()) == []
    with pytest.raises(ResponseTooLargeError):
        reader.feed(b"x")
    # Within that, any other line is judged when its end comes (the body may end first).
    reader = sse()
    assert reader.feed(b": " + X.encode() + b"1234") == []
    assert reader.close() == []
    reader = sse()
    assert reader.feed(b": " + X.encode() + b"1234") == []
    with pytest.raises(ResponseTooLargeError):
        reader.feed(b"\n")


def test_sse_a_long_read_of_short_events_passes() -> None:
    # The shortcut for one event per read is measured by the read's length: a read longer
    # than the limit goes the general way, which measures each event.
    body = b"".join(b"data: %d\n\n" % i for i in range(1000))
    events = sse().feed(body)
    assert [e.data for e in events] == [str(i) for i in range(1000)]


# -- NDJSON at the boundary ----------------------------------------------------------------

NDJSON_AT_LIMIT = [
    ("lf", f"{X}\n", [X]),
    ("crlf", f"{X}\r\n", [X]),
    ("last-line-unterminated", f"{X}", [X]),
    ("last-line-cr", f"{X}\r", [X]),
    ("multibyte", f"{'é' * (L // 2)}\n", ["é" * (L // 2)]),  # bytes, not characters
    ("two-lines", f"{X}\n{X}\n", [X, X]),
    ("blank-lines", f"\n\n{X}\n\n", [X]),
]
NDJSON_PAST_LIMIT = [
    ("lf", f"{X}x\n"),
    ("crlf", f"{X}x\r\n"),
    ("cr-in-line", f"{X}\rx\n"),
    ("two-crs", f"{X}\r\r\n"),
    ("last-line-unterminated", f"{X}x"),
    ("last-line-cr", f"{X}x\r"),
    ("multibyte", f"{'é' * (L // 2)}x\n"),
    ("second-line", f"{X}\n{X}x\n"),
]


@pytest.mark.parametrize(
    ("body", "lines"), [c[1:] for c in NDJSON_AT_LIMIT], ids=[c[0] for c in NDJSON_AT_LIMIT]
)
def test_ndjson_at_the_limit_passes(body: str, lines: list[str]) -> None:
    for reads in splits(body.encode()):
        assert read_all(ndjson, reads) == (lines, False), reads


@pytest.mark.parametrize(
    "body", [c[1] for c in NDJSON_PAST_LIMIT], ids=[c[0] for c in NDJSON_PAST_LIMIT]
)
def test_ndjson_past_the_limit_raises(body: str) -> None:
    before = [X] if body.startswith(f"{X}\n") else []
    for reads in splits(body.encode()):
        assert read_all(ndjson, reads) == (before, True), reads


def test_ndjson_an_unfinished_line_is_refused_once_it_cannot_be_within_the_limit() -> None:
    reader = ndjson()
    assert reader.feed(X.encode() + b"\r") == []  # a CR of a CRLF may follow
    with pytest.raises(ResponseTooLargeError):
        reader.feed(b"x")


def test_ndjson_lines_keep_the_same_limit() -> None:
    lines = NDJSONLines(max_event_bytes=L)
    assert lines.feed(X.encode() + b"\n" + X.encode()) == [X]
    assert lines.flush() == [X]
    lines = NDJSONLines(max_event_bytes=L)
    assert lines.feed(X.encode() + b"\n" + X.encode() + b"x") == [X]
    with pytest.raises(ResponseTooLargeError):
        lines.flush()


# -- the deferred error --------------------------------------------------------------------

DEFERRED = [
    ("sse", sse, b"data: a\n\ndata: b\n\ndata: " + X.encode() + b"x\n\ndata: c\n\n", ["a", "b"]),
    ("sse-unfinished", sse, b"data: a\n\n: " + X.encode() * 2, ["a"]),
    ("ndjson", ndjson, b"a\nb\n" + X.encode() + b"x\nc\n", ["a", "b"]),
    ("ndjson-unfinished", ndjson, b"a\n" + X.encode() * 2, ["a"]),
]


@pytest.mark.parametrize(
    ("make", "body", "before"), [c[1:] for c in DEFERRED], ids=[c[0] for c in DEFERRED]
)
@pytest.mark.parametrize("then", ["feed", "close"])
def test_frames_before_the_limit_come_first_then_the_error(
    make: Callable[[], Any], body: bytes, before: list[str], then: str
) -> None:
    reader = make()
    assert [frame.data for frame in reader.feed(body)] == before  # all in one read
    more = b"data: d\n\n" if make is sse else b"d\n"
    with pytest.raises(ResponseTooLargeError):
        reader.feed(more) if then == "feed" else reader.close()


@pytest.mark.parametrize("make", [sse, ndjson], ids=["sse", "ndjson"])
def test_a_failed_reader_raises_until_closed_then_reads_a_new_body(
    make: Callable[[], Any],
) -> None:
    reader = make()
    good = b"data: a\n\n" if make is sse else b"a\n"
    with pytest.raises(ResponseTooLargeError):
        reader.feed(b"data: " + X.encode() * 2 if make is sse else X.encode() * 2)
    for _ in range(3):
        with pytest.raises(ResponseTooLargeError):
            reader.feed(good)
    with pytest.raises(ResponseTooLargeError):
        reader.close()
    assert [frame.data for frame in reader.feed(good)] == ["a"]
    assert reader.close() == []


# -- memory --------------------------------------------------------------------------------


def held_after(make: Callable[[], Any], reads: Sequence[bytes], *, raises: bool) -> tuple[int, int]:
    """(traced bytes still held with the reader alive after the reads, peak while reading);
    the reads are built before tracing starts."""
    tracemalloc.start()
    try:
        reader = make()
        if raises:
            with pytest.raises(ResponseTooLargeError):
                feed_all(reader, reads)
        else:
            for data in reads:
                assert not reader.feed(data)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del reader
    return held, peak


@pytest.mark.parametrize("framing", ["sse", "ndjson"])
def test_past_the_limit_the_reader_holds_nothing(framing: str) -> None:
    limit = 1 << 20
    piece = b"x" * 65536
    reads = [b"data: " if framing == "sse" else b"{", *[piece] * 24]  # 1.5 MiB, one line
    held, peak = held_after(lambda: frame_reader(framing, limit), reads, raises=True)
    assert held < 64 * 1024
    assert peak < 1.5 * limit


@pytest.mark.parametrize("read", [b"xy", "é".encode(), "€".encode(), "😀".encode()])
def test_sse_tiny_reads_of_a_long_line_hold_about_its_characters(read: bytes) -> None:
    # Each read its own string (2 characters, or one past Latin-1) held in a list would be
    # 30 to 60 bytes apiece: ten times the characters or more.
    count = 65536 // len(read.decode())
    reads = [b"data: ", *[read] * count]
    held, _ = held_after(lambda: SSEReader(1 << 20), reads, raises=False)
    assert held < 1.5 * sys.getsizeof(read.decode() * count) + 16 * 1024


def test_sse_many_short_data_lines_hold_about_their_characters() -> None:
    reads = [b"data: x\n"] * 50_000  # one event of 50,000 data lines, not yet dispatched
    held, _ = held_after(lambda: SSEReader(1 << 20), reads, raises=False)
    assert held < 1.5 * 100_000 + 16 * 1024  # "x\n" each


def test_ndjson_tiny_reads_of_a_long_line_hold_about_its_bytes() -> None:
    reads = [b"x"] * 65536
    held, _ = held_after(lambda: NDJSONReader(1 << 20), reads, raises=False)
    assert held < 1.5 * 65536 + 16 * 1024


def test_the_limit_holds_at_any_read_size() -> None:
    # A long line in reads of every size from 1 to 9 bytes, cycling: refused all the same.
    body = b"data: " + b"x" * 200
    sizes = itertools.cycle(range(1, 10))
    reads = []
    i = 0
    while i < len(body):
        n = next(sizes)
        reads.append(body[i : i + n])
        i += n
    for limit in (50, 100, 193):
        with pytest.raises(ResponseTooLargeError):
            feed_all(SSEReader(limit), reads)
