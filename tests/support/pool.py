"""What a client's connection pool holds, read from httpx's transport (its internals: the
tests need to see that no error path leaves a connection checked out)."""

from __future__ import annotations

from typing import Any

from llm_connector import AsyncClient, Client


def _pool(client: Client | AsyncClient) -> Any:
    transport = client._http._transport
    return getattr(transport, "_pool", None)  # None: a MockTransport has no pool


def connections_in_use(client: Client | AsyncClient) -> int:
    """Connections checked out of the pool (serving a response nobody closed), plus
    requests still registered with it."""
    pool = _pool(client)
    if pool is None:
        return 0
    busy = [c for c in pool.connections if not (c.is_idle() or c.is_closed())]
    return len(busy) + len(pool._requests)


def open_connections(client: Client | AsyncClient) -> int:
    """Connections the pool keeps open (idle keep-alive ones included)."""
    pool = _pool(client)
    return 0 if pool is None else sum(1 for c in pool.connections if not c.is_closed())
