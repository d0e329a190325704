"""The benchmark's loopback server: run as its own process so it never competes with the
client for the GIL.

    python bench/server.py PORT

A request to ``/{protocol}/{n}/...`` (any method, any rest of the path, keep-alive) is
answered with ``n`` content events of that protocol's wire shape (bench/wire.py), chunked,
one HTTP chunk per event; one to ``/whole/...`` with a whole chat completion. Bodies are
built once and cached, so serving one is a single socket write.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from wire import PROTOCOLS, body

_CACHE: dict[tuple[str, int], bytes] = {}


def response(protocol: str, n: int) -> bytes:
    key = (protocol, n)
    if key not in _CACHE:
        content_type, payload = body(protocol, n)
        head = (
            "HTTP/1.1 200 OK\r\n"
            f"content-type: {content_type}\r\n"
            "transfer-encoding: chunked\r\n"
            "x-request-id: req_bench\r\n"
            "\r\n"
        ).encode()
        _CACHE[key] = head + payload
    return _CACHE[key]


#: ``/whole/...``: a whole (not streamed) chat completion, for bench/calls.py.
_COMPLETION = (
    b'{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,'
    b'"model":"bench","choices":[{"index":0,"message":{"role":"assistant",'
    b'"content":"Hello there."},"finish_reason":"stop"}],'
    b'"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}'
)
WHOLE = (
    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
    f"content-length: {len(_COMPLETION)}\r\nx-request-id: req_bench\r\n\r\n"
).encode() + _COMPLETION


def not_found(path: str) -> bytes:
    text = f'{{"error": {{"message": "no bench route {path}"}}}}'.encode()
    head = (
        "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n"
        f"content-length: {len(text)}\r\n\r\n"
    )
    return head.encode() + text


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length:
                await reader.readexactly(length)
            parts = path.split("?", 1)[0].strip("/").split("/")
            if parts[0] == "whole":
                writer.write(WHOLE)
            elif len(parts) >= 2 and parts[0] in PROTOCOLS and parts[1].isdigit():
                writer.write(response(parts[0], int(parts[1])))
            else:
                writer.write(not_found(f"{method} {path}"))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
