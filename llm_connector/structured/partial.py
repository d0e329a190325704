"""A JSON value read as it streams in (pure): ``PartialJSON.feed(text)``, then ``value()``.

Each character is read once, whatever the pieces (no re-parse from the start per piece):
the parser keeps the containers open on a stack and puts every value into its parent as
soon as it begins, so ``value()`` is the document so far: objects and arrays that only
grow, the string being read shown as far as it arrived, numbers and ``true`` / ``false``
/ ``null`` once complete. An object key shows once its value begins.

Not a validator: text that is not JSON stops the reading (``broken`` is set, ``value()``
stays what it was), and the whole answer's parse says what is wrong.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["PartialJSON"]

_SPECIAL = re.compile(r'["\\]')
_SURROGATE = re.compile("[\ud800-\udfff]")
_NUMBER_CHARS = frozenset("0123456789+-.eE")
_SCALAR_RUN = re.compile(r"[0-9+\-.eEa-zA-Z]+")
_LITERALS = {"true": True, "false": False, "null": None}
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_WHITESPACE = frozenset(" \t\r\n")

# What the parser expects next.
_VALUE = 0  # a value (at the root, after ':' or ',' in an array, or first in an array)
_KEY = 1  # a key, or '}' if the object is empty so far
_COLON = 2
_AFTER = 3  # ',' or the end of the container
_DONE = 4  # the root value ended


class PartialJSON:
    """See the module docstring."""

    def __init__(self) -> None:
        self._root: Any = None
        #: Open containers, innermost last.
        self._stack: list[dict[str, Any] | list[Any]] = []
        self._expect = _VALUE
        self._key: str | None = None
        #: A string being read: its pieces, whether it is a key, an escape cut in two.
        self._in_string = False
        self._string_is_key = False
        self._pieces: list[str] = []
        self._escape = ""
        self._slot: tuple[Any, Any] | None = None  # (container, key or index) of the string
        self._scalar = ""  # a number or literal being read
        self._shown: str | None = None  # the open string's text as value() last showed it
        self._surrogates = False  # the open string has a \\u escape of a surrogate
        self.broken = False

    # -- reading ----------------------------------------------------------------------

    def feed(self, text: str) -> None:
        if self._in_string and not self._escape and _SPECIAL.search(text) is None:
            self._pieces.append(text)  # the usual piece: more of the string being read
            return
        i, n = 0, len(text)
        while i < n and not self.broken:
            if self._in_string:
                i = self._string(text, i, n)
                continue
            if self._scalar:
                run = _SCALAR_RUN.match(text, i)  # the rest of a number or literal
                if run is not None:
                    self._scalar += run.group()
                    i = run.end()
                    continue
                if not self._end_scalar():
                    return
            char = text[i]
            if char in _WHITESPACE:
                i += 1
                continue
            # The most frequent characters, inline: a string begins, a key's colon, a
            # comma between members.
            expect = self._expect
            if char == '"' and expect in (_KEY, _VALUE):
                self._begin_string(key=expect == _KEY)
                i = self._string(text, i + 1, n)
                continue
            if char == ":" and expect == _COLON:
                self._expect = _VALUE
            elif char == "," and expect == _AFTER and self._stack:
                self._expect = _KEY if type(self._stack[-1]) is dict else _VALUE
            else:
                self._char(char)
            i += 1

    def _char(self, char: str) -> None:
        """A character feed() did not take inline (a string's quote, a key's colon and a
        comma are): a value that begins, a container that closes, or what is not JSON."""
        expect = self._expect
        top = self._stack[-1] if self._stack else None
        if expect == _VALUE:
            self._begin_value(char)
        elif _closes(expect, char, top):
            self._close()
        else:
            self.broken = True  # includes anything after the root value

    def _begin_value(self, char: str) -> None:
        if char == "{":
            self._place({})
            self._expect = _KEY
        elif char == "[":
            self._place([])
            self._expect = _VALUE
        elif char == "]" and self._stack and isinstance(self._stack[-1], list):
            if self._stack[-1]:  # "[1,]" is not JSON
                self.broken = True
            else:
                self._close()
        elif char in _NUMBER_CHARS or char in "tfn":
            self._scalar = char
        else:
            self.broken = True

    def _place(self, value: Any) -> tuple[Any, Any] | None:
        """Put a value that begins into its parent; containers are opened."""
        slot: tuple[Any, Any] | None
        if not self._stack:
            self._root, slot = value, None
        else:
            top = self._stack[-1]
            if isinstance(top, dict):
                assert self._key is not None
                top[self._key] = value
                slot, self._key = (top, self._key), None
            else:
                top.append(value)
                slot = (top, len(top) - 1)
        if isinstance(value, (dict, list)):
            self._stack.append(value)
        else:
            self._expect = _AFTER if self._stack else _DONE
        return slot

    def _close(self) -> None:
        self._stack.pop()
        self._expect = _AFTER if self._stack else _DONE

    def _end_scalar(self) -> bool:
        """Place the number or literal just read; False when it is neither."""
        text, self._scalar = self._scalar, ""
        if text in _LITERALS:
            self._place(_LITERALS[text])
            return True
        try:
            number: float = int(text) if text.lstrip("-").isdigit() else float(text)
        except ValueError:
            self.broken = True
            return False
        self._place(number)
        return True

    # -- strings ----------------------------------------------------------------------

    def _begin_string(self, *, key: bool) -> None:
        self._in_string, self._string_is_key = True, key
        self._pieces = []
        self._slot = None if key else self._place("")

    def _string(self, text: str, i: int, n: int) -> int:
        """Read string characters from ``text[i]``; returns where reading stopped."""
        if self._escape:
            return self._escaped(text, i, n)
        found = _SPECIAL.search(text, i)
        if found is None:
            self._pieces.append(text[i:])
            return n
        j = found.start()
        if j > i:
            self._pieces.append(text[i:j])
        if text[j] == '"':
            self._end_string()
            return j + 1
        self._escape = "\\"
        return self._escaped(text, j + 1, n)

    def _escaped(self, text: str, i: int, n: int) -> int:
        """Go on with an escape sequence (``self._escape`` holds what arrived of it)."""
        while i < n:
            self._escape += text[i]
            i += 1
            escape = self._escape
            if len(escape) == 2 and escape[1] != "u":
                char = _ESCAPES.get(escape[1])
                if char is None:
                    self.broken = True
                    return n
                self._pieces.append(char)
                self._escape = ""
                return i
            if len(escape) == 6:
                try:
                    char = chr(int(escape[2:], 16))
                    self._pieces.append(char)
                    if "\ud800" <= char <= "\udfff":
                        self._surrogates = True  # pairs to make one character of
                except ValueError:
                    self.broken = True
                    return n
                self._escape = ""
                return i
        return i

    def _end_string(self) -> None:
        # A surrogate pair (two \\u escapes) becomes one character here.
        text = "".join(self._pieces)
        if self._surrogates:
            text, self._surrogates = _paired(text), False
        self._in_string, self._pieces = False, []
        if self._string_is_key:
            self._key = text
            self._expect = _COLON
            return
        self._set_slot(text)
        self._slot = None
        self._expect = _AFTER if self._stack else _DONE

    def _set_slot(self, text: str) -> None:
        if self._slot is None:
            self._root = text
        else:
            container, where = self._slot
            container[where] = text

    # -- the value so far -------------------------------------------------------------

    def value(self) -> Any:
        """The document so far (None before it began). Containers are the parser's own and
        go on growing: copy one to keep it as it is now."""
        if self._in_string and not self._string_is_key and self._pieces:
            pieces = self._pieces
            if len(pieces) > 1:
                text = "".join(pieces)
                self._pieces = [text]  # the next join starts from one piece
            else:
                text = pieces[0]
            if text is not self._shown:  # something arrived since the last look
                self._shown = text
                self._show(text)
        return self._root

    def _show(self, text: str) -> None:
        if self._surrogates:  # only a \\u escape makes one: the usual string has none
            if "\ud800" <= text[-1] <= "\udbff":
                text = text[:-1]  # half of a pair: shown once the other half came
            text = _paired(text)
        self._set_slot(text)

    @property
    def complete(self) -> bool:
        """Whether the root value has ended."""
        return self._expect == _DONE and not self._in_string and not self._scalar

    def finish(self) -> Any:
        """The value once the text ended: a number at the very end is complete now."""
        if self._scalar and not self.broken:
            self._end_scalar()
        return self.value()


def _closes(expect: int, char: str, top: object) -> bool:
    """Whether ``char`` closes the container ``top``: after a member, or an object before
    its first."""
    if expect == _KEY:
        return char == "}" and not top
    return expect == _AFTER and (
        (char == "}" and isinstance(top, dict)) or (char == "]" and isinstance(top, list))
    )


def _paired(text: str) -> str:
    """``text`` with each surrogate pair (two ``\\u`` escapes) made the one character it
    stands for (a lone surrogate stays, as ``json.loads`` leaves it)."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


