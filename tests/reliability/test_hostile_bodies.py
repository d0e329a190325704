"""Bodies that are bloated, bombed or corrupted on purpose, served from loopback for the
five wires and both clients: nothing grows past the call's SizeLimits, every failure is a
typed error, and a stream's error keeps what arrived before it. (Peak memory of the same
cases: tests/framing/ and bench/framing.py.)"""

from __future__ import annotations

import zlib

import pytest

from llm_connector import (
    AsyncClient,
    Client,
    ResponseDecodeError,
    ResponseTooLargeError,
    SizeLimits,
    StreamDecodeError,
)
from tests.support.facade import Mode
from tests.support.hostile import ANSWER, WIRE_IDS, WIRES, HostileWire, Kind, call, recorded
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.parametrize("wire", WIRES, ids=WIRE_IDS)

MiB = 1024 * 1024
#: Limits small enough for the bodies below to pass quickly.
LIMITS = SizeLimits(max_event_bytes=MiB, max_body_bytes=2 * MiB)
GZIP = (("content-encoding", "gzip"),)


def gzip(data: bytes, level: int = 6) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(data) + compressor.flush()


def head_of(wire: HostileWire) -> bytes:
    """The stream's first events, up to and with the first one carrying content, whole."""
    body = recorded(wire, "stream").body
    separator = b"\n" if wire.name == "ollama" else b"\n\n"
    events = body.split(separator)
    for n, event in enumerate(events):
        if b"Hostile" in event:
            return separator.join(events[: n + 1]) + separator
    raise AssertionError(f"no content in {wire.name}'s stream")


def partial_text(error: Exception) -> str:
    partial = getattr(error, "partial", None)
    assert partial is not None, "a stream's error carries what arrived"
    return str(partial.content)


async def close(client: Client | AsyncClient) -> None:
    if isinstance(client, AsyncClient):
        await client.aclose()
    else:
        client.close()


async def test_an_event_that_never_ends_is_refused_at_the_limit(
    mode: Mode, wire: HostileWire, server: LoopbackServer
) -> None:
    """After content, one line with no end: 4 MiB in 64 KiB chunks (the limit is 1 MiB)."""
    line = b'data: {"x": "' if wire.name != "ollama" else b'{"message": {"content": "'
    rest = (b"a" * (64 * 1024),) * 64
    rec = recorded(wire, "stream")
    server.script.on(wire.path("stream"), rec.reply(head_of(wire), line, *rest))
    client = wire.client(mode, server.origin, size_limits=LIMITS)

    with pytest.raises(ResponseTooLargeError) as caught:
        await call(client, wire, "stream")
    await close(client)

    error = caught.value
    assert (error.limit_name, error.limit) == ("max_event_bytes", MiB)
    text = partial_text(error)
    assert text.startswith("Hostile") and ANSWER.startswith(text)


async def test_a_gzip_bomb_in_a_stream_is_refused_at_the_limit(
    mode: Mode, wire: HostileWire, server: LoopbackServer
) -> None:
    """After content, 64 MiB of one line in about 64 KB of gzip."""
    line = b'data: {"x": "' if wire.name != "ollama" else b'{"message": {"content": "'
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    body = compressor.compress(head_of(wire) + line)
    body += b"".join(compressor.compress(b"0" * MiB) for _ in range(64)) + compressor.flush()
    assert len(body) < 100_000
    rec = recorded(wire, "stream")
    chunks = [body[i : i + 4096] for i in range(0, len(body), 4096)]
    server.script.on(wire.path("stream"), rec.reply(*chunks, extra_headers=dict(GZIP)))
    client = wire.client(mode, server.origin, size_limits=LIMITS)

    with pytest.raises(ResponseTooLargeError) as caught:
        await call(client, wire, "stream")
    await close(client)

    assert caught.value.limit_name == "max_event_bytes"
    text = partial_text(caught.value)
    assert text.startswith("Hostile") and ANSWER.startswith(text)


