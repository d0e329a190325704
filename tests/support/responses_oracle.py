"""The Responses API transcripts (tests/data/openai-responses) and their hand-checked
``<name>.expected.json`` files: each file gives the number of events a stream yields and
its final response, in the shape tests/support/answers.py's ``summary`` gives one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.paths import DATA as ROOT

DATA = ROOT / "openai-responses"
SSE_PATHS = sorted(DATA.glob("*.sse"))


def transcript_id(path: Path) -> str:
    return path.stem


def expected_file(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.with_suffix(".expected.json").read_text("utf-8"))
    return loaded
