"""NDJSON framing (``_ndjson.NDJSONLines``) gives the same lines however the bytes arrive.

The reference splits the whole body at LF, then applies the framing's rules to each piece:
a byte order mark before the first line is dropped, each line is decoded as UTF-8 with
replacement, a trailing CR is dropped, and blank lines are skipped. The body is then cut
into arbitrary reads, including reads that each hold exactly one whole line (the
framing's fast path), and the two results must be equal.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llm_connector.codecs.framing.ndjson import NDJSONLines

BOM = b"\xef\xbb\xbf"


def reference(body: bytes) -> list[str]:
    pieces = body.split(b"\n")
    if pieces[0].startswith(BOM):
        pieces[0] = pieces[0][3:]
    lines = [piece.decode("utf-8", "replace").rstrip("\r") for piece in pieces]
    return [line for line in lines if line.strip()]


def framed(reads: list[bytes]) -> list[str]:
    lines = NDJSONLines()
    out = [line for data in reads for line in lines.feed(data)]
    return out + lines.flush()


_line = st.lists(
    st.sampled_from(
        [b"{", b'"a"', b":", b"1", b"}", b"\r", b" ", b"\xc3", b"\xa9", b"\xe2\x80\xa8"]
    ),
    max_size=6,
).map(b"".join)
_body = st.tuples(st.booleans(), st.lists(_line, max_size=8), st.booleans()).map(
    lambda t: (BOM if t[0] else b"") + b"\n".join(t[1]) + (b"\n" if t[2] else b"")
)


@given(_body, st.lists(st.integers(0, 200), max_size=6))
def test_any_reads_give_the_reference_lines(body: bytes, cuts: list[int]) -> None:
    points = sorted({min(cut, len(body)) for cut in cuts})
    reads = [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=True)]
    assert framed([read for read in reads if read]) == reference(body)


@given(st.lists(_line, min_size=1, max_size=8), st.booleans())
def test_one_line_per_read(lines: list[bytes], bom: bool) -> None:
    body = (BOM if bom else b"") + b"".join(line + b"\n" for line in lines)
    reads = [line + b"\n" for line in lines]
    reads[0] = (BOM if bom else b"") + reads[0]
    assert framed(reads) == reference(body)


def test_known_lines() -> None:
    reads = [BOM + b'{"a":1}\r\n', b"\n", b'{"b":\xe2\x80\xa82}\n', b"  \r\n", b'{"c"', b":3}"]
    assert framed(reads) == ['{"a":1}', '{"b":\u20282}', '{"c":3}']
