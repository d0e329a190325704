"""The Gemini stream decoder, and whole answers read through it.

``streamGenerateContent?alt=sse`` sends one whole ``GenerateContentResponse`` per SSE
event, separated by CRLF blank lines, with no terminal event: the stream is over when every
candidate has its ``finishReason``.
https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent

What the decoder makes of a response, and why:

- Every part of every candidate counts (one chunk can hold a thought and the answer, or
  several parallel function calls). Each candidate is a choice, ``StreamChoice.index`` =
  ``candidate.index`` (proto3 JSON leaves out an index of 0).
- ``thought: true`` parts are reasoning; ``functionCall`` parts become whole tool calls
  (one fragment each: Gemini never splits a call), numbered per candidate across the
  stream, with Gemini's ``id`` when it sends one and a unique synthesized one otherwise.
- A ``thoughtSignature`` on a function call stays with that call
  (``ToolCallDelta.thought_signature``); on any other part it closes the reasoning block
  so far (``Delta.reasoning_signature``), so the request builder can send it back
  (https://ai.google.dev/gemini-api/docs/thought-signatures).
- Gemini repeats its running ``usageMetadata`` on every chunk; the decoder keeps the last
  one and reports it once, on a usage-only chunk when the stream ends, as OpenAI's
  ``include_usage`` chunk does. Summing usage over chunks therefore counts it once.
- ``executableCode``, ``codeExecutionResult``, ``inlineData`` and other part types, and
  ``groundingMetadata``, have no neutral field: they are skipped, never an error.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from llm_connector.codecs.contract import Frame
from llm_connector.codecs.gemini.parse import finish_reason, gemini_error, parse_usage
from llm_connector.codecs.json_readers import frame_object, nonempty_str, scan_once
from llm_connector.errors import (
    BadRequestError,
    IncompleteStreamError,
    StreamDecodeError,
)
from llm_connector.types import (
    Delta,
    FunctionCallDelta,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
)
from llm_connector.types._fast import new_choice, new_chunk, new_delta


class _Candidate:
    """What the decoder remembers about one candidate across chunks."""

    __slots__ = ("calls", "finished", "started")

    def __init__(self) -> None:
        self.calls = 0
        self.finished = False
        self.started = False


class _DeltaParts:
    """The parts of one candidate gathered into one Delta."""

    __slots__ = ("calls", "content", "reasoning", "signature")

    def __init__(self) -> None:
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.calls: list[ToolCallDelta] = []
        self.signature: str | None = None

    def delta(self, role: str | None) -> Delta:
        return new_delta(
            role,
            "".join(self.content) or None,
            "".join(self.reasoning) or None,
            tuple(self.calls),
            self.signature,
        )


class GeminiStreamDecoder:
    """Decodes Gemini ``GenerateContentResponse`` chunks; complete once every candidate that
    appeared has a ``finishReason``."""

    __slots__ = ("_call_prefix", "_calls", "_candidates", "_id", "_model", "_usage")

    def __init__(self) -> None:
        self._candidates: dict[int, _Candidate] = {}
        # The latest usageMetadata object, read once the stream ends (Gemini repeats it on
        # every chunk: reading each would cost a Usage per chunk that nobody sees).
        self._usage: Mapping[str, Any] | None = None
        self._id = ""
        self._model = ""
        self._calls = 0  # function calls synthesized ids were given, over all candidates
        self._call_prefix: str | None = None

    def feed(self, frame: Frame) -> list[StreamingResponse]:
        data = frame.data
        if not data:
            return []
        try:  # frame_object(frame), inline: this runs for every chunk
            obj, end = scan_once(data, 0)
            if end != len(data) or type(obj) is not dict:
                obj = frame_object(frame)
        except (StopIteration, ValueError, RecursionError):
            obj = frame_object(frame)
        return self.decode(obj, data)

    def decode(self, obj: Mapping[str, Any], raw: str) -> list[StreamingResponse]:
        """The chunks one response object makes (``raw`` is its text, for errors)."""
        # "in" first: both keys are absent from the usual chunk, and a lookup that finds
        # nothing is cheaper than a .get() call.
        if "error" in obj and (error := obj["error"]):
            # An error after the stream began arrives as an event with Google's error
            # object: https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
            raise gemini_error(error, raw)
        if "promptFeedback" in obj:
            _check_prompt_feedback(obj["promptFeedback"], raw)
        response_id = obj.get("responseId")
        if type(response_id) is str and response_id:
            self._id = response_id
        model = obj.get("modelVersion")
        if type(model) is str and model:
            self._model = model
        usage = obj.get("usageMetadata")
        if type(usage) is dict or isinstance(usage, Mapping):  # what parse_usage() reads
            self._usage = usage
        candidates = obj.get("candidates")
        if not candidates:
            return []
        if type(candidates) is not list:
            raise StreamDecodeError("chunk 'candidates' is not a list", frame=raw)
        if len(candidates) == 1:  # the usual chunk
            candidate = candidates[0]
            # The most usual of all: the next piece of a begun candidate's text, one part
            # holding nothing but "text", not the last. Built here, it is the chunk
            # _candidate() would make, 0.25 us sooner (docs/performance.md).
            if type(candidate) is dict and "finishReason" not in candidate:
                content = candidate.get("content")
                parts = content.get("parts") if type(content) is dict else None
                if type(parts) is list and len(parts) == 1:
                    part = parts[0]
                    index = candidate.get("index", 0)
                    if (
                        type(part) is dict
                        and len(part) == 1
                        and type(text := part.get("text")) is str
                        and type(index) is int
                        and (state := self._candidates.get(index)) is not None
                        and state.started
                    ):
                        choice = new_choice(index, new_delta(None, text or None))
                        return [new_chunk(self._id, self._model, (choice,))]
            choices = self._candidate(candidate, raw)
            if len(choices) == 1:
                return [new_chunk(self._id, self._model, (choices[0],))]
            return [new_chunk(self._id, self._model, (choice,)) for choice in choices]
        # Usually one Delta per candidate; a candidate whose parts cannot share one Delta
        # (two signed reasoning blocks) spills into more chunks, in part order.
        layers: list[list[StreamChoice]] = []
        for candidate in candidates:
            for depth, choice in enumerate(self._candidate(candidate, raw)):
                if depth == len(layers):
                    layers.append([])
                layers[depth].append(choice)
        return [new_chunk(self._id, self._model, tuple(layer)) for layer in layers]

    def _candidate(self, raw: object, data: str) -> list[StreamChoice]:
        if type(raw) is not dict:
            raise StreamDecodeError("chunk candidate is not an object", frame=data)
        index = raw.get("index", 0)
        if type(index) is not int:
            index = 0
        state = self._candidates.get(index)
        if state is None:
            state = self._candidates[index] = _Candidate()
        parts: list[Any] = []
        content = raw.get("content")
        if content:
            if type(content) is not dict:
                raise StreamDecodeError("candidate 'content' is not an object", frame=data)
            raw_parts = content.get("parts")
            if raw_parts:
                if type(raw_parts) is not list:
                    raise StreamDecodeError("content 'parts' is not a list", frame=data)
                parts = raw_parts
        part = parts[0] if len(parts) == 1 else None
        if type(part) is dict and len(part) == 1 and type(text := part.get("text")) is str:
            # The usual chunk: one part of plain answer text (no thought, no signature, no
            # call) makes one Delta; anything else takes _deltas().
            delta = new_delta(None if state.started else "assistant", text or None)
            state.started = True
            if "finishReason" not in raw:  # not the last chunk: no finish to read below
                return [new_choice(index, delta)]
            deltas = [delta]
        else:
            deltas = self._deltas(state, parts, data)
        native = raw.get("finishReason")
        if type(native) is not str or not native or native == "FINISH_REASON_UNSPECIFIED":
            native = None  # FINISH_REASON_UNSPECIFIED is the proto default: not finished
        finish = None
        if native is not None:
            finish = finish_reason(native, state.calls > 0)
            state.finished = True
        if len(deltas) == 1:
            return [new_choice(index, deltas[0], finish, native)]
        last = len(deltas) - 1
        return [
            new_choice(index, delta, finish, native) if n == last else new_choice(index, delta)
            for n, delta in enumerate(deltas)
        ]

    def _deltas(self, state: _Candidate, parts: list[Any], data: str) -> list[Delta]:
        role = None if state.started else "assistant"
        state.started = True
        deltas: list[Delta] = []
        current = _DeltaParts()
        for part in parts:
            if type(part) is not dict:
                raise StreamDecodeError("content part is not an object", frame=data)
            signature = nonempty_str(part.get("thoughtSignature"))
            call = part.get("functionCall")
            if call is not None:
                if type(call) is not dict:
                    raise StreamDecodeError("part 'functionCall' is not an object", frame=data)
                current.calls.append(self._tool_call(state, call, signature, data))
                continue
            text = nonempty_str(part.get("text"))
            thought = part.get("thought") is True
            if current.signature is not None and (signature or (thought and text)):
                # A signature closes the reasoning block before it: what follows is a new
                # block, so it needs a Delta of its own.
                deltas.append(current.delta(role))
                role, current = None, _DeltaParts()
            if text:
                (current.reasoning if thought else current.content).append(text)
            if signature:
                current.signature = signature
        deltas.append(current.delta(role))
        return deltas

    def _tool_call(
        self, state: _Candidate, call: Mapping[str, Any], signature: str | None, data: str
    ) -> ToolCallDelta:
        args = call.get("args")
        try:
            # A Struct: https://ai.google.dev/api/caching#FunctionCall
            arguments = (
                json.dumps(args, ensure_ascii=False, separators=(",", ":"))
                if type(args) is dict
                else "{}"
            )
        except (ValueError, RecursionError):
            raise StreamDecodeError(
                "function call arguments cannot be encoded", frame=data
            ) from None
        index = state.calls
        state.calls += 1
        return ToolCallDelta(
            index,
            nonempty_str(call.get("id")) or self._synthesized_id(),
            FunctionCallDelta(nonempty_str(call.get("name")), arguments),
            "function",
            signature,
        )

    def _synthesized_id(self) -> str:
        """A unique id for a call Gemini sent without one: the response id and the call's
        number in the stream (a random prefix when the response has no id). Never the
        function name: two parallel calls of one function need distinct ids."""
        if self._call_prefix is None:
            self._call_prefix = self._id or uuid.uuid4().hex
        n = self._calls
        self._calls += 1
        return f"call_{self._call_prefix}_{n}"

    @property
    def complete(self) -> bool:
        """True once every candidate that appeared has finished."""
        return bool(self._candidates) and all(c.finished for c in self._candidates.values())

    def usage_chunk(self) -> list[StreamingResponse]:
        """The usage-only chunk that ends the stream (none when Gemini sent no usage)."""
        usage = parse_usage(self._usage)
        if usage is None:
            return []
        return [StreamingResponse(self._id, self._model, (), usage)]

    def close(self) -> list[StreamingResponse]:
        if not self.complete:
            raise IncompleteStreamError(
                "the stream ended before Gemini finished the answer (no finishReason)"
            )
        return self.usage_chunk()


def _check_prompt_feedback(feedback: object, raw: str) -> None:
    """A blocked prompt gets no candidates, only ``promptFeedback.blockReason``:
    https://ai.google.dev/api/generate-content#PromptFeedback. It raises
    ``BadRequestError`` (code: the reason), as Azure OpenAI answers a filtered prompt with
    a 400 ``content_filter`` error: the request was refused, there is no answer."""
    if not isinstance(feedback, Mapping):
        return
    reason = nonempty_str(feedback.get("blockReason"))
    if reason is None or reason == "BLOCK_REASON_UNSPECIFIED":
        return
    detail = nonempty_str(feedback.get("blockReasonMessage"))
    message = f"Gemini blocked the prompt ({reason})" + (f": {detail}" if detail else "")
    raise BadRequestError(
        message,
        status_code=400,
        error_type="prompt_blocked",
        code=reason,
        body=raw,
        in_stream=True,
    )
