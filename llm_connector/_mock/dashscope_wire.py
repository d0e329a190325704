"""The mock's DashScope wire (Alibaba Cloud Model Studio's native API): ``POST
{base}/services/aigc/text-generation/generation`` and ``.../multimodal-generation/generation``.

A request names its model, ``input.messages`` and ``parameters``; the answer is
``{"output": {"choices": [{"message", "finish_reason"}]}, "usage": {"input_tokens",
"output_tokens", ...}, "request_id"}`` (``result_format: "message"``), whole, or as SSE
when the request has the ``X-DashScope-SSE: enable`` header. Events are framed as
DashScope frames them: ``id:``, ``event:result``, a ``:HTTP_STATUS/200`` comment and
``data:``, no space after the colons and no ``[DONE]``; the answer is over when
``finish_reason`` is no longer the string "null". With ``parameters.incremental_output``
true each event carries new text only; otherwise (the API's default) each repeats the
answer so far. The usage of every event is the running count. The multimodal endpoint
gives ``content`` as a list of ``{"text"}`` parts. Errors come with their HTTP status as
``{"code", "message", "request_id"}``; a failure mid-stream is an ``event:error`` frame.

API reference: https://help.aliyun.com/zh/model-studio/qwen-api-via-dashscope (English:
https://www.alibabacloud.com/help/en/model-studio/qwen-api-via-dashscope); recorded events:
tests/data/dashscope/*.sse; error codes: https://help.aliyun.com/zh/model-studio/error-code
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs
import httpx

from llm_connector._mock.reply import (
    MockReply,
    completion_tokens,
    finish_kind,
    is_mid_stream_error,
    pieces,
    token_count,
    unknown_tool_result,
)
from llm_connector._mock.server import (
    MockServer,
    chunked_response,
    json_response,
    retry_after_headers,
)

TEXT_PATH = "/services/aigc/text-generation/generation"
MULTIMODAL_PATH = "/services/aigc/multimodal-generation/generation"

# A scripted HTTP status as the DashScope error code that comes with it (the error-code
# page above); the client reads the status of a mid-stream error from the code's family.
_CODES = {
    400: "InvalidParameter",
    401: "InvalidApiKey",
    403: "AccessDenied",
    404: "ModelNotFound",
    429: "Throttling.RateQuota",
    500: "InternalError",
    503: "ServiceUnavailable",
}


def handle(server: MockServer, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
    path = request.url.path
    multimodal = path.endswith(MULTIMODAL_PATH)
    if request.method != "POST" or not (multimodal or path.endswith(TEXT_PATH)):
        rid = _request_id(server)
        message = f"mock: no route for {request.method} {path}"
        return json_response(404, {"code": "NotFound", "message": message, "request_id": rid})
    unknown = unknown_tool_result(_messages(body))
    if unknown is not None:
        index, call = unknown
        message = f"messages[{index}].tool_call_id: {call!r} answers no earlier tool call"
        refusal = {
            "code": "InvalidParameter",
            "message": message,
            "request_id": _request_id(server),
        }
        return json_response(400, refusal)
    reply = server.next_reply(_last_user_text(body))
    stream = request.headers.get("X-DashScope-SSE", "").lower() == "enable"
    rid = _request_id(server)
    if reply.error_status is not None and not (stream and is_mid_stream_error(reply)):
        error = _error(reply, rid)
        return json_response(reply.error_status, error, retry_after_headers(reply))
    answer = _Answer(reply, rid, _prompt_tokens(body), multimodal=multimodal)
    if not stream:
        return json_response(200, answer.whole())
    parameters = body.get("parameters") or {}
    incremental = parameters.get("incremental_output") is True
    return chunked_response(
        answer.frames(incremental=incremental), "text/event-stream;charset=UTF-8"
    )


def _request_id(server: MockServer) -> str:
    return f"00000000-0000-4000-8000-{server.next_id():012d}"


def _error(reply: MockReply, request_id: str) -> dict[str, str]:
    code = reply.error_type or _CODES.get(reply.error_status or 500, "InternalError")
    return {"code": code, "message": reply.error_message, "request_id": request_id}


def _texts(content: object) -> list[str]:
    """A message's text: a string, or the ``{"text"}`` parts of a multimodal message."""
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [
            p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)
        ]
    return []


def _messages(body: Mapping[str, Any]) -> list[Any]:
    return list((body.get("input") or {}).get("messages") or [])


def _last_user_text(body: Mapping[str, Any]) -> str:
    for message in reversed(_messages(body)):
        if message.get("role") == "user":
            return " ".join(_texts(message.get("content")))
    return ""


