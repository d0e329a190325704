"""A fast streaming server for the load tests, run in a process of its own on loopback.

``python -m tests.support.load_server`` listens on 127.0.0.1 (a free port, printed on the
first line of stdout) and answers every ``POST .../chat/completions`` with an OpenAI chat
stream of ``x-load-chunks`` text chunks (``"w0 "``, ``"w1 "``, ...), each event its own
HTTP chunk, over keep-alive HTTP/1.1. ``GET /stats`` returns what it saw: connections open
now, the most open at once, connections and streams in all. It runs on asyncio in its own
process, so the client's measurements (time, memory, descriptors) are the client's alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass

#: Events written between two waits for the socket to drain: enough to batch the writes,
#: few enough that a slow client holds back only a little of its stream in memory.
DRAIN_EVERY = 32

_HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"


def expected_answer(chunks: int) -> str:
    """The text a stream of ``chunks`` chunks carries."""
    return "".join(f"w{n} " for n in range(chunks))


def _event(delta: dict[str, object], finish: str | None = None, **extra: object) -> bytes:
    body = {
        "id": "chatcmpl-load",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "load-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }
    data = b"data: " + json.dumps(body, separators=(",", ":")).encode() + b"\n\n"
    return b"%x\r\n%s\r\n" % (len(data), data)


_ROLE = _event({"role": "assistant", "content": ""})
_FINISH = _event({}, "stop")
_DONE = b"%x\r\n%s\r\n" % (14, b"data: [DONE]\n\n") + b"0\r\n\r\n"
_TEXT: list[bytes] = []


def _text_events(count: int) -> list[bytes]:
    while len(_TEXT) < count:
        _TEXT.append(_event({"content": f"w{len(_TEXT)} "}))
    return _TEXT[:count]


@dataclass
class Stats:
    open: int = 0
    peak_open: int = 0
    connections: int = 0
    streams: int = 0


STATS = Stats()


def _lines(head: bytes) -> Iterator[tuple[str, str]]:
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name:
            yield name.strip().lower(), value.strip()


async def _stream(writer: asyncio.StreamWriter, chunks: int) -> None:
    writer.write(_HEAD + _ROLE)
    for n, event in enumerate(_text_events(chunks)):
        writer.write(event)
        if n % DRAIN_EVERY == DRAIN_EVERY - 1:
            await writer.drain()
    usage = {"prompt_tokens": 5, "completion_tokens": chunks, "total_tokens": 5 + chunks}
    writer.write(_FINISH + _event({}, None, usage=usage) + _DONE)
    await writer.drain()
    STATS.streams += 1


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    STATS.open += 1
    STATS.connections += 1
    STATS.peak_open = max(STATS.peak_open, STATS.open)
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            _, path, _ = head.split(b" ", 2)
            headers = dict(_lines(head))
            if length := int(headers.get("content-length", "0")):
                await reader.readexactly(length)
            if path.endswith(b"/chat/completions"):
                await _stream(writer, int(headers.get("x-load-chunks", "10")))
            else:
                body = json.dumps(asdict(STATS)).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    b"content-length: %d\r\n\r\n%s" % (len(body), body)
                )
                await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass  # the client closed the connection (or sent nonsense)
    finally:
        STATS.open -= 1
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def main() -> None:
    server = await asyncio.start_server(_handle, "127.0.0.1", 0, backlog=4096, limit=1 << 20)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    sys.exit(0)
