"""Server-Sent Events framing, pure: the shells feed it the bytes they read, and it hands
back the events those bytes complete as :class:`SSEEvent` objects.

It replaces ``httpx_sse.EventSource(response).iter_sse()`` in the stream loop: that runs
once per network read of every stream, and httpx-sse's text, line and event decoders take
two to five times as long per event as this does. The reading is the WHATWG HTML
standard's "event stream interpretation"
(https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
UTF-8 with replacement characters, one leading byte order mark dropped, lines ending at
CRLF, CR or LF, comments, fields split at the first colon with one space dropped, a blank
line dispatching, an unterminated last event discarded.

Where httpx-sse 0.4.3 reads differently, this follows httpx-sse (on a response decoded as
``utf-8-sig``, which drops the byte order mark as the spec does), so that the codecs see
exactly the events they were written and tested against:

- a blank line dispatches if an event name, a data line, a last event id or a valid
  retry came before it, where the spec dispatches only if a data line did; so
  ``event: ping`` alone is an event with empty data;
- the last event id is never reset (as in the spec), so once a stream sets one, every
  blank line after it dispatches an event, with empty data if nothing else came;
- a retry is valid when ``int()`` takes it (``" +1_0"`` too; the spec wants ASCII digits).

The events are the same, in the same order, however the body is split into reads. Only
their timing can differ, and only for a blank line ended by a CR at the end of a read:
it dispatches here at once, where httpx-sse holds that CR back until the next read (or
the end of the body) to see if an LF follows; here that LF, if it comes, is skipped.

What httpx-sse does not have: a size limit (``max_event_bytes``, from the call's
``SizeLimits``), counted in decoded characters, which is about the bytes (each character
is one to four bytes of UTF-8, so a limit in characters holds at least as many bytes):

- an event's data (its data lines' values joined by LF, the ``data`` the decoder gets)
  may be at most ``max_event_bytes`` characters;
- so may any one line, less its line end and, for a data line, the ``data:`` and one
  space before its value;
- a line still unfinished is refused once it holds more than ``max_event_bytes + 6``
  characters (past that it can be within neither rule); within that, it is judged when
  its end comes.

Going past one raises ``ResponseTooLargeError("max_event_bytes", limit, "a stream
event")``, by the contract of ``FrameReader`` (``codecs/contract.py``): the events before
the offending line are handed out first, and the reader then holds nothing more.
"""

from __future__ import annotations

import codecs

from llm_connector.errors import ResponseTooLargeError
from llm_connector.types._size_limits import DEFAULT_SIZE_LIMITS

__all__ = ["SSEEvent", "SSEReader"]

_utf8_sig_decoder = codecs.getincrementaldecoder("utf-8-sig")

#: What a data line has before its value at most (``data: ``): an unfinished line longer
#: than the limit by more than this can be no line within the limit.
_DATA_PREFIX = len("data: ")
#: The pieces held for an unfinished line (or an unfinished event's data lines) are joined
#: into one when they average fewer than this many characters: tiny reads then cost a list
#: slot and a string object per this many characters at most, not per character (memory
#: stays about the characters held), and each character is copied at most about this many
#: times more (the joins grow geometrically): linear. Reads of a few KiB are never joined.
_JOIN_BELOW = 256


class SSEEvent:
    """One event: what a stream decoder reads (``event`` and ``data``).

    ``id`` is the last event id seen so far in the stream (which httpx-sse never resets).
    A plain slotted class: built once per chunk, so it is kept as cheap as LineFrame."""

    __slots__ = ("data", "event", "id")

    def __init__(self, data: str, event: str = "message", id: str = "") -> None:
        self.data = data
        self.event = event
        self.id = id

    def __repr__(self) -> str:
        return f"SSEEvent(data={self.data!r}, event={self.event!r}, id={self.id!r})"


