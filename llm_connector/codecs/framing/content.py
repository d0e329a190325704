"""Content-Encoding, decoded here from the raw bytes of a response (pure: stdlib zlib).

The shells read a body's raw bytes (``httpx.Response.iter_raw()``, no httpx decoding) and
hand them to these, so that what a compressed body inflates to is bounded as it inflates:
httpx's decoders inflate a whole network read at once, and a 64 KiB read of a gzip bomb
is 64 MiB (of two stacked layers, gigabytes) before anything can count it.

The codings: ``identity`` (also ``none`` or no header: nothing to do), ``gzip`` and
``x-gzip``, ``deflate``, and any stack of them (``Content-Encoding: gzip, deflate`` was
gzipped, then deflated: decoded deflate first). ``deflate`` is zlib-wrapped as RFC 9110
says, or raw deflate as some servers send it: httpx tries zlib and falls back to raw if
the first read fails; here the choice is made on the first two bytes (a valid zlib header
or not, which is what zlib's first failure would say), so any split of the body decodes
the same. A gzip body of several members (RFC 1952 allows it) decodes to all of them;
bytes after a complete member that do not start another, and bytes after the end of a
deflate stream, are ignored, as httpx ignores them. Any other coding (``br``, ``zstd``,
``compress``) is refused by name when the decoder is made: the shells should send
``Accept-Encoding:`` :data:`ACCEPT_ENCODING`.

- :class:`BodyDecoder` ``(content_encoding, *, stream, piece_bytes=65536)``: ``feed(raw)``
  returns the decoded pieces of one raw read, lazily (an iterable that inflates one piece
  of at most ``piece_bytes`` at a time, as it is iterated: take all of one feed's pieces
  before the next call); ``flush()`` at the end of the body raises if the compressed data
  was cut short and returns what is left (nothing, for these codings: feed() drains
  zlib). With no coding to undo, ``identity`` is True and ``feed(raw)`` returns
  ``[raw]``, the same object. Corrupt or truncated data raises ``StreamDecodeError`` if
  ``stream``, else ``ResponseDecodeError``, naming the coding ("the gzip-encoded body is
  corrupt: ..."); so does an unknown coding, from the constructor.
- :class:`BodyCollector` ``(content_encoding, max_body_bytes)``: a body read whole.
  ``feed(raw)`` each raw read, ``finish()`` for the bytes. Raises
  ``ResponseTooLargeError("max_body_bytes", limit, "the response body")`` as soon as the
  decoded bytes pass the limit, holding no more than the limit and one piece; corrupt data
  raises ``ResponseDecodeError``.
- :func:`raw_frames` ``(reader, decoder)``: a stream's function from a raw read to its
  frames. With no coding it is ``reader.feed`` itself (no cost per read); else it returns
  an iterator that decodes a piece, frames it, hands out its frames, then decodes the
  next: a bomb of many small events is never held whole, and one the reader refuses
  stops inflating there. Being lazy, it is always true: whether a read completed a frame
  is known by iterating it.
- :func:`close_raw_frames` ``(reader, decoder)``: the frames the end of the body
  completes: flushes the decoder into the reader, then closes the reader. A limit the
  reader passed earlier is raised before the decoder's complaint about the end.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator

from llm_connector.codecs.contract import ACCEPT_ENCODING, Frame, FrameReader
from llm_connector.errors import (
    LLMError,
    ResponseDecodeError,
    ResponseTooLargeError,
    StreamDecodeError,
)

__all__ = [
    "ACCEPT_ENCODING",
    "PIECE_BYTES",
    "BodyCollector",
    "BodyDecoder",
    "close_raw_frames",
    "raw_frames",
]

#: The most one decoded piece holds, by default.
PIECE_BYTES = 65536

_IDENTITY = frozenset({"", "identity", "none"})
_GZIP = frozenset({"gzip", "x-gzip"})
_CODINGS = _GZIP | {"deflate"}
_GZIP_MAGIC = b"\x1f\x8b"


def _is_zlib_header(head: bytes) -> bool:
    """Whether two bytes open a zlib stream zlib would read: method 8 (deflate), a window
    of at most 32 KiB, the check bits, and no preset dictionary (which HTTP never has)."""
    cmf, flg = head[0], head[1]
    return cmf & 0x0F == 8 and cmf >> 4 <= 7 and (cmf << 8 | flg) % 31 == 0 and not flg & 0x20


class _Layer:
    """One coding of the stack: a zlib decompressor handing out pieces of at most
    ``piece`` bytes, one at a time, however much one input inflates to."""

    __slots__ = ("_done", "_error", "_gzip", "_head", "_members", "_obj", "_piece", "name")

    def __init__(self, name: str, piece: int, error: Callable[[str], LLMError]) -> None:
        self.name = name
        self._gzip = name in _GZIP
        self._piece = piece
        self._error = error
        # None while a member's first two bytes are awaited (kept in _head): they choose
        # zlib or raw deflate, or whether what follows a gzip member is another.
        self._obj: zlib._Decompress | None = None
        self._head = b""
        self._members = 0  # complete compressed streams so far
        self._done = False  # what follows the data is ignored

    def pieces(self, data: bytes) -> Iterator[bytes]:
        piece = self._piece
        while data:
            obj = self._obj
            if obj is None:
                if self._done:
                    return
                data = self._head + data
                if len(data) < 2:
                    self._head = data
                    return
                self._head = b""
                obj = self._obj = self._start(data)
                if obj is None:
                    return
            while True:
                try:
                    out = obj.decompress(data, piece)
                except zlib.error as exc:
                    raise self._error(f"the {self.name}-encoded body is corrupt: {exc}") from exc
                data = obj.unconsumed_tail
                if out:
                    yield out
                if obj.eof:
                    # What follows the end: another gzip member, or ignored (the outer loop).
                    data = obj.unused_data
                    self._obj = None
                    self._members += 1
                    break
                # All input taken and the output not cut at the piece size: nothing is left
                # inside zlib (a full piece may leave more: ask again, with no input).
                if not data and len(out) < piece:
                    return

    def _start(self, head: bytes) -> zlib._Decompress | None:
        """The decompressor for the data starting with ``head``; None to ignore it."""
        if self._gzip:
            if self._members and not head.startswith(_GZIP_MAGIC):
                self._done = True  # not another member: trailing bytes, ignored
                return None
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self._members:
            self._done = True
            return None
        wbits = zlib.MAX_WBITS if _is_zlib_header(head) else -zlib.MAX_WBITS
        return zlib.decompressobj(wbits)

    def finish(self) -> None:
        """Raise if the compressed data was cut short: inside a member, or after a first
        byte alone. No data at all is an empty body."""
        if not self._done and (self._obj is not None or (self._head and not self._members)):
            raise self._error(
                f"the {self.name}-encoded body is truncated: it ends inside its compressed data"
            )


class BodyDecoder:
    """Undoes a body's Content-Encoding: ``feed()`` each raw read (taking all its pieces),
    ``flush()`` at the end. See the module's docstring."""

    __slots__ = ("_layers", "_stream", "encodings", "identity")

    def __init__(
        self, content_encoding: str | None, *, stream: bool, piece_bytes: int = PIECE_BYTES
    ) -> None:
        if piece_bytes <= 0:
            raise ValueError(f"piece_bytes must be positive, got {piece_bytes}")
        self._stream = stream
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        #: The codings to undo, in the order they were applied (the header's order).
        self.encodings = tuple(c for c in codings if c not in _IDENTITY)
        for coding in self.encodings:
            if coding not in _CODINGS:
                raise self._error(
                    f"the response's Content-Encoding {coding!r} is not one llm_connector "
                    f"decodes (it decodes {ACCEPT_ENCODING})"
                )
        #: Nothing to undo: ``feed(raw)`` is ``[raw]``.
        self.identity = not self.encodings
        # The last coding applied is undone first.
        self._layers = [_Layer(c, piece_bytes, self._error) for c in reversed(self.encodings)]

    def _error(self, message: str) -> LLMError:
        return StreamDecodeError(message) if self._stream else ResponseDecodeError(message)

    def feed(self, raw: bytes) -> Iterable[bytes]:
        """The decoded pieces of one raw read, inflated one at a time as they are taken."""
        layers = self._layers
        if not layers:
            return [raw]
        if len(layers) == 1:
            return layers[0].pieces(raw)
        return self._through(raw, 0)

    def _through(self, data: bytes, index: int) -> Iterator[bytes]:
        """``data`` through the layers from ``index``: each piece of one goes through the
        next before the one after it is inflated."""
        layers = self._layers
        if index == len(layers) - 1:
            yield from layers[index].pieces(data)
            return
        for piece in layers[index].pieces(data):
            yield from self._through(piece, index + 1)

    def flush(self) -> list[bytes]:
        """The end of the body: raises if the compressed data (of any layer) was cut short.
        zlib holds nothing back once feed()'s pieces are taken, so this returns []."""
        for layer in self._layers:
            layer.finish()
        return []


