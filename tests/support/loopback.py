"""A real HTTP/1.1 server on 127.0.0.1 for the client tests, scripted with
:class:`~tests.support.script.Reply` values.

Bodies are written with chunked transfer encoding, one flushed HTTP chunk per scripted
chunk. Between chunks the server watches its socket, so it notices at once when the client
closes the connection (EOF, or a failed write); ``client_gone`` is set then, and the event
is kept in ``events`` for tests to assert on.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import select
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx

from tests.support.script import RecordedRequest, Reply, Script

#: Name prefixes of the threads a server runs (its accept loop, its request handlers).
SERVER_THREADS = ("loopback-server", "loopback-handler")

#: An endless stream gives up after this long, so a broken test cannot hang the suite.
ENDLESS_CAP = 20.0


class _Server(ThreadingHTTPServer):
    # Handler threads are joined on close (no thread outlives its test).
    daemon_threads = False
    block_on_close = True

    def __init__(self, owner: LoopbackServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would look up the host's FQDN (a DNS query per server).
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that closes a connection with unread bytes in its buffer sends a reset;
        # the handler meets it reading the next request. That is the client's right.
        # Anything else is a bug in this server: kept, and raised when the server stops.
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionResetError, BrokenPipeError)):
            self.owner.event("client_reset", 0, repr(error))
        else:
            self.owner.errors.append(error)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    # A socket timeout: an idle keep-alive connection cannot block a thread for long.
    timeout = 10

    def setup(self) -> None:
        threading.current_thread().name = f"{SERVER_THREADS[1]}:{self.server.server_port}"
        super().setup()
        # Each scripted chunk leaves at once (no Nagle delay between small writes).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.conn_id = self.server.owner.connection_opened(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.owner.connection_closed(self.conn_id, self.connection)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        request = RecordedRequest(
            self.command, url.path, url.query, httpx.Headers(list(self.headers.items())), body
        )
        reply = owner.script.take(request)
        if reply.hang_up:
            self.close_connection = True
            self._cut()
            owner.event("server_hung_up", self.conn_id)
            return
        try:
            self._write_reply(reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            owner.client_left(self.conn_id, "write failed")

    def _write_reply(self, reply: Reply) -> None:
        owner = self.server.owner
        if reply.head_delay and not self._pause(reply.head_delay):
            return
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(sum(len(c) for c in reply.chunks)))
        if reply.head_drip:
            # The head as end_headers() would write it, captured, then written byte by byte.
            wfile, self.wfile = self.wfile, io.BytesIO()
            self.end_headers()
            head, self.wfile = self.wfile.getvalue(), wfile
            for n in range(len(head)):
                if n and not self._pause(reply.head_drip):
                    return
                self.wfile.write(head[n : n + 1])
        else:
            self.end_headers()
        if not reply.chunked:
            self.wfile.write(b"".join(reply.chunks))
            return
        for n, data in enumerate(reply.chunks):
            if reply.drop_after is not None and n == reply.drop_after:
                self._drop(reply, data)
                return
            if n and reply.delay and not self._pause(reply.delay):
                return
            if (pause := dict(reply.pauses).get(n)) and not self._pause(pause):
                return
            self._write_chunk(data)
        if reply.drop_after is not None and reply.drop_after >= len(reply.chunks):
            self._drop(reply, b"x" * 64)
            return
        if reply.forever is not None:
            deadline = time.monotonic() + ENDLESS_CAP
            while time.monotonic() < deadline:
                if not self._pause(reply.delay):
                    return
                self._write_chunk(reply.forever)
            owner.event("endless_cap_reached", self.conn_id)
        self.wfile.write(b"0\r\n\r\n")

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _drop(self, reply: Reply, next_chunk: bytes) -> None:
        if reply.drop_mid_chunk:
            # A chunk header promising the whole chunk, then only half of it.
            self.wfile.write(b"%x\r\n%s" % (len(next_chunk), next_chunk[: len(next_chunk) // 2]))
        self.close_connection = True
        # Noted before the cut: the client may see the cut (and the test look) at once.
        self.server.owner.event("server_dropped", self.conn_id)
        self._cut()

    def _cut(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _pause(self, seconds: float) -> bool:
        """Wait, watching the socket. False if the client left (or the server stops)."""
        owner = self.server.owner
        deadline = time.monotonic() + seconds
        while True:
            if owner.stopping.is_set():
                self.close_connection = True
                return False
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            readable, _, _ = select.select([self.connection], [], [], min(remaining, 0.02))
            if readable:
                try:
                    peek = self.connection.recv(1, socket.MSG_PEEK)
                except OSError:
                    peek = b""
                if not peek:
                    self.close_connection = True
                    owner.client_left(self.conn_id, "eof")
                    return False
                time.sleep(min(remaining, 0.02))  # unexpected bytes: keep waiting


class LoopbackServer:
    """The server and what it saw. Start with :meth:`start`, stop with :meth:`stop`."""

    kind = "loopback"

    def __init__(self) -> None:
        self.script = Script()
        #: (event, connection id, detail) in order: "connect", "disconnect", "client_left",
        #: "server_dropped", "server_hung_up", "endless_cap_reached".
        self.events: list[tuple[str, int, str]] = []
        #: Set when a client closed its connection while a response was being written.
        self.client_gone = threading.Event()
        self.stopping = threading.Event()
        #: Unexpected exceptions in handler threads (raised by :meth:`stop`).
        self.errors: list[BaseException | None] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._open: dict[int, socket.socket] = {}
        self._server = _Server(self)
        host, port = self._server.server_address[:2]
        self.origin = f"http://{host!s}:{port}"
        self.base_url = f"{self.origin}/v1"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"{SERVER_THREADS[0]}:{port}",
            daemon=True,
        )

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.script.requests

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        with self._lock:
            sockets = list(self._open.values())
        for sock in sockets:
            # Wake handler threads blocked reading an idle keep-alive connection.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._server.server_close()  # joins the handler threads
        self._thread.join(timeout=5)
        assert not self._thread.is_alive(), "loopback server thread did not stop"
        assert not self.errors, f"the loopback server failed: {self.errors!r}"

    # -- bookkeeping called from handler threads --------------------------------------

    def event(self, kind: str, conn_id: int, detail: str = "") -> None:
        with self._lock:
            self.events.append((kind, conn_id, detail))

    def connection_opened(self, sock: socket.socket) -> int:
        conn_id = next(self._ids)
        with self._lock:
            self._open[conn_id] = sock
        self.event("connect", conn_id)
        return conn_id

    def connection_closed(self, conn_id: int, sock: socket.socket) -> None:
        with self._lock:
            self._open.pop(conn_id, None)
        self.event("disconnect", conn_id)

    def client_left(self, conn_id: int, how: str) -> None:
        self.event("client_left", conn_id, how)
        self.client_gone.set()

    def count(self, kind: str) -> int:
        with self._lock:
            return sum(1 for event in self.events if event[0] == kind)


def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextlib.contextmanager
def unanswered_port() -> Iterator[int]:
    """A loopback port whose listener never accepts and whose accept queue is full, so a
    new connection attempt hangs until the client's connect timeout (the SYN is dropped)."""
    listener = socket.socket()
    fillers: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port: int = listener.getsockname()[1]
        for _ in range(4):  # more than the queue of a listen(0) socket holds
            filler = socket.socket()
            fillers.append(filler)
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
