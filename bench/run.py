"""The benchmark: llm_connector's cost per streamed chunk against the raw floor (httpx +
httpx-sse + json.loads) and the official SDKs, import time, and memory.

    python bench/run.py [--quick] [--protocols openai,anthropic] [--out docs/performance.md]

Run by ``nox -s bench``. The server runs in its own process; every measurement is
repeated, the variants interleaved in rotating order, and ratios are paired run by run
(median of per-run ratios), because a shared machine is noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import httpx  # noqa: E402
import report  # noqa: E402
import streams  # noqa: E402

Sample = tuple[float, float, float]  # wall us/chunk, cpu us/chunk, seconds to first chunk


def start_server() -> tuple[subprocess.Popen[bytes], int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, str(HERE / "server.py"), str(port)], stdout=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == b"ready"
    return process, port


def root(port: int, protocol: str, n: int) -> str:
    return f"http://127.0.0.1:{port}/{protocol}/{n}"


def raw_socket_us_per_chunk(port: int, protocol: str, n: int) -> float:
    """How fast a bare socket drains the stream: the server must beat the floor 10x."""
    path = streams._PATHS[protocol].split("?")[0]
    request = f"POST /{protocol}/{n}{path} HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n"
    best = float("inf")
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            start = time.perf_counter()
            sock.sendall(request.encode())
            tail = b""
            while not tail.endswith(b"0\r\n\r\n"):
                data = sock.recv(1 << 20)
                if not data:
                    break
                tail = (tail + data)[-16:]
            best = min(best, time.perf_counter() - start)
    return best / n * 1e6


def measure(
    variants: dict[str, Callable[[], tuple[float, int]]], n: int, runs: int
) -> dict[str, list[Sample]]:
    samples: dict[str, list[Sample]] = {name: [] for name in variants}
    names = list(variants)
    for name in names:  # warm up connections, caches and lazy imports
        variants[name]()
    for run in range(runs):
        order = names[run % len(names) :] + names[: run % len(names)]
        for name in order:
            wall0, cpu0 = time.perf_counter(), time.process_time()
            first, _ = variants[name]()
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            samples[name].append((wall / n * 1e6, cpu / n * 1e6, first))
    return samples


def sync_variants(
    port: int, protocol: str, n: int
) -> tuple[dict[str, Callable[[], tuple[float, int]]], list[Any]]:
    base = root(port, protocol, n)
    http = httpx.Client()
    ours, client = streams.ours_sync(base, protocol)
    variants = {"floor": streams.floor_sync(http, base, protocol), "llm_connector": ours}
    sdk = streams.sdk_sync(base, protocol)
    if sdk is not None:
        variants["official SDK"] = sdk
    return variants, [http, client]


def async_variants(
    port: int, protocol: str, n: int, loop: asyncio.AbstractEventLoop
) -> tuple[dict[str, Callable[[], tuple[float, int]]], list[Any]]:
    base = root(port, protocol, n)
    http = httpx.AsyncClient()
    ours, client = streams.ours_async(base, protocol)
    readers = {"floor": streams.floor_async(http, base, protocol), "llm_connector": ours}
    sdk = streams.sdk_async(base, protocol)
    if sdk is not None:
        readers["official SDK"] = sdk
    variants = {
        name: (lambda r=read: loop.run_until_complete(r())) for name, read in readers.items()
    }
    return variants, [http, client]


def summarize(samples: dict[str, list[Sample]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    floor = samples["floor"]
    for name, runs in samples.items():
        out[name] = {
            "wall": statistics.median(s[0] for s in runs),
            "cpu": statistics.median(s[1] for s in runs),
            "first_ms": statistics.median(s[2] for s in runs) * 1e3,
            # Paired: each run against the floor's run in the same round.
            "ratio": statistics.median(s[0] / f[0] for s, f in zip(runs, floor, strict=True)),
            "cpu_ratio": statistics.median(s[1] / f[1] for s, f in zip(runs, floor, strict=True)),
        }
    return out


def import_ms(runs: int) -> tuple[float, float, float]:
    """Import time in fresh processes, as an installed package sees it: with its bytecode
    cached (the environment may forbid writing it: that would time the compiler instead).

    Returns the medians of ``import llm_connector`` and ``import httpx, httpx_sse`` (ms),
    the two run alternately, and the median of their ratio paired run by run.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="bench-pyc-")
    code = "import time; t = time.perf_counter(); {}; print(time.perf_counter() - t)"

    def once(statement: str) -> float:
        out = subprocess.run(
            [sys.executable, "-c", code.format(statement)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
        return float(out) * 1e3

    for statement in IMPORTS:  # writes the bytecode caches
        once(statement)
    ours, floor = [], []
    for _ in range(runs):
        ours.append(once(IMPORTS[0]))
        floor.append(once(IMPORTS[1]))
    ratio = statistics.median(o / f for o, f in zip(ours, floor, strict=True))
    return statistics.median(ours), statistics.median(floor), ratio


IMPORTS = ("import llm_connector", "import httpx, httpx_sse")


def peak_rss_mb(port: int, protocol: str, n: int, final: bool) -> tuple[float, float]:
    """(RSS before the stream, peak RSS after it), MB, measured in a fresh process."""
    out = subprocess.run(
        [
            sys.executable,
            str(HERE / "memory_probe.py"),
            str(port),
            protocol,
            str(n),
            str(int(final)),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--protocols", default=",".join(streams._PATHS))
    parser.add_argument("--out", type=Path, help="also write the report here (markdown)")
    args = parser.parse_args()
    protocols = args.protocols.split(",")
    sizes = {200: 5 if args.quick else 21, 20_000: 3 if args.quick else 7}
    process, port = start_server()
    results: list[report.Row] = []
    drains: dict[str, float] = {}
    memory: list[report.Memory] = []
    try:
        for protocol in protocols:
            drains[protocol] = raw_socket_us_per_chunk(port, protocol, 20_000)
            for mode in ("sync", "async"):
                for n, runs in sizes.items():
                    summary = run_mode(port, protocol, mode, n, runs)
                    results.extend(
                        report.Row(protocol, mode, n, name, s) for name, s in summary.items()
                    )
                    print(f"# {protocol} {mode} {n}: done", file=sys.stderr, flush=True)
        for protocol in protocols:
            for n in (20_000, 200_000):
                before, peak = peak_rss_mb(port, protocol, n, final=False)
                _, peak_final = peak_rss_mb(port, protocol, n, final=True)
                memory.append(report.Memory(protocol, n, before, peak, peak_final))
    finally:
        process.terminate()
        process.wait()
    imports = import_ms(7 if args.quick else 21)
    text = report.render(results, drains, memory, imports, sizes)
    print(text)
    if args.out:
        args.out.write_text(text)


def run_mode(port: int, protocol: str, mode: str, n: int, runs: int) -> dict[str, dict[str, float]]:
    loop = asyncio.new_event_loop()
    variants, closers = (
        sync_variants(port, protocol, n)
        if mode == "sync"
        else async_variants(port, protocol, n, loop)
    )
    try:
        return summarize(measure(variants, n, runs))
    finally:
        for closer in closers:
            result = closer.close() if hasattr(closer, "close") else closer.aclose()
            if asyncio.iscoroutine(result):
                loop.run_until_complete(result)
        loop.close()


if __name__ == "__main__":
    main()
