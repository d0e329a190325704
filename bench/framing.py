"""Framing under hostile shapes: time linear in the bytes however they are split, and memory
bounded by the limits (llm_connector/codecs/framing, docs/reliability.md).

    PYTHONPATH=. python bench/framing.py

Run by ``nox -s bench`` after bench/run.py. For the SSE, NDJSON and AWS event stream
readers it measures the CPU time of one 8 MiB and one 32 MiB event (a single line, or one
binary message) fed in 4 KiB reads, best of
5 each, and their ratio (linear: 4x; the target is at most 5x), and the longest single
``feed()`` in the best 32 MiB run (the one that completes the line: a join and a decode;
target at most 50 ms). Each run is a fresh process with glibc's mmap and trim thresholds
fixed (``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``): left to adjust themselves,
they hand a second 8 MiB body pages already mapped, where a 32 MiB one (past the largest
threshold) gets fresh pages to fault in, and page faults are most of the time here: the
ratio would be the allocator's, not the reader's.

Then the peak traced memory (tracemalloc) of a 64 MiB line refused at ``max_event_bytes``
= 16 MiB, of a 512 MiB gzip bomb (0.5 MB on the wire) read whole through
``BodyCollector`` and refused at ``max_body_bytes`` = 64 MiB, and of a gzip bomb of one
endless SSE event through ``raw_frames`` refused at 16 MiB.

Last, the event stream reader's CPU per event on a recorded Bedrock stream (one message
per read, as Bedrock flushes them), against a floor of the stdlib alone: ``struct`` for the
prelude and the header lengths, ``zlib.crc32`` for both checksums, the payload decoded, no
objects. Prints a markdown table.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from llm_connector.codecs.framing.content import BodyCollector, BodyDecoder, raw_frames
from llm_connector.codecs.framing.eventstream import EventStreamReader
from llm_connector.codecs.framing.ndjson import NDJSONReader
from llm_connector.codecs.framing.sse import SSEReader
from llm_connector.errors import ResponseTooLargeError

MiB = 1024 * 1024
READ = 4096
RUNS = 5
MAX_RATIO = 5.0
MAX_FEED_MS = 50.0

Make = Callable[[], Any]


def one_event(framing: str, size: int) -> bytes:
    """One event (SSE), line (NDJSON) or message (event stream) whose data is ``size``
    bytes."""
    if framing == "sse":
        return b"data: " + b"x" * size + b"\n\n"
    if framing == "eventstream":
        return eventstream_message(b'{"a":"' + b"x" * (size - 8) + b'"}')
    return b'{"a":"' + b"x" * (size - 8) + b'"}\n'


def eventstream_message(payload: bytes, event_type: bytes = b"contentBlockDelta") -> bytes:
    """One AWS event stream message with Bedrock's three string headers."""
    headers = b""
    for name, value in (
        (b":event-type", event_type),
        (b":content-type", b"application/json"),
        (b":message-type", b"event"),
    ):
        headers += bytes([len(name)]) + name + b"\x07" + struct.pack(">H", len(value)) + value
    prelude = struct.pack(">II", 16 + len(headers) + len(payload), len(headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


def timed_run(make: Make, reads: list[bytes]) -> tuple[float, float]:
    """(CPU seconds for the whole body, the longest single feed() in seconds)."""
    reader = make()
    feed = reader.feed
    longest = 0.0
    clock = time.perf_counter
    cpu = time.process_time()
    frames = 0
    for data in reads:
        start = clock()
        frames += len(feed(data))
        longest = max(longest, clock() - start)
    frames += len(reader.close())
    cpu = time.process_time() - cpu
    assert frames == 1, frames
    return cpu, longest


READERS: dict[str, Make] = {
    "sse": lambda: SSEReader(64 * MiB),
    "ndjson": lambda: NDJSONReader(64 * MiB),
    "eventstream": lambda: EventStreamReader(64 * MiB),
}


def one_run(framing: str, mib: int) -> None:
    """One timed run (in a child process): prints the CPU and longest feed() seconds."""
    body = one_event(framing, mib * MiB)
    reads = [body[i : i + READ] for i in range(0, len(body), READ)]
    del body
    print(*timed_run(READERS[framing], reads))


def best(framing: str, mib: int) -> tuple[float, float]:
    """The run with the least CPU time of RUNS, each in a fresh process, and its longest
    feed()."""
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_TRIM_THRESHOLD_": "131072"}
    runs = []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, __file__, "--run", framing, str(mib)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout.split()
        runs.append((float(out[0]), float(out[1])))
    return min(runs)


def peak_of(run: Callable[[], object]) -> float:
    """The peak traced memory of ``run()`` in MiB; it must raise ResponseTooLargeError."""
    tracemalloc.start()
    try:
        run()
    except ResponseTooLargeError:
        pass
    else:
        raise AssertionError("the limit was not enforced")
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / MiB


def endless_line(make: Make, framing: str, total: int) -> Callable[[], object]:
    """Feed one line of ``total`` bytes in 64 KiB reads (the same object each time, so the
    input is not what is measured)."""
    piece = b"x" * 65536
    first = b"data: " if framing == "sse" else b'{"a":"'
    if framing == "eventstream":
        # The prelude of a message of ``total`` bytes: refused as soon as it is read.
        first = eventstream_message(b"x" * total)[:12]

    def run() -> None:
        reader = make()
        reader.feed(first)
        for _ in range(total // len(piece)):
            reader.feed(piece)
        reader.close()

    return run


def gzip_bomb(prefix: bytes, fill: bytes, size: int) -> bytes:
    """A gzip body of ``prefix`` and ``size`` bytes of ``fill`` (a multiple of 1 MiB), made
    in milliseconds: one compressed MiB, cut off by full flushes (which reset the
    compressor, so every MiB compresses to the same bytes), repeated."""
    mib = fill * (MiB // len(fill))
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = deflate.compress(prefix) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(mib) + deflate.flush(zlib.Z_FULL_FLUSH)
    assert deflate.compress(mib) + deflate.flush(zlib.Z_FULL_FLUSH) == block
    end = deflate.flush()
    crc = zlib.crc32(prefix)
    for _ in range(size // MiB):
        crc = zlib.crc32(mib, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (len(prefix) + size) & 0xFFFFFFFF)
    return header + head + block * (size // MiB) + end + trailer


def collect(bomb: bytes, limit: int) -> Callable[[], object]:
    def run() -> None:
        collector = BodyCollector("gzip", limit)
        collector.feed(bomb)
        collector.finish()

    return run


def stream(bomb: bytes, limit: int) -> Callable[[], object]:
    def run() -> None:
        frames = raw_frames(SSEReader(limit), BodyDecoder("gzip", stream=True))
        for _ in frames(bomb):
            pass

    return run


def rows() -> Iterator[tuple[str, str, str, str]]:
    for framing in READERS:
        small, _ = best(framing, 8)
        large, longest = best(framing, 32)
        ratio = large / small
        yield (
            f"{framing}: 32 MiB / 8 MiB event, 4 KiB reads (CPU, best of {RUNS})",
            f"{large * 1000:.0f} ms / {small * 1000:.0f} ms = {ratio:.2f}x",
            f"<= {MAX_RATIO:.0f}x",
            "yes" if ratio <= MAX_RATIO else "NO",
        )
        yield (
            f"{framing}: longest feed() of the 32 MiB event",
            f"{longest * 1000:.1f} ms",
            f"<= {MAX_FEED_MS:.0f} ms",
            "yes" if longest * 1000 <= MAX_FEED_MS else "NO",
        )
    refusing: dict[str, Make] = {
        "sse": lambda: SSEReader(16 * MiB),
        "ndjson": lambda: NDJSONReader(16 * MiB),
        "eventstream": lambda: EventStreamReader(16 * MiB),
    }
    for framing, make in refusing.items():
        peak = peak_of(endless_line(make, framing, 64 * MiB))
        yield _peak_row(f"{framing}: 64 MiB line refused at 16 MiB", peak, 16)
    bomb = gzip_bomb(b"", b"\0", 512 * MiB)
    peak = peak_of(collect(bomb, 64 * MiB))
    yield _peak_row(
        f"gzip bomb ({len(bomb) / 1e6:.2f} MB -> 512 MiB) read whole, refused at 64 MiB", peak, 64
    )
    bomb = gzip_bomb(b"data: ", b"x", 512 * MiB)
    peak = peak_of(stream(bomb, 16 * MiB))
    yield _peak_row(
        f"gzip bomb ({len(bomb) / 1e6:.2f} MB -> 512 MiB), one SSE event, refused at 16 MiB",
        peak,
        16,
    )
    yield from eventstream_rows()


#: A recorded ConverseStream body (tests/data/bedrock, MANIFEST.md): 33 messages.
RECORDING = "tests/data/bedrock/stream-text-nova-micro.eventstream"
PER_EVENT_ROUNDS = 300
#: The reader's CPU per event over the floor's, at most.
MAX_EVENT_RATIO = 3.0


def _messages(body: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(body):
        (total,) = struct.unpack_from(">I", body, pos)
        out.append(body[pos : pos + total])
        pos += total
    return out


def floor_reader(reads: list[bytes]) -> int:
    """The least a reader of whole messages must do: both CRCs, the header block walked
    to its ``:event-type``, the payload decoded."""
    count = 0
    unpack = struct.unpack_from
    crc32 = zlib.crc32
    for message in reads:
        total, headers_length, prelude_crc = unpack(">III", message, 0)
        if (
            crc32(message[:8]) != prelude_crc
            or crc32(message[: total - 4]) != unpack(">I", message, total - 4)[0]
        ):
            raise ValueError("CRC")
        pos, end = 12, 12 + headers_length
        headers = {}
        while pos < end:
            size = message[pos]
            name = message[pos + 1 : pos + 1 + size]
            (length,) = unpack(">H", message, pos + 2 + size)
            headers[name] = message[pos + 4 + size : pos + 4 + size + length]
            pos += 4 + size + length
        message[end : total - 4].decode("utf-8")
        count += 1
    return count


def ours(reads: list[bytes]) -> int:
    reader = EventStreamReader()
    count = 0
    for data in reads:
        count += len(reader.feed(data))
    return count + len(reader.close())


def per_event(run: Callable[[list[bytes]], int], reads: list[bytes]) -> float:
    """Microseconds of CPU per event, best of RUNS."""
    times = []
    for _ in range(RUNS):
        cpu = time.process_time()
        events = sum(run(reads) for _ in range(PER_EVENT_ROUNDS))
        times.append((time.process_time() - cpu) / events)
    return min(times) * 1e6


def eventstream_rows() -> Iterator[tuple[str, str, str, str]]:
    with open(RECORDING, "rb") as file:
        reads = _messages(file.read())
    floor = per_event(floor_reader, reads)
    reader = per_event(ours, reads)
    ratio = reader / floor
    yield (
        f"eventstream: CPU per event, {len(reads)}-message Bedrock recording, one message per "
        f"read (best of {RUNS}); floor: struct + zlib.crc32 only",
        f"{reader:.2f} us vs {floor:.2f} us = {ratio:.2f}x",
        f"<= {MAX_EVENT_RATIO:.0f}x",
        "yes" if ratio <= MAX_EVENT_RATIO else "NO",
    )


def _peak_row(what: str, peak: float, limit: int) -> tuple[str, str, str, str]:
    ratio = peak / limit
    return (
        f"{what}: peak traced memory",
        f"{peak:.1f} MiB ({ratio:.2f}x the limit)",
        "<= 2.5x",
        "yes" if ratio <= 2.5 else "NO",
    )


def main() -> None:
    print("## Framing: linear time, bounded memory\n")
    print("| measure | result | target | met |")
    print("|---|---|---|---|")
    for row in rows():
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--run"]:
        one_run(sys.argv[2], int(sys.argv[3]))
    else:
        main()
