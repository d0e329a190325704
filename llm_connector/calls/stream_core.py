"""What a stream does between frames, shared by the sync and async streams (pure).

The core feeds frames to a decoder, accumulates the items it returns, and makes sure an
error that interrupts the stream carries everything that arrived before it and never
carries a secret. The shells only move frames in and items out.

It also knows when content has reached the caller, which decides two things: until then
a failed stream may be sent again (retried), and the ``first_event`` limit applies rather
than ``idle``. "Content" is text, reasoning, a tool-call fragment or a finish reason; the
chunks before it (the role-only first chunk, Anthropic's ``message_start``) carry nothing a
caller could act on. While a retry is still possible (``hold``), those chunks are held
back and released, in order, with the first chunk of content; if the attempt fails before
that, they are dropped and the request is sent again, so the caller sees one clean answer.

What a stream decodes into is its :class:`StreamSource`: chat streams yield
``StreamingResponse`` chunks and accumulate a ``ChatResponse`` (:class:`StreamCore`);
Responses streams yield ``ResponsesStreamEvent``s and accumulate a ``ResponsesResponse``
(their sources live in ``codecs/openai_responses*.py``). The logic above is the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from llm_connector.calls.redact import redact_error
from llm_connector.codecs.contract import ChatCodec, Frame, StreamDecoder
from llm_connector.errors import IncompleteStreamError, LLMError, StreamDecodeError

if TYPE_CHECKING:
    # The response types load with the first stream, not with the package (_lazy.py).
    from llm_connector.types import ChatResponse, StreamingResponse
    from llm_connector.types._accumulate import StreamAccumulator

ItemT = TypeVar("ItemT")
AnswerT = TypeVar("AnswerT")
_ItemT_contra = TypeVar("_ItemT_contra", contravariant=True)
_AnswerT_co = TypeVar("_AnswerT_co", covariant=True)


class ItemDecoder(Protocol[ItemT]):
    """A stream decoder (see ``codecs.contract.StreamDecoder``), whatever it yields."""

    def feed(self, frame: Frame) -> list[ItemT]: ...

    def close(self) -> list[ItemT]: ...


class Accumulator(Protocol[_ItemT_contra, _AnswerT_co]):
    """Adds up a stream's items into its answer."""

    def add(self, item: _ItemT_contra) -> None: ...

    def snapshot(self) -> _AnswerT_co: ...


class StreamSource(Protocol[ItemT, AnswerT]):
    """What a stream decodes into, and how."""

    def new_decoder(self) -> ItemDecoder[ItemT]: ...

    def new_accumulator(self) -> Accumulator[ItemT, AnswerT]: ...

    def has_content(self, item: ItemT) -> bool:
        """Whether an item carries content (see the module docstring)."""
        ...

    def whole_body(self, body: bytes) -> list[ItemT]:
        """The items of an answer that came as one JSON body (raises its error)."""
        ...

    def partial_of(self, answer: AnswerT) -> ChatResponse:
        """What an error interrupting the stream carries in ``.partial``."""
        ...


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


class ChatSource:
    """Chat streams: the codec's decoder, ``StreamingResponse`` chunks, a ``ChatResponse``."""

    def __init__(self, codec: ChatCodec) -> None:
        self._codec = codec

    def new_decoder(self) -> StreamDecoder:
        return self._codec.new_stream_decoder()

    def new_accumulator(self) -> StreamAccumulator:
        from llm_connector.types._accumulate import StreamAccumulator

        return StreamAccumulator()

    @staticmethod
    def has_content(item: StreamingResponse) -> bool:
        return has_content(item)

    def whole_body(self, body: bytes) -> list[StreamingResponse]:
        from llm_connector.types._accumulate import response_as_chunks

        return response_as_chunks(self._codec.parse_chat(body))

    @staticmethod
    def partial_of(answer: ChatResponse) -> ChatResponse:
        return answer


