"""The event stream frame reader: every recorded Bedrock body at every split, and what a
corrupt, truncated or oversized body raises (codecs/framing/eventstream.py)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from llm_connector.codecs.framing import frame_reader
from llm_connector.codecs.framing.eventstream import (
    EventStreamFrame,
    EventStreamReader,
    parse_headers,
)
from llm_connector.errors import ResponseTooLargeError, StreamDecodeError
from tests.support.bedrock_eventstream import EVENTSTREAM_PATHS, event, exception, message, walk


def _summary(frames: list[EventStreamFrame]) -> list[tuple[str, str, str]]:
    return [(f.message_type, f.event, f.data) for f in frames]


def _read(pieces: list[bytes], limit: int = 1 << 20) -> list[EventStreamFrame]:
    reader = EventStreamReader(limit)
    frames = [f for piece in pieces for f in reader.feed(piece)]
    return frames + reader.close()


@pytest.mark.parametrize("path", EVENTSTREAM_PATHS, ids=lambda p: p.stem)
def test_every_split_of_a_recording(path: Path) -> None:
    body = path.read_bytes()
    whole = _summary(_read([body]))
    # Independently of the reader: one frame per message the preludes count, each a JSON
    # event whose type is one ConverseStream defines.
    assert len(whole) == len(list(walk(body)))
    for kind, name, data in whole:
        assert kind == "event"
        assert name in {
            "messageStart",
            "contentBlockStart",
            "contentBlockDelta",
            "contentBlockStop",
            "messageStop",
            "metadata",
        }
        json.loads(data)
    # Between two messages the reader holds nothing, so a body cut inside message i reads
    # as that message with its two neighbours cut at the same place: every split of the
    # body is checked, in time linear in its size.
    spans = list(walk(body))
    for i, (start, total) in enumerate(spans):
        first = spans[max(i - 1, 0)][0]
        last = i + 2
        window = body[first : spans[last][0] if last < len(spans) else len(body)]
        expected = whole[max(i - 1, 0) : last]
        for cut in range(start - first + (i > 0), start - first + total + 1):
            if 0 < cut < len(window):
                assert _summary(_read([window[:cut], window[cut:]])) == expected, start + cut


@pytest.mark.parametrize("path", EVENTSTREAM_PATHS, ids=lambda p: p.stem)
def test_byte_by_byte(path: Path) -> None:
    body = path.read_bytes()
    assert _summary(_read([body[i : i + 1] for i in range(len(body))])) == _summary(_read([body]))


def test_registered_by_name() -> None:
    assert isinstance(frame_reader("eventstream", 100), EventStreamReader)


def test_headers_of_every_type() -> None:
    block = (
        b"\x01a\x00"  # true
        + b"\x01b\x01"  # false
        + b"\x01c\x02\xff"  # byte -1
        + b"\x01d\x03\x01\x00"  # short 256
        + b"\x01e\x04\x00\x00\x01\x00"  # int 256
        + b"\x01f\x05" + struct.pack(">q", -2)  # long
        + b"\x01g\x06\x00\x02\x00\x01"  # bytes
        + b"\x01h\x07\x00\x02hi"  # string
        + b"\x01i\x08" + struct.pack(">q", 1_700_000_000_000)  # timestamp (ms)
        + b"\x01j\x09" + bytes(range(16))  # uuid
    )  # fmt: skip
    assert parse_headers(block) == {
        "a": True,
        "b": False,
        "c": -1,
        "d": 256,
        "e": 256,
        "f": -2,
        "g": b"\x00\x01",
        "h": "hi",
        "i": 1_700_000_000_000,
        "j": bytes(range(16)),
    }


@pytest.mark.parametrize("block", [b"\x05ab", b"\x01a\x07\x00\x09x", b"\x01a\x0b", b"\x01a"])
def test_malformed_headers(block: bytes) -> None:
    with pytest.raises(StreamDecodeError):
        parse_headers(block)


def test_exception_and_error_messages() -> None:
    body = exception("throttlingException", "Too many requests") + message(
        {":message-type": "error", ":error-code": "InternalFailure", ":error-message": "oops"},
        b"",
    )
    frames = _read([body])
    assert [(f.message_type, f.event) for f in frames] == [
        ("exception", "throttlingException"),
        ("error", "InternalFailure"),
    ]
    assert json.loads(frames[0].data) == {"message": "Too many requests"}
    assert frames[1].headers[":error-message"] == "oops"


def _first_then_broken(broken: bytes) -> None:
    """The message before the bad one comes out; the error with the next call."""
    good = event("messageStart", {"role": "assistant"})
    reader = EventStreamReader()
    frames = reader.feed(good + broken)
    assert [f.event for f in frames] == ["messageStart"]
    with pytest.raises(StreamDecodeError):
        reader.feed(b"")
    with pytest.raises(StreamDecodeError):
        reader.close()
    assert reader.close() == []  # as new


def test_corrupt_message_crc() -> None:
    bad = bytearray(event("contentBlockDelta", {"delta": {"text": "x"}}))
    bad[-6] ^= 0x01  # a payload byte: the message CRC no longer verifies
    _first_then_broken(bytes(bad))
    with pytest.raises(StreamDecodeError, match="CRC32"):
        EventStreamReader().feed(bytes(bad))


def test_corrupt_prelude_crc() -> None:
    bad = bytearray(event("messageStop", {"stopReason": "end_turn"}))
    bad[3] ^= 0x01  # the total length: the prelude CRC no longer verifies
    _first_then_broken(bytes(bad))
    with pytest.raises(StreamDecodeError, match="prelude CRC32"):
        EventStreamReader().feed(bytes(bad))


def test_impossible_lengths() -> None:
    prelude = struct.pack(">II", 10, 0)
    import zlib

    with pytest.raises(StreamDecodeError, match="impossible"):
        EventStreamReader().feed(prelude + struct.pack(">I", zlib.crc32(prelude)))


@pytest.mark.parametrize("cut", [1, 11, 12, 30, -1])
def test_truncated_body(cut: int) -> None:
    whole = event("messageStart", {"role": "assistant"})
    body = whole + whole[:cut]
    reader = EventStreamReader()
    assert len(reader.feed(body)) == 1
    with pytest.raises(StreamDecodeError, match="ended inside a message"):
        reader.close()


def test_oversized_message_refused_from_its_prelude() -> None:
    big = event("contentBlockDelta", {"delta": {"text": "x" * 500}})
    small = event("messageStart", {"role": "assistant"})
    assert len(small) <= 200 < len(big)
    reader = EventStreamReader(200)
    # Only the prelude of the big one has arrived: it is refused already.
    assert [f.event for f in reader.feed(small + big[:12])] == ["messageStart"]
    with pytest.raises(ResponseTooLargeError) as caught:
        reader.feed(big[12:])
    assert caught.value.limit_name == "max_event_bytes" and caught.value.limit == 200
    with pytest.raises(ResponseTooLargeError):
        reader.close()
    with pytest.raises(ResponseTooLargeError):
        EventStreamReader(200).feed(big)
    # At the limit exactly, accepted.
    assert len(_read([big], limit=len(big))) == 1


def test_corruption_found_however_the_message_arrives() -> None:
    # The CRC of a message kept up as its bytes arrive must still catch a changed byte.
    bad = bytearray(event("contentBlockDelta", {"delta": {"text": "x" * 100}}))
    bad[40] ^= 0x01
    for size in (1, 7, 64):
        pieces = [bytes(bad[i : i + size]) for i in range(0, len(bad), size)]
        with pytest.raises(StreamDecodeError, match="CRC32"):
            _read(pieces)
