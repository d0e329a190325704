"""A retried request of a provider that signs requests with the time (Tencent Cloud's TC3,
AWS SigV4) is signed again for the time it is sent, on both clients, whole and streamed;
the mock checks every signature as the real APIs do."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from llm_connector import AsyncClient, Client, MockReply, MockServer
from llm_connector.calls.clock import Clock
from llm_connector.providers import row
from llm_connector.types import ChatRequest, Message
from tests.support.backends import SleepLog
from tests.support.facade import Mode

REQUEST = ChatRequest("m").add_message(Message.user("Hi"))
#: The time header each signs with.
TIME_HEADERS = {"tencent": "x-tc-timestamp", "bedrock": "x-amz-date"}


def client_of(mode: Mode, server: MockServer, wall: Any) -> Client | AsyncClient:
    target, key, name = server.client_row()
    cls = Client if mode == "sync" else AsyncClient
    return cls(
        target,
        key,
        server.base_url,
        name=name,
        max_retries=1,
        _row=row(target),
        _transport=server.transport(),
        _clock=Clock(wall=wall),
    )


@pytest.mark.usefixtures("sleeps")
@pytest.mark.parametrize("provider", ["tencent", "bedrock"])
@pytest.mark.parametrize("stream", [False, True])
async def test_a_retry_is_signed_for_its_own_time(
    mode: Mode, provider: Any, stream: bool, sleeps: SleepLog
) -> None:
    times = itertools.count(1_760_000_000, 400)  # each request built 400 s after the last
    server = MockServer(
        [MockReply.error(503, "busy"), MockReply.text("signed twice")], provider=provider
    )
    seen: list[str] = []
    handle = server.handle

    def record(request: Any) -> Any:
        seen.append(request.headers[TIME_HEADERS[provider]])
        return handle(request)

    server.handle = record  # type: ignore[method-assign]
    client = client_of(mode, server, lambda: float(next(times)))
    if stream:
        if isinstance(client, Client):
            answer = client.chat_stream(REQUEST).final_response()
        else:
            answer = await (await client.chat_stream(REQUEST)).final_response()
    elif isinstance(client, Client):
        answer = client.chat(REQUEST)
    else:
        answer = await client.chat(REQUEST)
    # The mock answered the second request, so its signature held for its own time.
    assert answer.content == "signed twice"
    assert len(seen) == 2 and seen[0] != seen[1]
    assert len(sleeps) == 1
