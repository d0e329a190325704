"""The cost of a call before and around its answer: CPU and wall time per non-streamed
chat call on loopback, llm_connector against raw httpx sending the very same bytes (and
the official openai SDK beside them, when installed).

    PYTHONPATH=. python bench/calls.py [--calls 300] [--runs 9]

Run by ``nox -s bench``. Three requests: a small one, one with 20 tools, one with a 1 MB
image. llm_connector builds, checks and sends its request and parses the answer; raw httpx
posts the bytes llm_connector would send (taken once from a transport that records them)
and ``json.loads`` the answer, so the difference is what llm_connector adds per call. The
server (bench/server.py, ``/whole/...``) runs in its own process; variants are interleaved
in rotating order and the ratios paired run by run (median). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from run import start_server

from llm_connector import Client
from llm_connector.types import ChatRequest, ImagePart, Message, TextPart, Tool

MODEL = "bench"


def requests() -> dict[str, ChatRequest]:
    hello = ChatRequest(MODEL).add_message(Message.user("Say hello."))
    tools = [
        Tool.function(
            f"tool_{n}",
            f"Tool number {n}: looks something up.",
            {
                "type": "object",
                "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}},
                "required": ["query"],
            },
        )
        for n in range(20)
    ]
    image = ImagePart.from_base64(
        base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 1_000_000).decode(), "image/png"
    )
    return {
        "small": hello,
        "20 tools": hello.with_tools(tools),
        "1 MB image": ChatRequest(MODEL).add_message(
            Message.user([TextPart("What is in this picture?"), image])
        ),
    }


def sent_bytes(base_url: str, request: ChatRequest) -> tuple[bytes, dict[str, str]]:
    """The body and headers llm_connector sends for ``request``."""
    seen: list[httpx.Request] = []

    def record(sent: httpx.Request) -> httpx.Response:
        seen.append(sent)
        return httpx.Response(500)

    with (
        Client.openai_compatible(
            base_url=base_url,
            name="bench",
            max_retries=0,
            http_client=httpx.Client(transport=httpx.MockTransport(record)),
        ) as client,
        contextlib.suppress(Exception),
    ):  # a 500: the request is what is wanted
        client.chat(request)
    headers = {
        k: v for k, v in seen[0].headers.items() if k.lower() in ("content-type", "authorization")
    }
    return seen[0].content, headers


def measure(call: Callable[[], Any], calls: int) -> tuple[float, float]:
    """CPU and wall microseconds per call."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        call()
    return (time.process_time() - cpu) / calls * 1e6, (time.perf_counter() - wall) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    server, port = start_server()
    base_url = f"http://127.0.0.1:{port}/whole/v1"
    try:
        columns = "llm_connector CPU us/call | raw httpx | ratio | wall ratio | openai SDK ratio"
        print(f"| request | {columns} |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, request in requests().items():
            body, headers = sent_bytes(base_url, request)
            raw_http = httpx.Client()
            client = Client.openai_compatible(base_url=base_url, name="bench", max_retries=0)

            def ours(client: Client = client, request: ChatRequest = request) -> Any:
                return client.chat(request)

            def raw(
                http: httpx.Client = raw_http,
                body: bytes = body,
                headers: Any = headers,
                url: str = f"{base_url}/chat/completions",
            ) -> Any:
                return json.loads(http.post(url, content=body, headers=headers).content)

            variants: dict[str, Callable[[], Any]] = {"ours": ours, "raw": raw}
            sdk = official(base_url, body)
            if sdk is not None:
                variants["openai"] = sdk
            samples: dict[str, list[tuple[float, float]]] = {k: [] for k in variants}
            for run in range(args.runs + 1):
                names = list(variants)
                shift = run % len(names)
                for key in names[shift:] + names[:shift]:
                    result = measure(variants[key], args.calls if run else 20)
                    if run:
                        samples[key].append(result)
            cpu = [o[0] / r[0] for o, r in zip(samples["ours"], samples["raw"], strict=True)]
            wall = [o[1] / r[1] for o, r in zip(samples["ours"], samples["raw"], strict=True)]
            sdk_ratio = "-"
            if "openai" in samples:
                ratios = [
                    o[0] / r[0] for o, r in zip(samples["openai"], samples["raw"], strict=True)
                ]
                sdk_ratio = f"{statistics.median(ratios):.2f}x"
            print(
                f"| {name} | {statistics.median(s[0] for s in samples['ours']):.0f} | "
                f"{statistics.median(s[0] for s in samples['raw']):.0f} | "
                f"{statistics.median(cpu):.2f}x | {statistics.median(wall):.2f}x | {sdk_ratio} |"
            )
            client.close()
            raw_http.close()
        print("\nTarget: at most 1.2x raw httpx (CPU per call, the same bytes sent).")
    finally:
        server.terminate()
        server.wait()


def official(base_url: str, body: bytes) -> Callable[[], Any] | None:
    """The openai SDK sending the same request, when it is installed."""
    try:
        import openai
    except ImportError:
        return None
    sdk = openai.OpenAI(api_key="bench", base_url=base_url, max_retries=0)
    fields = json.loads(body)

    def call() -> Any:
        return sdk.chat.completions.create(**fields)

    return call


if __name__ == "__main__":
    main()
