"""What a stream does between frames, shared by ChatStream and AsyncChatStream (pure).

The core feeds frames to the codec's decoder, accumulates the chunks it returns, and
makes sure an error that interrupts the stream carries everything that arrived before it
and never carries a secret. The shells only move frames in and chunks out.

It also knows when content has reached the caller, which decides two things: until then
a failed stream may be sent again (retried), and the ``first_event`` limit applies rather
than ``idle``. "Content" is text, reasoning, a tool-call fragment or a finish reason; the
chunks before it (the role-only first chunk, Anthropic's ``message_start``) carry nothing a
caller could act on. While a retry is still possible (``hold``), those chunks are held
back and released, in order, with the first chunk of content; if the attempt fails before
that, they are dropped and the request is sent again, so the caller sees one clean answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from llm_connector._accumulate import StreamAccumulator, response_as_chunks
from llm_connector._redact import redact_error
from llm_connector.codecs._base import ChatCodec, Frame
from llm_connector.errors import IncompleteStreamError, LLMError, StreamDecodeError
from llm_connector.types import ChatResponse, StreamingResponse


def has_content(chunk: StreamingResponse) -> bool:
    """Whether a chunk carries content (see the module docstring)."""
    for choice in chunk.choices:
        delta = choice.delta
        if (
            choice.finish_reason
            or delta.content
            or delta.reasoning_content
            or delta.tool_calls
            or delta.reasoning_signature is not None
            or delta.redacted_reasoning is not None
        ):
            return True
    return False


class StreamCore:
    __slots__ = (
        "_acc",
        "_codec",
        "_decoder",
        "_held",
        "_secrets",
        "closed",
        "delivered",
        "finished",
        "hold",
    )

    def __init__(
        self, codec: ChatCodec, secrets: Iterable[str] = (), *, hold: bool = False
    ) -> None:
        self._codec = codec
        self._secrets = tuple(secrets)
        #: True once the caller closed the stream: a read it cuts short is no error.
        self.closed = False
        #: Hold back the chunks before the first content (set while a retry is possible).
        self.hold = hold
        self._start()

    def _start(self) -> None:
        self._decoder = self._codec.new_stream_decoder()
        self._acc = StreamAccumulator()
        self._held: list[StreamingResponse] = []
        #: True once the provider's terminal event arrived and the decoder closed cleanly.
        self.finished = False
        #: True once a chunk with content was handed out: from then on nothing is retried.
        self.delivered = False

    def feed(self, frame: Frame) -> list[StreamingResponse]:
        try:
            chunks = self._decoder.feed(frame)
        except LLMError as exc:
            raise self.interrupted(exc) from None
        except Exception as exc:
            # The decoder contract says nothing but LLMErrors escape; this keeps the promise
            # for shapes no decoder test foresaw.
            error = StreamDecodeError(f"could not decode stream frame ({exc!r})", frame=frame.data)
            raise self.interrupted(error) from exc
        add = self._acc.add
        for chunk in chunks:
            add(chunk)
        if self.delivered or not chunks:
            return chunks
        return self._before_content(chunks)

    def _before_content(self, chunks: list[StreamingResponse]) -> list[StreamingResponse]:
        content = any(map(has_content, chunks))
        if content:
            self.delivered = True
        if not self.hold:
            return chunks
        self._held.extend(chunks)
        return self.take_held() if content else []

    def take_held(self) -> list[StreamingResponse]:
        """The chunks held back so far (given out once): with the first content, or before
        an error that is not retried is raised."""
        held, self._held = self._held, []
        return held

    def finish(self) -> list[StreamingResponse]:
        """The transport ended: flush the decoder (raises if the answer was cut short)."""
        try:
            chunks = self._decoder.close()
        except LLMError as exc:
            raise self.interrupted(exc) from None
        except Exception as exc:
            # As in feed(): the decoder contract holds even for a decoder bug.
            error = StreamDecodeError(f"could not finish decoding the stream ({exc!r})")
            raise self.interrupted(error) from exc
        for chunk in chunks:
            self._acc.add(chunk)
        self.finished = True
        if self._held:
            # An answer without content (an empty completion) ends here: release it whole.
            chunks = [*self.take_held(), *chunks]
        return chunks

    def feed_whole_body(self, body: bytes) -> list[StreamingResponse]:
        """The server answered a stream request with one JSON body (an error, or a server
        that ignores ``stream: true``): raise its error, or replay the answer as chunks."""
        try:
            response = self._codec.parse_chat(body)
        except LLMError as exc:
            raise self.interrupted(exc) from None
        except Exception as exc:
            text = body.decode("utf-8", "replace")
            error = StreamDecodeError(f"could not decode the response body ({exc!r})", frame=text)
            raise self.interrupted(error) from exc
        chunks = response_as_chunks(response)
        for chunk in chunks:
            self._acc.add(chunk)
        self.finished = True
        self.delivered = True
        return chunks

    @property
    def retryable(self) -> bool:
        """Whether a failed stream may be sent again: only before any content reached the
        caller (and then per the call's retry budget and deadline), and not once closed."""
        return not (self.delivered or self.closed)

    def restart(self) -> None:
        """Forget the failed attempt (nothing of it reached the caller) for the next one."""
        assert not self.delivered, "a stream is never restarted after content went out"
        self._start()

    def interrupted(self, error: LLMError) -> LLMError:
        """Attach what arrived so far to ``error`` and scrub secrets from it."""
        error.partial = self._acc.snapshot()
        redact_error(error, self._secrets)
        return error

    def partial(self) -> ChatResponse:
        return self._acc.snapshot()

    def final_response(self) -> ChatResponse:
        """The accumulated answer; raises if the stream was closed before it finished."""
        if not self.finished:
            raise self.interrupted(
                IncompleteStreamError(
                    "the stream was closed before the provider finished; "
                    "the part that arrived is on this error's .partial"
                )
            )
        return self._acc.snapshot()
