"""Servers that behave badly on purpose, on loopback, for the five wires (OpenAI chat, the
Responses API, Anthropic, Gemini, Ollama) and both clients: redirects that would carry a key
to another origin, heads dripped one byte at a time, and base URLs that would put a key in
a URL. Bodies that are bloated, bombed or corrupted: test_hostile_bodies.py.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from time import monotonic
from typing import Any

import httpx
import pytest

from llm_connector import (
    APIStatusError,
    APITimeoutError,
    AsyncClient,
    AuthenticationError,
    Client,
    RequestValidationError,
    Timeout,
)
from llm_connector.calls.redirects import MAX_REDIRECTS
from tests.support.facade import Mode
from tests.support.hostile import (
    ANSWER,
    KEY,
    WIRE_IDS,
    WIRES,
    HostileWire,
    Kind,
    call,
    recorded,
    request_for,
)
from tests.support.loopback import LoopbackServer
from tests.support.script import Reply

pytestmark = pytest.mark.parametrize("wire", WIRES, ids=WIRE_IDS)

NOT_FOLLOWED = (
    "redirects are not followed (a client built with follow_redirects=True follows them, "
    "sending no credential to another origin); check the base URL"
)


def user_http_client(mode: Mode) -> httpx.Client | httpx.AsyncClient:
    """An http_client that follows redirects, as the official SDKs' do."""
    return (
        httpx.Client(follow_redirects=True)
        if mode == "sync"
        else httpx.AsyncClient(follow_redirects=True)
    )


async def close(client: Client | AsyncClient, http: Any = None) -> None:
    if isinstance(client, AsyncClient):
        await client.aclose()
        if http is not None:
            await http.aclose()
    else:
        client.close()
        if http is not None:
            http.close()


async def send_whole(client: Client | AsyncClient, wire: HostileWire, request: Any) -> None:
    method = getattr(client, "invoke_responses" if wire.name == "responses" else "chat")
    if isinstance(client, AsyncClient):
        await method(request)
    else:
        method(request)


# -- redirects ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("kind", ["stream", "whole"])
async def test_a_redirect_is_not_followed_even_by_an_http_client_that_would(
    mode: Mode,
    wire: HostileWire,
    kind: Kind,
    status: int,
    server: LoopbackServer,
    server2: LoopbackServer,
) -> None:
    target = f"{server2.origin}{wire.path(kind)}"
    server.script.on(wire.path(kind), Reply(status, (("location", target),)))
    server2.script.on(wire.path(kind), recorded(wire, kind).reply())
    http = user_http_client(mode)
    client = wire.client(mode, server.origin, http_client=http)

    with pytest.raises(APIStatusError) as caught:
        await call(client, wire, kind)
    await close(client, http)

    error = caught.value
    assert type(error) is APIStatusError
    assert error.status_code == status
    assert error.message == f"POST was redirected ({status}) to {target}: {NOT_FOLLOWED}"
    assert server2.requests == []
    assert len(server.requests) == 1


@pytest.mark.parametrize("kind", ["stream", "whole"])
async def test_a_followed_redirect_to_another_origin_sends_no_credential(
    mode: Mode, wire: HostileWire, kind: Kind, server: LoopbackServer, server2: LoopbackServer
) -> None:
    path = wire.path(kind)
    server.script.on(path, Reply(307, (("location", f"{server2.origin}{path}"),)))
    server2.script.on(path, recorded(wire, kind).reply())
    client = wire.client(mode, server.origin, follow_redirects=True)

    assert await call(client, wire, kind) == ANSWER
    await close(client)

    (first,) = server.requests
    (second,) = server2.requests
    assert KEY in first.headers[wire.key_header]
    assert wire.key_header not in second.headers
    assert "authorization" not in second.headers
    assert not any(KEY in value for value in second.headers.values())
    # A 307 repeats the request as it was, but for its credentials.
    assert (second.method, second.path, second.body) == (first.method, first.path, first.body)


async def test_a_followed_redirect_within_the_origin_keeps_its_credential(
    mode: Mode, wire: HostileWire, server: LoopbackServer, server2: LoopbackServer
) -> None:
    path = wire.path("stream")
    server.script.on(path, Reply(308, (("location", f"/moved{path}"),)))
    server.script.on(f"/moved{path}", recorded(wire, "stream").reply())
    client = wire.client(mode, server.origin, follow_redirects=True)

    assert await call(client, wire, "stream") == ANSWER
    await close(client)

    first, second = server.requests
    assert second.path == f"/moved{path}"
    assert second.headers[wire.key_header] == first.headers[wire.key_header]
    assert KEY in second.headers[wire.key_header]


async def test_a_redirect_loop_gives_up(
    mode: Mode, wire: HostileWire, server: LoopbackServer
) -> None:
    path = wire.path("whole")
    server.script.on(path, Reply(307, (("location", path),)))
    client = wire.client(mode, server.origin, follow_redirects=True)

    with pytest.raises(APIStatusError) as caught:
        await call(client, wire, "whole")
    await close(client)

    assert caught.value.message == (
        f"POST was redirected (307) to {path}: gave up after {MAX_REDIRECTS} redirects"
    )
    assert len(server.requests) == MAX_REDIRECTS + 1


