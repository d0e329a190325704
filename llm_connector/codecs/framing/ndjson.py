"""NDJSON framing (Ollama's streams), pure: the bytes of each network read in, each
complete line out as a LineFrame for the decoder.

A line may be at most ``max_event_bytes`` bytes (from the call's ``SizeLimits``), counted
as they arrive, less the line end (LF or CRLF; a byte order mark before the first line
counts with it). Going past it raises
``ResponseTooLargeError("max_event_bytes", limit, "an NDJSON line")`` by the contract of
``FrameReader`` (``codecs/contract.py``): the lines before the offending one are handed
out first, and the reader then holds nothing more. An unfinished line is refused once it
holds more than ``max_event_bytes + 1`` bytes (one more may be the CR of a CRLF); within
that, it is judged when its end comes.
"""

from __future__ import annotations

from collections.abc import Sequence

from llm_connector.errors import ResponseTooLargeError
from llm_connector.types._size_limits import DEFAULT_SIZE_LIMITS

__all__ = ["LineFrame", "NDJSONLines", "NDJSONReader"]

_BOM = b"\xef\xbb\xbf"


class LineFrame:
    """One NDJSON line as a :class:`Frame` (Ollama's stream is framed into these).

    A plain slotted class rather than ``SSEFrame``: a frozen attrs object costs about
    0.4 us per line to build, this one 0.13 us (docs/performance.md)."""

    __slots__ = ("data",)

    #: NDJSON has no event names; this is the SSE default, so decoders see no difference.
    event = "message"

    def __init__(self, data: str) -> None:
        self.data = data


class _NDJSONFraming:
    """What both NDJSON framings share: the unfinished line and the limit.

    Lines end at LF (``\\n``) only, as NDJSON defines them. httpx's line iterator also
    breaks at U+2028, U+0085 and the other ``str.splitlines`` separators, which a JSON
    string may hold unescaped (Go's encoder escapes U+2028 but not U+0085), cutting one
    object in two. Bytes are split here instead; a trailing CR is dropped, blank lines are
    skipped, and a byte order mark before the first line is not part of it.

    Linear in the bytes however they are split: each read is searched once (never what is
    held), the unfinished line grows in a bytearray (amortized, no object per read), and a
    line is decoded once, when its end comes.
    """

    __slots__ = ("_buffer", "_failed", "_first", "_limit", "_plain")

    def __init__(self, max_event_bytes: int = DEFAULT_SIZE_LIMITS.max_event_bytes) -> None:
        self._limit = max_event_bytes
        self._reset()

    def _reset(self) -> None:
        # The unfinished line's bytes.
        self._buffer = bytearray()
        # No line yet: a byte order mark may start the next.
        self._first = True
        # Past max_event_bytes: every feed raises, and the close once more.
        self._failed = False
        # Nothing held, not the first line, not failed: the one-line shortcut may be taken
        # (one attribute to test on the usual read, not three).
        self._plain = False

    def _too_large(self) -> ResponseTooLargeError:
        return ResponseTooLargeError("max_event_bytes", self._limit, "an NDJSON line")

    def _complete(self, data: bytes) -> list[str]:
        """The lines these bytes complete (the general path)."""
        if self._failed:
            raise self._too_large()
        limit = self._limit
        buffer = self._buffer
        end = data.rfind(b"\n")
        if end < 0:
            buffer += data
            if len(buffer) > limit + 1:
                return self._fail([])
            self._plain = not buffer and not self._first
            return []
        measure = len(buffer) + end > limit
        raw_lines: Sequence[bytes | bytearray]
        if buffer:
            # The held line ends at the first LF: completed in its own buffer (one copy of a
            # long line, its decoding; not a join, then a split, then the decoding).
            first = data.find(b"\n")
            buffer += memoryview(data)[:first]
            completed: list[bytes | bytearray] = [buffer]
            if first < end:
                completed += data[first + 1 : end].split(b"\n")
            raw_lines = completed
        else:
            raw_lines = data[:end].split(b"\n")
        too_large = _too_large_at(raw_lines, limit) if measure else 0
        if too_large:
            return self._fail(self._lines(raw_lines[: too_large - 1]))
        lines = self._lines(raw_lines)
        self._buffer = bytearray(memoryview(data)[end + 1 :])
        if len(self._buffer) > limit + 1:
            return self._fail(lines)
        self._plain = not self._buffer and not self._first
        return lines

    def _flush(self) -> list[str]:
        """The last line, if the body did not end with a newline; the framing is then as
        new."""
        rest = self._buffer
        if self._failed or _too_large_at([rest], self._limit):
            self._reset()
            raise self._too_large()
        lines = self._lines([bytes(rest)]) if rest else []
        self._reset()
        return lines

    def _fail(self, lines: list[str]) -> list[str]:
        """Past the limit: keep nothing; hand out the lines completed before the offending
        one and raise at the next call, or raise now if there are none."""
        self._reset()
        self._failed = True
        if lines:
            return lines
        raise self._too_large()

    def _lines(self, raw_lines: Sequence[bytes | bytearray]) -> list[str]:
        lines = []
        for raw in raw_lines:
            if self._first:
                self._first = False
                if raw.startswith(_BOM):
                    raw = raw[3:]
            text = raw.decode("utf-8", "replace").rstrip("\r")
            if text.strip():
                lines.append(text)
        return lines


def _too_large_at(raw_lines: Sequence[bytes | bytearray], limit: int) -> int:
    """1 + the index of the first line longer than ``limit`` (less a trailing CR), or 0."""
    for index, raw in enumerate(raw_lines):
        if len(raw) - raw.endswith(b"\r") > limit:
            return index + 1
    return 0


class NDJSONLines(_NDJSONFraming):
    """NDJSON framing to strings: ``feed()`` each read, ``flush()`` at the end."""

    __slots__ = ()

    def feed(self, data: bytes) -> list[str]:
        if self._plain and data.find(b"\n") == (size := len(data)) - 1 and size <= self._limit:
            # The usual read: one whole line, as servers flush one object at a time. The
            # same result as below without the buffer (Ollama: 1.15x -> 1.13x the floor).
            text = data[:-1].decode("utf-8", "replace").rstrip("\r")
            return [text] if text.strip() else []
        return self._complete(data)

    def flush(self) -> list[str]:
        """The last line, if the body did not end with a newline."""
        return self._flush()


class NDJSONReader(_NDJSONFraming):
    """The NDJSON frame reader: each line a :class:`LineFrame` (see ``codecs/framing``)."""

    __slots__ = ()

    def feed(self, data: bytes) -> list[LineFrame]:
        if self._plain and data.find(b"\n") == (size := len(data)) - 1 and size <= self._limit:
            # The usual read: one whole line, as servers flush one object at a time; the
            # same result as NDJSONLines.feed without its buffer and list of strings. A
            # read longer than the limit takes the general path, which measures its line.
            text = data.decode("utf-8", "replace").rstrip("\r\n")
            return [LineFrame(text)] if text and not text.isspace() else []
        return [LineFrame(line) for line in self._complete(data)]

    def close(self) -> list[LineFrame]:
        return [LineFrame(line) for line in self._flush()]
