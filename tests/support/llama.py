"""What the end-to-end tests (tests/e2e) share: starting and stopping a real llama.cpp
server in a subprocess (tests/e2e/llama_server.py, run as a script), the calls each test
makes of either client, a tool, and the route the Responses fallback tests refuse."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from llm_connector import AsyncClient, Client
from llm_connector.types import ChatRequest, ChatResponse, Model, StreamingResponse, Tool

API_KEY = "sk-e2e-test-key-0123456789"
MODEL = "smollm2-135m"
#: tests/e2e: the subprocess script lives there, and so do the tests it serves.
E2E_DIR = Path(__file__).parents[1] / "e2e"
STARTUP_DEADLINE = 180.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LlamaServer:
    """One running llama.cpp server."""

    def __init__(self, mode: str, log_dir: Path) -> None:
        self.mode = mode
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.log_path = log_dir / f"llama-{mode}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(E2E_DIR / "llama_server.py"), str(self.port), mode, API_KEY],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_DEADLINE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.fail(f"exited with status {self.process.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        self.fail(f"was not healthy after {STARTUP_DEADLINE:.0f} s")

    def fail(self, why: str) -> None:
        tail = self.log_path.read_text(errors="replace")[-3000:]
        self.stop()
        pytest.fail(f"llama.cpp server ({self.mode}) {why}; log tail:\n{tail}", pytrace=False)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


# -- the calls, of either client -------------------------------------------------------------

AnyClient = Client | AsyncClient

WEATHER_TOOL = Tool.function(
    "get_weather",
    "Get the current weather for a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


async def chat(client: AnyClient, request: ChatRequest) -> ChatResponse:
    if isinstance(client, AsyncClient):
        return await client.chat(request)
    return client.chat(request)


async def stream(
    client: AnyClient, request: ChatRequest
) -> tuple[list[StreamingResponse], ChatResponse]:
    """Every chunk of a streamed answer, and the stream's accumulated final response."""
    if isinstance(client, AsyncClient):
        async with client.chat_stream(request) as astream:
            chunks = [chunk async for chunk in astream]
            return chunks, await astream.final_response()
    with client.chat_stream(request) as sstream:
        chunks = list(sstream)
        return chunks, sstream.final_response()


async def models(client: AnyClient) -> list[Model]:
    if isinstance(client, AsyncClient):
        return await client.models()
    return client.models()


class NoResponsesRoute:
    """Answers ``POST .../responses`` as llama.cpp answers a route it does not have, and
    passes every other request to the real server: the client's fallback to chat
    completions meets a genuine 404 and then a genuine chat server."""

    def __init__(self) -> None:
        self.refused = 0

    def refuses(self, request: httpx.Request) -> bool:
        if request.method == "POST" and request.url.path.endswith("/responses"):
            self.refused += 1
            return True
        return False
