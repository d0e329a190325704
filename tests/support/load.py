"""Running and measuring the load tests: the load server's process, the client process's
resident memory (sampled), and its open sockets."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).parent.parent.parent


class LoadServer:
    """``tests/support/load_server.py`` in a process of its own."""

    def __init__(self, process: subprocess.Popen[str], port: int) -> None:
        self.process = process
        self.origin = f"http://127.0.0.1:{port}"
        self.base_url = f"{self.origin}/v1"

    def stats(self) -> dict[str, Any]:
        with httpx.Client() as client:
            stats: dict[str, Any] = client.get(f"{self.origin}/stats").json()
        return stats

    def wait_until_idle(self, deadline: float = 10.0) -> int:
        """Connections the server still has open once it has seen the clients' close (or
        the deadline passed); the stats request's own connection is not counted."""
        end = time.monotonic() + deadline
        while True:
            still_open = int(self.stats()["open"]) - 1
            if still_open == 0 or time.monotonic() > end:
                return still_open
            time.sleep(0.05)


@contextlib.contextmanager
def load_server() -> Iterator[LoadServer]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.load_server"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield LoadServer(process, port)
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def rss_mib() -> float:
    return _status_kib("VmRSS") / 1024


class PeakRSS:
    """The process's resident memory while a block runs: sampled every few milliseconds,
    and the kernel's own high-water mark (reset first, where Linux allows it)."""

    def __init__(self, every: float = 0.005) -> None:
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)
        self.before = 0.0
        self.peak = 0.0
        self._hwm_reset = False

    def _sample(self) -> None:
        while not self._stop.wait(self._every):
            self.peak = max(self.peak, rss_mib())

    def __enter__(self) -> PeakRSS:
        with contextlib.suppress(OSError):
            # "5" resets VmHWM to the current RSS (Linux 4.0+).
            Path("/proc/self/clear_refs").write_text("5")
            self._hwm_reset = True
        self.before = self.peak = rss_mib()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())
        if self._hwm_reset:
            self.peak = max(self.peak, _status_kib("VmHWM") / 1024)

    @property
    def growth(self) -> float:
        return self.peak - self.before


def open_sockets() -> int:
    """Sockets this process has open."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                count += 1
    return count
