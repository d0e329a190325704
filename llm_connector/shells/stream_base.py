"""What the blocking and the asyncio streams share: the streamed call they go on with, its
core (the answer so far), the response being read, and the table of the steps a stream
does itself (those that hand items out). No I/O here: each stream reads in its own way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from llm_connector.calls.steps import Deliver, ReadStream
from llm_connector.calls.stream_core import AnswerT, BaseStreamCore, ItemT

if TYPE_CHECKING:
    import httpx

    from llm_connector.calls.streaming import StreamRun
    from llm_connector.shells.deadlines import Watch
    from llm_connector.structured.partial import StreamOutput, ToolArguments

__all__ = ["ChatOutput", "StreamBase"]

_ExecutorT = TypeVar("_ExecutorT")


class StreamBase(Generic[_ExecutorT, ItemT, AnswerT]):
    """A streamed answer of items (chunks, events) adding up to an answer. ``steps`` does
    the client's steps; ``first`` is the first step of reading the answer."""

    def __init__(self, steps: _ExecutorT, run: StreamRun[ItemT, AnswerT], first: object) -> None:
        self._steps = steps
        self._run = run
        self._core = cast(BaseStreamCore[ItemT, AnswerT], run.core)
        #: The deadlines of the body being read (set when reading begins).
        self._watch: Watch | None = None
        #: The steps this stream does itself, handing items out as it does them.
        self._hand_out: dict[type[Any], Callable[[Any], Any]] = {
            ReadStream: self._read,
            Deliver: self._deliver,
        }
        self._chunks = self._generate(first)

    def _generate(self, step: Any) -> Any:
        raise NotImplementedError

    def _read(self, step: ReadStream) -> Any:
        raise NotImplementedError

    def _deliver(self, step: Deliver) -> Any:
        raise NotImplementedError

    @property
    def response(self) -> httpx.Response:
        """The underlying HTTP response (status, headers)."""
        return cast("httpx.Response", self._run.response)

    def _closing(self, running: bool) -> None:
        """Mark the stream closed; when another thread or task is reading it (``running``),
        cut its connection so that its read ends at once (the driver then sees ``closed``
        and ends the stream quietly)."""
        self._core.closed = True
        if running and self._watch is not None:
            self._watch.abort()


class ChatOutput:
    """``partial_output()`` of the chat streams (no I/O: what has arrived so far)."""

    _core: BaseStreamCore[Any, Any]
    _run: StreamRun[Any, Any]
    _output: StreamOutput | None = None
    _tool_arguments: ToolArguments | None = None

    def partial_output(self) -> Any:
        """The structured answer parsed so far (a request ``with_output_type``, or any
        JSON answer): a dict or list that only grows, with the string being received shown
        as far as it arrived, numbers once complete; None before the answer began. Each
        call reads only the text that came since the last one. It is the parser's own
        object and goes on growing: copy it to keep it as it is now."""
        output = self._output
        if output is None:
            from llm_connector.structured.partial import StreamOutput

            output = self._output = StreamOutput(wrapped=self._run.output_wrapped)
        return output.read(self._core.accumulator)

    def partial_tool_arguments(self) -> dict[int, Any]:
        """The arguments of each tool call so far, by the call's index: the JSON object
        parsed as far as it arrived, as :meth:`partial_output` reads the answer."""
        reader = self._tool_arguments
        if reader is None:
            from llm_connector.structured.partial import ToolArguments

            reader = self._tool_arguments = ToolArguments()
        return reader.read(self._core.accumulator)
