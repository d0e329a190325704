"""Moving ``<think>...</think>`` reasoning out of the answer text (pure, incremental).

Reasoning models served without a reasoning parser write their chain of thought into the
answer itself: DeepSeek-R1 and Qwen3 on Ollama before it had the ``think`` parameter (see
tests/data/ollama/chat-stream-deepseek-r1-think-tags-excerpt.ndjson), and many
OpenAI-compatible hosts. :class:`ThinkTagSplitter` takes the answer text in the fragments
it streams in and gives back, for each fragment, the reasoning and the answer text it
settles; :class:`ThinkTagRewriter` applies one splitter per choice to a stream of
``StreamingResponse`` chunks, so that a stream decoder needs two calls to use it.

The rules, the same as Ollama's own server-side parser follows
(https://github.com/ollama/ollama/blob/main/thinking/parser.go):

- A think block is recognised only at the very start of the answer (after any
  whitespace). A ``<think>`` anywhere later, in prose or in code, is text and is left alone.
- Whitespace right after ``<think>`` and right after ``</think>`` belongs to neither side
  (models write ``<think>\\n`` and ``</think>\\n\\n``); everything else is kept as it came.
- A block that never closes is all reasoning.
- ``implicit_open=True`` is for chat templates that open the block in the prompt, so the
  model's output starts inside it and only ``</think>`` appears (DeepSeek-R1 on servers
  whose template ends the prompt with ``<think>\\n``). A stream cannot tell that case from a
  plain answer until the close tag comes, possibly thousands of tokens later, and chunks
  already handed out cannot be taken back; so it is a setting of the provider or model,
  never guessed. vLLM makes the same choice per model: its ``deepseek_r1`` reasoning parser
  assumes the block is open, its ``qwen3`` one does not
  (https://docs.vllm.ai/en/latest/features/reasoning_outputs.html).

Only what could still be a tag is held back: leading whitespace and a partial ``<think>``
before the answer starts, and at most ``len("</think>") - 1`` characters that could begin
the close tag. Everything else comes out of the ``feed`` call that brought it.
"""

from __future__ import annotations

import attrs

from llm_connector.types import ChatResponse, Choice, Delta, StreamChoice, StreamingResponse
from llm_connector.types._value import FrozenValue

OPEN_TAG = "<think>"
CLOSE_TAG = "</think>"

# The splitter's states.
_LOOKING = 0  # nothing but whitespace (and maybe part of "<think>") seen so far
_OPENED = 1  # "<think>" seen; eating the whitespace after it
_THINKING = 2  # inside the block
_CLOSED = 3  # "</think>" seen; eating the whitespace after it
_ANSWER = 4  # answer text: everything passes through


@attrs.frozen(repr=False, eq=False)
class ThinkSplit(FrozenValue):
    """What one piece of answer text settles into: reasoning, then answer text."""

    reasoning: str = ""
    content: str = ""

    def __add__(self, other: ThinkSplit) -> ThinkSplit:
        return ThinkSplit(self.reasoning + other.reasoning, self.content + other.content)


_NOTHING = ThinkSplit()


def _partial_close(text: str) -> int:
    """The length of the longest end of ``text`` that is a proper start of ``</think>``."""
    for size in range(min(len(CLOSE_TAG) - 1, len(text)), 0, -1):
        if text.endswith(CLOSE_TAG[:size]):
            return size
    return 0


class ThinkTagSplitter:
    """Splits one answer's text, fed in fragments, into reasoning and answer text.

    ``feed(text)`` returns what ``text`` settles (a :class:`ThinkSplit`, often with one side
    empty); ``flush()`` returns what is still held back and ends the split: call it when the
    answer is complete. Concatenating every result equals :func:`split_think_tags` of the
    whole text, however the text was cut into fragments.
    """

    __slots__ = ("_held", "_implicit_open", "_state")

    def __init__(self, *, implicit_open: bool = False) -> None:
        self._implicit_open = implicit_open
        self._state = _LOOKING
        self._held = ""

    @property
    def passing_through(self) -> bool:
        """True once the answer has started: from now on every fragment is answer text."""
        return self._state == _ANSWER

    def feed(self, text: str) -> ThinkSplit:
        if not text:
            return _NOTHING
        if self._state == _ANSWER:
            return ThinkSplit("", text)
        held = self._held + text
        reasoning = content = ""
        while True:  # each pass either changes state or returns
            state = self._state
            if state == _LOOKING:
                stripped = held.lstrip()
                if stripped.startswith(OPEN_TAG):
                    held, self._state = stripped[len(OPEN_TAG) :], _OPENED
                elif OPEN_TAG.startswith(stripped):
                    break  # whitespace, or the start of "<think>": wait for more
                elif self._implicit_open:
                    held, self._state = stripped, _THINKING
                else:
                    content, held, self._state = held, "", _ANSWER
                    break
            elif state == _OPENED:
                held = held.lstrip()
                if not held:
                    break
                self._state = _THINKING
            elif state == _THINKING:
                end = held.find(CLOSE_TAG)
                if end < 0:
                    keep = _partial_close(held)
                    reasoning, held = held[: len(held) - keep], held[len(held) - keep :]
                    break
                reasoning, held = held[:end], held[end + len(CLOSE_TAG) :]
                self._state = _CLOSED
            else:  # _CLOSED
                content, held = held.lstrip(), ""
                if content:
                    self._state = _ANSWER
                break
        self._held = held
        return ThinkSplit(reasoning, content)

    def flush(self) -> ThinkSplit:
        """The text still held back, settled as the end of the answer; the split is over
        (later fragments pass through as answer text)."""
        held, state = self._held, self._state
        self._held, self._state = "", _ANSWER
        if not held:
            return _NOTHING
        if state == _LOOKING:
            # No "<think>" after all: answer text, unless the block was open from the start.
            return ThinkSplit(held.lstrip(), "") if self._implicit_open else ThinkSplit("", held)
        if state == _THINKING:
            return ThinkSplit(held, "")  # the block never closed: it was all reasoning
        return _NOTHING  # whitespace after a tag


