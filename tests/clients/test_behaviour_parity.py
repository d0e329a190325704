"""Both shells behave alike because one call driver decides for both: the same scripted
fault sequences, through ``Client`` and ``AsyncClient`` against the same loopback server,
end the same way, send the same requests and ask for the same waits.

The jitter of the backoff is fixed (a ``Clock`` with ``jitter() == 0.5``), so every wait is
known: retry ``n`` of a call waits ``0.5 * 2**n * (1 - 0.25 * 0.5)`` seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from llm_connector import AsyncClient, Client, LLMError, Timeout
from llm_connector.calls.clock import Clock
from llm_connector.responses import ResponsesRequest
from llm_connector.types import ChatRequest, Message
from tests.support.facade import Mode
from tests.support.loopback import LoopbackServer
from tests.support.script import (
    CHAT,
    Reply,
    chunk,
    completion,
    error_reply,
    json_reply,
    sse,
    text_stream,
)

REQUEST = ChatRequest("gpt-test").add_message(Message.user("hi"))
RESPONSES = "/v1/responses"
FIXED_JITTER = Clock(jitter=lambda: 0.5)
FIRST_BACKOFF = 0.5 * (1 - 0.25 * 0.5)  # 0.4375


@dataclass(frozen=True)
class Run:
    """What one scripted call came to, in either shell."""

    #: The text of every item the caller got, in order.
    items: tuple[str, ...]
    #: The final answer's text, or None when the call raised.
    answer: str | None
    #: The class, message and partial text of the error raised, if any.
    error: tuple[str, str, str | None] | None
    #: "METHOD path" of every request the server received.
    requests: tuple[str, ...]
    #: The waits the client asked its shell for, in seconds.
    sleeps: tuple[float, ...]


def text_of(item: Any) -> str:
    """A chat chunk's content, or a Responses event's type (and delta, if any)."""
    if hasattr(item, "event_type"):
        kind: str = item.event_type
        delta = item.data.get("delta")
        return kind + (f":{delta}" if isinstance(delta, str) else "")
    content: str | None = item.get_content()
    return content or ""


async def run_call(
    mode: Mode,
    server: LoopbackServer,
    call: str,
    request: Any,
    sleeps: list[float],
    **options: Any,
) -> Run:
    """Make ``call`` ("chat", "chat_stream", "responses_stream") through a client of
    ``mode`` and record what came of it."""
    options.setdefault("max_retries", 2)
    cls: Any = Client if mode == "sync" else AsyncClient
    client = cls("openai_compatible", "sk-test", server.base_url, _clock=FIXED_JITTER, **options)
    items: list[str] = []
    answer: str | None = None
    error = None
    try:
        if call == "chat":
            result = client.chat(request)
            answer = (await result if mode == "async" else result).content
        else:
            method = client.chat_stream if call == "chat_stream" else client.invoke_responses_stream
            stream = method(request)
            if mode == "async":
                stream = await stream
                async for item in stream:
                    items.append(text_of(item))
                final = await stream.final_response()
            else:
                for item in stream:
                    items.append(text_of(item))
                final = stream.final_response()
            answer = final.content if hasattr(final, "choices") else final.output_text
    except LLMError as exc:
        partial = exc.partial.content if exc.partial is not None else None
        error = (type(exc).__name__, exc.message, partial)
    finally:
        if mode == "async":
            await client.aclose()
        else:
            client.close()
    requests = tuple(f"{r.method} {r.path}" for r in server.script.requests)
    return Run(tuple(items), answer, error, requests, tuple(sleeps))


@dataclass(frozen=True)
class Scenario:
    name: str
    script: Callable[[LoopbackServer], None]
    call: str
    expected: Run
    request: Any = REQUEST
    options: tuple[tuple[str, Any], ...] = ()


def on(path: str, *replies: Reply) -> Callable[[LoopbackServer], None]:
    return lambda server: server.script.on(path, *replies)


def both(*steps: Callable[[LoopbackServer], None]) -> Callable[[LoopbackServer], None]:
    def script(server: LoopbackServer) -> None:
        for step in steps:
            step(server)

    return script


POST_CHAT = f"POST {CHAT}"
ONCE = text_stream("Once", " upon")

SCENARIOS = [
    Scenario(
        "429-then-200",
        on(
            CHAT,
            error_reply(429, "slow down", error_type="rate_limit_error"),
            json_reply(completion("hi")),
        ),
        "chat",
        Run((), "hi", None, (POST_CHAT, POST_CHAT), (FIRST_BACKOFF,)),
    ),
    Scenario(
        "429-retry-after-then-200",
        on(
            CHAT,
            error_reply(429, "slow down", headers=[("retry-after", "0.25")]),
            json_reply(completion("hi")),
        ),
        "chat",
        Run((), "hi", None, (POST_CHAT, POST_CHAT), (0.25,)),
    ),
    Scenario(
        "500-three-times",
        on(CHAT, error_reply(500, "boom", error_type="server_error")),
        "chat",
        Run(
            (),
            None,
            ("InternalServerError", "boom", None),
            (POST_CHAT,) * 3,
            (FIRST_BACKOFF, 2 * FIRST_BACKOFF),
        ),
    ),
    Scenario(
        "a-drop-before-content",
        on(CHAT, replace(ONCE, drop_after=1), ONCE),
        "chat_stream",
        Run(
            ("", "Once", " upon", "", ""),
            "Once upon",
            None,
            (POST_CHAT, POST_CHAT),
            (FIRST_BACKOFF,),
        ),
    ),
    Scenario(
        "a-drop-after-content",
        on(CHAT, replace(ONCE, drop_after=2)),
        "chat_stream",
        Run(
            ("", "Once"),
            None,
            (
                "IncompleteStreamError",
                "the connection broke while streaming: "
                "RemoteProtocolError('peer closed connection without sending complete message "
                "body (incomplete chunked read)')",
                "Once",
            ),
            (POST_CHAT,),
            (),
        ),
    ),
    Scenario(
        "an-idle-stall",
        on(CHAT, replace(ONCE, pauses=((2, 30.0),))),
        "chat_stream",
        Run(
            ("", "Once"),
            None,
            (
                "APITimeoutError",
                "idle timeout (0.3 s): no stream event arrived while streaming",
                "Once",
            ),
            (POST_CHAT,),
            (),
        ),
        options=(("timeout", Timeout(idle=0.3)),),
    ),
    Scenario(
        "an-overloaded-event-before-content",
        on(
            CHAT,
            sse(
                chunk("", role="assistant"),
                {"error": {"message": "busy", "type": "overloaded_error"}},
                done=False,
            ),
            ONCE,
        ),
        "chat_stream",
        Run(
            ("", "Once", " upon", "", ""),
            "Once upon",
            None,
            (POST_CHAT, POST_CHAT),
            (FIRST_BACKOFF,),
        ),
    ),
    Scenario(
        "a-responses-404-then-chat",
        both(
            on(RESPONSES, error_reply(404, "Invalid URL (POST /v1/responses)")),
            on(CHAT, ONCE),
        ),
        "responses_stream",
        Run(
            (
                "response.created",
                "response.in_progress",
                "response.output_item.added",
                "response.content_part.added",
                "response.output_text.delta:Once",
                "response.output_text.delta: upon",
                "response.output_text.done",
                "response.content_part.done",
                "response.output_item.done",
                "response.completed",
            ),
            "Once upon",
            None,
            (f"POST {RESPONSES}", POST_CHAT),
            (),
        ),
        request=ResponsesRequest(model="gpt-test", input="hi"),
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
async def test_both_shells_come_to_the_same(scenario: Scenario, sleeps: list[float]) -> None:
    runs = {}
    for mode in ("sync", "async"):
        server = LoopbackServer().start()
        try:
            scenario.script(server)
            del sleeps[:]
            runs[mode] = await run_call(
                mode, server, scenario.call, scenario.request, sleeps, **dict(scenario.options)
            )
        finally:
            server.stop()
    assert runs["sync"] == scenario.expected
    assert runs["async"] == scenario.expected
