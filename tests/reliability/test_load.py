"""Load: many streams at once through one client, every answer intact, memory bounded, no
socket left open, against a loopback server in its own process (tests/support/load_server).

The normal test run uses small sizes; ``LLM_CONNECTOR_LOAD=full`` (the nox ``stress``
session) runs the full ones: 1,000 concurrent async streams of 1,000 chunks, and 1,000
streams of 1,000 chunks through one blocking client shared by 16 threads. The figures
(wall time, peak resident memory, sockets) are printed, and written as JSON to the file
``LLM_CONNECTOR_LOAD_FIGURES`` names. Wall times are reported, never asserted; the deadline
below only stops a hung run.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from llm_connector import AsyncClient, Client
from llm_connector.types import ChatRequest, Message
from tests.support.load import LoadServer, PeakRSS, load_server, open_sockets
from tests.support.load_server import expected_answer
from tests.support.pool import connections_in_use


@dataclass(frozen=True)
class Sizes:
    async_streams: int
    async_chunks: int
    threads: int
    sync_streams: int
    sync_chunks: int
    #: A hang detector for the whole run, not a performance bound.
    deadline: float
    #: Resident memory the run may add (MiB): generous, a leak grows far past it.
    memory: float


SIZES = {
    "ci": Sizes(50, 200, 16, 64, 200, deadline=120.0, memory=150.0),
    "full": Sizes(1000, 1000, 16, 1000, 1000, deadline=900.0, memory=600.0),
}
SIZE_NAME = os.environ.get("LLM_CONNECTOR_LOAD", "ci")
SIZE = SIZES[SIZE_NAME]


def request(chunks: int) -> ChatRequest:
    return (
        ChatRequest("load-model")
        .add_message(Message.user("go"))
        .with_header("x-load-chunks", str(chunks))
    )


@pytest.fixture(scope="module")
def server() -> Iterator[LoadServer]:
    with load_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def figures() -> Iterator[dict[str, Any]]:
    """What the load tests measured, printed (``-s``) and written where asked."""
    found: dict[str, Any] = {"size": SIZE_NAME}
    yield found
    print("\nload figures:", json.dumps(found, indent=2))
    if path := os.environ.get("LLM_CONNECTOR_LOAD_FIGURES"):
        Path(path).write_text(json.dumps(found, indent=2) + "\n")


async def test_concurrent_async_streams(server: LoadServer, figures: dict[str, Any]) -> None:
    streams, chunks = SIZE.async_streams, SIZE.async_chunks
    expected = expected_answer(chunks)
    sockets_before = open_sockets()
    all_open = asyncio.Event()
    opened = 0

    async def one(client: AsyncClient) -> tuple[int, str]:
        nonlocal opened
        stream = await client.chat_stream(request(chunks))
        opened += 1
        if opened == streams:
            all_open.set()
        await all_open.wait()  # every stream is open (and its connection held) at once
        count = 0
        async for _ in stream:
            count += 1
        return count, (await stream.final_response()).content

    with PeakRSS() as memory:
        started = time.monotonic()
        async with AsyncClient.openai_compatible("sk-load", server.base_url) as client:
            tasks = [one(client) for _ in range(streams)]
            results = await asyncio.wait_for(asyncio.gather(*tasks), SIZE.deadline)
            wall = time.monotonic() - started
            in_use = connections_in_use(client)
    server_open = server.wait_until_idle()
    leaked = open_sockets() - sockets_before

    figures["async"] = {
        "streams": streams,
        "chunks_per_stream": chunks,
        "concurrent_streams": opened,
        "wall_s": round(wall, 2),
        "chunks_per_s": round(streams * (chunks + 3) / wall),
        "rss_before_mib": round(memory.before, 1),
        "rss_peak_mib": round(memory.peak, 1),
        "rss_growth_mib": round(memory.growth, 1),
        "server_peak_open_connections": server.stats()["peak_open"],
        "sockets_leaked": leaked,
        "server_connections_left_open": server_open,
    }
    assert all(result == (chunks + 3, expected) for result in results)
    assert opened == streams
    assert in_use == 0
    assert leaked == 0
    assert server_open == 0
    assert memory.growth < SIZE.memory


def test_blocking_client_shared_by_threads(server: LoadServer, figures: dict[str, Any]) -> None:
    streams, chunks = SIZE.sync_streams, SIZE.sync_chunks
    expected = expected_answer(chunks)
    sockets_before = open_sockets()

    def one(client: Client) -> tuple[int, str]:
        with client.chat_stream(request(chunks)) as stream:
            count = sum(1 for _ in stream)
            return count, stream.final_response().content

    with PeakRSS() as memory:
        started = time.monotonic()
        with (
            Client.openai_compatible("sk-load", server.base_url) as client,
            ThreadPoolExecutor(SIZE.threads, thread_name_prefix="load") as pool,
        ):
            futures = [pool.submit(one, client) for _ in range(streams)]
            results = [f.result(timeout=SIZE.deadline) for f in futures]
            wall = time.monotonic() - started
            in_use = connections_in_use(client)
    server_open = server.wait_until_idle()
    leaked = open_sockets() - sockets_before

    figures["sync"] = {
        "threads": SIZE.threads,
        "streams": streams,
        "chunks_per_stream": chunks,
        "wall_s": round(wall, 2),
        "chunks_per_s": round(streams * (chunks + 3) / wall),
        "rss_before_mib": round(memory.before, 1),
        "rss_peak_mib": round(memory.peak, 1),
        "rss_growth_mib": round(memory.growth, 1),
        "sockets_leaked": leaked,
        "server_connections_left_open": server_open,
    }
    assert all(result == (chunks + 3, expected) for result in results)
    assert in_use == 0
    assert leaked == 0
    assert server_open == 0
    assert memory.growth < SIZE.memory
