"""Reading Ollama's native answers: the field readers the stream decoder shares, whole chat
responses, model lists, model details, embeddings, pulls and error bodies.

API reference: https://github.com/ollama/ollama/blob/main/docs/api.md (moving to
https://docs.ollama.com/api). Every field goes through a reader that treats a value of the
wrong type as absent (docs/architecture.md, rule 6); a wrong *container*
(``"message": 5``) is not an answer we can read and raises the caller's decode error.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from llm_connector.codecs.contract import ErrorInfo
from llm_connector.codecs.error_bodies import error_info_from_object, in_stream_error
from llm_connector.codecs.error_bodies import parse_error_body as _read_error_body
from llm_connector.codecs.json_readers import load_json_object, nonempty_str, opt_str, token_count
from llm_connector.codecs.think_tags import split_response
from llm_connector.errors import LLMError, ResponseDecodeError
from llm_connector.types import (
    ChatResponse,
    Choice,
    Embedding,
    EmbedResponse,
    Message,
    Model,
    ModelDetails,
    ModelPage,
    ToolCall,
    Usage,
)

#: Makes the decode error for a wrongly shaped answer: StreamDecodeError for a stream line,
#: ResponseDecodeError for a whole body.
Fail = Callable[[str], LLMError]

# -- timestamps -------------------------------------------------------------------------------

# Ollama writes Go's time.Time: RFC 3339 with up to nanoseconds and a zone offset
# ("2025-12-02T07:05:39.5082547Z", "2023-08-04T08:52:19.385406455-07:00").
_RFC3339 = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:([Zz])|([+-])(\d\d):(\d\d))\Z"
)


def unix_seconds(value: object) -> int | None:
    """An RFC 3339 timestamp as whole Unix seconds; None when it is not one, or is Go's
    zero time (``0001-01-01T00:00:00Z``, what Ollama writes for "unknown")."""
    if type(value) is not str:
        return None
    match = _RFC3339.match(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(match[i]) for i in range(1, 7))
    try:
        if match[7]:
            zone = timezone.utc
        else:
            offset = timedelta(hours=int(match[9]), minutes=int(match[10]))
            zone = timezone(-offset if match[8] == "-" else offset)
        seconds = int(datetime(year, month, day, hour, minute, second, tzinfo=zone).timestamp())
    except (ValueError, OverflowError):
        return None
    return seconds if seconds > 0 else None


# -- the parts of a chat answer -----------------------------------------------------------


def message_fields(
    obj: Mapping[str, Any], fail: Fail
) -> tuple[str | None, str | None, str | None, list[Any]]:
    """(role, content, thinking, raw tool calls) of one chat answer or stream line.

    ``/api/chat`` puts them under ``message``; ``/api/generate`` lines carry ``response``
    and ``thinking`` at top level (the recorded generate transcripts use the same decoder).
    Empty text counts as none: Ollama sends ``"content": ""`` beside thinking, tool calls
    and on its last line.
    """
    message = obj.get("message")
    if message is None:
        return None, nonempty_str(obj.get("response")), nonempty_str(obj.get("thinking")), []
    if type(message) is not dict:
        raise fail("'message' is not an object")
    calls = message.get("tool_calls")
    if calls is None:
        calls = []
    elif type(calls) is not list:
        raise fail("'message.tool_calls' is not a list")
    return (
        opt_str(message.get("role")),
        nonempty_str(message.get("content")),
        nonempty_str(message.get("thinking")),
        calls,
    )


def arguments_json(value: object) -> str:
    """Tool-call arguments as JSON text. Ollama sends an object
    (https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-streaming-with-tools);
    text is kept as it is, and no arguments are ``{}``."""
    if value is None:
        return "{}"
    if type(value) is str:
        return value
    # A value that came out of json.loads always serializes back (NaN included).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class ToolCallNumbering:
    """Gives each tool call of one answer its position and a unique id.

    Ollama sends every call whole, one or more per line. Its ``function.index`` cannot be
    trusted across a stream: the field has no ``omitempty`` and most of the server's model
    parsers never set it, so it is 0 for every call
    (https://github.com/ollama/ollama/blob/main/api/types.go, ``ToolCallFunction``); the
    position is counted here instead. Servers since 2025 send an ``id``
    (``call_`` + 8 random characters); older ones none. A missing or repeated id is
    replaced by one derived from the line's timestamp, the model, the position and the
    call, so that decoding the same bytes twice gives the same ids.
    """

    __slots__ = ("_ids", "count")

    def __init__(self) -> None:
        self.count = 0
        self._ids: set[str] = set()

    def take(self, raw: object, seed: str, fail: Fail) -> tuple[int, str, str | None, str]:
        """(index, id, name, arguments JSON) of one raw call."""
        if type(raw) is not dict:
            raise fail("a tool call is not an object")
        function = raw.get("function")
        if function is None:
            function = {}
        elif type(function) is not dict:
            raise fail("a tool call's 'function' is not an object")
        index = self.count
        self.count += 1
        name = nonempty_str(function.get("name"))
        arguments = arguments_json(function.get("arguments"))
        call_id = nonempty_str(raw.get("id"))
        if call_id is None or call_id in self._ids:
            digest = hashlib.sha256(f"{seed}\n{index}\n{name}\n{arguments}".encode()).hexdigest()
            call_id = f"call_{digest[:24]}"
        self._ids.add(call_id)
        return index, call_id, name, arguments


def finish_reasons(done_reason: object, called_tools: bool) -> tuple[str, str | None]:
    """(finish_reason, native_finish_reason) of a finished answer.

    ``done_reason`` is "stop" or "length" (https://github.com/ollama/ollama/blob/main/llm/server.go,
    ``DoneReason``), "load" / "unload" for empty requests, and absent on older servers.
    As Ollama's own OpenAI layer does, "stop" after tool calls is "tool_calls", an absent
    reason is "stop", and anything else passes through
    (https://github.com/ollama/ollama/blob/main/openai/openai.go, ``FinishChunk``). The
    native reason is kept only when it differs.
    """
    native = nonempty_str(done_reason)
    finish = native or "stop"
    if finish == "stop" and called_tools:
        finish = "tool_calls"
    return finish, native if native is not None and native != finish else None


def usage_of(obj: Mapping[str, Any]) -> Usage | None:
    """``prompt_eval_count`` / ``eval_count`` of a last line or whole answer
    (https://github.com/ollama/ollama/blob/main/docs/api/usage.mdx). Each is left out when
    zero (``omitempty``: a prompt served wholly from cache has none), so one alone counts."""
    prompt = token_count(obj.get("prompt_eval_count"))
    completion = token_count(obj.get("eval_count"))
    if prompt is None and completion is None:
        return None
    prompt, completion = prompt or 0, completion or 0
    return Usage(
        prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
    )


def _error(obj: Mapping[str, Any], text: str) -> None:
    """Raise the typed error of a 200 body that is an ``{"error": "..."}`` object."""
    error = obj.get("error")
    if error:
        raise in_stream_error(error_info_from_object(error, "Ollama error"), text)


# -- whole answers ----------------------------------------------------------------------------


def parse_chat_response(body: bytes, *, think_tags: bool) -> ChatResponse:
    """A non-streamed ``/api/chat`` answer (one object, the stream's lines in one)."""
    obj = load_json_object(body, "chat response")
    text = body.decode("utf-8", "replace")
    _error(obj, text)

    def fail(problem: str) -> LLMError:
        return ResponseDecodeError(f"chat response: {problem}", body=text)

    _, content, thinking, raw_calls = message_fields(obj, fail)
    model = opt_str(obj.get("model")) or ""
    seed = f"{opt_str(obj.get('created_at'))}\n{model}"
    numbering = ToolCallNumbering()
    calls = []
    for raw in raw_calls:
        _, call_id, name, arguments = numbering.take(raw, seed, fail)
        calls.append(ToolCall.create(call_id, name or "", arguments))
    finish, native = finish_reasons(obj.get("done_reason"), bool(calls))
    message = Message(
        "assistant",
        content if content or not calls else None,
        tool_calls=calls,
        reasoning_content=thinking,
    )
    response = ChatResponse(
        model=model,
        choices=(Choice(0, message, finish, native),),
        usage=usage_of(obj),
        created=unix_seconds(obj.get("created_at")),
    )
    return split_response(response) if think_tags else response


def parse_error_body(status_code: int, body: bytes) -> ErrorInfo:
    """Ollama's ``{"error": "..."}`` (https://github.com/ollama/ollama/blob/main/docs/api/errors.mdx);
    proxies in front of it answer HTML or text, which the OpenAI reader already handles."""
    return _read_error_body(status_code, body)


def _namespace(name: str) -> str:
    """The namespace of a model name (``library`` for official models), as Ollama's own
    ``/v1/models`` reports it in ``owned_by``
    (https://github.com/ollama/ollama/blob/main/types/model/name.go, ``ParseNameBare``)."""
    if name.rfind(":") > name.rfind("/"):
        name = name[: name.rfind(":")]
    parts = name.split("/")
    return parts[-2] if len(parts) >= 2 and parts[-2] else "library"


def parse_tags(body: bytes) -> ModelPage:
    """``GET /api/tags``: every local model, on one page. ``created`` is the model's
    ``modified_at``, as Ollama's ``/v1/models`` reports it
    (https://github.com/ollama/ollama/blob/main/openai/openai.go, ``ToListCompletion``)."""
    obj = load_json_object(body, "model list")
    items = obj.get("models")
    if items is None:
        items = []  # an Ollama without models answers {"models": []}; be lenient on null
    if type(items) is not list:
        raise ResponseDecodeError(
            "model list has no models array", body=body.decode("utf-8", "replace")
        )
    models = []
    for item in items:
        if type(item) is not dict:
            continue
        name = nonempty_str(item.get("model")) or nonempty_str(item.get("name"))
        if name is not None:
            models.append(
                Model(
                    id=name,
                    owned_by=_namespace(name),
                    created=unix_seconds(item.get("modified_at")),
                )
            )
    return ModelPage(tuple(models))


def parse_show(body: bytes) -> ModelDetails:
    """``POST /api/show``. The answer does not name the model, so ``id`` is "" here (see
    the shells' ``show_model``). The context length is under ``model_info`` as
    ``<general.architecture>.context_length``
    (https://github.com/ollama/ollama/blob/main/docs/api.md#show-model-information)."""
    obj = load_json_object(body, "model details")
    _error(obj, body.decode("utf-8", "replace"))
    details = obj.get("details")
    if type(details) is not dict:
        details = {}
    info = obj.get("model_info")
    if type(info) is not dict:
        info = {}
    architecture = nonempty_str(info.get("general.architecture"))
    context = token_count(info.get(f"{architecture}.context_length")) if architecture else None
    capabilities = obj.get("capabilities")
    return ModelDetails(
        id="",
        family=nonempty_str(details.get("family")),
        parameter_size=nonempty_str(details.get("parameter_size")),
        quantization_level=nonempty_str(details.get("quantization_level")),
        format=nonempty_str(details.get("format")),
        context_length=context,
        capabilities=tuple(c for c in capabilities if type(c) is str)
        if type(capabilities) is list
        else (),
        modified_at=nonempty_str(obj.get("modified_at")),
    )


def parse_embed(body: bytes) -> EmbedResponse:
    """``POST /api/embed``: ``embeddings`` in input order, and ``prompt_eval_count``
    (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings)."""
    obj = load_json_object(body, "embedding response")
    text = body.decode("utf-8", "replace")
    _error(obj, text)
    vectors = obj.get("embeddings")
    if type(vectors) is not list:
        raise ResponseDecodeError("embedding response has no embeddings array", body=text)
    data = []
    for n, vector in enumerate(vectors):
        if type(vector) is not list or not all(type(x) in (int, float) for x in vector):
            raise ResponseDecodeError(f"embedding {n} is not a vector of numbers")
        data.append(Embedding(index=n, embedding=[float(x) for x in vector]))
    prompt = token_count(obj.get("prompt_eval_count"))
    return EmbedResponse(
        model=opt_str(obj.get("model")) or "",
        data=tuple(data),
        usage=Usage(prompt_tokens=prompt, total_tokens=prompt) if prompt is not None else None,
    )


def parse_pull(body: bytes) -> None:
    """``POST /api/pull`` with ``"stream": false`` answers ``{"status": "success"}`` once the
    model is ready (https://github.com/ollama/ollama/blob/main/docs/api.md#pull-a-model).
    A server that streams its progress anyway is read line by line: any error line
    raises, and the last line must say "success"."""
    text = body.decode("utf-8", "replace")
    lines = [line for line in text.split("\n") if line.strip()] or [text]
    status = None
    for line in lines:
        obj = load_json_object(line, "pull response")
        _error(obj, line)
        status = obj.get("status")
    if status != "success":
        raise ResponseDecodeError(f"the pull did not report success (status {status!r})", body=text)