class BaseStreamCore(Generic[ItemT, AnswerT]):
    """The core of a stream of any source; see the module docstring."""

    __slots__ = (
        "_acc",
        "_add",
        "_decode",
        "_decoder",
        "_held",
        "_secrets",
        "_source",
        "closed",
        "delivered",
        "finished",
        "hold",
        "on_content",
    )

    def __init__(
        self,
        source: StreamSource[ItemT, AnswerT],
        secrets: Iterable[str] = (),
        *,
        hold: bool = False,
    ) -> None:
        self._source = source
        self._secrets = tuple(secrets)
        #: True once the caller closed the stream: a read it cuts short is no error.
        self.closed = False
        #: Hold back the chunks before the first content (set while a retry is possible).
        self.hold = hold
        #: Called once, when the first content goes out (an observed stream's time to
        #: first chunk); never on the per-chunk path after that.
        self.on_content: Callable[[], None] | None = None
        self._start()

    def _start(self) -> None:
        self._decoder: ItemDecoder[ItemT] = self._source.new_decoder()
        self._acc: Accumulator[ItemT, AnswerT] = self._source.new_accumulator()
        # Bound once: feed() runs for every frame.
        self._decode = self._decoder.feed
        self._add = self._acc.add
        self._held: list[ItemT] = []
        #: True once the provider's terminal event arrived and the decoder closed cleanly.
        self.finished = False
        #: True once a chunk with content was handed out: from then on nothing is retried.
        self.delivered = False

    def feed(self, frame: Frame) -> list[ItemT]:
        try:
            chunks = self._decode(frame)
        except LLMError as exc:
            raise self.interrupted(exc) from None
        except Exception as exc:
            # The decoder contract says nothing but LLMErrors escape; this keeps the promise
            # for shapes no decoder test foresaw.
            error = StreamDecodeError(f"could not decode stream frame ({exc!r})", frame=frame.data)
            raise self.interrupted(error) from exc
        if len(chunks) == 1:  # the usual frame: no loop for one chunk
            self._add(chunks[0])
        else:
            for chunk in chunks:
                self._add(chunk)
        if self.delivered or not chunks:
            return chunks
        return self._before_content(chunks)

    def _before_content(self, chunks: list[ItemT]) -> list[ItemT]:
        content = any(map(self._source.has_content, chunks))
        if content:
            self.delivered = True
            if self.on_content is not None:
                self.on_content()
        if not self.hold:
            return chunks
        self._held.extend(chunks)
        return self.take_held() if content else []

    def take_held(self) -> list[ItemT]:
        """The chunks held back so far (given out once): with the first content, or before
        an error that is not retried is raised."""
        held, self._held = self._held, []
        return held

    def finish(self) -> list[ItemT]:
        """The body ended and its last frames were fed: flush the decoder (raises if the
        answer was cut short)."""
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

    def feed_whole_body(self, body: bytes) -> list[ItemT]:
        """The server answered a stream request with one JSON body (an error, or a server
        that ignores ``stream: true``): raise its error, or replay the answer as chunks."""
        try:
            chunks = self._source.whole_body(body)
        except LLMError as exc:
            raise self.interrupted(exc) from None
        except Exception as exc:
            text = body.decode("utf-8", "replace")
            error = StreamDecodeError(f"could not decode the response body ({exc!r})", frame=text)
            raise self.interrupted(error) from exc
        for chunk in chunks:
            self._acc.add(chunk)
        self.finished = True
        self.delivered = True
        if self.on_content is not None:
            self.on_content()
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
        error.partial = self._source.partial_of(self._acc.snapshot())
        redact_error(error, self._secrets)
        return error

    def partial(self) -> ChatResponse:
        return self._source.partial_of(self._acc.snapshot())

    @property
    def accumulator(self) -> Accumulator[ItemT, AnswerT]:
        """What adds up the items (a new one when a failed attempt is sent again)."""
        return self._acc

    def snapshot(self) -> AnswerT:
        """The answer so far (never raises)."""
        return self._acc.snapshot()

    def final_response(self) -> AnswerT:
        """The accumulated answer; raises if the stream was closed before it finished."""
        if not self.finished:
            raise self.interrupted(
                IncompleteStreamError(
                    "the stream was closed before the provider finished; "
                    "the part that arrived is on this error's .partial"
                )
            )
        return self._acc.snapshot()


class StreamCore(BaseStreamCore["StreamingResponse", "ChatResponse"]):
    """The core of a chat stream (``ChatStream``, ``AsyncChatStream``)."""

    __slots__ = ()

    def __init__(
        self, codec: ChatCodec, secrets: Iterable[str] = (), *, hold: bool = False
    ) -> None:
        super().__init__(ChatSource(codec), secrets, hold=hold)