class StreamOutput:
    """The structured answer of a chat stream so far (``ChatStream.partial_output``): reads
    the text added to the stream's answer since the last call, and nothing before it."""

    __slots__ = ("_accumulator", "_buffer", "_cursor", "_parser", "_wrapped")

    def __init__(self, *, wrapped: bool) -> None:
        self._wrapped = wrapped
        self._accumulator: Any = None
        self._buffer: Any = None

    def read(self, accumulator: Any) -> Any:
        if accumulator is not self._accumulator:
            # The first read, or the request was sent again after a failure before any
            # content: read the new answer from its start.
            from llm_connector.types._text import TextCursor

            self._accumulator, self._buffer = accumulator, None
            self._cursor = TextCursor()
            self._parser = PartialJSON()
        buffer = self._buffer
        if buffer is None:
            buffer = accumulator.output_buffer()
            if buffer is not None and buffer.has_pieces:
                self._buffer = buffer  # the answer's text is there: it stays where it is
        parser = self._parser
        if buffer is not None:
            cursor = self._cursor
            pending = buffer.pending
            if len(pending) == cursor.pending + 1 and len(buffer.joined) == cursor.joined:
                # The usual call: one piece since the last (TextCursor.read, inline: this
                # runs after every chunk).
                piece = pending[-1]
                cursor.pending += 1
                cursor.chars += len(piece)
                parser.feed(piece)
            else:
                new = cursor.read(buffer)
                if new:
                    parser.feed(new)
        value = parser.value()
        if self._wrapped:
            return value.get("value") if isinstance(value, dict) else None
        return value


class ToolArguments:
    """The arguments of a chat stream's tool calls so far, by call index
    (``ChatStream.partial_tool_arguments``); each call's text read once, as StreamOutput."""

    __slots__ = ("_accumulator", "_calls")

    def __init__(self) -> None:
        self._accumulator: Any = None
        self._calls: dict[int, tuple[Any, PartialJSON]] = {}

    def read(self, accumulator: Any) -> dict[int, Any]:
        from llm_connector.types._text import TextCursor

        if accumulator is not self._accumulator:
            self._accumulator, self._calls = accumulator, {}
        values: dict[int, Any] = {}
        for index, buffer in accumulator.tool_argument_buffers().items():
            call = self._calls.get(index)
            if call is None:
                call = self._calls[index] = (TextCursor(), PartialJSON())
            cursor, parser = call
            parser.feed(cursor.read(buffer))
            values[index] = parser.value()
        return values