class BodyCollector:
    """A body read whole, decoded and held within ``max_body_bytes``: ``feed()`` each raw
    read, ``finish()`` for the bytes. Once past the limit, every call raises."""

    __slots__ = ("_decoder", "_limit", "_pieces", "_total")

    def __init__(
        self, content_encoding: str | None, max_body_bytes: int, *, piece_bytes: int = PIECE_BYTES
    ) -> None:
        self._decoder = BodyDecoder(content_encoding, stream=False, piece_bytes=piece_bytes)
        self._limit = max_body_bytes
        self._pieces: list[bytes] = []
        self._total = 0

    def _too_large(self) -> ResponseTooLargeError:
        self._pieces.clear()
        return ResponseTooLargeError("max_body_bytes", self._limit, "the response body")

    def _add(self, pieces: Iterable[bytes]) -> None:
        held = self._pieces
        limit = self._limit
        for piece in pieces:
            # Counted before it is kept: at most the limit and this piece are held, and no
            # piece is inflated after the one that passes it.
            self._total += len(piece)
            if self._total > limit:
                raise self._too_large()
            held.append(piece)

    def feed(self, raw: bytes) -> None:
        if self._total > self._limit:
            raise self._too_large()
        self._add(self._decoder.feed(raw))

    def finish(self) -> bytes:
        """The decoded body (raises if the compressed data was cut short)."""
        if self._total > self._limit:
            raise self._too_large()
        self._add(self._decoder.flush())
        pieces = self._pieces
        body = pieces[0] if len(pieces) == 1 else b"".join(pieces)
        pieces.clear()
        return body


def raw_frames(reader: FrameReader, decoder: BodyDecoder) -> Callable[[bytes], Iterable[Frame]]:
    """A stream's function from one raw read to the frames it completes: ``reader.feed``
    itself if there is no coding to undo, else a lazy decode-then-frame (see the module's
    docstring). The reader's contract holds: frames before a limit come out first."""
    if decoder.identity:
        return reader.feed
    feed = reader.feed

    def frames(raw: bytes) -> Iterator[Frame]:
        for piece in decoder.feed(raw):
            yield from feed(piece)

    return frames


def close_raw_frames(reader: FrameReader, decoder: BodyDecoder) -> list[Frame]:
    """The frames the end of the body completes: the decoder's last pieces through the
    reader, then the reader's close (which also raises a limit it passed earlier)."""
    try:
        frames = [frame for piece in decoder.flush() for frame in reader.feed(piece)]
    except LLMError:
        # A limit passed earlier in the body is the error to report; the reader's close
        # raises it (its frames, if it has none to raise, are past the decoder's error).
        reader.close()
        raise
    frames.extend(reader.close())
    return frames
