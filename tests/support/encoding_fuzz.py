"""Content-Encoding and chunk-boundary mutations of every recorded body, served through
``httpx.MockTransport`` to a real ``Client`` / ``AsyncClient`` (tests/reliability/
test_fuzz_encoding.py runs them).

The bodies (:func:`bodies`): every transcript of the protocol table (tests/support/
protocols.py), streamed through its row's client; and every JSON body of tests/data
(answers, JSON-array answers, error envelopes, served with the status their name gives),
both to the whole call (``chat`` / ``invoke_responses``) and to the stream method (a server
that ignores ``stream: true``).

The cases of a body (:func:`cases`), each drawn from its own seeded ``random.Random``
(``"<body>:<case>"``: the same cases on every run, on every machine):

- *exact*: the body correctly encoded (gzip, zlib-wrapped and raw deflate, stacked codings
  in one header or two, ``GZIP`` in capitals, ``x-gzip``, ``identity``, a gzip of two
  members), or plain, whole, in random pieces (1-byte and empty ones among them) or a
  byte at a time across the coding's header and trailer: the outcome (every chunk or
  event, the answer, or the error) must be exactly the plain whole body's;
- *corrupt*: flipped bits, truncation, inserted and deleted bytes in the compressed bytes,
  a gzip trailer with the wrong CRC or ISIZE, a zlib one with the wrong Adler-32, a coding
  named that the body does not have (gzip on a plain body, deflate on a gzip body,
  ``gzip, gzip`` on a single gzip), codings httpx does not know (``br``, ``zstd``,
  ``compress``), empty and header-only bodies, trailing garbage; each whole, in random
  pieces or bytewise at its edges: the call may complete or raise, but only an
  ``LLMError``, and a stream's error (of a 200 answer) carries what arrived in
  ``.partial``.

:func:`run` serves the plain body, then every case, through one client of either kind
and returns a :class:`Result` per case with the problem found, if any.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import random
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import httpx

from llm_connector import AsyncClient, Client
from llm_connector.errors import LLMError
from llm_connector.responses import ResponsesRequest
from tests.support.byte_path import CONTENT_TYPES, ChunkedBody, ErrorSummary, Wire
from tests.support.facade import Mode
from tests.support.paths import DATA
from tests.support.protocols import (
    ANTHROPIC_WIRE,
    CASES,
    GEMINI_WIRE,
    HUNYUAN_WIRE,
    OLLAMA_WIRE,
    OPENAI_CHAT_WIRE,
    RESPONSES_WIRE,
    case_id,
)

Headers = tuple[tuple[str, str], ...]

# -- the bodies ----------------------------------------------------------------------------------


@attrs.frozen
class Body:
    """A recorded body, the client it is served to, and how."""

    id: str
    path: Path
    wire: Wire[Any, Any]
    #: The whole call (``chat`` / ``invoke_responses``) rather than the stream method.
    whole: bool
    content_type: str
    status: int = 200

    @property
    def plain(self) -> bytes:
        return _read(self.path)


@functools.cache
def _read(path: Path) -> bytes:
    return path.read_bytes()


#: The client each folder's JSON bodies are served to.
JSON_WIRES: dict[str, Wire[Any, Any]] = {
    "openai-chat": OPENAI_CHAT_WIRE,
    "openai-compat": OPENAI_CHAT_WIRE,
    "anthropic": ANTHROPIC_WIRE,
    "gemini": GEMINI_WIRE,
    "hunyuan": HUNYUAN_WIRE,
    "ollama": OLLAMA_WIRE,
    "openai-responses": RESPONSES_WIRE,
}


def status_of(path: Path) -> int:
    """The status a JSON body was recorded with: ``error-400-...`` 400, others 200 (the
    Hunyuan error envelope is a 200 answer)."""
    found = re.search(r"error-(\d{3})\b", path.stem)
    return int(found.group(1)) if found else 200


def json_bodies() -> Iterator[Path]:
    """Every recorded JSON response body (not the requests, not the expected files)."""
    for folder in JSON_WIRES:
        for path in sorted((DATA / folder).glob("*.json")):
            if not path.name.endswith((".request.json", ".expected.json")):
                yield path


@functools.cache
def bodies() -> tuple[Body, ...]:
    """Every transcript of the table through its row's client (as the byte tests name
    it), then every JSON body to the whole call and to the stream method."""
    streams = [
        Body(case_id(row, t), t.path, t.wire, False, CONTENT_TYPES[t.wire.framing])
        for row, t in CASES
    ]
    answers = [
        Body(
            f"{path.parent.name}/{path.stem}@{'whole' if whole else 'stream'}",
            path,
            JSON_WIRES[path.parent.name],
            whole,
            "application/json",
            status_of(path),
        )
        for path in json_bodies()
        for whole in (True, False)
    ]
    return (*streams, *answers)


# -- encodings -----------------------------------------------------------------------------------


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def zlibbed(data: bytes) -> bytes:
    return zlib.compress(data)


def raw_deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@functools.cache
def _gzipped(path: Path) -> bytes:
    return gzipped(_read(path))


@functools.cache
def _zlibbed(path: Path) -> bytes:
    return zlibbed(_read(path))


# -- chunkings -----------------------------------------------------------------------------------


def random_pieces(rng: random.Random, data: bytes, target: int = 48) -> list[bytes]:
    """``data`` in random pieces: about a third of them 1 byte, one in eight empty, the
    rest from 2 bytes up to about ``4 * len(data) / target`` (a few hundred pieces at
    most, whatever the size)."""
    big = max(8, 4 * len(data) // target)
    pieces: list[bytes] = []
    at = 0
    while at < len(data):
        draw = rng.random()
        if draw < 0.12:
            size = 0
        elif draw < 0.45:
            size = 1
        elif draw < 0.65:
            size = rng.randint(2, 7)
        else:
            size = rng.randint(8, big)
        pieces.append(data[at : at + size])
        at += size
    return [b"", *pieces, b""] if rng.random() < 0.5 else pieces


def edges_bytewise(rng: random.Random, data: bytes, head: int = 64, tail: int = 16) -> list[bytes]:
    """The first ``head`` and last ``tail`` bytes (a coding's header and trailer) one at a
    time, with empty pieces among them; the middle in random pieces."""
    if len(data) <= head + tail:
        return bytewise_with_empties(data)
    middle = random_pieces(rng, data[head:-tail], target=16)
    return [
        *bytewise_with_empties(data[:head]),
        *middle,
        *bytewise_with_empties(data[-tail:]),
    ]


def bytewise_with_empties(data: bytes) -> list[bytes]:
    """One byte at a time, an empty piece after every seventh."""
    pieces: list[bytes] = []
    for i in range(len(data)):
        pieces.append(data[i : i + 1])
        if i % 7 == 6:
            pieces.append(b"")
    return pieces


def chunked(rng: random.Random, data: bytes) -> list[bytes]:
    """A chunking drawn for a corrupt body: whole, random pieces, or bytewise edges."""
    kind = rng.randrange(3)
    if kind == 0:
        return [data]
    if kind == 1:
        return random_pieces(rng, data)
    return edges_bytewise(rng, data)


# -- the cases -----------------------------------------------------------------------------------


@attrs.frozen
class Case:
    """One reply: the Content-Encoding header lines, the raw body in its pieces, and
    whether it is a correct encoding (the outcome must then be the plain body's)."""

    name: str
    encoding: Headers
    pieces: tuple[bytes, ...]
    exact: bool


def _ce(*values: str) -> Headers:
    return tuple(("content-encoding", v) for v in values)


def _flip_bits(rng: random.Random, data: bytes, lo: int, hi: int) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(max(0, lo), max(lo + 1, min(hi, len(out))))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def _insert(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.randbytes(rng.randint(1, 16)) + data[at:]


def _delete(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + data[at + rng.randint(1, 16) :]


def _truncate(rng: random.Random, data: bytes, region: str) -> bytes:
    if region == "header":
        return data[: rng.randrange(1, 10)]
    if region == "trailer":
        return data[: len(data) - rng.randint(1, 8)]
    return data[: rng.randrange(10, max(11, len(data) - 8))]


def _wrong(data: bytes, start: int, end: int) -> bytes:
    """``data`` with bytes ``start:end`` (negative offsets: the trailer) inverted."""
    out = bytearray(data)
    for i in range(len(out) + start, len(out) + end if end else len(out)):
        out[i] ^= 0xFF
    return bytes(out)


def _exact_cases(key: str, plain: bytes, gz: bytes, zl: bytes) -> Iterator[Case]:
    def rng(name: str) -> random.Random:
        return random.Random(f"{key}:{name}")

    raw = raw_deflated(plain)
    encoded: list[tuple[str, Headers, bytes]] = [
        ("gzip", _ce("gzip"), gz),
        ("deflate-zlib", _ce("deflate"), zl),
        ("deflate-raw", _ce("deflate"), raw),
        ("gzip-gzip", _ce("gzip, gzip"), gzipped(gz)),
        ("gzip+gzip-two-lines", _ce("gzip", "gzip"), gzipped(gz)),
        ("deflate-then-gzip", _ce("deflate, gzip"), gzipped(zl)),
        ("GZIP-capitals", _ce("GZIP"), gz),
        ("identity", _ce("identity"), plain),
        # RFC 9110 8.4.1.3: a recipient SHOULD read x-gzip as gzip.
        ("x-gzip", _ce("x-gzip"), gz),
        # RFC 9112 7.2 / RFC 1952: a gzip body may be several members, read as one.
        (
            "gzip-two-members",
            _ce("gzip"),
            gzipped(plain[: len(plain) // 2]) + gzipped(plain[len(plain) // 2 :]),
        ),
    ]
    for name, headers, data in encoded:
        yield Case(f"{name}/whole", headers, (data,), True)
        yield Case(f"{name}/random", headers, tuple(random_pieces(rng(name), data)), True)
        yield Case(f"{name}/edges-bytewise", headers, tuple(edges_bytewise(rng(name), data)), True)
    for n in range(4):
        name = f"plain/random-{n}"
        yield Case(name, (), tuple(random_pieces(rng(name), plain, target=24 + 48 * n)), True)
    yield Case("plain/edges-bytewise", (), tuple(edges_bytewise(rng("plain"), plain)), True)
    if len(plain) <= 4_000:
        yield Case("plain/bytewise", (), tuple(bytewise_with_empties(plain)), True)
    for n in range(2):
        name = f"gzip/random-small-{n}"
        yield Case(name, _ce("gzip"), tuple(random_pieces(rng(name), gz, target=400)), True)


def _corrupt_cases(key: str, plain: bytes, gz: bytes, zl: bytes) -> Iterator[Case]:
    def case(name: str, headers: Headers, make: Callable[[random.Random], bytes]) -> Case:
        r = random.Random(f"{key}:{name}")
        return Case(name, headers, tuple(chunked(r, make(r))), False)

    gzip_ = _ce("gzip")
    deflate = _ce("deflate")
    # Flipped bits: in the gzip header, the compressed data, the trailer; and in zlib's.
    for n in range(3):
        yield case(f"gzip/bitflip-header-{n}", gzip_, lambda r: _flip_bits(r, gz, 0, 10))
    for n in range(6):
        yield case(f"gzip/bitflip-data-{n}", gzip_, lambda r: _flip_bits(r, gz, 10, len(gz) - 8))
    for n in range(2):
        yield case(
            f"gzip/bitflip-trailer-{n}",
            gzip_,
            lambda r: _flip_bits(r, gz, len(gz) - 8, len(gz)),
        )
    for n in range(3):
        yield case(f"deflate/bitflip-{n}", deflate, lambda r: _flip_bits(r, zl, 0, len(zl)))
    # Cut short: in the header, the data, the trailer.
    for region in ("header", "data", "trailer"):
        for n in range(2):
            cut = functools.partial(_truncate, data=gz, region=region)
            yield case(f"gzip/truncated-{region}-{n}", gzip_, cut)
    yield case("deflate/truncated", deflate, lambda r: zl[: r.randrange(1, len(zl))])
    # Bytes inserted and deleted.
    for n in range(3):
        yield case(f"gzip/inserted-{n}", gzip_, lambda r: _insert(r, gz))
        yield case(f"gzip/deleted-{n}", gzip_, lambda r: _delete(r, gz))
    yield case("deflate/inserted", deflate, lambda r: _insert(r, zl))
    yield case("deflate/deleted", deflate, lambda r: _delete(r, zl))
    # A gzip trailer that does not match; zlib's Adler-32.
    yield case("gzip/wrong-crc", gzip_, lambda r: _wrong(gz, -8, -4))
    yield case("gzip/wrong-isize", gzip_, lambda r: _wrong(gz, -4, 0))
    yield case("deflate/wrong-adler32", deflate, lambda r: _wrong(zl, -4, 0))
    yield case("gzip/trailing-garbage", gzip_, lambda r: gz + r.randbytes(r.randint(1, 32)))
    # A coding the body does not have.
    yield case("plain/labelled-gzip", gzip_, lambda r: plain)
    yield case("plain/labelled-deflate", deflate, lambda r: plain)
    yield case("gzip/labelled-deflate", deflate, lambda r: gz)
    yield case("deflate/labelled-gzip", gzip_, lambda r: zl)
    yield case("gzip/labelled-gzip-gzip", _ce("gzip, gzip"), lambda r: gz)
    yield case("gzip/labelled-gzip-twice", _ce("gzip", "gzip"), lambda r: gz)
    # Codings httpx does not decode (without brotli / zstandard installed).
    for coding in ("br", "zstd", "compress"):
        yield case(f"gzip/labelled-{coding}", _ce(coding), lambda r: gz)
    yield case("plain/labelled-br", _ce("br"), lambda r: plain)
    yield case("plain/labelled-zstd", _ce("zstd"), lambda r: plain)
    yield case("gzip/labelled-gzip-br", _ce("gzip, br"), lambda r: gz)
    # Empty and header-only bodies; a gzip of nothing.
    yield Case("empty/labelled-gzip", gzip_, (), False)
    yield Case("empty/labelled-gzip-empty-pieces", gzip_, (b"", b""), False)
    yield Case("empty/labelled-deflate", deflate, (b"",), False)
    yield Case("gzip/header-only", gzip_, tuple(bytewise_with_empties(gz[:10])), False)
    yield Case("gzip/of-nothing", gzip_, (gzipped(b""),), False)
    yield Case("deflate/of-nothing", deflate, (zlibbed(b""),), False)


def cases(key: str, plain: bytes, gz: bytes | None = None, zl: bytes | None = None) -> list[Case]:
    """Every case of a body (``key`` seeds them); ``gz`` and ``zl``, when given, are its
    gzip and zlib encodings (computed once per file by :func:`body_cases`)."""
    gz = gzipped(plain) if gz is None else gz
    zl = zlibbed(plain) if zl is None else zl
    return [*_exact_cases(key, plain, gz, zl), *_corrupt_cases(key, plain, gz, zl)]


def body_cases(body: Body) -> list[Case]:
    return cases(body.id, body.plain, _gzipped(body.path), _zlibbed(body.path))


# -- serving them --------------------------------------------------------------------------------


@attrs.frozen
class Foreign:
    """An exception that is not an ``LLMError`` (exceptions do not compare ==)."""

    type: type[BaseException]
    message: str

    @property
    def name(self) -> str:
        return f"{self.type.__module__}.{self.type.__qualname__}"


@attrs.frozen
class Outcome:
    """What the caller saw: the chunks or events (a stream's), the answer, the error."""

    chunks: tuple[Any, ...]
    final: Any
    error: ErrorSummary | None
    foreign: Foreign | None = None


@attrs.frozen
class Result:
    case: Case
    outcome: Outcome
    #: What is wrong with the outcome; None: nothing.
    problem: str | None


class _Server:
    """A mock transport answering every request with the current case's reply."""

    def __init__(self, body: Body) -> None:
        self.body = body
        self.case: Case | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert self.case is not None
        headers = [("content-type", self.body.content_type), *self.case.encoding]
        return httpx.Response(
            self.body.status, headers=headers, stream=ChunkedBody(self.case.pieces)
        )


def whole_request(wire: Wire[Any, Any]) -> Any:
    """The request of the whole call: the wire's, not streamed."""
    if wire.method == "invoke_responses_stream":
        return ResponsesRequest(model="test-model", input="hi")
    return wire.request.with_stream(False)


def _whole_method(wire: Wire[Any, Any]) -> str:
    return "invoke_responses" if wire.method == "invoke_responses_stream" else "chat"


def _sync_outcome(client: Any, body: Body) -> Outcome:
    chunks: list[Any] = []
    stream: Any = None
    try:
        if body.whole:
            answer = getattr(client, _whole_method(body.wire))(whole_request(body.wire))
            return Outcome((), answer, None)
        stream = getattr(client, body.wire.method)(body.wire.request)
        chunks.extend(stream)
        return Outcome(tuple(chunks), stream.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(chunks), None, ErrorSummary.of(exc))
    except Exception as exc:
        return Outcome(tuple(chunks), None, None, Foreign(type(exc), str(exc)))
    finally:
        if stream is not None:
            stream.close()


async def _async_outcome(client: Any, body: Body) -> Outcome:
    chunks: list[Any] = []
    stream: Any = None
    try:
        if body.whole:
            method = getattr(client, _whole_method(body.wire))
            return Outcome((), await method(whole_request(body.wire)), None)
        stream = await getattr(client, body.wire.method)(body.wire.request)
        async for chunk in stream:
            chunks.append(chunk)
        return Outcome(tuple(chunks), await stream.final_response(), None)
    except LLMError as exc:
        return Outcome(tuple(chunks), None, ErrorSummary.of(exc))
    except Exception as exc:
        return Outcome(tuple(chunks), None, None, Foreign(type(exc), str(exc)))
    finally:
        if stream is not None:
            await stream.aclose()


def problem(body: Body, case: Case, outcome: Outcome, plain: Outcome) -> str | None:
    """What is wrong with a case's outcome, given the plain whole body's; None if nothing."""
    if outcome.foreign is not None:
        return f"raised {outcome.foreign.name}: {outcome.foreign.message[:120]}"
    error = outcome.error
    if error is not None and not body.whole and body.status == 200 and error.partial is None:
        return f"{error.type.__name__} without a partial: {error.message[:120]}"
    if case.exact and outcome != plain:
        return f"differs from the plain body's outcome ({_brief(outcome)} != {_brief(plain)})"
    return None


def _brief(outcome: Outcome) -> str:
    if outcome.foreign is not None:
        return outcome.foreign.name
    if outcome.error is not None:
        return (
            f"{len(outcome.chunks)} items, {outcome.error.type.__name__}: "
            + (outcome.error.message[:80])
        )
    return f"{len(outcome.chunks)} items, an answer"


def run(body: Body, mode: Mode, only: Sequence[Case] | None = None) -> list[Result]:
    """Every case's result (the plain whole body's first), served in turn through one
    client of the given kind (the status is the body's, fixed: no case can make a
    Responses client fall back and remember it)."""
    todo = [Case("plain/whole", (), (body.plain,), True)]
    todo.extend(body_cases(body) if only is None else only)
    server = _Server(body)
    outcomes: list[Outcome] = []
    if mode == "sync":
        with httpx.Client(transport=httpx.MockTransport(server)) as http:
            client = body.wire.make(Client, http)
            for case in todo:
                server.case = case
                outcomes.append(_sync_outcome(client, body))
    else:

        async def main() -> None:
            async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
                client = body.wire.make(AsyncClient, http)
                for case in todo:
                    server.case = case
                    outcomes.append(await _async_outcome(client, body))

        asyncio.run(main())
    plain = outcomes[0]
    return [
        Result(case, outcome, problem(body, case, outcome, plain))
        for case, outcome in zip(todo, outcomes, strict=True)
    ]