def split_think_tags(text: str, *, implicit_open: bool = False) -> ThinkSplit:
    """The reasoning and the answer in a whole text (a non-streamed answer)."""
    splitter = ThinkTagSplitter(implicit_open=implicit_open)
    return splitter.feed(text) + splitter.flush()


def split_response(response: ChatResponse, *, implicit_open: bool = False) -> ChatResponse:
    """``response`` with think blocks moved out of each choice's text into its
    ``reasoning_content``. A choice that already has reasoning (the server separated it)
    or whose content is a list of parts is left as it is."""
    choices: list[Choice] = []
    for choice in response.choices:
        message = choice.message
        if isinstance(message.content, str) and not message.reasoning_content:
            split = split_think_tags(message.content, implicit_open=implicit_open)
            content = split.content if split.content or not message.tool_calls else None
            message = attrs.evolve(
                message, content=content, reasoning_content=split.reasoning or None
            )
            choice = attrs.evolve(choice, message=message)
        choices.append(choice)
    return attrs.evolve(response, choices=tuple(choices))


_NEW = ThinkTagSplitter()  # a marker: "no splitter for this choice yet"


class ThinkTagRewriter:
    """Rewrites a stream of chunks so that think blocks in the text of each choice arrive as
    ``reasoning_content``; a stream decoder passes every chunk it makes through
    :meth:`rewrite` and adds :meth:`flush` to what its ``close()`` returns.

    One splitter per choice index. A choice stops being split (its held text is released
    first) when its chunk carries reasoning of its own, since then the server separates
    reasoning itself and the text is the answer, or when it finishes: the chunk with its
    ``finish_reason`` also carries whatever was held back, so nothing trails the finish.
    ``rewrite`` returns the chunk itself when it changes nothing (the common case once the
    answer has started) and never drops a chunk, so a decoder's chunk count is unchanged.
    """

    __slots__ = ("_implicit_open", "_last", "_splitters")

    def __init__(self, *, implicit_open: bool = False) -> None:
        self._implicit_open = implicit_open
        # choice index -> its splitter, or None once that choice is no longer split
        self._splitters: dict[int, ThinkTagSplitter | None] = {}
        self._last: StreamingResponse | None = None

    def settled(self, index: int) -> bool:
        """True once the text of choice ``index`` passes through unchanged for good (its
        answer began, or it finished): ``rewrite`` will change nothing more of it."""
        return self._splitters.get(index, _NEW) is None

    def rewrite(self, chunk: StreamingResponse) -> StreamingResponse:
        self._last = chunk
        choices = chunk.choices
        if len(choices) == 1:  # the common case, kept cheap: this is the hot path
            choice = choices[0]
            if self._splitters.get(choice.index, _NEW) is None:
                return chunk  # this choice is no longer split (its answer has begun)
            new = self._choice(choice)
            return chunk if new is choice else attrs.evolve(chunk, choices=(new,))
        if not chunk.choices:
            return chunk
        choices = tuple(self._choice(choice) for choice in chunk.choices)
        if all(new is old for new, old in zip(choices, chunk.choices, strict=True)):
            return chunk
        return attrs.evolve(chunk, choices=choices)

    def _choice(self, choice: StreamChoice) -> StreamChoice:
        index = choice.index
        splitter = self._splitters.get(index, _NEW)
        if splitter is None:
            return choice
        if splitter is _NEW:
            splitter = self._splitters[index] = ThinkTagSplitter(implicit_open=self._implicit_open)
        delta = choice.delta
        text = delta.content or ""
        if delta.reasoning_content:
            # The server separates reasoning itself: this text and all later text is answer.
            split = splitter.flush() + ThinkSplit("", text)
            self._splitters[index] = None
        elif choice.finish_reason:
            split = splitter.feed(text) + splitter.flush()
            self._splitters[index] = None
        elif splitter.passing_through:
            # The answer has begun: every later fragment passes through as it is, as
            # does a flush (nothing is held), so the choice needs no splitter any more.
            self._splitters[index] = None
            return choice
        elif not text:
            return choice
        else:
            split = splitter.feed(text)
        if not split.reasoning and split.content == text:
            return choice
        reasoning = split.reasoning + (delta.reasoning_content or "")
        new_delta = attrs.evolve(
            delta, content=split.content or None, reasoning_content=reasoning or None
        )
        return attrs.evolve(choice, delta=new_delta)

    def flush(self) -> list[StreamingResponse]:
        """The text still held back when the stream ends (for choices that never
        finished), as one last chunk; [] when nothing is held."""
        choices: list[StreamChoice] = []
        for index, splitter in sorted(self._splitters.items()):
            if splitter is None:
                continue
            split = splitter.flush()
            self._splitters[index] = None
            if split.reasoning or split.content:
                delta = Delta(
                    content=split.content or None, reasoning_content=split.reasoning or None
                )
                choices.append(StreamChoice(index, delta))
        if not choices:
            return []
        last = self._last or StreamingResponse()
        return [
            StreamingResponse(
                last.id, last.model, tuple(choices), None, last.created, last.system_fingerprint
            )
        ]
