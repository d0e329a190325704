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

from examples.quickstart import OFFLINE_PACE, offline_server

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
# Variables that would make an example go online instead of to the mock.
ONLINE = (
    "OPENAI_",
    "ANTHROPIC_",
    "GEMINI_",
    "GOOGLE_",
    "OLLAMA_",
    "LLM_CONNECTOR_",
    "MOONSHOT_",
    "ZHIPU",
    "TENCENTCLOUD_",
    "HUNYUAN_",
)
DIM, RESET = "\x1b[2m", "\x1b[0m"


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


@pytest.mark.parametrize("prompt", ["Tell me a story", "What is the capital of France?"])
def test_quickstart_streams_offline_without_a_key(prompt: str) -> None:
    result = run_example("quickstart.py", *prompt.split())
    assert result.returncode == 0, result.stderr
    assert "offline through Client.mock" in result.stderr
    # The mock's default reply answers with the prompt, so what you ask shows in the answer.
    answer = f"(offline mock) You said: {prompt}"
    # The mock streams one word per chunk and counts one token per chunk.
    prompt_words = len(prompt.split())
    answer_words = len(answer.split())
    assert result.stdout == (
        f"{answer}\n[{prompt_words} prompt + {answer_words} completion tokens]\n"
    )


def test_quickstart_paces_its_stream_only_on_a_terminal() -> None:
    # Piped (as here, and in every test) the answer comes at once.
    assert offline_server(terminal=False).chunk_delay == 0.0
    assert offline_server(terminal=True).chunk_delay == OFFLINE_PACE == 0.08


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
            f"{DIM}Sunlight scatters off air molecules; "
            f"shorter wavelengths scatter most.{RESET}\n\n"
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
            # The tool turn's reasoning went back with it: the mock, as Moonshot, would
            # have refused the second request otherwise.
            "moonshot_thinking.py",
            f"{DIM}Packing depends on the weather, so I should look it up first.{RESET}\n"
            "[get_weather({\"city\": \"Beijing\"}) -> {'city': 'Beijing', 'temperature_c': 12, "
            "'wind': 'strong'}]\n"
            f"{DIM}12 C with strong wind: layers, and something windproof.{RESET}\n"
            "Pack layers and a windproof jacket: Beijing stays around 12 C with strong wind.\n",
        ),
        (
            # GLM-4.6 streams reasoning_content; GLM-Z1's <think> text is split off.
            "zhipu_thinking.py",
            f"[glm-4.6]\n{DIM}2027 is odd and ends in 7; it is not a multiple of 3, 7, 11, 13, "
            f"17, 19, 23, 29, 31, 37, 41 or 43, and 47 squared is past it.{RESET}\n"
            "Yes: 2027 is prime.\n"
            f"[glm-z1-flash]\n{DIM}No prime up to 45 divides 2027.{RESET}\n"
            "Yes, 2027 is a prime number.\n",
        ),
        (
            "tencent.py",
            f"{DIM}A couplet: two matching lines, autumn images on both sides.{RESET}\n"
            "Maple leaves burn red on the hill; wild geese write lines across the sky.\n"
            "[stop; 5 prompt + 24 completion tokens]\n",
        ),
        (
            # The same events and answer natively and through the fallback, whose 404 at
            # /responses is remembered for the second request.
            "responses.py",
            "== native ==\n1, 2, 3, 4, 5\n"
            "[13 events, response.created ... response.completed; status completed]\n"
            "[asked: POST /v1/responses]\n"
            "== fallback ==\n1, 2, 3, 4, 5\n"
            "[13 events, response.created ... response.completed; status completed]\n"
            "[asked: POST /v1/responses, POST /v1/chat/completions]\n"
            "again: 1, 2, 3, 4, 5\n"
            "[asked: POST /v1/chat/completions]\n"
            "same answer: True\n",
        ),
        (
            # Each stop shows while the plan streams, then the typed plan.
            "structured.py",
            "  ... 07:00 Fushimi Inari\n"
            "  ... 12:00 Nishiki Market\n"
            "  ... 15:00 Kinkaku-ji\n"
            "Kyoto: 3 stops\n"
            "07:00  walk   Fushimi Inari\n"
            "12:00  food   Nishiki Market\n"
            "15:00  sight  Kinkaku-ji\n",
        ),
        (
            # Two members fail over to the third; on the second question both cool down.
            "fallback.py",
            "Io, Europa and Ganymede.\n"
            "  [skipped mock (anthropic)/claude-sonnet-4-5: it failed, OverloadedError]\n"
            "  [skipped mock/gpt-4o-mini: it failed, RateLimitError]\n"
            "  [answered by mock (google)/gemini-2.5-flash]\n"
            "Callisto is the most cratered body in the Solar System.\n"
            "  [skipped mock (anthropic)/claude-sonnet-4-5: cooling]\n"
            "  [skipped mock/gpt-4o-mini: cooling]\n"
            "  [answered by mock (google)/gemini-2.5-flash]\n",
        ),
        (
            # One span per call (the first retried once), then the metrics.
            "tracing.py",
            "Paris.\n"
            "Deep blue, then gold at sunset.\n"
            "span 'chat claude-haiku-4-5' (CLIENT)\n"
            "  gen_ai.operation.name = 'chat'\n"
            "  gen_ai.provider.name = 'anthropic'\n"
            "  gen_ai.request.max_tokens = 100\n"
            "  gen_ai.request.model = 'claude-haiku-4-5'\n"
            "  gen_ai.request.temperature = 0.2\n"
            "  gen_ai.response.finish_reasons = ('stop',)\n"
            "  gen_ai.response.id = 'msg_mock1'\n"
            "  gen_ai.response.model = 'claude-haiku-4-5'\n"
            "  gen_ai.usage.input_tokens = 6\n"
            "  gen_ai.usage.output_tokens = 1\n"
            "  server.address = 'mock.llm-connector.invalid'\n"
            "  server.port = 443\n"
            "  event llm_connector.retry\n"
            "    error.type = 'OverloadedError'\n"
            "    http.response.status_code = 529\n"
            "    llm_connector.retry.attempt = 1\n"
            "    llm_connector.retry.wait = 0.0\n"
            "span 'chat claude-haiku-4-5' (CLIENT)\n"
            "  gen_ai.operation.name = 'chat'\n"
            "  gen_ai.provider.name = 'anthropic'\n"
            "  gen_ai.request.max_tokens = 100\n"
            "  gen_ai.request.model = 'claude-haiku-4-5'\n"
            "  gen_ai.response.finish_reasons = ('stop',)\n"
            "  gen_ai.response.id = 'msg_mock2'\n"
            "  gen_ai.response.model = 'claude-haiku-4-5'\n"
            "  gen_ai.usage.input_tokens = 9\n"
            "  gen_ai.usage.output_tokens = 6\n"
            "  server.address = 'mock.llm-connector.invalid'\n"
            "  server.port = 443\n"
            "  gen_ai.response.time_to_first_chunk = (seconds)\n"
            "metric gen_ai.client.operation.duration (s): 2 recorded\n"
            "metric gen_ai.client.token.usage ({token}) input: sum 15\n"
            "metric gen_ai.client.token.usage ({token}) output: sum 7\n"
            "metric gen_ai.client.operation.time_to_first_chunk (s): 1 recorded\n",
        ),
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


def test_every_example_is_tested() -> None:
    tested = {"quickstart.py"} | {
        mark.args[1][i][0]
        for mark in test_every_example_runs_offline.pytestmark  # type: ignore[attr-defined]
        for i in range(len(mark.args[1]))
    }
    assert tested == {p.name for p in EXAMPLES.glob("*.py") if p.name != "__init__.py"}
