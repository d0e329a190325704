"""Test your code against recorded provider traffic.

Record once against the real API, then replay in tests with no key and no network; the
replayed bytes go through the very same codecs and streams:

    from llm_connector import Client
    from llm_connector.testing import recording_http_client, replaying_http_client

    # once, with a real key: every response body is saved as 0001.sse, 0002.json, ...
    client = Client.anthropic(http_client=recording_http_client("tests/recordings/weather"))

    # in tests: the saved bodies are served in order, whatever the request
    replay = replaying_http_client("tests/recordings/weather")
    client = Client.anthropic("test-key", http_client=replay)

``replaying_http_client`` also takes individual files, e.g. a transcript from another
project's cassette. The async twins are ``recording_async_http_client`` and
``replaying_async_http_client``.

What is saved: the response body exactly as it came off the wire (compressed if the server
compressed it), its status, content type and content encoding in a ``.meta.json`` beside
it, and the request's JSON body in ``.request.json``. Request headers, and with them API
keys, are never saved.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path

import attrs
import httpx

from llm_connector.types._value import FrozenValue

__all__ = [
    "Recording",
    "RecordingTransport",
    "ReplayTransport",
    "recording_async_http_client",
    "recording_http_client",
    "replaying_async_http_client",
    "replaying_http_client",
]

_SUFFIXES = {"text/event-stream": ".sse", "application/x-ndjson": ".ndjson"}
_CONTENT_TYPES = {".sse": "text/event-stream", ".ndjson": "application/x-ndjson"}

PathLike = str | os.PathLike[str]


@attrs.frozen(repr=False, eq=False)
class Recording(FrozenValue):
    """One recorded response: status, content type (and encoding) and the body bytes."""

    body: bytes
    status: int = 200
    content_type: str = "application/json"
    content_encoding: str | None = None

    @classmethod
    def from_file(cls, path: PathLike) -> Recording:
        """A recorded body from a file; status and content type come from a ``.meta.json``
        beside it, else from the suffix (``.sse``, ``.ndjson``, otherwise JSON, status 200)."""
        path = Path(path)
        meta_path = path.with_name(path.name.split(".")[0] + ".meta.json")
        if meta_path.is_file():
            meta = json.loads(meta_path.read_text())
            encoding = meta.get("content_encoding")
            return cls(
                path.read_bytes(),
                int(meta["status"]),
                str(meta["content_type"]),
                str(encoding) if encoding else None,
            )
        content_type = _CONTENT_TYPES.get(path.suffix, "application/json")
        return cls(path.read_bytes(), 200, content_type)


def _recordings(sources: Sequence[PathLike | Recording]) -> list[Recording]:
    """Files and directories (their numbered bodies, in order) as recordings."""
    out: list[Recording] = []
    for source in sources:
        if isinstance(source, Recording):
            out.append(source)
        elif Path(source).is_dir():
            bodies = sorted(
                p
                for p in Path(source).iterdir()
                if p.name[:4].isdigit() and not p.name.endswith((".meta.json", ".request.json"))
            )
            out.extend(Recording.from_file(p) for p in bodies)
        else:
            out.append(Recording.from_file(source))
    if not out:
        raise ValueError("nothing to replay: no recordings given or found")
    return out


class ReplayTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Answers each request with the next recording, in order; the body arrives in
    ``chunk_size`` pieces, as from a network. Raises ``AssertionError`` when a request
    comes after the last recording (a test that sends more than it recorded)."""

    def __init__(
        self, recordings: Sequence[PathLike | Recording], *, chunk_size: int = 256
    ) -> None:
        self._recordings = _recordings(recordings)
        self._next = 0
        self._lock = threading.Lock()
        self.chunk_size = chunk_size
        #: The requests answered so far (method, URL and body; no headers).
        self.requests: list[tuple[str, str, bytes]] = []

    def _answer(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            if self._next >= len(self._recordings):
                raise AssertionError(
                    f"request {self._next + 1} ({request.method} {request.url.path}) has no "
                    f"recording: only {len(self._recordings)} were given"
                )
            recording = self._recordings[self._next]
            self._next += 1
            self.requests.append((request.method, str(request.url), request.content))
        body = recording.body
        pieces = [body[i : i + self.chunk_size] for i in range(0, len(body), self.chunk_size)]
        headers = {"content-type": recording.content_type}
        if recording.content_encoding:
            headers["content-encoding"] = recording.content_encoding
        return httpx.Response(recording.status, headers=headers, stream=_Pieces(pieces))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return self._answer(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self._answer(request)


class _Pieces(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, pieces: list[bytes]) -> None:
        self._pieces = pieces

    def __iter__(self) -> Iterator[bytes]:
        yield from self._pieces

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self._pieces:
            yield piece


class RecordingTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps a real transport (sync or async) and saves every response to ``directory`` as
    it is read: ``0001.sse`` (or ``.json`` / ``.ndjson``), ``0001.meta.json`` and
    ``0001.request.json``; numbering continues after what the directory already holds."""

    def __init__(
        self, directory: PathLike, transport: httpx.BaseTransport | httpx.AsyncBaseTransport
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._inner = transport
        self._lock = threading.Lock()
        self._count = len([p for p in self.directory.iterdir() if p.name.endswith(".meta.json")])

    def _paths(self, response: httpx.Response) -> tuple[Path, Path]:
        with self._lock:
            self._count += 1
            number = f"{self._count:04d}"
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        suffix = _SUFFIXES.get(content_type, ".json")
        meta = {
            "status": response.status_code,
            "content_type": content_type or "application/json",
            "content_encoding": response.headers.get("content-encoding"),
        }
        (self.directory / f"{number}.meta.json").write_text(json.dumps(meta))
        return self.directory / f"{number}{suffix}", self.directory / f"{number}.request.json"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(self._inner, httpx.BaseTransport):
            raise TypeError("this RecordingTransport wraps an async transport")
        response = self._inner.handle_request(request)
        body_path, request_path = self._paths(response)
        request_path.write_bytes(request.read())
        # A new response over a tee of the body: the original may arrive already read
        # (a mock), and its stream is what reaches the wire either way.
        return _tee_response(response, _SyncTee(response, body_path))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(self._inner, httpx.AsyncBaseTransport):
            raise TypeError("this RecordingTransport wraps a sync transport")
        response = await self._inner.handle_async_request(request)
        body_path, request_path = self._paths(response)
        request_path.write_bytes(await request.aread())
        return _tee_response(response, _AsyncTee(response, body_path))

    def close(self) -> None:
        if isinstance(self._inner, httpx.BaseTransport):
            self._inner.close()

    async def aclose(self) -> None:
        if isinstance(self._inner, httpx.AsyncBaseTransport):
            await self._inner.aclose()


def _tee_response(
    response: httpx.Response, stream: httpx.SyncByteStream | httpx.AsyncByteStream
) -> httpx.Response:
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        stream=stream,
        extensions=response.extensions,
    )


class _SyncTee(httpx.SyncByteStream):
    """Passes a response body through while appending it to a file."""

    def __init__(self, response: httpx.Response, path: Path) -> None:
        self._stream = response.stream
        self._file = path.open("wb")

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._stream, httpx.SyncByteStream)
        for piece in self._stream:
            self._file.write(piece)
            yield piece

    def close(self) -> None:
        self._file.close()
        assert isinstance(self._stream, httpx.SyncByteStream)
        self._stream.close()


class _AsyncTee(httpx.AsyncByteStream):
    def __init__(self, response: httpx.Response, path: Path) -> None:
        self._stream = response.stream
        self._file = path.open("wb")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._stream, httpx.AsyncByteStream)
        async for piece in self._stream:
            self._file.write(piece)
            yield piece

    async def aclose(self) -> None:
        self._file.close()
        assert isinstance(self._stream, httpx.AsyncByteStream)
        await self._stream.aclose()


def recording_http_client(directory: PathLike) -> httpx.Client:
    """An ``httpx.Client`` that talks to the network and saves every response."""
    return httpx.Client(transport=RecordingTransport(directory, httpx.HTTPTransport()))


def recording_async_http_client(directory: PathLike) -> httpx.AsyncClient:
    """The asyncio twin of :func:`recording_http_client`."""
    return httpx.AsyncClient(transport=RecordingTransport(directory, httpx.AsyncHTTPTransport()))


def replaying_http_client(*sources: PathLike | Recording) -> httpx.Client:
    """An ``httpx.Client`` that answers with the recordings (files or directories), in order."""
    return httpx.Client(transport=ReplayTransport(sources))


def replaying_async_http_client(*sources: PathLike | Recording) -> httpx.AsyncClient:
    """The asyncio twin of :func:`replaying_http_client`."""
    return httpx.AsyncClient(transport=ReplayTransport(sources))