class SSEReader:
    """Server-Sent Events framing: ``feed()`` each read, then ``close()`` at the end.

    Bounded state, linear time: only the unfinished line and the fields of the event being
    read are kept (each within ``max_event_bytes`` characters), each read is searched once
    and an unfinished line's pieces are joined once, when its end comes, whatever the
    reads' sizes. After ``close()`` it reads a new body.
    """

    __slots__ = (
        "_clean",
        "_cr",
        "_data",
        "_data_len",
        "_decoder",
        "_event",
        "_failed",
        "_id",
        "_idle",
        "_limit",
        "_partial",
        "_partial_len",
        "_retry",
    )

    def __init__(self, max_event_bytes: int = DEFAULT_SIZE_LIMITS.max_event_bytes) -> None:
        self._limit = max_event_bytes
        self._reset()

    def _reset(self) -> None:
        self._decoder = _utf8_sig_decoder(errors="replace")
        # True once the decoder has decided about the byte order mark and holds no bytes of
        # a split character: a read can then be decoded by bytes.decode(), in C.
        self._clean = False
        # The unfinished line, in pieces (joined once its end comes: linear, unlike +=),
        # and how many characters they hold.
        self._partial: list[str] = []
        self._partial_len = 0
        # The last read ended in CR: an LF starting the next read ends no second line.
        self._cr = False
        self._event = ""
        # The data lines of the event being read, and their LF-joined length + 1 (0 if
        # none), kept up to date at the end of a read.
        self._data: list[str] = []
        self._data_len = 0
        self._id = ""
        self._retry = False
        # The longest read the shortcuts in feed() may take: the limit when nothing at all
        # is pending (the last id aside), else -1 (one test on the usual read, not two).
        self._idle = self._limit
        # Past max_event_bytes: every feed() raises, and close() once more.
        self._failed = False

    def feed(self, data: bytes) -> list[SSEEvent]:
        """The events completed by these bytes (a read of any size, split anywhere)."""
        if self._clean:
            try:
                text = data.decode()
            except UnicodeDecodeError:  # bad bytes, or a character split across reads
                text = self._decode(data)
        else:
            text = self._decode(data)
        if len(text) <= self._idle:
            # The usual reads, as servers flush one event at a time: ``data: {...}`` with
            # LF or CRLF line ends (OpenAI, Gemini) and ``event: name`` + ``data: {...}``
            # (Anthropic, Responses). Each is checked to be exactly that shape, with no other
            # line end in it; its event is the general path's, and so is the state it leaves
            # (nothing pending). Anything else, anything pending, or a read longer than the
            # limit (which the general path measures) takes the general path.
            if text.startswith("data:"):
                if text.endswith("\n\n"):
                    value = text[6:-2] if text[5] == " " else text[5:-2]
                    if "\n" not in value and "\r" not in value:
                        return [SSEEvent(value, "message", self._id)]
                elif text.endswith("\r\n\r\n"):
                    value = text[6:-4] if text[5] == " " else text[5:-4]
                    if "\n" not in value and "\r" not in value:
                        return [SSEEvent(value, "message", self._id)]
            elif text.startswith("event:") and text.endswith("\n\n") and "\r" not in text:
                end = text.find("\n")
                if text.startswith("data:", end + 1):
                    value = text[end + 7 : -2] if text[end + 6] == " " else text[end + 6 : -2]
                    if "\n" not in value:
                        name = text[7:end] if text[6] == " " else text[6:end]
                        return [SSEEvent(value, name or "message", self._id)]
        return self._lines(text)

    def close(self) -> list[SSEEvent]:
        """The events the end of the body completes: none, as with httpx-sse, whose flush
        only ever completes the blank line a last CR ends (feed() gave that event here).
        What is left, an unfinished line or the bytes of a split character, may set a field
        but ends no event. Raises ``ResponseTooLargeError`` if the body went past the limit
        (see ``FrameReader``). The reader is then as new."""
        failed = self._failed
        self._reset()
        if failed:
            raise self._too_large()
        return []

    def _too_large(self) -> ResponseTooLargeError:
        return ResponseTooLargeError("max_event_bytes", self._limit, "a stream event")

    def _decode(self, data: bytes) -> str:
        decoder = self._decoder
        text = decoder.decode(data)
        self._clean = decoder.getstate() == (b"", 0)
        return text

    def _lines(self, text: str) -> list[SSEEvent]:
        """The general path: any text, line by line, as httpx-sse's two decoders read it."""
        if self._failed:
            raise self._too_large()
        if self._cr and text:
            self._cr = False
            if text[0] == "\n":
                text = text[1:]
        if "\r" in text:
            # A CR ends its line now (a blank line dispatches on arrival); an LF right
            # after it, in this read or the next, is part of the same line end.
            self._cr = text[-1] == "\r"
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        # Nothing this read completes or leaves unfinished can pass the limit unless what is
        # held and the read together can: only then are the lines measured (one pass).
        measure = self._partial_len + self._data_len + len(text) > self._limit
        lines = text.split("\n")
        tail = lines.pop()  # after the last line end: "" if the text ends with one
        partial = self._partial
        # The first line when it is a data line begun in an earlier read: its value, joined
        # from the pieces with the prefix cut off the first (one copy of a long line, not
        # three: the join, the partition and the space dropped).
        continued: str | None = None
        if lines and partial:
            partial.append(lines[0])
            head = partial[0]
            if len(head) > 5 and head.startswith("data:"):
                partial[0] = head[6:] if head[5] == " " else head[5:]
                continued = "".join(partial)
                del lines[0]
            else:
                lines[0] = "".join(partial)
            partial.clear()
            self._partial_len = 0
        too_large = self._too_large_at(continued, lines, tail) if measure else 0
        if too_large:
            # Only what came before the offending line is read.
            keep = too_large - 1 - (continued is not None)
            if keep < 0:
                continued = None
                keep = 0
            del lines[keep:]
        events: list[SSEEvent] = []
        if lines or continued is not None:
            event = self._event
            data = held = self._data
            held_count = len(held)
            last_id = self._id
            retry = self._retry
            if continued is not None:
                data.append(continued)
            for line in lines:
                if not line:
                    if data or event or last_id or retry:
                        events.append(SSEEvent("\n".join(data), event or "message", last_id))
                        event = ""
                        data = []
                        retry = False
                    continue
                name, _, value = line.partition(":")
                if not name:
                    continue  # a comment: the line starts with a colon
                if value[:1] == " ":
                    value = value[1:]
                if name == "data":
                    data.append(value)
                elif name == "event":
                    event = value
                elif name == "id":
                    if "\0" not in value:
                        last_id = value
                elif name == "retry":
                    retry = retry or _is_int(value)
            self._event = event
            self._data = data
            self._id = last_id
            self._retry = retry
            if data:
                # An event goes on into the next read: count what this read added to it.
                if data is held:
                    added = data[held_count:]
                    self._data_len += sum(map(len, added)) + len(added)
                else:
                    self._data_len = sum(map(len, data)) + len(data)
                if len(data) * _JOIN_BELOW > self._data_len:
                    data[:] = ["\n".join(data)]  # the same data, in one piece
            else:
                self._data_len = 0
        if too_large:
            return self._fail(events)
        if tail:
            partial.append(tail)
            self._partial_len += len(tail)
            if len(partial) * _JOIN_BELOW > self._partial_len:
                partial[:] = ["".join(partial)]
        pending = partial or self._cr or self._data or self._event or self._retry
        self._idle = -1 if pending else self._limit
        return events

    def _too_large_at(self, continued: str | None, lines: list[str], tail: str) -> int:
        """1 + the position of the first line past the limit, or 0 if none is: the value
        of a ``continued`` data line (if not None), then ``lines``, then the unfinished
        ``tail``."""
        limit = self._limit
        size = self._data_len  # the data of the event being read: LF-joined length + 1
        position = 1
        if continued is not None:
            size += len(continued) + 1
            if size - 1 > limit:
                return position
            position += 1
        for line in lines:
            if not line:
                size = 0  # a blank line ends the event, dispatched or not
            elif line[:5] == "data:" or line == "data":
                length = len(line) - 5 - (line[5:6] == " ")
                size += max(length, 0) + 1
                if size - 1 > limit:
                    return position
            elif len(line) > limit:
                return position
            position += 1
        unfinished = len(tail) + (0 if lines or continued is not None else self._partial_len)
        return position if unfinished > limit + _DATA_PREFIX else 0

    def _fail(self, events: list[SSEEvent]) -> list[SSEEvent]:
        """Past the limit: keep nothing; hand out the events completed before the offending
        line and raise at the next call, or raise now if there are none."""
        self._reset()
        self._failed = True
        self._idle = -1
        if events:
            return events
        raise self._too_large()


def _is_int(value: str) -> bool:
    """Whether httpx-sse takes this retry value: it keeps what ``int()`` accepts."""
    try:
        int(value)
    except ValueError:
        return False
    return True