async def test_a_gzip_bomb_read_whole_is_refused_at_the_limit(
    mode: Mode, wire: HostileWire, server: LoopbackServer
) -> None:
    """An answer padded with 64 MiB of JSON whitespace, about 64 KB gzipped."""
    rec = recorded(wire, "whole")
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    body = compressor.compress(rec.body)
    body += b"".join(compressor.compress(b" " * MiB) for _ in range(64)) + compressor.flush()
    server.script.on(wire.path("whole"), rec.reply(body, extra_headers=dict(GZIP)))
    client = wire.client(mode, server.origin, size_limits=LIMITS)

    with pytest.raises(ResponseTooLargeError) as caught:
        await call(client, wire, "whole")
    await close(client)

    error = caught.value
    assert (error.limit_name, error.limit) == ("max_body_bytes", 2 * MiB)
    assert error.message == "the response body is larger than max_body_bytes (2,097,152 bytes)"


@pytest.mark.parametrize("kind", ["stream", "whole"])
async def test_a_gzipped_answer_within_the_limits_is_the_same_answer(
    mode: Mode, wire: HostileWire, kind: Kind, server: LoopbackServer
) -> None:
    rec = recorded(wire, kind)
    body = gzip(rec.body)
    chunks = [body[i : i + 7] for i in range(0, len(body), 7)]
    server.script.on(wire.path(kind), rec.reply(*chunks, extra_headers=dict(GZIP)))
    client = wire.client(mode, server.origin, size_limits=LIMITS)

    assert await call(client, wire, kind) == ANSWER
    await close(client)
    (request,) = server.requests
    assert request.headers["accept-encoding"] == "gzip, deflate"


async def test_corrupt_gzip_mid_stream_is_a_decode_error_with_what_arrived(
    mode: Mode, wire: HostileWire, server: LoopbackServer
) -> None:
    rec = recorded(wire, "stream")
    good = gzip(head_of(wire), level=0)  # stored blocks: the head arrives as it is
    body = good[:-8] + bytes(b ^ 0xFF for b in gzip(rec.body)[10:200])
    server.script.on(
        wire.path("stream"),
        rec.reply(good[:-8], body[len(good) - 8 :], extra_headers=dict(GZIP)),
    )
    client = wire.client(mode, server.origin)

    with pytest.raises(StreamDecodeError) as caught:
        await call(client, wire, "stream")
    await close(client)

    assert type(caught.value) is StreamDecodeError
    assert caught.value.message.startswith("the gzip-encoded body is corrupt")
    text = partial_text(caught.value)
    assert text.startswith("Hostile") and ANSWER.startswith(text)


async def test_corrupt_gzip_read_whole_is_a_decode_error(
    mode: Mode, wire: HostileWire, server: LoopbackServer
) -> None:
    rec = recorded(wire, "whole")
    body = bytearray(gzip(rec.body))
    body[12:40] = bytes(b ^ 0x5A for b in body[12:40])
    server.script.on(wire.path("whole"), rec.reply(bytes(body), extra_headers=dict(GZIP)))
    client = wire.client(mode, server.origin)

    with pytest.raises(ResponseDecodeError) as caught:
        await call(client, wire, "whole")
    await close(client)

    assert type(caught.value) is ResponseDecodeError
    assert caught.value.message.startswith("the gzip-encoded body is corrupt")


@pytest.mark.parametrize("kind", ["stream", "whole"])
async def test_an_encoding_it_did_not_ask_for_is_refused_by_name(
    mode: Mode, wire: HostileWire, kind: Kind, server: LoopbackServer
) -> None:
    rec = recorded(wire, kind)
    server.script.on(wire.path(kind), rec.reply(extra_headers={"content-encoding": "br"}))
    client = wire.client(mode, server.origin)

    with pytest.raises(ResponseDecodeError) as caught:
        await call(client, wire, kind)
    await close(client)

    assert caught.value.message == (
        "the response's Content-Encoding 'br' is not one llm_connector decodes "
        "(it decodes gzip, deflate)"
    )
