"""Compressed bodies for the Content-Encoding tests (tests/framing): a body in each coding a
server may send, stacks of them, and decompression bombs made in milliseconds.

Written with zlib directly (gzip with its header built here, zlib-wrapped and raw
deflate), independent of llm_connector/codecs/framing/content.py, which they test.
"""

from __future__ import annotations

import struct
import zlib

MiB = 1024 * 1024

#: The codings ``encode`` knows; "raw-deflate" is what some servers send as "deflate".
CODINGS = ("gzip", "x-gzip", "deflate", "raw-deflate")

_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # deflate, no name, no mtime


def gzip_member(body: bytes) -> bytes:
    """One gzip member (RFC 1952) holding ``body``."""
    deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    data = deflate.compress(body) + deflate.flush()
    return _GZIP_HEADER + data + struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF)


def encode_one(body: bytes, coding: str) -> bytes:
    """``body`` in one coding of CODINGS."""
    if coding in ("gzip", "x-gzip"):
        return gzip_member(body)
    if coding == "deflate":
        return zlib.compress(body)
    if coding == "raw-deflate":
        deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        return deflate.compress(body) + deflate.flush()
    raise ValueError(coding)


def header_name(coding: str) -> str:
    """The Content-Encoding name a server sends for ``coding``."""
    return "deflate" if coding == "raw-deflate" else coding


def encode(body: bytes, codings: list[str]) -> tuple[bytes, str]:
    """``body`` with ``codings`` applied in order, and the Content-Encoding header saying so
    (``"gzip, deflate"``: gzipped, then deflated)."""
    for coding in codings:
        body = encode_one(body, coding)
    return body, ", ".join(header_name(coding) for coding in codings)


def gzip_bomb(prefix: bytes, unit: bytes, repeat: int) -> bytes:
    """A gzip body of ``prefix`` then ``unit`` ``repeat`` times, made in milliseconds: the
    unit is compressed once, cut off by a full flush (which resets the compressor, so every
    repetition compresses to the same bytes), and its bytes repeated. A unit of about 1 MiB
    of one byte compresses about 1000 to 1."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = deflate.compress(prefix) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(unit) + deflate.flush(zlib.Z_FULL_FLUSH)
    assert deflate.compress(unit) + deflate.flush(zlib.Z_FULL_FLUSH) == block
    end = deflate.flush()
    crc = zlib.crc32(prefix)
    for _ in range(repeat):
        crc = zlib.crc32(unit, crc)
    size = len(prefix) + len(unit) * repeat
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return _GZIP_HEADER + head + block * repeat + end + trailer
