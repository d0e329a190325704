"""Content-Encoding undone from a body's raw bytes (codecs/framing/content.py).

gzip, x-gzip, deflate (zlib-wrapped and raw) and stacks of them decode to the plain bytes
at every split of the compressed body, in pieces of at most ``piece_bytes``; corrupt and
truncated data, and codings it does not know, raise typed errors naming the coding; a body
read whole stops at ``max_body_bytes``; a stream's raw reads go through the decoder into a
frame reader with nothing lost and nothing more held than a piece at a time, so that a
decompression bomb costs about the limit it passes.
"""

from __future__ import annotations

import tracemalloc
import zlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pytest

from llm_connector.codecs.framing import frame_reader
from llm_connector.codecs.framing.content import (
    ACCEPT_ENCODING,
    BodyCollector,
    BodyDecoder,
    close_raw_frames,
    raw_frames,
)
from llm_connector.codecs.framing.ndjson import NDJSONReader
from llm_connector.codecs.framing.sse import SSEReader
from llm_connector.errors import ResponseDecodeError, ResponseTooLargeError, StreamDecodeError
from tests.support.compressed import CODINGS, MiB, encode, gzip_bomb, gzip_member
from tests.support.paths import DATA

SMALL = (DATA / "openai-chat" / "tool-call-include-usage-gpt4omini.sse").read_bytes()
LARGE = (DATA / "openai-compat" / "deepseek-reasoner-stream.sse").read_bytes()
NDJSON = (DATA / "ollama" / "chat-stream-llama3.ndjson").read_bytes()

STACKS = [[c] for c in CODINGS] + [
    ["gzip", "deflate"],
    ["deflate", "gzip"],
    ["raw-deflate", "gzip"],
    ["gzip", "gzip"],
    ["gzip", "raw-deflate", "x-gzip"],
]
STACK_IDS = ["+".join(stack) for stack in STACKS]


def decode(
    header: str | None, reads: Iterable[bytes], *, stream: bool = True, piece: int = 65536
) -> bytes:
    decoder = BodyDecoder(header, stream=stream, piece_bytes=piece)
    out = []
    for raw in reads:
        for part in decoder.feed(raw):
            assert 0 < len(part) <= piece
            out.append(part)
    out += decoder.flush()
    return b"".join(out)


def two_pieces(data: bytes, every: int = 1) -> Iterable[list[bytes]]:
    for i in range(0, len(data) + 1, every):
        yield [data[:i], data[i:]]


# -- decoding ------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS, ids=STACK_IDS)
def test_every_split_of_a_small_body_decodes_to_the_plain_bytes(stack: list[str]) -> None:
    encoded, header = encode(SMALL, stack)
    assert decode(header, [encoded]) == SMALL
    assert decode(header, [encoded[i : i + 1] for i in range(len(encoded))]) == SMALL
    for reads in two_pieces(encoded):
        assert decode(header, reads, piece=512) == SMALL, [len(r) for r in reads]