def _prompt_tokens(body: Mapping[str, Any]) -> int:
    return token_count(t for m in _messages(body) for t in _texts(m.get("content")))


@attrs.frozen
class _Answer:
    """One reply as DashScope's answer: whole, or as the frames of its stream. ``prompt``:
    the request's token count; ``multimodal``: asked at the multimodal endpoint."""

    reply: MockReply
    request_id: str
    prompt: int
    multimodal: bool = attrs.field(kw_only=True)

    def whole(self) -> dict[str, Any]:
        reply = self.reply
        calls = [
            self._call(i, c.function.arguments, first=True) for i, c in enumerate(reply.tool_calls)
        ]
        return self._body(reply.content, reply.reasoning_content or "", calls, final=True)

    def frames(self, *, incremental: bool) -> list[bytes]:
        """The SSE frames: reasoning, then text, one piece an event, then each tool call in
        fragments of its arguments; then the finishing event, or an error frame."""
        reply = self.reply
        content, reasoning = "", ""
        arguments: dict[int, str] = {}
        frames: list[bytes] = []
        for kind, piece, index in self._steps():
            first = kind == "call" and index not in arguments
            if kind == "content":
                content += piece
            elif kind == "reasoning":
                reasoning += piece
            else:
                arguments[index] = arguments.get(index, "") + piece
            if incremental:  # what is new only
                calls = [self._call(index, piece, first=first)] if kind == "call" else []
                shown = (piece if kind == "content" else "", piece if kind == "reasoning" else "")
            else:  # the answer so far
                calls = [self._call(i, a, first=True) for i, a in arguments.items()]
                shown = (content, reasoning)
            running = token_count([content, reasoning, *arguments.values()])
            body = self._body(*shown, calls, running=(running, token_count([reasoning])))
            frames.append(_frame(len(frames) + 1, "result", 200, body))
        if is_mid_stream_error(reply):
            error = _error(reply, self.request_id)
            frames.append(_frame(len(frames) + 1, "error", reply.error_status or 500, error))
            return frames
        # The finishing event: nothing new, or the whole answer once more.
        last = self._body("", "", [], final=True) if incremental else self.whole()
        frames.append(_frame(len(frames) + 1, "result", 200, last))
        return frames

    def _steps(self) -> list[tuple[str, str, int]]:
        reply = self.reply
        steps = [("reasoning", p, 0) for p in pieces(reply.reasoning_content or "")]
        steps += [("content", p, 0) for p in pieces(reply.content)]
        if is_mid_stream_error(reply):
            return steps
        for index, call in enumerate(reply.tool_calls):
            text = call.function.arguments
            steps += [("call", text[i : i + 8], index) for i in range(0, max(len(text), 1), 8)]
        return steps

    def _body(
        self,
        content: str,
        reasoning: str,
        calls: list[dict[str, Any]],
        *,
        final: bool = False,
        running: tuple[int, int] = (0, 0),
    ) -> dict[str, Any]:
        """An event's (or the whole answer's) body. ``running``: the (output, reasoning)
        tokens so far, which every event of a stream reports; ``final``: it finishes."""
        reply = self.reply
        text: Any = content
        if self.multimodal:
            text = [{"text": content}] if content else []
        message: dict[str, Any] = {"content": text, "role": "assistant"}
        if reply.reasoning_content:
            message["reasoning_content"] = reasoning
        if calls:
            message["tool_calls"] = calls
        output, thought = running
        if final:
            output = completion_tokens(reply)
            thought = token_count([reply.reasoning_content or ""])
        usage: dict[str, Any] = {"input_tokens": self.prompt, "output_tokens": output}
        if not self.multimodal:  # as recorded: the multimodal endpoint sends no total
            usage["total_tokens"] = self.prompt + output
        if reply.reasoning_content:
            usage["output_tokens_details"] = {"reasoning_tokens": thought}
        choice = {"message": message, "finish_reason": finish_kind(reply) if final else "null"}
        return {"output": {"choices": [choice]}, "usage": usage, "request_id": self.request_id}

    def _call(self, index: int, arguments: str, *, first: bool) -> dict[str, Any]:
        """A tool call in an event: its first fragment (or, repeating the answer so far,
        every one) with its id and name; a later fragment with an empty id."""
        call = self.reply.tool_calls[index]
        function: dict[str, Any] = {"arguments": arguments}
        if first:
            function = {"name": call.function.name, **function}
        return {
            "index": index,
            "id": call.id if first else "",
            "type": "function",
            "function": function,
        }


def _frame(number: int, event: str, status: int, data: Mapping[str, Any]) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"id:{number}\nevent:{event}\n:HTTP_STATUS/{status}\ndata:{payload}\n\n".encode()
