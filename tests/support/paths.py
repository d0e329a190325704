"""Where the recorded transcripts, bodies and their hand-checked expected files are
(tests/data, one folder per wire; tests/data/MANIFEST.md says where each came from)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
