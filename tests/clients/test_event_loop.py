"""The blocking client never touches an event loop: it works inside a running one (the
Jupyter case) and in a plain thread with none. (Every sync-mode test of this suite also
runs inside a running loop: the tests are coroutines.)"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from llm_connector import Client
from llm_connector.types import ChatRequest, Message
from tests.support.backends import API_KEY, SleepLog
from tests.support.loopback import LoopbackServer
from tests.support.script import CHAT, completion, error_reply, json_reply, text_stream

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Hi"))


@contextmanager
def loop_access_forbidden(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Make every way of reaching an event loop raise (and record the attempt)."""
    attempts: list[str] = []

    def forbid(name: str) -> object:
        def forbidden(*args: object, **kwargs: object) -> object:
            attempts.append(name)
            raise AssertionError(f"the sync client called asyncio.{name}")

        return forbidden

    with monkeypatch.context() as patch:
        for name in ("get_running_loop", "get_event_loop", "new_event_loop", "run", "sleep"):
            patch.setattr(asyncio, name, forbid(name))
        patch.setattr(asyncio.events, "_get_running_loop", forbid("_get_running_loop"))
        yield attempts


async def test_sync_client_inside_a_running_loop(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, sleeps: SleepLog
) -> None:
    assert asyncio.get_running_loop().is_running()
    server.script.on(CHAT, error_reply(503, "retry me"), json_reply(completion("plain")))
    with (
        Client.openai(API_KEY, server.base_url) as client,
        loop_access_forbidden(monkeypatch) as attempts,
    ):
        assert client.chat(REQUEST).content == "plain"  # with a retry on the way
        server.script.on(CHAT, text_stream("str", "eamed"))
        with client.chat_stream(REQUEST) as stream:
            assert "".join(c.content for c in stream) == "streamed"
        mock = Client.mock("offline")
        assert mock.chat(REQUEST).content == "offline"
        assert "".join(c.content for c in mock.chat_stream(REQUEST)) == "offline"
        mock.close()
    assert attempts == []
    assert len(sleeps) == 1
    # The loop is still fine afterwards.
    await asyncio.sleep(0)


def test_sync_client_in_a_thread_without_a_loop(server: LoopbackServer) -> None:
    server.script.on(CHAT, text_stream("from", " a thread"))
    results: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with pytest.raises(RuntimeError):
                asyncio.get_running_loop()
            with Client.openai(API_KEY, server.base_url) as client:
                results.append(client.chat_stream(REQUEST).final_response().content)
        except BaseException as exc:  # reported below
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert errors == []
    assert results == ["from a thread"]
