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
"""

from __future__ import annotations

import codecs

__all__ = ["SSEEvent", "SSEReader"]

_utf8_sig_decoder = codecs.getincrementaldecoder("utf-8-sig")


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
    read are kept, and each line is looked at once. After ``close()`` it reads a new body.
    """

    __slots__ = (
        "_clean",
        "_cr",
        "_data",
        "_decoder",
        "_event",
        "_id",
        "_idle",
        "_partial",
        "_retry",
    )

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._decoder = _utf8_sig_decoder(errors="replace")
        # True once the decoder has decided about the byte order mark and holds no bytes of
        # a split character: a read can then be decoded by bytes.decode(), in C.
        self._clean = False
        # The unfinished line, in pieces (joined once its end comes: linear, unlike +=).
        self._partial: list[str] = []
        # The last read ended in CR: an LF starting the next read ends no second line.
        self._cr = False
        self._event = ""
        self._data: list[str] = []
        self._id = ""
        self._retry = False
        # Nothing pending at all (the last id aside): the shortcuts in feed() may be taken.
        self._idle = True

    def feed(self, data: bytes) -> list[SSEEvent]:
        """The events completed by these bytes (a read of any size, split anywhere)."""
        if self._clean:
            try:
                text = data.decode()
            except UnicodeDecodeError:  # bad bytes, or a character split across reads
                text = self._decode(data)
        else:
            text = self._decode(data)
        if self._idle:
            # The usual reads, as servers flush one event at a time: ``data: {...}`` with
            # LF or CRLF line ends (OpenAI, Gemini) and ``event: name`` + ``data: {...}``
            # (Anthropic, Responses). Each is checked to be exactly that shape, with no other
            # line end in it; its event is the general path's, and so is the state it leaves
            # (nothing pending). Anything else, or anything pending, takes the general path.
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
        but ends no event. The reader is then as new."""
        self._reset()
        return []

    def _decode(self, data: bytes) -> str:
        decoder = self._decoder
        text = decoder.decode(data)
        self._clean = decoder.getstate() == (b"", 0)
        return text

    def _lines(self, text: str) -> list[SSEEvent]:
        """The general path: any text, line by line, as httpx-sse's two decoders read it."""
        if self._cr and text:
            self._cr = False
            if text[0] == "\n":
                text = text[1:]
        if "\r" in text:
            # A CR ends its line now (a blank line dispatches on arrival); an LF right
            # after it, in this read or the next, is part of the same line end.
            self._cr = text[-1] == "\r"
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        tail = lines.pop()  # after the last line end: "" if the text ends with one
        partial = self._partial
        events: list[SSEEvent] = []
        if lines:
            if partial:
                partial.append(lines[0])
                lines[0] = "".join(partial)
                partial.clear()
            event = self._event
            data = self._data
            last_id = self._id
            retry = self._retry
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
        if tail:
            partial.append(tail)
        self._idle = not (partial or self._cr or self._data or self._event or self._retry)
        return events


def _is_int(value: str) -> bool:
    """Whether httpx-sse takes this retry value: it keeps what ``int()`` accepts."""
    try:
        int(value)
    except ValueError:
        return False
    return True
