"""The same scripted replies served through ``httpx.MockTransport`` (no sockets).

What needs a socket is emulated as httpx reports it: a dropped connection raises
``httpx.RemoteProtocolError`` (as httpcore does for a truncated chunked body), a hang-up
raises it before any response. "The client went away" is the response stream being
closed before it was exhausted, which is what closing an httpx response does.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator

import httpx

from tests.support.script import RecordedRequest, Reply, Script

_real_sleep = time.sleep

MOCK_ORIGIN = "http://mock.test"


class _ScriptedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A scripted body for sync and async clients alike; reports an early close."""

    def __init__(self, reply: Reply, backend: MockBackend) -> None:
        self._reply = reply
        self._backend = backend
        self._exhausted = False
        self._closed = False

    def _plan(self) -> Iterator[tuple[float, bytes | None]]:
        """(pause, chunk) pairs; a None chunk means "the connection drops here"."""
        reply = self._reply
        pauses = dict(reply.pauses)
        for n, data in enumerate(reply.chunks):
            if reply.drop_after is not None and n == reply.drop_after:
                yield 0.0, None
                return
            yield (reply.delay if n else 0.0) + pauses.get(n, 0.0), data
        if reply.drop_after is not None and reply.drop_after >= len(reply.chunks):
            yield 0.0, None
            return
        if reply.forever is not None:
            deadline = time.monotonic() + 20.0
            while time.monotonic() < deadline:
                yield reply.delay, reply.forever

    def __iter__(self) -> Iterator[bytes]:
        for pause, data in self._plan():
            if pause:
                _real_sleep(pause)
            self._check_open()
            if data is None:
                self._backend.event("server_dropped")
                raise httpx.RemoteProtocolError("peer closed connection (mock drop)")
            yield data
        self._exhausted = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for pause, data in self._plan():
            if pause:
                await asyncio.sleep(pause)
            self._check_open()
            if data is None:
                self._backend.event("server_dropped")
                raise httpx.RemoteProtocolError("peer closed connection (mock drop)")
            yield data
        self._exhausted = True

    def _check_open(self) -> None:
        # A read on a socket closed meanwhile (by another thread or task) fails.
        if self._closed:
            raise httpx.ReadError("the connection was closed")

    def close(self) -> None:
        if not self._exhausted:
            self._backend.client_left()
        self._exhausted = True
        self._closed = True

    async def aclose(self) -> None:
        self.close()


class MockBackend:
    """Scripted replies behind an ``httpx.MockTransport``; the loopback server's twin."""

    kind = "mock"

    def __init__(self) -> None:
        self.script = Script()
        self.events: list[tuple[str, int, str]] = []
        self.client_gone = threading.Event()
        self.origin = MOCK_ORIGIN
        self.base_url = f"{MOCK_ORIGIN}/v1"
        self.transport = httpx.MockTransport(self._handle)

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.script.requests

    def _handle(self, request: httpx.Request) -> httpx.Response:
        recorded = RecordedRequest(
            request.method,
            request.url.path,
            request.url.query.decode(),
            request.headers,
            request.content,
        )
        reply = self.script.take(recorded)
        if reply.hang_up:
            self.event("server_hung_up")
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        headers = list(reply.headers)
        if not reply.chunked:
            headers.append(("content-length", str(sum(len(c) for c in reply.chunks))))
        return httpx.Response(
            reply.status, headers=headers, stream=_ScriptedStream(reply, self), request=request
        )

    def event(self, kind: str, detail: str = "") -> None:
        self.events.append((kind, 0, detail))

    def client_left(self) -> None:
        self.event("client_left", "stream closed early")
        self.client_gone.set()

    def count(self, kind: str) -> int:
        return sum(1 for event in self.events if event[0] == kind)