async def test_a_credential_that_comes_back_to_another_origin_is_rejected_there(
    mode: Mode, wire: HostileWire, server: LoopbackServer, server2: LoopbackServer
) -> None:
    """The other origin answers 401 (it got no key): the caller sees that answer, typed."""
    path = wire.path("whole")
    server.script.on(path, Reply(302, (("location", f"{server2.origin}{path}"),)))
    server2.script.on(path, Reply(401, (("content-type", "application/json"),), (b"{}",)))
    client = wire.client(mode, server.origin, follow_redirects=True)

    with pytest.raises(AuthenticationError):
        await call(client, wire, "whole")
    await close(client)

    (second,) = server2.requests
    assert not any(KEY in value for value in second.headers.values())


# -- the response head -------------------------------------------------------------------

#: The limit the dripped heads run into, and how late the error may come (10 %).
LIMIT = 2.0


@pytest.mark.parametrize(
    ("limit", "kind"), [("total", "whole"), ("first_event", "stream"), ("total", "stream")]
)
async def test_a_dripped_head_ends_on_time(
    mode: Mode, wire: HostileWire, limit: str, kind: Kind, server: LoopbackServer
) -> None:
    """One byte of the status line and headers every 0.25 s: each restarts httpx's read
    timeout, so only the watchdog can end the wait."""
    server.script.on(wire.path(kind), replace(recorded(wire, kind).reply(), head_drip=0.25))
    timeout = Timeout(total=LIMIT) if limit == "total" else Timeout(first_event=LIMIT)
    client = wire.client(mode, server.origin, timeout=timeout)

    started = monotonic()
    with pytest.raises(APITimeoutError) as caught:
        await call(client, wire, kind)
    elapsed = monotonic() - started
    await close(client)

    assert caught.value.timeout_kind == limit
    query = "?alt=sse" if wire.name == "gemini" and kind == "stream" else ""
    url = f"{server.origin}{wire.path(kind)}{query}"
    assert caught.value.message == f"{limit} timeout ({LIMIT:g} s): no response on POST {url}"
    assert LIMIT <= elapsed <= LIMIT * 1.1
    assert server.client_gone.wait(5)  # the cut reached the server


# -- base URLs that would put a key in a URL ---------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "what"),
    [
        (f"/v1?key={KEY}", "a credential in its query string"),
        (f"?api_key={KEY}&x=1", "a credential in its query string"),
        ("/v1?alt=sse", "a query string"),
        ("/v1#frag", "a fragment (#...)"),
    ],
)
async def test_a_base_url_carrying_a_query_or_fragment_is_refused(
    mode: Mode, wire: HostileWire, suffix: str, what: str, server: LoopbackServer
) -> None:
    with pytest.raises(RequestValidationError) as caught:
        wire.client(mode, server.origin + suffix)

    assert caught.value.field == "base_url"
    assert caught.value.problem.startswith(
        f"must not carry {what}: the client puts the API path after the base URL, and a key "
        "in the URL would be logged; pass the key as api_key="
    )
    assert KEY not in str(caught.value)
    assert server.requests == []


async def test_a_base_url_with_user_info_is_refused(
    mode: Mode, wire: HostileWire, server: LoopbackServer
) -> None:
    origin = server.origin.replace("http://", f"http://user:{KEY}@")
    with pytest.raises(RequestValidationError) as caught:
        wire.client(mode, origin)

    assert caught.value.field == "base_url"
    assert caught.value.problem.startswith("must not carry user info (user:password@)")
    assert KEY not in str(caught.value)


async def test_a_request_base_url_with_a_key_is_refused_before_sending(
    mode: Mode, wire: HostileWire, server: LoopbackServer
) -> None:
    client = wire.client(mode, server.origin)
    request: Any = request_for(wire).with_base_url(f"{server.origin}/v1?key={KEY}")
    with pytest.raises(RequestValidationError) as caught:
        await send_whole(client, wire, request)
    await close(client)

    assert caught.value.field == "base_url"
    assert KEY not in str(caught.value)
    assert server.requests == []


async def test_no_log_line_shows_the_key(
    mode: Mode,
    wire: HostileWire,
    server: LoopbackServer,
    server2: LoopbackServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """httpx logs every request line at INFO, httpcore its steps at DEBUG, the SDK its
    attempts: none of them, on an answer, an error answer or a redirect, shows the key."""
    caplog.set_level(logging.DEBUG)
    path = wire.path("whole")
    server.script.on(
        path,
        recorded(wire, "whole").reply(),
        Reply(401, (("content-type", "application/json"),), (f'{{"error": "{KEY}"}}'.encode(),)),
        Reply(307, (("location", f"{server2.origin}{path}"),)),
    )
    server2.script.on(path, recorded(wire, "whole").reply())
    client = wire.client(mode, server.origin, follow_redirects=True)
    assert await call(client, wire, "whole") == ANSWER
    with pytest.raises(AuthenticationError):
        await call(client, wire, "whole")
    assert await call(client, wire, "whole") == ANSWER
    await close(client)

    assert len(server.requests) == 3 and len(server2.requests) == 1
    messages = [record.getMessage() for record in caplog.records]
    assert any(m.startswith("HTTP Request: POST") for m in messages)  # httpx's INFO line
    assert [m for m in messages if KEY in m] == []
