"""What a stream does between frames, shared by ChatStream and AsyncChatStream (pure).

The core feeds frames to the codec's decoder, accumulates the chunks it returns, and
makes sure an error that interrupts the stream carries everything that arrived before it
and never carries a secret. The shells only move frames in and chunks out.
"""

from __future__ import annotations

from collections.abc import Iterable

from llm_connector._accumulate import StreamAccumulator, response_as_chunks
from llm_connector._redact import redact_error
from llm_connector.codecs._base import ChatCodec, Frame
from llm_connector.errors import IncompleteStreamError, LLMError, StreamDecodeError
from llm_connector.types import ChatResponse, StreamingResponse


class StreamCore:
    __slots__ = ("_acc", "_codec", "_decoder", "_secrets", "closed", "finished")

    def __init__(self, codec: ChatCodec, secrets: Iterable[str] = ()) -> None:
        self._codec = codec
        self._decoder = codec.new_stream_decoder()
        self._acc = StreamAccumulator()
        self._secrets = tuple(secrets)
        #: True once the provider's terminal event arrived and the decoder closed cleanly.
        self.finished = False
        #: True once the caller closed the stream: a read it cuts short is no error.
        self.closed = False

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
        return chunks

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
        return chunks

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