@pytest.mark.parametrize("stack", STACKS, ids=STACK_IDS)
def test_sampled_splits_of_a_large_body_decode_to_the_plain_bytes(stack: list[str]) -> None:
    encoded, header = encode(LARGE, stack)
    for reads in two_pieces(encoded, every=max(1, len(encoded) // 200)):
        assert decode(header, reads, piece=4096) == LARGE
    for size in (1, 7, 4096):
        reads = [encoded[i : i + size] for i in range(0, len(encoded), size)]
        assert decode(header, reads, piece=1000) == LARGE


def test_pieces_are_at_most_piece_bytes_and_inflated_one_at_a_time() -> None:
    encoded, _ = encode(b"\0" * (4 * MiB), ["gzip"])
    decoder = BodyDecoder("gzip", stream=False, piece_bytes=1000)
    pieces = iter(decoder.feed(encoded))  # one read, 4 MiB inside
    assert len(next(pieces)) == 1000  # lazily: the rest is not inflated yet
    assert sum(map(len, pieces)) == 4 * MiB - 1000
    assert decoder.flush() == []


@pytest.mark.parametrize("header", [None, "", "identity", "IDENTITY", " none ", "identity, "])
def test_identity_hands_the_read_back_itself(header: str | None) -> None:
    decoder = BodyDecoder(header, stream=True)
    assert decoder.identity and decoder.encodings == ()
    raw = b"data: x\n\n"
    (piece,) = decoder.feed(raw)
    assert piece is raw
    assert decoder.flush() == []


@pytest.mark.parametrize("header", ["GZIP", " gzip ", "x-gzip", "gzip, identity", "Deflate"])
def test_names_are_read_as_http_says(header: str) -> None:
    coding = "deflate" if "eflate" in header else "gzip"
    encoded, _ = encode(SMALL, [coding])
    assert decode(header, [encoded]) == SMALL


def test_accept_encoding_names_what_it_decodes() -> None:
    for coding in ACCEPT_ENCODING.split(", "):
        BodyDecoder(coding, stream=True)


def test_gzip_members_decode_to_all_of_them_and_trailing_bytes_are_ignored() -> None:
    body = gzip_member(b"one ") + gzip_member(b"") + gzip_member(b"two")
    for reads in two_pieces(body):
        assert decode("gzip", reads) == b"one two"
    for trailing in (b"\0", b"\0" * 8, b"\n", b"garbage after the member"):
        assert decode("gzip", [body + trailing]) == b"one two"


def test_bytes_after_a_deflate_stream_are_ignored() -> None:
    assert decode("deflate", [zlib.compress(b"abc") + b"trailing"]) == b"abc"


def test_an_empty_body_is_empty_in_any_coding() -> None:
    for header in ("gzip", "deflate", "gzip, deflate"):
        assert decode(header, []) == b""
        assert decode(header, [b""]) == b""


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("coding", ["br", "zstd", "compress", "x-compress", "bogus"])
def test_an_unknown_coding_is_refused_by_name(coding: str) -> None:
    with pytest.raises(StreamDecodeError, match=f"Content-Encoding '{coding}' is not one"):
        BodyDecoder(coding, stream=True)
    with pytest.raises(ResponseDecodeError, match=f"'{coding}'") as raised:
        BodyDecoder(f"gzip, {coding}", stream=False)
    assert not isinstance(raised.value, StreamDecodeError)
    with pytest.raises(ResponseDecodeError, match=f"'{coding}'"):
        BodyCollector(coding, 1000)


CORRUPT = [
    ("gzip", b"\x1f\x8b\x08\x00" + b"\xff" * 40),  # a header, then garbage
    ("gzip", b"not gzip at all"),
    ("gzip", gzip_member(b"x" * 1000)[:20] + b"\xff" * 20 + gzip_member(b"x" * 1000)[40:]),
    ("gzip", gzip_member(b"abc")[:-8] + b"\0\0\0\0" + gzip_member(b"abc")[-4:]),  # its CRC
    ("deflate", b"\x78\x9c\x07"),  # a zlib header, then a block of the reserved type
    ("deflate", zlib.compress(b"abc")[:-1] + b"\0"),  # its Adler-32
    ("deflate", b"\xff\xff\xff\xff"),  # raw deflate, the reserved block type
]


@pytest.mark.parametrize(
    ("coding", "data"), CORRUPT, ids=[f"{c}-{i}" for i, (c, _) in enumerate(CORRUPT)]
)
@pytest.mark.parametrize("stream", [True, False])
def test_corrupt_data_raises_naming_the_coding(coding: str, data: bytes, stream: bool) -> None:
    with pytest.raises(ResponseDecodeError) as raised:
        decode(coding, [data], stream=stream)
    assert isinstance(raised.value, StreamDecodeError) is stream
    assert str(raised.value).startswith(f"the {coding}-encoded body is corrupt: ")


def test_a_corrupt_layer_of_a_stack_is_named() -> None:
    inner = b"\x1f\x8bnot really gzip"
    with pytest.raises(StreamDecodeError, match="the gzip-encoded body is corrupt"):
        decode("gzip, deflate", [zlib.compress(inner)])


@pytest.mark.parametrize("stack", STACKS, ids=STACK_IDS)
@pytest.mark.parametrize("stream", [True, False])
def test_every_truncation_raises_naming_the_coding(stack: list[str], stream: bool) -> None:
    encoded, header = encode(SMALL, stack)
    for end in range(1, len(encoded)):
        with pytest.raises(
            ResponseDecodeError, match=r"-encoded body is (truncated|corrupt)"
        ) as raised:
            decode(header, [encoded[:end]], stream=stream)
        assert isinstance(raised.value, StreamDecodeError) is stream
    assert "truncated" in str(raised.value)  # cut in the last layer's trailer


# -- a body read whole ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "stack", [[], ["gzip"], ["deflate", "gzip"]], ids=["identity", "gzip", "stack"]
)
def test_a_body_of_exactly_the_limit_passes_one_more_byte_raises(stack: list[str]) -> None:
    limit = len(SMALL)
    encoded, header = encode(SMALL, stack)
    for reads in [[encoded], [encoded[i : i + 100] for i in range(0, len(encoded), 100)]]:
        collector = BodyCollector(header or None, limit, piece_bytes=700)
        for raw in reads:
            collector.feed(raw)
        assert collector.finish() == SMALL
    encoded, header = encode(SMALL + b"x", stack)
    collector = BodyCollector(header or None, limit, piece_bytes=700)
    with pytest.raises(ResponseTooLargeError) as raised:
        feed_all(collector, [encoded])
    exc = raised.value
    assert isinstance(exc, ResponseDecodeError)
    assert (exc.limit_name, exc.limit) == ("max_body_bytes", limit)
    assert str(exc) == f"the response body is larger than max_body_bytes ({limit:,} bytes)"
    with pytest.raises(ResponseTooLargeError):
        collector.feed(b"")
    with pytest.raises(ResponseTooLargeError):
        collector.finish()


def feed_all(collector: BodyCollector, reads: Sequence[bytes]) -> None:
    for raw in reads:
        collector.feed(raw)


def test_an_identity_body_in_one_read_is_not_copied() -> None:
    collector = BodyCollector(None, 100)
    raw = b'{"ok": true}'
    collector.feed(raw)
    assert collector.finish() is raw


def test_a_truncated_body_read_whole_raises() -> None:
    collector = BodyCollector("gzip", 1 << 20)
    collector.feed(gzip_member(SMALL)[:-4])
    with pytest.raises(ResponseDecodeError, match="the gzip-encoded body is truncated") as raised:
        collector.finish()
    assert not isinstance(raised.value, StreamDecodeError)


def peak_mib(run: Callable[[], object]) -> float:
    """The peak traced memory of ``run()``, which must raise ResponseTooLargeError, in MiB."""
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError):
            run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MiB


