"""The blocking streams: ChatStream and ResponsesStream (what ``Client`` returns for a
streamed answer), one generic body over the pure StreamCore."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Generator, Iterator
from time import monotonic
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import httpx
from httpx_sse import EventSource

from llm_connector._base_client import PreparedCall
from llm_connector._deadlines import THREAD_WATCHDOG, Watch, Watchdog
from llm_connector._retry import Attempts
from llm_connector._shell import (
    retry_wait,
    stream_error,
    stream_framing,
    stream_timeout,
    watch_response,
)
from llm_connector._stream_core import AnswerT, BaseStreamCore, ItemT, StreamCore
from llm_connector.codecs.contract import Frame
from llm_connector.codecs.framing.ndjson import LineFrame, NDJSONLines
from llm_connector.errors import LLMError

if TYPE_CHECKING:
    from llm_connector._client import Client
    from llm_connector._responses_call import ResponsesCall

    # Some are named only in quoted base classes, which ruff does not read: none of these
    # types loads with the package (the chat answers' load with the first stream).
    from llm_connector.responses import ResponsesResponse, ResponsesStreamEvent  # noqa: F401
    from llm_connector.types import ChatResponse, StreamingResponse  # noqa: F401

__all__ = ["ChatStream", "ResponsesStream"]

_S = TypeVar("_S", bound="_Stream[Any, Any]")


class _Stream(Generic[ItemT, AnswerT]):
    """A streamed answer of items (chunks, events) adding up to an answer; see ChatStream."""

    def __init__(
        self,
        client: Client,
        call: PreparedCall,
        attempts: Attempts,
        response: httpx.Response,
        core: BaseStreamCore[ItemT, AnswerT],
    ) -> None:
        self._client = client
        self._call = call
        self._attempts = attempts
        self._core = core
        self._response = response
        #: The deadlines of the response being read (set when reading begins).
        self._watch: Watch | None = None
        self._chunks = self._generate()

    @property
    def response(self) -> httpx.Response:
        """The underlying HTTP response (status, headers)."""
        return self._response

    def _generate(self) -> Generator[ItemT, None, None]:
        """The answer, frame by frame; a failure before its first content sends the
        request again (see StreamCore)."""
        core, attempts, call = self._core, self._attempts, self._call
        while True:
            response = self._response
            core.hold = attempts.can_retry()
            self._watch = watch = watch_response(
                watchdog(), core, response, call.timeout, attempts, stream=True
            )
            try:
                framing = stream_framing(call.spec, response)
                if framing == "json":
                    yield from core.feed_whole_body(response.read())
                    return
                # iter_sse() is a generator (typed as an Iterator); closing it ends its loop.
                frames = cast(
                    Generator[Frame, None, None],
                    EventSource(response).iter_sse() if framing == "sse" else _ndjson(response),
                )
                feed = core.feed
                try:
                    for frame in frames:
                        # Not idle time from here until the next stamp: the frame is being
                        # decoded (its content may begin now, and the watchdog must not then
                        # measure idle time from before it), then the caller holds chunks.
                        watch.since = None
                        if chunks := feed(frame):
                            if len(chunks) == 1:  # the usual frame; cheaper than yield from
                                yield chunks[0]
                            else:
                                yield from chunks
                        if watch.fired:  # a limit ran out where there is no socket to cut
                            raise stream_timeout(watch.fired, call.timeout, "while streaming")
                        watch.since = monotonic()
                finally:
                    frames.close()
                watch.cancel()  # the body is read: its connection may be back in the pool
                yield from core.finish()
                return
            except (httpx.TransportError, LLMError) as exc:
                if core.closed:
                    return  # close() from another thread cut the read short: the loop ends
                error = stream_error(exc, watch, core, call.timeout, response)
            finally:
                watch.cancel()
                response.close()
            delay = retry_wait(attempts, error) if core.retryable else None
            if delay is None:
                yield from core.take_held()
                raise error
            self._client._note_retry(call, attempts, error, delay, stream=True)
            sleep(delay)
            core.restart()
            try:
                response = self._client._send(call, attempts, stream=True)
            except LLMError as exc:
                raise core.interrupted(exc)  # noqa: B904 - exc is what is raised
            if self._core.closed:  # close() from another thread while the request was sent
                response.close()
                return
            self._response = response

    def __iter__(self) -> Iterator[ItemT]:
        # A fresh generator per loop: when the loop is left early, this generator is
        # dropped at once (reference counting), and its ``finally`` closes the connection.
        try:
            yield from self._chunks
        finally:
            self.close()

    def __next__(self) -> ItemT:
        return next(self._chunks)

    def close(self) -> None:
        """Stop reading and close the connection. Safe to call more than once, and from
        another thread while one iterates: its loop ends at once, quietly."""
        self._core.closed = True
        if getattr(self._chunks, "gi_running", False) and self._watch is not None:
            # Another thread is reading: shutting the socket down wakes its blocked read.
            self._watch.abort()
        # ValueError "generator already executing": another thread is reading. Closing
        # the response ends that read, and then its loop (see _read).
        with contextlib.suppress(ValueError):
            self._chunks.close()
        self._response.close()

    def final_response(self) -> AnswerT:
        """Read the rest of the stream and return the whole answer.

        Raises ``IncompleteStreamError`` (with ``.partial``) if the stream was closed, or
        ended, before the provider finished.
        """
        for _ in self._chunks:
            pass
        return self._core.final_response()

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class ChatStream(_Stream["StreamingResponse", "ChatResponse"]):
    """A streamed answer: iterate it for ``StreamingResponse`` chunks.

    Leaving a ``for`` loop early (``break``, an exception) closes the HTTP connection at
    once; so does ``close()`` (from any thread) or leaving a ``with`` block.
    ``final_response()`` reads what is left and returns the accumulated ``ChatResponse``.

    A stream that fails before the first content of the answer (the connection breaks, or
    the provider sends a retryable error such as "overloaded") is sent again, within the
    client's retries, and the caller sees one clean answer; nothing is retried after that.

    Errors while iterating carry everything received so far in ``.partial``:
    ``IncompleteStreamError`` when the stream ends before the provider's terminal event,
    ``StreamDecodeError`` for an undecodable frame, the ``APIStatusError`` subclass of an
    error event, ``APITimeoutError`` when a limit of the client's ``Timeout`` runs out.
    """

    def __init__(
        self, client: Client, call: PreparedCall, attempts: Attempts, response: httpx.Response
    ) -> None:
        super().__init__(client, call, attempts, response, StreamCore(client._codec, call.secrets))


class ResponsesStream(_Stream["ResponsesStreamEvent", "ResponsesResponse"]):
    """A streamed Responses API answer: iterate it for ``ResponsesStreamEvent``s.

    Every event the provider sends comes through, in order (those of unknown types too);
    after a fallback to chat completions, the synthesized events have the same types and
    shapes. ``final_response()`` reads what is left and returns the accumulated
    ``ResponsesResponse``; ``snapshot()`` is the answer so far. Closing, retries before
    the first content and deadlines are those of :class:`ChatStream`.

    An ``error`` or ``response.failed`` event is yielded, then its ``APIStatusError``
    subclass is raised; ``response.incomplete`` ends the stream normally (see the final
    response's ``status`` and ``incomplete_details``). Errors carry what arrived in
    ``.partial``, as a ``ChatResponse``; ``snapshot()`` has it as a ``ResponsesResponse``.
    """

    def __init__(
        self, client: Client, call: ResponsesCall, attempts: Attempts, response: httpx.Response
    ) -> None:
        core = BaseStreamCore(call.source, call.call.secrets)
        super().__init__(client, call.call, attempts, response, core)

    def snapshot(self) -> ResponsesResponse:
        """The answer as accumulated so far (never raises; ``status`` says how far)."""
        return self._core.snapshot()


def _ndjson(response: httpx.Response) -> Generator[Frame, None, None]:
    """NDJSON framing (Ollama): one JSON object per non-empty line (see NDJSONLines)."""
    lines = NDJSONLines()
    for data in response.iter_bytes():
        for line in lines.feed(data):
            yield LineFrame(line)
    for line in lines.flush():
        yield LineFrame(line)


def watchdog() -> Watchdog:
    return THREAD_WATCHDOG


def sleep(seconds: float) -> None:
    time.sleep(seconds)
