"""The tests' own framing of a body: SSE events and NDJSON lines cut by small splitters
written here, independent of the shells' readers (llm_connector/codecs/framing), so a
reference built on them does not share the reader's code; and rewrites of a body's line
endings.

A body's frame-level reference (tests/support/byte_path.py) is its frames, cut here, fed
to the codec; the byte path must give exactly that however the bytes arrive.
"""

from __future__ import annotations

import attrs

from llm_connector.codecs.contract import SSEFrame


@attrs.frozen
class Event:
    """One dispatched SSE event and the byte offset just past the blank line ending it."""

    frame: SSEFrame
    end: int


def sse_events(body: bytes) -> list[Event]:
    """The events of an SSE body, per the WHATWG rules the transcripts need: lines end in
    LF, CRLF or CR; ``:`` lines are comments; a blank line dispatches; an event with no data
    is not dispatched; a trailing event without its blank line is discarded."""
    events: list[Event] = []
    data: list[str] = []
    event_name = ""
    pos = 0
    while pos < len(body):
        cut = min((i for i in (body.find(b"\r", pos), body.find(b"\n", pos)) if i >= 0), default=-1)
        if cut < 0:
            break  # an unterminated last line is never dispatched
        line = body[pos:cut].decode("utf-8")
        pos = cut + (2 if body[cut : cut + 2] == b"\r\n" else 1)
        if not line:
            if data:
                events.append(Event(SSEFrame("\n".join(data), event_name or "message"), pos))
            data, event_name = [], ""
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "data":
            data.append(value)
        elif field == "event":
            event_name = value
    return events


def ndjson_lines(body: bytes) -> list[str]:
    """An NDJSON body's lines as the shells hand them over: split at LF (a CR before it
    dropped), blank lines skipped, and an unterminated last line kept."""
    out = []
    for raw in body.split(b"\n"):
        line = raw.decode("utf-8", "replace").removesuffix("\r")
        if line.strip():
            out.append(line)
    return out


def with_endings(body: bytes, endings: list[bytes]) -> bytes:
    """``body`` (LF line endings, events ending in a blank line) with the n-th event's line
    endings replaced by ``endings[n]``. One ending per event: a bare-CR line followed by an
    LF blank line would read as one CRLF, which is another stream, not another spelling."""
    blocks = body.split(b"\n\n")
    assert blocks[-1] == b"", "the transcript ends with a blank line"
    out = []
    for block, end in zip(blocks[:-1], endings, strict=False):
        out.append(end.join(block.split(b"\n")) + end + end)
    return b"".join(out)