@pytest.fixture(scope="module")
def zeros_bomb() -> bytes:
    """0.5 MB of gzip that inflates to 512 MiB of zeros."""
    bomb = gzip_bomb(b"", b"\0" * MiB, 512)
    assert len(bomb) < 600_000
    return bomb


def test_a_bomb_read_whole_is_refused_at_the_limit_holding_about_the_limit(
    zeros_bomb: bytes,
) -> None:
    def run() -> None:
        collector = BodyCollector("gzip", 64 * MiB)
        collector.feed(zeros_bomb)  # one read: inflated piece by piece, counted as it goes
        collector.finish()

    assert peak_mib(run) < 2.5 * 64


def test_a_stacked_bomb_read_whole_is_refused_holding_about_the_limit(zeros_bomb: bytes) -> None:
    twice = gzip_member(zeros_bomb)  # gzip of a gzip bomb: far more than 1000 to 1
    assert len(twice) < len(zeros_bomb) // 10

    def run() -> None:
        collector = BodyCollector("gzip, gzip", 16 * MiB)
        for i in range(0, len(twice), 4096):
            collector.feed(twice[i : i + 4096])

    assert peak_mib(run) < 2.5 * 16


# -- a stream's raw reads ------------------------------------------------------------------


def frames_of(reader: Any, decoder: BodyDecoder, reads: Iterable[bytes]) -> list[tuple[str, str]]:
    per_read = raw_frames(reader, decoder)
    frames = [frame for raw in reads for frame in per_read(raw)]
    frames += close_raw_frames(reader, decoder)
    return [(frame.event, frame.data) for frame in frames]


def test_with_no_coding_the_per_read_function_is_the_readers_feed() -> None:
    reader = SSEReader()
    decoder = BodyDecoder(None, stream=True)
    assert raw_frames(reader, decoder) == reader.feed
    assert close_raw_frames(reader, decoder) == []


