"""The offline mock provider: scripted replies served as real OpenAI wire bodies.

``Client.mock(...)`` plugs a :class:`MockServer` into httpx as its transport, so a mock
client runs the very codec, stream and error code a real one does: text, reasoning and
tool calls arrive as ``chat.completion.chunk`` SSE events (one HTTP chunk per event, as
servers flush them), errors as OpenAI error envelopes with their HTTP status.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any

import attrs
import httpx

from llm_connector.types import ToolCall

__all__ = ["MockReply", "MockServer"]

_TOKEN = re.compile(r"\s*\S+|\s+")


def _pieces(text: str) -> list[str]:
    """Split text the way a model streams it: one word (with its leading space) a chunk."""
    return _TOKEN.findall(text)


@attrs.frozen
class MockReply:
    """One scripted answer. Build with :meth:`text`, :meth:`reasoning`, :meth:`tool_call`,
    :meth:`error` or :meth:`echo`."""

    content: str = ""
    reasoning_content: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    #: An error reply: the HTTP status (or, with ``partial_content``, a mid-stream error).
    error_status: int | None = None
    error_message: str = ""
    error_type: str | None = None
    finish_reason: str | None = None
    echo_user: bool = False
    #: Seconds an error reply asks the client to wait (sent as ``retry-after``).
    retry_after: float | None = None

    @classmethod
    def text(cls, content: str, *, finish_reason: str = "stop") -> MockReply:
        return cls(content=content, finish_reason=finish_reason)

    @classmethod
    def reasoning(cls, reasoning: str, content: str) -> MockReply:
        """Reasoning text first (as ``reasoning_content`` deltas), then the answer."""
        return cls(content=content, reasoning_content=reasoning)

    @classmethod
    def tool_call(
        cls,
        name: str,
        arguments: str | Mapping[str, Any],
        *,
        id: str | None = None,
        content: str = "",
    ) -> MockReply:
        """The assistant calls one tool (``finish_reason`` ``"tool_calls"``)."""
        call = ToolCall.create(id or f"call_mock_{name}", name, arguments)
        return cls(content=content, tool_calls=(call,))

    @classmethod
    def tool_calls_of(cls, calls: Sequence[ToolCall], *, content: str = "") -> MockReply:
        """The assistant calls several tools at once (parallel tool calls)."""
        return cls(content=content, tool_calls=tuple(calls))

    @classmethod
    def error(
        cls,
        status: int,
        message: str,
        *,
        error_type: str | None = None,
        partial_content: str | None = None,
        retry_after: float | None = None,
    ) -> MockReply:
        """An error answer. With ``partial_content``, a stream first sends that text and
        then an in-band error event (HTTP 200), as providers do when they fail mid-answer.
        ``retry_after`` sends a ``retry-after`` header (seconds), which the error reports
        and a retrying client honours.

        A mock client does not retry unless given ``max_retries``, so each error reply
        reaches the caller as scripted; with retries on, each retry takes the next reply.
        """
        return cls(
            content=partial_content or "",
            error_status=status,
            error_message=message,
            error_type=error_type,
            finish_reason="partial" if partial_content is not None else None,
            retry_after=retry_after,
        )

    @classmethod
    def echo(cls) -> MockReply:
        """Repeat the last user message back (the default reply)."""
        return cls(echo_user=True)


_DEFAULT_REPLIES = (MockReply.echo(),)
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    529: "overloaded_error",
}


class MockServer:
    """A scripted OpenAI-compatible server living inside httpx.

    Replies are used in order, one per chat request; the last repeats. ``requests``
    holds every JSON body received, for tests to assert on.
    """

    def __init__(
        self,
        replies: str | MockReply | Sequence[str | MockReply] | None = None,
        *,
        model: str = "mock-model",
        embedding_dimensions: int = 8,
    ) -> None:
        if replies is None:
            replies = _DEFAULT_REPLIES
        elif isinstance(replies, (str, MockReply)):
            replies = (replies,)
        self._replies = [MockReply.text(r) if isinstance(r, str) else r for r in replies]
        if not self._replies:
            raise ValueError("MockServer needs at least one reply")
        self.model = model
        self.embedding_dimensions = embedding_dimensions
        self.requests: list[dict[str, Any]] = []
        self._served = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one HTTP request (the MockTransport handler)."""
        body: dict[str, Any] = json.loads(request.content) if request.content else {}
        with self._lock:
            self.requests.append(body)
        path = request.url.path
        if request.method == "POST" and path.endswith("/chat/completions"):
            return self._chat(body)
        if request.method == "GET" and path.endswith("/models"):
            return _json(
                200,
                {
                    "object": "list",
                    "data": [
                        {
                            "id": self.model,
                            "object": "model",
                            "created": 0,
                            "owned_by": "llm-connector-mock",
                        }
                    ],
                },
            )
        if request.method == "POST" and path.endswith("/embeddings"):
            return self._embeddings(body)
        return _error(404, f"mock: no route for {request.method} {path}", "not_found_error")

    # -- chat ---------------------------------------------------------------------------

    def _next_reply(self) -> MockReply:
        with self._lock:
            reply = self._replies[min(self._served, len(self._replies) - 1)]
            self._served += 1
        return reply

    def _chat(self, body: Mapping[str, Any]) -> httpx.Response:
        reply = self._next_reply()
        if reply.echo_user:
            reply = MockReply.text(f"(offline mock) You said: {_last_user_text(body)}")
        stream = bool(body.get("stream"))
        if reply.error_status is not None and not (stream and reply.finish_reason == "partial"):
            kind = reply.error_type or _ERROR_TYPES.get(reply.error_status, "server_error")
            headers = {} if reply.retry_after is None else {"retry-after": f"{reply.retry_after:g}"}
            return _error(reply.error_status, reply.error_message, kind, headers)
        meta = {
            "id": f"chatcmpl-mock{next(self._ids)}",
            "created": int(time.time()),
            "model": body.get("model") or self.model,
        }
        usage = _usage(body, reply)
        if not stream:
            return _json(200, _completion(meta, reply, usage))
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        events = _chunks(meta, reply, usage if include_usage else None)
        return httpx.Response(
            200,
            headers={"content-type": "text/event-stream; charset=utf-8"},
            stream=_Chunked([f"data: {e}\n\n".encode() for e in events]),
        )

    def _embeddings(self, body: Mapping[str, Any]) -> httpx.Response:
        inputs = body.get("input") or []
        if isinstance(inputs, str):
            inputs = [inputs]
        data = [
            {"object": "embedding", "index": i, "embedding": self._vector(text)}
            for i, text in enumerate(inputs)
        ]
        tokens = sum(len(_pieces(str(text))) for text in inputs)
        return _json(
            200,
            {
                "object": "list",
                "data": data,
                "model": body.get("model") or self.model,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )

    def _vector(self, text: str) -> list[float]:
        """A deterministic unit-ish vector from the text's hash."""
        digest = hashlib.sha256(text.encode()).digest()
        return [round(b / 127.5 - 1.0, 6) for b in digest[: self.embedding_dimensions]]


def _last_user_text(body: Mapping[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return " ".join(p.get("text", "") for p in content if p.get("type") == "text")
            return str(content or "")
    return ""


def _usage(body: Mapping[str, Any], reply: MockReply) -> dict[str, int]:
    prompt = sum(len(_pieces(json.dumps(m.get("content")))) for m in body.get("messages") or [])
    completion = len(_pieces(reply.content)) + len(_pieces(reply.reasoning_content or ""))
    completion += sum(len(_pieces(c.function.arguments)) + 1 for c in reply.tool_calls)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _finish_reason(reply: MockReply) -> str:
    if reply.finish_reason and reply.finish_reason != "partial":
        return reply.finish_reason
    return "tool_calls" if reply.tool_calls else "stop"


def _completion(
    meta: Mapping[str, Any], reply: MockReply, usage: Mapping[str, int]
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content or None}
    if reply.reasoning_content:
        message["reasoning_content"] = reply.reasoning_content
    if reply.tool_calls:
        message["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.function.name, "arguments": c.function.arguments},
            }
            for c in reply.tool_calls
        ]
    elif message["content"] is None:
        message["content"] = ""
    return {
        **meta,
        "object": "chat.completion",
        "usage": usage,
        "choices": [{"index": 0, "message": message, "finish_reason": _finish_reason(reply)}],
    }


def _chunks(
    meta: Mapping[str, Any], reply: MockReply, usage: Mapping[str, int] | None
) -> list[str]:
    """The SSE data payloads of a streamed reply, in the order OpenAI sends them."""

    def chunk(delta: Mapping[str, Any], finish: str | None = None) -> str:
        return json.dumps(
            {
                **meta,
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
        )

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"reasoning_content": p}) for p in _pieces(reply.reasoning_content or "")]
    events += [chunk({"content": p}) for p in _pieces(reply.content)]
    if reply.finish_reason == "partial":
        kind = reply.error_type or _ERROR_TYPES.get(reply.error_status or 500, "server_error")
        events.append(
            json.dumps(
                {
                    "error": {
                        "message": reply.error_message,
                        "type": kind,
                        "code": reply.error_status,
                    }
                }
            )
        )
        return events
    for index, call in enumerate(reply.tool_calls):
        events.append(
            chunk(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call.id,
                            "type": "function",
                            "function": {"name": call.function.name, "arguments": ""},
                        }
                    ]
                }
            )
        )
        arguments = call.function.arguments
        events += [
            chunk(
                {"tool_calls": [{"index": index, "function": {"arguments": arguments[i : i + 8]}}]}
            )
            for i in range(0, len(arguments), 8)
        ]
    events.append(chunk({}, _finish_reason(reply)))
    if usage is not None:
        events.append(
            json.dumps({**meta, "object": "chat.completion.chunk", "choices": [], "usage": usage})
        )
    events.append("[DONE]")
    return events


def _json(
    status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def _error(
    status: int, message: str, error_type: str, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    body = {"error": {"message": message, "type": error_type, "param": None, "code": None}}
    return _json(status, body, headers)


class _Chunked(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body delivered as separate chunks, to sync and async clients alike."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk
