"""The mock server: scripted replies, answered in one provider's wire format.

Which wire a provider speaks, and at which base path, is its provider row's ``mock``
(``providers/table.py``, read through ``rows.py``); the wire is the module
``_mock/{wire}_wire.py``, loaded when the server first answers.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import itertools
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import httpx

from llm_connector._mock.reply import DEFAULT_REPLIES, MockReply, resolve
from llm_connector._mock.rows import MOCK_BASE_URLS, mock_base_url, mock_of

if TYPE_CHECKING:
    from llm_connector.providers.spec import ProviderSpec

__all__ = [
    "MOCK_AWS_ACCESS_KEY_ID",
    "MOCK_AWS_SECRET_ACCESS_KEY",
    "MOCK_BASE_URLS",
    "MOCK_TENCENT_SECRET_ID",
    "MOCK_TENCENT_SECRET_KEY",
    "MockRepliesExhausted",
    "MockServer",
    "Wire",
]

#: The providers the mock can be: the names of the provider rows that have a ``mock``
#: (tests/mock/test_every_row.py holds the two together). Static, for type checkers; the
#: rows themselves load only with the first server.
Wire: TypeAlias = Literal[
    "openai",
    "openai_compatible",
    "azure_openai",
    "deepseek",
    "moonshot",
    "zhipu",
    "zhipu_openai_compatible",
    "zai",
    "aliyun",
    "aliyun_openai_compatible",
    "volcengine",
    "xiaomi",
    "tencent",
    "tencent_openai_compatible",
    "openrouter",
    "groq",
    "mistral",
    "xai",
    "siliconflow",
    "longcat",
    "minimax",
    "xinference",
    "vllm",
    "llamacpp",
    "lmstudio",
    "anthropic",
    "longcat_anthropic",
    "anthropic_vertex",
    "google",
    "ollama",
    "bedrock",
    "mock",
]

#: The Tencent Cloud key pair of a mock "tencent" client; the mock checks its requests'
#: TC3-HMAC-SHA256 signatures against it, as the real API does.
MOCK_TENCENT_SECRET_ID = "AKIDmockllmconnector"  # noqa: S105 (not a secret: the mock's)
MOCK_TENCENT_SECRET_KEY = "mock-secret-key"  # noqa: S105
#: The AWS access key pair of a mock "bedrock" client; the mock checks its requests'
#: Signature Version 4 against it, as Bedrock does.
MOCK_AWS_ACCESS_KEY_ID = "AKIDMOCKLLMCONNECTOR"
MOCK_AWS_SECRET_ACCESS_KEY = "mock/aws/secret/access/key"  # noqa: S105


class MockRepliesExhausted(RuntimeError):
    """A request reached a :class:`MockServer` whose scripted replies are all used.

    Raised from the transport, so it reaches the caller as it is (it is no ``LLMError``:
    a script too short is a bug in the test, not an answer of the server)."""

    def __init__(self, scripted: int, request_number: int) -> None:
        self.scripted = scripted
        self.request_number = request_number
        replies = "1 reply was" if scripted == 1 else f"{scripted} replies were"
        super().__init__(
            f"MockServer: {replies} scripted and all are used; request {request_number} has "
            "none (script one reply per request, or pass repeat_last=True to repeat the last)"
        )


class MockServer:
    """A scripted LLM server living inside httpx, speaking one provider's wire format.

    ``provider`` is the name of any provider row with a mock (``Wire``): "openai" (the
    default), the OpenAI-compatible providers with their quirks (``openai_profiles.py``),
    and the native protocols: Anthropic's (also as LongCat's and as Claude on Vertex AI),
    Gemini's ("google"), Ollama's, DashScope's ("aliyun") and Hunyuan's ("tencent").

    ``responses_api=True`` makes an OpenAI-wire server serve the Responses API at
    ``/responses`` too; without it that route answers 404, as on a server that has only
    chat completions (a client that tries it falls back to chat completions).

    ``replies`` is one reply, which answers every chat (or Responses) request, or a
    script: a sequence of replies, used in order, one per request. A request after the
    end of a script raises :class:`MockRepliesExhausted`, naming how many replies were
    scripted; with ``repeat_last=True`` the last reply answers every later request
    instead. Without ``replies`` the server echoes each prompt (``MockReply.echo()``),
    for any number of requests.

    ``chunk_delay`` (seconds) paces a streamed answer: the server waits that long before
    each chunk after the first, so that a demo streams at a visible pace. It is 0 (no wait)
    unless given; tests leave it so.

    ``requests`` holds every JSON body received and ``routes`` every "METHOD /path", for
    tests to assert on; ``row`` is the provider's row.
    """

    def __init__(
        self,
        replies: str | MockReply | Sequence[str | MockReply] | None = None,
        *,
        model: str = "mock-model",
        provider: Wire = "openai",
        embedding_dimensions: int = 8,
        responses_api: bool = False,
        repeat_last: bool | None = None,
        chunk_delay: float = 0.0,
    ) -> None:
        if chunk_delay < 0:
            raise ValueError(f"chunk_delay is seconds, at least 0, not {chunk_delay!r}")
        if replies is None or isinstance(replies, (str, MockReply)):
            # One reply, not a script: it answers every request unless told otherwise.
            replies = DEFAULT_REPLIES if replies is None else (replies,)
            repeat_last = True if repeat_last is None else repeat_last
        self._replies = [MockReply.text(r) if isinstance(r, str) else r for r in replies]
        if not self._replies:
            raise ValueError("MockServer needs at least one reply")
        row, mock = mock_of(provider)
        if responses_api and mock.wire != "openai":
            raise ValueError(f"the Responses API is served on OpenAI's wire, not {provider!r}'s")
        self.model = model
        self.provider: Wire = provider
        self.row: ProviderSpec = row
        #: The wire it speaks: a module of ``_mock/`` ("openai" -> ``openai_wire.py``).
        self.wire: str = mock.wire
        self.embedding_dimensions = embedding_dimensions
        self.responses_api = responses_api
        #: Whether the last reply answers every request after the script's end.
        self.repeat_last = bool(repeat_last)
        self.chunk_delay = chunk_delay
        self.requests: list[dict[str, Any]] = []
        self.routes: list[str] = []
        #: Ids of the tool calls this server sent together with reasoning (a provider that
        #: wants reasoning back checks that it came back with them).
        self.reasoned_calls: set[str] = set()
        #: Ids of the stored Responses answers (what ``previous_response_id`` may name).
        self.stored_responses: set[str] = set()
        self._served = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return mock_base_url(self.provider)

    def client_row(self) -> tuple[str, str | None, str]:
        """What a client of this server is: (the registry row whose codec reads the wire,
        the key it sends, its name).

        "openai" (and the "mock" row itself) goes through the "mock" row (the compatible
        dialect, no key), which never asks for ``/responses``; with ``responses_api``
        through "openai_compatible", which asks first. Every other provider goes through
        its own row, so that its real codec (and dialect) reads the mock's answers;
        "tencent" signs with the mock's key pair, which the Hunyuan wire checks; "bedrock"
        with the mock's AWS access key pair, which the Bedrock wire checks.
        """
        if self.provider in ("openai", "mock"):
            return ("openai_compatible" if self.responses_api else "mock"), None, "mock"
        if self.wire == "hunyuan":
            key = f"{MOCK_TENCENT_SECRET_ID}:{MOCK_TENCENT_SECRET_KEY}"
            return self.provider, key, f"mock ({self.provider})"
        if self.wire == "bedrock":
            key = f"{MOCK_AWS_ACCESS_KEY_ID}:{MOCK_AWS_SECRET_ACCESS_KEY}"
            return self.provider, key, f"mock ({self.provider})"
        return self.provider, "mock-key", f"mock ({self.provider})"

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one HTTP request (the MockTransport handler)."""
        body: dict[str, Any] = json.loads(request.content) if request.content else {}
        with self._lock:
            self.requests.append(body)
            self.routes.append(f"{request.method} {request.url.path}")
        response = _handler(self.wire)(self, request, body)
        if self.chunk_delay and isinstance(response.stream, _Chunked):
            response.stream.delay = self.chunk_delay
        return response

    # -- what the wire modules share ----------------------------------------------------

    def next_reply(self, last_user_text: str) -> MockReply:
        with self._lock:
            if self._served >= len(self._replies) and not self.repeat_last:
                raise MockRepliesExhausted(len(self._replies), self._served + 1)
            reply = self._replies[min(self._served, len(self._replies) - 1)]
            self._served += 1
        return resolve(reply, last_user_text)

    def next_id(self) -> int:
        return next(self._ids)

    def vector(self, text: str) -> list[float]:
        """A deterministic vector from the text's hash."""
        digest = hashlib.sha256(text.encode()).digest()
        return [round(b / 127.5 - 1.0, 6) for b in digest[: self.embedding_dimensions]]


# -- responses ---------------------------------------------------------------------------


def json_response(
    status: int, body: Mapping[str, Any] | Sequence[Any], headers: Mapping[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def sse_response(events: Sequence[tuple[str | None, str]], separator: str = "\n") -> httpx.Response:
    """An SSE body, one HTTP chunk per event as servers flush them. ``events`` are
    (event name or None, data); ``separator`` is the line ending ("\\r\\n" for Gemini)."""
    chunks = []
    for name, data in events:
        head = f"event: {name}{separator}" if name else ""
        chunks.append(f"{head}data: {data}{separator}{separator}".encode())
    return chunked_response(chunks, "text/event-stream; charset=utf-8")


def ndjson_response(lines: Sequence[Mapping[str, Any]]) -> httpx.Response:
    """An NDJSON body (Ollama), one HTTP chunk per line."""
    chunks = [json.dumps(line).encode() + b"\n" for line in lines]
    return chunked_response(chunks, "application/x-ndjson")


def chunked_response(chunks: Sequence[bytes], content_type: str) -> httpx.Response:
    """A 200 answer whose body arrives in ``chunks``, one HTTP chunk each (for a wire that
    frames its events itself)."""
    return httpx.Response(200, headers={"content-type": content_type}, stream=_Chunked(chunks))


def retry_after_headers(reply: MockReply) -> dict[str, str]:
    return {} if reply.retry_after is None else {"retry-after": f"{reply.retry_after:g}"}


class _Chunked(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body delivered as separate chunks, to sync and async clients alike."""

    def __init__(self, chunks: Sequence[bytes]) -> None:
        self._chunks = chunks
        #: Seconds to wait before each chunk after the first (the server's chunk_delay).
        self.delay = 0.0

    def __iter__(self) -> Iterator[bytes]:
        for index, chunk in enumerate(self._chunks):
            if index and self.delay:
                time.sleep(self.delay)
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for index, chunk in enumerate(self._chunks):
            if index and self.delay:
                await asyncio.sleep(self.delay)
            yield chunk


Handler: TypeAlias = Callable[[MockServer, httpx.Request, dict[str, Any]], httpx.Response]


def _handler(wire: str) -> Handler:
    """The ``handle`` of the wire's module. The wire modules import this one; importing
    them here, on first use, keeps the import graph acyclic and loads only the wire in use."""
    module = importlib.import_module(f"llm_connector._mock.{wire}_wire")
    answer: Handler = module.handle
    return answer
