"""The examples run as users run them: as scripts, offline when no API key is set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from examples.quickstart import OFFLINE_STORY

ROOT = Path(__file__).resolve().parents[1]


def run_example(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LLM_CONNECTOR_"))}
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / name), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_quickstart_streams_offline_without_a_key() -> None:
    prompt = "Tell me a story"
    result = run_example("quickstart.py", prompt)
    assert result.returncode == 0, result.stderr
    assert "offline through Client.mock" in result.stderr
    story, usage_line = result.stdout.rstrip("\n").rsplit("\n", 1)
    assert story == OFFLINE_STORY
    # The mock streams one word per chunk and counts one token per chunk.
    prompt_words = len(prompt.split())
    story_words = len(OFFLINE_STORY.split())
    assert usage_line == f"[{prompt_words} prompt + {story_words} completion tokens]"