@pytest.mark.parametrize(
    ("body", "make"), [(SMALL, SSEReader), (NDJSON, NDJSONReader)], ids=["sse", "ndjson"]
)
@pytest.mark.parametrize(
    "stack", [["gzip"], ["raw-deflate"], ["gzip", "deflate"]], ids=["gzip", "raw-deflate", "stack"]
)
def test_frames_of_a_compressed_stream_at_every_split_are_the_plain_ones(
    body: bytes, make: Callable[[], Any], stack: list[str]
) -> None:
    plain = frames_of(make(), BodyDecoder(None, stream=True), [body])
    assert len(plain) > 3
    encoded, header = encode(body, stack)
    for reads in two_pieces(encoded):
        decoder = BodyDecoder(header, stream=True, piece_bytes=256)
        assert frames_of(make(), decoder, reads) == plain
    bytewise = [encoded[i : i + 1] for i in range(len(encoded))]
    assert frames_of(make(), BodyDecoder(header, stream=True, piece_bytes=256), bytewise) == plain


def test_a_limit_inside_one_raw_read_loses_nothing_before_it() -> None:
    body = b"data: a\n\ndata: b\n\ndata: " + b"x" * 5000 + b"\n\ndata: c\n\n"
    encoded, _ = encode(body, ["gzip"])
    reader = SSEReader(1000)
    per_read = raw_frames(reader, BodyDecoder("gzip", stream=True, piece_bytes=100))
    got: list[str] = []
    with pytest.raises(ResponseTooLargeError):
        # One raw read: pieces of 100 bytes, framed in turn.
        got.extend(frame.data for frame in per_read(encoded))
    assert got == ["a", "b"]


def test_a_truncated_compressed_stream_raises_at_the_end() -> None:
    encoded, _ = encode(SMALL, ["gzip"])
    reader = SSEReader()
    decoder = BodyDecoder("gzip", stream=True)
    per_read = raw_frames(reader, decoder)
    frames = list(per_read(encoded[:-10]))
    assert frames  # the events inflated so far came out
    with pytest.raises(StreamDecodeError, match="the gzip-encoded body is truncated"):
        close_raw_frames(reader, decoder)


def test_a_limit_passed_earlier_is_the_error_the_end_raises() -> None:
    body = b"data: a\n\n: " + b"x" * 5000
    encoded, _ = encode(body, ["gzip"])
    reader = SSEReader(1000)
    decoder = BodyDecoder("gzip", stream=True)
    assert [frame.data for frame in raw_frames(reader, decoder)(encoded[:-10])] == ["a"]
    with pytest.raises(ResponseTooLargeError):  # the deferred limit, not the truncation
        close_raw_frames(reader, decoder)


def test_a_stream_bomb_of_one_event_is_refused_holding_about_the_limit() -> None:
    bomb = gzip_bomb(b"data: ", b"x" * MiB, 512)

    def run() -> None:
        per_read = raw_frames(SSEReader(16 * MiB), BodyDecoder("gzip", stream=True))
        for _ in per_read(bomb):
            pass

    assert peak_mib(run) < 2.5 * 16


def test_a_stream_bomb_of_one_line_is_refused_holding_about_the_limit() -> None:
    bomb = gzip_bomb(b'{"a":"', b"x" * MiB, 512)

    def run() -> None:
        per_read = raw_frames(NDJSONReader(16 * MiB), BodyDecoder("gzip", stream=True))
        for _ in per_read(bomb):
            pass

    assert peak_mib(run) < 2.5 * 16


def test_a_stream_bomb_of_small_events_is_inflated_only_as_far_as_it_is_read() -> None:
    # 16 MiB of tiny events within every limit (1.7 million frames, some 200 MB of objects
    # if framed at once): each raw read's frames come out a piece at a time, so a reader
    # that takes a few thousand holds a few thousand.
    unit = b"data: {}\n\n" * (MiB // 10)
    bomb = gzip_bomb(b"", unit, 16)
    tracemalloc.start()
    try:
        per_read = raw_frames(frame_reader("sse"), BodyDecoder("gzip", stream=True))
        frames = iter(per_read(bomb))
        taken = [next(frames) for _ in range(10_000)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert {frame.data for frame in taken} == {"{}"}
    assert peak < 8 * MiB
