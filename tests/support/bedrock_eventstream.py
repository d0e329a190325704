"""Writing AWS event stream messages for tests, independently of the reader under test
(codecs/framing/eventstream.py): the format as the Transcribe guide draws it,
https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tests.support.paths import DATA

BEDROCK = DATA / "bedrock"
EVENTSTREAM_PATHS: tuple[Path, ...] = tuple(sorted(BEDROCK.glob("*.eventstream")))


def _string_header(name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode(), value.encode()
    return (
        bytes([len(raw_name)]) + raw_name + b"\x07" + struct.pack(">H", len(raw_value)) + raw_value
    )


def message(headers: Mapping[str, str], payload: bytes) -> bytes:
    """One message: string headers only (all Bedrock sends)."""
    block = b"".join(_string_header(k, v) for k, v in headers.items())
    total = 16 + len(block) + len(payload)
    prelude = struct.pack(">II", total, len(block))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + block + payload
    return body + struct.pack(">I", zlib.crc32(body))


def event(event_type: str, payload: Mapping[str, Any]) -> bytes:
    """A ConverseStream event as Bedrock sends it."""
    return message(
        {
            ":event-type": event_type,
            ":content-type": "application/json",
            ":message-type": "event",
        },
        json.dumps(payload, separators=(",", ":")).encode(),
    )


def exception(exception_type: str, text: str) -> bytes:
    """An in-stream exception (ConverseStream's throttlingException, ...)."""
    return message(
        {
            ":exception-type": exception_type,
            ":content-type": "application/json",
            ":message-type": "exception",
        },
        json.dumps({"message": text}).encode(),
    )


def walk(body: bytes) -> Iterator[tuple[int, int]]:
    """(offset, total length) of each message of a well-formed body, read from the
    preludes alone."""
    pos = 0
    while pos < len(body):
        (total,) = struct.unpack_from(">I", body, pos)
        yield pos, total
        pos += total
