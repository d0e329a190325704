"""Text arriving in pieces (pure): a long answer is thousands of deltas.

Every 256 pieces are joined into one string, so a long stream holds about the memory of
its characters rather than an object per delta (measured: +1.5 MB at 200,000 chunks
instead of 14 MB), and the joining copies each character once. Used by the chat
accumulator, the Responses accumulator and the Responses synthesis.
"""

from __future__ import annotations

#: Pieces joined at a time.
BATCH = 256


class TextBuffer:
    """Pieces of text, joined in batches. The chat accumulator appends to ``pending``
    itself and calls ``settle`` when it is full (a method call per chunk costs more than
    the append)."""

    __slots__ = ("joined", "pending")

    def __init__(self) -> None:
        self.joined: list[str] = []
        self.pending: list[str] = []

    def append(self, piece: str) -> None:
        pending = self.pending
        pending.append(piece)
        if len(pending) >= BATCH:
            self.settle()

    def settle(self) -> None:
        """Join the pending pieces into one string."""
        self.joined.append("".join(self.pending))
        self.pending.clear()

    @property
    def has_pieces(self) -> bool:
        return bool(self.pending or self.joined)

    def text(self) -> str:
        return "".join(self.joined) + "".join(self.pending)

    def take(self) -> str:
        """The text so far, and start afresh."""
        text = self.text()
        self.joined.clear()
        self.pending.clear()
        return text


class TextCursor:
    """Where a reader of a growing :class:`TextBuffer` is: ``read(buffer)`` is the text
    added since the last read, found without joining what was read before (the pieces
    read from ``pending`` are counted; when they were joined into ``joined``, the rest of
    that joined string is the new part)."""

    __slots__ = ("chars", "joined", "pending")

    def __init__(self) -> None:
        self.joined = 0  # entries of ``joined`` read whole
        self.pending = 0  # pieces of ``pending`` read since
        self.chars = 0  # their characters

    def read(self, buffer: TextBuffer) -> str:
        joined, pending = buffer.joined, buffer.pending
        if len(joined) == self.joined and len(pending) == self.pending + 1:
            # The usual read: one piece since the last.
            piece = pending[-1]
            self.pending += 1
            self.chars += len(piece)
            return piece
        parts: list[str] = []
        if len(joined) > self.joined:
            # The pieces read from pending were joined (first into joined[self.joined]).
            parts.append(joined[self.joined][self.chars :])
            parts.extend(joined[self.joined + 1 :])
            self.joined, self.pending, self.chars = len(joined), 0, 0
        new = pending[self.pending :]
        parts.extend(new)
        self.pending += len(new)
        self.chars += sum(map(len, new))
        return "".join(parts)
