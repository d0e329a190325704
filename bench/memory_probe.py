"""Peak memory of one stream, in a fresh process (run by bench/run.py).

    python bench/memory_probe.py PORT PROTOCOL N FINAL

Prints the RSS before the stream and the peak RSS after it, in MB. With FINAL=1 it calls
``final_response()`` (which keeps the whole answer) instead of only iterating.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import streams


def _status_mb(field: str) -> float:
    # Linux: VmRSS is the resident set now, VmHWM its peak (both in kB).
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak() -> None:
    # Writing 5 to clear_refs resets VmHWM, so the peak excludes the import phase.
    Path("/proc/self/clear_refs").write_text("5")


def main() -> None:
    port, protocol, n, final = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
    base = f"http://127.0.0.1:{port}/{protocol}/{n}"
    _, client = streams.ours_sync(base, protocol)
    before = _status_mb("VmRSS")
    reset_peak()
    stream = streams.open_stream(client, protocol)
    if final:
        stream.final_response()
    else:
        for _ in stream:
            pass
    print(f"{before:.1f} {_status_mb('VmHWM'):.1f}")
    client.close()


if __name__ == "__main__":
    main()
