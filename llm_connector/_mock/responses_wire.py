"""The mock's Responses API (``POST /responses``), on OpenAI-wire servers made with
``responses_api=True``: a whole response object, or its event stream.

The events are those of a real stream (tests/data/openai-responses/text-basic.sse,
function-call.sse): ``response.created``, ``response.in_progress``, then per output item
``output_item.added``, its parts and deltas, ``output_item.done``, and at the end
``response.completed`` (or ``response.incomplete`` on a length or content-filter stop,
``response.failed`` for a scripted mid-stream error), each with a ``sequence_number``.
Reasoning is sent as raw ``reasoning_text``, as the servers that show it do (DeepSeek,
LM Studio: tests/data/openai-responses/deepseek-reasoning-text.sse); OpenAI itself only
sends summaries.

https://platform.openai.com/docs/api-reference/responses-streaming
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Mapping
from typing import Any

import httpx

from llm_connector._mock.openai_profiles import error
from llm_connector._mock.reply import (
    MockReply,
    completion_tokens,
    error_type,
    finish_kind,
    is_mid_stream_error,
    pieces,
    token_count,
)
from llm_connector._mock.server import MockServer, json_response, retry_after_headers, sse_response

# A failed response's error code for a scripted HTTP status (the codes of
# https://platform.openai.com/docs/api-reference/responses/object#responses/object-error).
_FAILURE_CODES = {400: "invalid_prompt", 429: "rate_limit_exceeded"}
_INCOMPLETE_REASONS = {"length": "max_output_tokens", "content_filter": "content_filter"}


def handle(server: MockServer, body: dict[str, Any]) -> httpx.Response:
    previous = body.get("previous_response_id")
    if previous is not None and previous not in server.stored_responses:
        # What OpenAI answers for an id it does not have (or did not store).
        return json_response(
            400,
            {
                "error": {
                    "message": f"Previous response with id '{previous}' not found.",
                    "type": "invalid_request_error",
                    "param": "previous_response_id",
                    "code": "previous_response_not_found",
                }
            },
        )
    if previous is None:  # (else the calls may be in the stored answers)
        refusal = _unknown_call_output(body)
        if refusal is not None:
            return refusal
    reply = server.next_reply(_last_user_text(body))
    stream = bool(body.get("stream"))
    if reply.error_status is not None and not (stream and is_mid_stream_error(reply)):
        return error(
            reply.error_status, reply.error_message, error_type(reply), retry_after_headers(reply)
        )
    answer = _Answer(server, body, reply)
    if body.get("store", True):
        server.stored_responses.add(answer.id)
    if not stream:
        return json_response(200, answer.final())
    return sse_response([(kind, json.dumps(data)) for kind, data in answer.events()])


def _unknown_call_output(body: Mapping[str, Any]) -> httpx.Response | None:
    """OpenAI's 400 for a ``function_call_output`` whose ``call_id`` names no earlier
    ``function_call`` item of the input (None when all answer a call)."""
    items = body.get("input")
    called: set[object] = set()
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        if item.get("type") == "function_call":
            called.add(item.get("call_id"))
        elif item.get("type") == "function_call_output" and item.get("call_id") not in called:
            problem = {
                "message": "No tool call found for function call output with call_id "
                f"{item.get('call_id')}.",
                "type": "invalid_request_error",
                "param": f"input.[{index}].call_id",
                "code": None,
            }
            return json_response(400, {"error": problem})
    return None


def _texts(content: object) -> list[str]:
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and part.get("type") in ("input_text", "output_text", "text")
        ]
    return []


def _last_user_text(body: Mapping[str, Any]) -> str:
    items = body.get("input")
    if isinstance(items, str):
        return items
    for item in reversed(items or []):
        if isinstance(item, dict) and item.get("role") == "user":
            return " ".join(_texts(item.get("content")))
    return ""


def _prompt_tokens(body: Mapping[str, Any]) -> int:
    """Counted as the chat wire counts the same conversation (the content of each message
    as JSON), so an answer costs the same tokens natively and through the fallback."""
    contents: list[object] = []
    if body.get("instructions"):
        contents.append(body["instructions"])
    items = body.get("input")
    if isinstance(items, str):
        contents.append(items)
    else:
        contents += [i.get("content") for i in items or [] if isinstance(i, dict) and "role" in i]
    return token_count(json.dumps(c) for c in contents)


class _Answer:
    """One scripted reply as a Responses answer: its output items, events and final object."""

    def __init__(self, server: MockServer, body: Mapping[str, Any], reply: MockReply) -> None:
        number = server.next_id()
        self.id = f"resp_mock{number}"
        self._number = number
        self._reply = reply
        self._model = str(body.get("model") or server.model)
        self._created = int(time.time())
        self._prompt = _prompt_tokens(body)
        self._seq = itertools.count()
        self._failed = is_mid_stream_error(reply)
        finish = finish_kind(reply)
        self._status = (
            "failed"
            if self._failed
            else "incomplete"
            if finish in _INCOMPLETE_REASONS
            else "completed"
        )
        self._finish = finish
        self._items: list[dict[str, Any]] = []

    # -- the response object ---------------------------------------------------------------

    def _response(self, status: str, output: list[dict[str, Any]]) -> dict[str, Any]:
        done = status != "in_progress"
        response: dict[str, Any] = {
            "id": self.id,
            "object": "response",
            "created_at": self._created,
            "status": status,
            "completed_at": self._created if status == "completed" else None,
            "error": None,
            "incomplete_details": None,
            "model": self._model,
            "output": output,
            "usage": self._usage() if done and not self._failed else None,
        }
        if status == "incomplete":
            response["incomplete_details"] = {"reason": _INCOMPLETE_REASONS[self._finish]}
        if status == "failed":
            code = _FAILURE_CODES.get(self._reply.error_status or 500, "server_error")
            response["error"] = {"code": code, "message": self._reply.error_message}
        return response

    def _usage(self) -> dict[str, Any]:
        output = completion_tokens(self._reply)
        return {
            "input_tokens": self._prompt,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": output,
            "output_tokens_details": {
                "reasoning_tokens": token_count([self._reply.reasoning_content or ""])
            },
            "total_tokens": self._prompt + output,
        }

    def final(self) -> dict[str, Any]:
        """The whole response (non-streamed), as its terminal event would carry it."""
        _, terminal = self.events()[-1]
        response: dict[str, Any] = terminal["response"]
        return response

    # -- the events ------------------------------------------------------------------------

    def _event(self, kind: str, **fields: Any) -> tuple[str, dict[str, Any]]:
        return kind, {"type": kind, **fields, "sequence_number": next(self._seq)}

    def events(self) -> list[tuple[str, dict[str, Any]]]:
        self._seq = itertools.count()
        self._items = []
        reply = self._reply
        out = [
            self._event("response.created", response=self._response("in_progress", [])),
            self._event("response.in_progress", response=self._response("in_progress", [])),
        ]
        if reply.reasoning_content:
            out += self._text_item("reasoning", reply.reasoning_content)
        if reply.content:
            out += self._text_item("message", reply.content)
        if not self._failed:
            for call in reply.tool_calls:
                out += self._function_call(call.id, call.function.name, call.function.arguments)
        kind = {"failed": "response.failed", "incomplete": "response.incomplete"}.get(
            self._status, "response.completed"
        )
        out.append(self._event(kind, response=self._response(self._status, self._items)))
        return out

    def _text_item(self, kind: str, text: str) -> list[tuple[str, dict[str, Any]]]:
        """A message (``output_text``) or a reasoning item (``reasoning_text``), streamed."""
        index = len(self._items)
        prefix = "msg" if kind == "message" else "rs"
        item_id = f"{prefix}_mock{self._number}_{index}"
        part_type = "output_text" if kind == "message" else "reasoning_text"
        delta_type = f"response.{part_type}.delta"

        def part(value: str) -> dict[str, Any]:
            if kind == "message":
                return {"type": part_type, "annotations": [], "logprobs": [], "text": value}
            return {"type": part_type, "text": value}

        def item(status: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
            shape: dict[str, Any] = {"id": item_id, "type": kind, "status": status}
            if kind == "message":
                return {**shape, "content": parts, "role": "assistant"}
            return {**shape, "content": parts, "summary": []}

        where = {"item_id": item_id, "output_index": index, "content_index": 0}
        events = [
            self._event(
                "response.output_item.added", item=item("in_progress", []), output_index=index
            ),
            self._event("response.content_part.added", part=part(""), **where),
        ]
        events += [self._event(delta_type, delta=p, **where) for p in pieces(text)]
        if kind == "message" and self._failed:
            # The scripted failure interrupts the answer: the item stays unfinished.
            self._items.append(item("incomplete", [part(text)]))
            return events
        status = "completed" if self._status != "incomplete" else "incomplete"
        events += [
            self._event(f"response.{part_type}.done", text=text, **where),
            self._event("response.content_part.done", part=part(text), **where),
        ]
        done = item(status, [part(text)])
        self._items.append(done)
        events.append(self._event("response.output_item.done", item=done, output_index=index))
        return events

    def _function_call(
        self, call_id: str, name: str, arguments: str
    ) -> list[tuple[str, dict[str, Any]]]:
        index = len(self._items)
        item_id = f"fc_mock{self._number}_{index}"

        def item(status: str, text: str) -> dict[str, Any]:
            return {
                "id": item_id,
                "type": "function_call",
                "status": status,
                "arguments": text,
                "call_id": call_id,
                "name": name,
            }

        where = {"item_id": item_id, "output_index": index}
        events = [
            self._event(
                "response.output_item.added", item=item("in_progress", ""), output_index=index
            )
        ]
        events += [
            self._event(
                "response.function_call_arguments.delta", delta=arguments[i : i + 8], **where
            )
            for i in range(0, len(arguments), 8)
        ]
        events.append(
            self._event("response.function_call_arguments.done", arguments=arguments, **where)
        )
        done = item("completed", arguments)
        self._items.append(done)
        events.append(self._event("response.output_item.done", item=done, output_index=index))
        return events
