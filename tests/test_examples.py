"""The examples run as users run them: as scripts, offline when no API key is set (the
mock answers in the provider's own wire format), and the notebook inside a running event
loop, as Jupyter runs it."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from examples.quickstart import OFFLINE_STORY

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
# Variables that would make an example go online instead of to the mock.
ONLINE = ("OPENAI_", "ANTHROPIC_", "GEMINI_", "GOOGLE_", "OLLAMA_", "LLM_CONNECTOR_")


def offline_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(ONLINE)}


def run_example(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        env=offline_env(),
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


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # Each line is what the offline run must print: the scripted answer, after it went
        # through that provider's wire format and codec.
        (
            "openai.py",
            "Grey waves fold and break / salt wind writes on the sand / "
            "the tide keeps its time\n[24 tokens]\n",
        ),
        (
            "anthropic.py",
            "\x1b[2mSunlight scatters off air molecules; "
            "shorter wavelengths scatter most.\x1b[0m\n\n"
            "Because air scatters blue light more than red (Rayleigh scattering).\n"
            "[stop; usage Usage(prompt_tokens=5, completion_tokens=19, total_tokens=24, "
            "reasoning_tokens=None, cached_tokens=None, cache_creation_tokens=None)]\n",
        ),
        ("google.py", "Mercury, Venus and Mars.\n"),
        (
            "ollama.py",
            "\n[thinking] 17 * 23 = 17 * 20 + 17 * 3 = 340 + 51.\n[answer] 17 * 23 = 391.\n",
        ),
        (
            "tools.py",
            "[get_weather({\"city\": \"Paris\"}) -> {'city': 'Paris', 'temperature_c': 14, "
            "'sky': 'light rain'}]\nIt is 14 C with light rain in Paris: take a raincoat.\n",
        ),
        ("multimodal.py", "A single red pixel.\n"),
        (
            "async_many.py",
            "".join(
                f"{p} -> (offline mock) You said: {p}\n"
                for p in ("Name a colour.", "Name a fruit.", "Name a river.", "Name a mountain.")
            ),
        ),
    ],
)
def test_every_example_runs_offline(script: str, expected: str) -> None:
    result = run_example(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected


def test_the_notebook_runs_inside_a_running_event_loop() -> None:
    notebook = json.loads((EXAMPLES / "notebook.ipynb").read_text())
    cells = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    out = io.StringIO()

    async def jupyter() -> None:
        # As in Jupyter: every cell runs while an event loop is running.
        asyncio.get_running_loop()
        namespace: dict[str, object] = {}
        with contextlib.redirect_stdout(out):
            for cell in cells:
                exec(cell, namespace)

    old = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith(ONLINE)}
    try:
        asyncio.run(jupyter())
    finally:
        os.environ.update(old)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Hello from inside a notebook!"
    assert lines[1] == "Hello from inside a notebook!"
    assert lines[2].startswith("Usage(prompt_tokens=2, completion_tokens=8,")
