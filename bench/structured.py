"""The cost of a structured stream: the same streamed answer read with ``partial_output()``
after every chunk, against a plain loop over its chunks (llm_connector/structured).

    PYTHONPATH=. python bench/structured.py [--runs 15]

Run by ``nox -s bench`` after bench/framing.py. The answer is an OpenAI chat stream of a
JSON document (an invoice of 400 items: objects, strings with escapes, numbers), served by
``httpx.MockTransport`` from bytes made once, one SSE event per chunk as a model sends
them (a few characters each). Both variants run in this process, interleaved in rotating
order, and the ratio is the median of per-run ratios of CPU time per chunk (the target is
at most 1.3x: the issue's budget for a structured stream). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

import httpx

from llm_connector import Client
from llm_connector.types import ChatRequest, Message


def invoice() -> str:
    """Structure-heavy: short strings, numbers, escapes (the worst case for the reader)."""
    items = [
        {"name": f'item "{n}"\\n', "price": n * 1.25, "quantity": n % 7, "tags": ["a", "b"]}
        for n in range(400)
    ]
    return json.dumps({"number": "INV-7", "items": items, "paid": False})


def article() -> str:
    """Prose-heavy: what most structured answers are (a title, sections of sentences)."""
    sentence = "The river bends north past the old mill, where herons wait in the reeds. "
    sections = [
        {"heading": f"Part {n}", "text": sentence * 6, "keywords": ["river", "mill"]}
        for n in range(60)
    ]
    return json.dumps({"title": "A walk by the river", "sections": sections})


def body(text: str, piece: int = 4) -> bytes:
    """An OpenAI chat stream of ``text`` in pieces of ``piece`` characters."""
    head = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    events = []
    for start in range(0, len(text), piece):
        chunk = {
            **head,
            "choices": [{"index": 0, "delta": {"content": text[start : start + piece]}}],
        }
        events.append(f"data: {json.dumps(chunk)}\n\n")
    done = {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    events.append(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n")
    return "".join(events).encode()


def client(raw: bytes) -> Client:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=raw)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    return Client.openai_compatible(base_url="http://bench.test/v1", name="bench", http_client=http)


REQUEST = ChatRequest("m").add_message(Message.user("An invoice?"))


def plain(c: Client) -> int:
    n = 0
    for _ in c.chat_stream(REQUEST):
        n += 1
    return n


def structured(c: Client) -> int:
    n = 0
    with c.chat_stream(REQUEST) as stream:
        for _ in stream:
            stream.partial_output()
            n += 1
    return n


def cpu_per_chunk(run: Callable[[Client], int], c: Client) -> float:
    start = time.process_time()
    chunks = run(c)
    return (time.process_time() - start) / chunks * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    print(
        "| answer | chunks | plain, CPU us/chunk | with partial_output() | ratio (median of runs) |"
    )
    print("| --- | --- | --- | --- | --- |")
    for name, text in (("prose-heavy", article()), ("structure-heavy", invoice())):
        chunks, plain_us, structured_us, ratios = measure(text, runs)
        print(
            f"| {name} | {chunks} | {plain_us:.2f} | {structured_us:.2f} | "
            f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f}) |"
        )
    print("\nTarget: at most 1.3x (chunks of 4 characters; the same stream both ways).")


def measure(text: str, runs: int) -> tuple[int, float, float, list[float]]:
    c = client(body(text))
    assert json.dumps(json.loads(text)) == text
    with c.chat_stream(REQUEST) as check:  # the reader gives the document back whole
        for _ in check:
            pass
        assert check.partial_output() == json.loads(text)
    variants: dict[str, Callable[[Client], int]] = {"plain": plain, "partial_output": structured}
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for run in range(runs + 1):
        names = list(variants)
        order = names[run % 2 :] + names[: run % 2]
        for name in order:
            us = cpu_per_chunk(variants[name], c)
            if run:  # the first round warms up
                samples[name].append(us)
    ratios = [s / p for s, p in zip(samples["partial_output"], samples["plain"], strict=True)]
    plain_us = statistics.median(samples["plain"])
    structured_us = statistics.median(samples["partial_output"])
    return plain(c), plain_us, structured_us, ratios


if __name__ == "__main__":
    main()
