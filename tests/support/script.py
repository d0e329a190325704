"""Scripted HTTP replies and recorded requests, shared by the loopback server and the
MockTransport backend, plus builders for OpenAI wire bodies.

A :class:`Reply` describes what the server sends for one request: status, headers, and a
body as a list of chunks (each written as one HTTP/1.1 chunk and flushed), with optional
pauses, a connection drop part-way, or an endless slow tail that runs until the client
goes away. A :class:`Script` holds the replies queued per route and the requests seen.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

CHAT = "/v1/chat/completions"
MODELS = "/v1/models"
EMBEDDINGS = "/v1/embeddings"

SSE_HEADERS = (("content-type", "text/event-stream; charset=utf-8"),)
JSON_HEADERS = (("content-type", "application/json"),)


@dataclass(frozen=True)
class Reply:
    """One scripted HTTP answer."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    chunks: tuple[bytes, ...] = ()
    #: Pause before every chunk after the first (and before each endless-tail chunk).
    delay: float = 0.0
    #: Extra pauses: (chunk index, seconds) waits before that chunk is written.
    pauses: tuple[tuple[int, float], ...] = ()
    #: Wait this long before sending the status line (a slow server).
    head_delay: float = 0.0
    #: Send the status line and headers one byte at a time, this many seconds apart (a
    #: server whose every byte restarts the client's read timeout).
    head_drip: float = 0.0
    #: Cut the connection after writing this many chunks, without the terminating chunk.
    drop_after: int | None = None
    #: When dropping, first write the start of one more chunk (so the cut is mid-chunk).
    drop_mid_chunk: bool = False
    #: After ``chunks``, send this chunk every ``delay`` seconds until the client leaves.
    forever: bytes | None = None
    #: Use chunked transfer encoding (else Content-Length).
    chunked: bool = True
    #: Close the connection without sending any response at all.
    hang_up: bool = False


@dataclass(frozen=True)
class RecordedRequest:
    """A request as the server received it."""

    method: str
    path: str
    query: str
    headers: httpx.Headers
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Script:
    """Replies queued per path (used in order; the last one repeats) and requests seen."""

    routes: dict[str, list[Reply]] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def on(self, path: str, *replies: Reply) -> None:
        """Queue ``replies`` for ``path`` (replacing anything queued before)."""
        assert replies, "script at least one reply"
        with self._lock:
            self.routes[path] = list(replies)

    def take(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            queue = self.routes.get(request.path)
            if not queue:
                return error_reply(404, f"unscripted route {request.method} {request.path}")
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def hits(self, path: str = CHAT) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path == path)


# -- OpenAI wire bodies -------------------------------------------------------------------


def chunk(
    content: str | None = None,
    *,
    reasoning: str | None = None,
    tool_calls: Sequence[Mapping[str, Any]] | None = None,
    finish: str | None = None,
    role: str | None = None,
    usage: Mapping[str, int] | None = None,
    no_choices: bool = False,
) -> dict[str, Any]:
    """A ``chat.completion.chunk`` object."""
    delta: dict[str, Any] = {}
    if role is not None:
        delta["role"] = role
    if content is not None:
        delta["content"] = content
    if reasoning is not None:
        delta["reasoning_content"] = reasoning
    if tool_calls is not None:
        delta["tool_calls"] = list(tool_calls)
    body: dict[str, Any] = {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-test",
        "choices": [] if no_choices else [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    if usage is not None:
        body["usage"] = dict(usage)
    return body


def usage(prompt: int, completion: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def sse_event(data: str | Mapping[str, Any], eol: str = "\n") -> bytes:
    """One SSE event; ``eol`` is the line ending ("\n", "\r\n" or "\r")."""
    text = data if isinstance(data, str) else json.dumps(data)
    return f"data: {text}{eol}{eol}".encode()


def sse(
    *events: str | Mapping[str, Any],
    done: bool = True,
    status: int = 200,
    headers: Sequence[tuple[str, str]] = (),
    eol: str = "\n",
    **options: Any,
) -> Reply:
    """An SSE reply: one HTTP chunk per event, then ``data: [DONE]`` unless ``done=False``."""
    chunks = [sse_event(e, eol) for e in events]
    if done:
        chunks.append(sse_event("[DONE]", eol))
    return Reply(status, (*SSE_HEADERS, *headers), tuple(chunks), **options)


def comment(text: str = "keep-alive") -> bytes:
    """An SSE comment line, as servers send to keep a quiet connection open."""
    return f": {text}\n".encode()


def interleaved(reply: Reply, between: bytes) -> Reply:
    """``reply`` with ``between`` sent as an HTTP chunk of its own before every chunk."""
    chunks = [piece for data in reply.chunks for piece in (between, data)]
    return replace(reply, chunks=tuple(chunks))


def with_bom(reply: Reply) -> Reply:
    """``reply`` with a UTF-8 byte order mark before its first byte."""
    first, *rest = reply.chunks
    return replace(reply, chunks=(b"\xef\xbb\xbf" + first, *rest))


def gzipped(reply: Reply) -> Reply:
    """``reply`` gzip-encoded as one stream, flushed at every chunk (as a server compressing
    an event stream must, for each event to leave at once)."""
    compressor = zlib.compressobj(wbits=31)  # 31: the gzip container
    chunks = [compressor.compress(c) + compressor.flush(zlib.Z_SYNC_FLUSH) for c in reply.chunks]
    chunks[-1] += compressor.flush()
    headers = (*reply.headers, ("content-encoding", "gzip"))
    return replace(reply, headers=headers, chunks=tuple(chunks))


def text_stream(*pieces: str, finish: str = "stop", **options: Any) -> Reply:
    """The usual OpenAI text stream: role chunk, one chunk per piece, finish, usage, [DONE]."""
    return sse(
        chunk("", role="assistant"),
        *(chunk(p) for p in pieces),
        chunk(finish=finish),
        chunk(no_choices=True, usage=usage(5, len(pieces))),
        **options,
    )


def endless_stream(*pieces: str, delay: float = 0.05) -> Reply:
    """Sends ``pieces`` then one more text chunk every ``delay`` s until the client leaves."""
    return sse(
        chunk("", role="assistant"),
        *(chunk(p) for p in pieces),
        done=False,
        delay=delay,
        forever=sse_event(chunk(" more")),
    )


def json_reply(
    body: Mapping[str, Any] | str,
    status: int = 200,
    headers: Sequence[tuple[str, str]] = (),
    *,
    content_type: str = "application/json",
) -> Reply:
    data = body if isinstance(body, str) else json.dumps(body)
    return Reply(
        status, (("content-type", content_type), *headers), (data.encode(),), chunked=False
    )


def error_body(
    message: str,
    error_type: str | None = "invalid_request_error",
    code: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    return {"error": {"message": message, "type": error_type, "code": code, "param": param}}


def error_reply(
    status: int,
    message: str,
    *,
    error_type: str | None = "invalid_request_error",
    code: str | None = None,
    param: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
) -> Reply:
    return json_reply(error_body(message, error_type, code, param), status, headers)


def completion(
    content: str | None = "Hello!",
    *,
    reasoning: str | None = None,
    tool_calls: Sequence[Mapping[str, Any]] | None = None,
    finish: str = "stop",
) -> dict[str, Any]:
    """A ``chat.completion`` object."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    if tool_calls is not None:
        message["tool_calls"] = list(tool_calls)
    return {
        "id": "chatcmpl-whole",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-test",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": usage(9, 3),
    }


def tool_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
