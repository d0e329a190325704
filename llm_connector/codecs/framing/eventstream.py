"""AWS's binary event stream (``application/vnd.amazon.eventstream``), pure: the bytes of
each network read in, each complete message out as an :class:`EventStreamFrame`.

The format (https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream):
a 12-byte prelude (total length, headers length, both big-endian uint32, and the CRC32 of
those 8 bytes), the headers, the payload, and the CRC32 of everything before it. A header
is a 1-byte name length, the name, a 1-byte value type and the value (types 0-9: true,
false, byte, short, int, long, bytes, string, timestamp, uuid). Bedrock's ConverseStream
sends each event as one message whose ``:event-type`` names it and whose payload is JSON;
``:message-type`` is ``event``, ``exception`` (``:exception-type`` names it, the payload
holds ``{"message": ...}``) or ``error`` (``:error-code``, ``:error-message``).

A message may be at most ``max_event_bytes`` long, counted whole (its total length),
which the prelude says before the rest arrives: a longer one raises
``ResponseTooLargeError("max_event_bytes", limit, "an event stream message")`` by the
contract of ``FrameReader`` (``codecs/contract.py``) without waiting for its bytes. A
prelude or message CRC that does not verify, impossible lengths or headers, and a body
that ends inside a message raise ``StreamDecodeError``. In both cases the messages
completed before the bad one are handed out first and the error comes with the next
``feed`` or the ``close``; the reader then holds nothing and every ``feed`` raises.

Linear in the bytes however they are split: each message is checked and decoded once
when its last byte arrives; an unfinished message grows in a bytearray.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping

from llm_connector.errors import ResponseTooLargeError, StreamDecodeError
from llm_connector.types._size_limits import DEFAULT_SIZE_LIMITS

__all__ = ["EventStreamFrame", "EventStreamReader", "HeaderValue", "parse_headers"]

HeaderValue = bool | int | bytes | str

_PRELUDE = struct.Struct(">III")
_CRC = struct.Struct(">I")
# prelude (12) + message CRC (4)
_OVERHEAD = 16
# Fixed-size value types: (struct, size); the others are bool (no bytes) and
# length-prefixed (bytes: 6, string: 7).
_FIXED: Mapping[int, struct.Struct] = {
    2: struct.Struct(">b"),
    3: struct.Struct(">h"),
    4: struct.Struct(">i"),
    5: struct.Struct(">q"),
    8: struct.Struct(">q"),  # timestamp: milliseconds since the epoch
}


class EventStreamFrame:
    """One event stream message as a :class:`Frame`: ``event`` is its ``:event-type`` (or,
    for an exception, its ``:exception-type``; for an error, its ``:error-code``), ``data``
    its payload as text; ``message_type`` and all ``headers`` as they came.

    A plain slotted class, as ``LineFrame`` is: built once per event on the hot path."""

    __slots__ = ("data", "event", "headers", "message_type")

    def __init__(self, event: str, data: str, message_type: str, headers: dict[str, HeaderValue]):
        self.event = event
        self.data = data
        self.message_type = message_type
        self.headers = headers

    def __repr__(self) -> str:
        return f"EventStreamFrame({self.message_type}:{self.event}, {self.data[:60]!r})"


def parse_headers(
    raw: bytes | bytearray, start: int = 0, end: int | None = None
) -> dict[str, HeaderValue]:
    """The header block ``raw[start:end]`` of a message; raises StreamDecodeError when it
    does not parse."""
    headers: dict[str, HeaderValue] = {}
    pos = start
    end = len(raw) if end is None else end
    try:
        while pos < end:
            size = raw[pos]
            name_end = pos + 1 + size
            name = raw[pos + 1 : name_end].decode("utf-8")
            kind = raw[name_end]
            pos = name_end + 1
            value: HeaderValue
            if kind == 7 or kind == 6:  # string (all Bedrock sends), bytes
                length = (raw[pos] << 8) | raw[pos + 1]
                data = raw[pos + 2 : pos + 2 + length]
                if len(data) != length:
                    raise IndexError
                value = data.decode("utf-8") if kind == 7 else bytes(data)
                pos += 2 + length
            elif kind in (0, 1):
                value = kind == 0
            elif kind == 9:
                value = bytes(raw[pos : pos + 16])
                if len(value) != 16:
                    raise IndexError
                pos += 16
            else:
                fixed = _FIXED.get(kind)
                if fixed is None:
                    raise StreamDecodeError(f"event stream header {name!r}: unknown type {kind}")
                (value,) = fixed.unpack_from(raw, pos)
                pos += fixed.size
            headers[name] = value
    except (IndexError, struct.error, UnicodeDecodeError):
        raise StreamDecodeError("an event stream message has malformed headers") from None
    if pos != end:
        raise StreamDecodeError("an event stream message's headers overrun their length")
    return headers


# The header that names a message, by its :message-type.
_NAME_HEADER: Mapping[str, str] = {"exception": ":exception-type", "error": ":error-code"}


def _frame(message: bytes | bytearray, total: int, headers_length: int) -> EventStreamFrame:
    end = 12 + headers_length
    headers = parse_headers(message, 12, end)
    payload = str(memoryview(message)[end : total - 4], "utf-8", "replace")
    message_type = headers.get(":message-type")
    kind = message_type if isinstance(message_type, str) else "event"
    name = headers.get(_NAME_HEADER.get(kind, ":event-type"))
    return EventStreamFrame(name if isinstance(name, str) else "", payload, kind, headers)


class EventStreamReader:
    """The event stream frame reader (see the module docstring and ``codecs/framing``)."""

    __slots__ = ("_buffer", "_crc", "_crc_at", "_error", "_limit")

    def __init__(self, max_event_bytes: int = DEFAULT_SIZE_LIMITS.max_event_bytes) -> None:
        self._limit = max_event_bytes
        self._reset()

    def _reset(self) -> None:
        # The unfinished message's bytes.
        self._buffer = bytearray()
        # The CRC32 of its first ``_crc_at`` bytes, kept up as they arrive: the read that
        # completes a long message checks only its own bytes.
        self._crc = 0
        self._crc_at = 0
        # Set once the body was found bad: raised by every feed and once by close.
        self._error: StreamDecodeError | None = None

    def feed(self, data: bytes) -> list[EventStreamFrame]:
        if self._error is not None:
            raise self._error
        buffer = self._buffer
        if buffer:
            buffer += data
            source: bytes | bytearray = buffer
        else:
            source = data
        frames: list[EventStreamFrame] = []
        pos, size = 0, len(source)
        try:
            while size - pos >= 12:
                total, headers_length, prelude_crc = _PRELUDE.unpack_from(source, pos)
                if zlib.crc32(source[pos : pos + 8]) != prelude_crc:
                    raise StreamDecodeError("an event stream message's prelude CRC32 is wrong")
                if total < _OVERHEAD or headers_length > total - _OVERHEAD:
                    raise StreamDecodeError(
                        f"an event stream message has impossible lengths "
                        f"(total {total}, headers {headers_length})"
                    )
                if total > self._limit:
                    raise ResponseTooLargeError(
                        "max_event_bytes", self._limit, "an event stream message"
                    )
                held = buffer and pos == 0  # the message the running CRC is of
                if size - pos < total:
                    if held:
                        upto = min(size, total - 4)
                        self._crc = zlib.crc32(memoryview(buffer)[self._crc_at : upto], self._crc)
                        self._crc_at = upto
                    break
                # The usual read is one whole message: no copy of it then.
                message = source if total == size else source[pos : pos + total]
                (crc,) = _CRC.unpack_from(message, total - 4)
                start, running = (self._crc_at, self._crc) if held else (0, 0)
                if zlib.crc32(memoryview(message)[start : total - 4], running) != crc:
                    raise StreamDecodeError("an event stream message's CRC32 is wrong")
                if held:
                    self._crc = self._crc_at = 0
                frames.append(_frame(message, total, headers_length))
                pos += total
        except StreamDecodeError as exc:
            return self._fail(exc, frames)
        if buffer:
            del buffer[:pos]
        elif pos < size:
            self._buffer = bytearray(memoryview(data)[pos:])
        return frames

    def _fail(
        self, error: StreamDecodeError, frames: list[EventStreamFrame]
    ) -> list[EventStreamFrame]:
        """Keep nothing; hand out the messages completed before the bad one and raise at
        the next call, or raise now if there are none."""
        self._buffer = bytearray()
        self._crc = self._crc_at = 0
        self._error = error
        if frames:
            return frames
        raise error

    def close(self) -> list[EventStreamFrame]:
        error = self._error
        held = len(self._buffer)
        self._reset()
        if error is not None:
            raise error
        if held:
            raise StreamDecodeError(
                f"the event stream ended inside a message ({held} bytes of it arrived)"
            )
        return []
