"""The mock's Tencent Hunyuan wire: the native API 3.0 action ``ChatCompletions`` (``POST /``
with ``X-TC-Action``), PascalCase bodies, requests signed with TC3-HMAC-SHA256.

As the real API does, the mock checks each request's signature (against
``MOCK_TENCENT_SECRET_ID`` / ``MOCK_TENCENT_SECRET_KEY``), answers errors with HTTP 200 and
``{"Response": {"Error": {"Code", "Message"}, "RequestId"}}``, streams ``data:`` chunks
with no ``[DONE]`` (the stream ends with a ``FinishReason``), repeats the running ``Usage``
on every chunk, sends a tool call's argument fragments under its ``Id`` with an empty
``Name``, and reports a failure mid-stream as ``ErrorMsg {Code: 4000, Msg}``.

API reference: https://cloud.tencent.com/document/api/1729/105701 (the shapes of
tests/data/hunyuan/*); error codes: https://cloud.tencent.com/document/api/1729/101840
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from typing import Any

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
    MOCK_TENCENT_SECRET_ID,
    MOCK_TENCENT_SECRET_KEY,
    MockServer,
    json_response,
    sse_response,
)
from llm_connector.codecs.hunyuan.signing import authorization

#: The marker Hunyuan puts on every answer ("AI-generated content; do not remove this mark").
NOTE = "以上内容为AI生成，不代表开发者立场，请勿删除或修改本标记"

# A scripted HTTP status as the Tencent Cloud error code that stands for it.
_CODES = {
    400: "InvalidParameter",
    401: "AuthFailure.SignatureFailure",
    403: "UnauthorizedOperation",
    404: "ResourceNotFound",
    429: "RequestLimitExceeded",
    500: "InternalError",
    503: "ResourceUnavailable",
}
# OpenAI's words for how an answer ends, in Hunyuan's ("sensitive": moderation stopped it).
_FINISH = {"content_filter": "sensitive"}
# ErrorMsg.Code of a stream that fails: 4000 internal error, 4001 model timeout (the SDK's
# models.py, ErrorMsg).
_STREAM_ERROR_CODES = {504: 4001}


def handle(server: MockServer, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
    action = request.headers.get("X-TC-Action", "")
    if request.method != "POST" or request.url.path != "/":
        return error("InvalidAction", f"mock: no route for {request.method} {request.url.path}")
    refusal = _check_signature(request)
    if refusal is not None:
        return refusal
    if action != "ChatCompletions":
        return error("InvalidAction", f"The action `{action}` is not found.")
    return _chat(server, body)


def error(code: str, message: str) -> httpx.Response:
    """An API 3.0 error: HTTP 200, the error inside the ``Response`` envelope."""
    return json_response(
        200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": _id()}}
    )


def _id() -> str:
    return str(uuid.uuid4())


def _check_signature(request: httpx.Request) -> httpx.Response | None:
    """The AuthFailure the API answers for a request not signed with the mock's key pair."""
    header = request.headers.get("Authorization", "")
    timestamp = request.headers.get("X-TC-Timestamp", "")
    if f"Credential={MOCK_TENCENT_SECRET_ID}/" not in header:
        return error(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found, please ensure that your SecretId is correct.",
        )
    expected = (
        authorization(
            MOCK_TENCENT_SECRET_ID,
            MOCK_TENCENT_SECRET_KEY,
            int(timestamp),
            request.url.netloc.decode("ascii"),
            request.content,
            content_type=request.headers.get("Content-Type", ""),
            path=request.url.path,
            query=request.url.query.decode("ascii"),
        )
        if timestamp.isdigit()
        else None
    )
    if header != expected:
        return error(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. "
            "Please check your signature is correct.",
        )
    return None


def _texts(message: Mapping[str, Any]) -> list[str]:
    if message.get("Content"):
        return [str(message["Content"])]
    parts = message.get("Contents") or []
    return [
        str(p.get("Text", "")) for p in parts if isinstance(p, dict) and p.get("Type") == "text"
    ]


def _last_user_text(body: Mapping[str, Any]) -> str:
    for message in reversed(body.get("Messages") or []):
        if message.get("Role") == "user":
            return " ".join(_texts(message))
    return ""


def _chat(server: MockServer, body: Mapping[str, Any]) -> httpx.Response:
    unknown = unknown_tool_result(
        body.get("Messages") or [],
        role="Role",
        calls="ToolCalls",
        call_id="Id",
        result_id="ToolCallId",
    )
    if unknown is not None:
        index, call = unknown
        return error(
            "InvalidParameter",
            f"Messages[{index}].ToolCallId: {call!r} answers no earlier tool call",
        )
    reply = server.next_reply(_last_user_text(body))
    stream = bool(body.get("Stream"))
    if reply.error_status is not None and not (stream and is_mid_stream_error(reply)):
        return error(_CODES.get(reply.error_status, "InternalError"), reply.error_message)
    prompt = token_count(
        json.dumps(m.get("Content"), ensure_ascii=False) for m in body.get("Messages") or []
    )
    meta = {"Note": NOTE, "Created": int(time.time()), "Id": _id()}
    if not stream:
        return json_response(200, {"Response": {**_whole(meta, reply, prompt), "RequestId": _id()}})
    return sse_response(
        [(None, json.dumps(c, ensure_ascii=False)) for c in _chunks(meta, reply, prompt)]
    )


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {
        "PromptTokens": prompt,
        "CompletionTokens": completion,
        "TotalTokens": prompt + completion,
    }


def _finish(reply: MockReply) -> str:
    kind = finish_kind(reply)
    return _FINISH.get(kind, kind)


def _whole(meta: Mapping[str, Any], reply: MockReply, prompt: int) -> dict[str, Any]:
    message: dict[str, Any] = {"Role": "assistant", "Content": reply.content}
    if reply.reasoning_content:
        message["ReasoningContent"] = reply.reasoning_content
    if reply.tool_calls:
        message["ToolCalls"] = [
            {
                "Id": c.id,
                "Type": "function",
                "Function": {"Name": c.function.name, "Arguments": c.function.arguments},
            }
            for c in reply.tool_calls
        ]
    choice = {"Index": 0, "Message": message, "FinishReason": _finish(reply)}
    return {**meta, "Choices": [choice], "Usage": _usage(prompt, completion_tokens(reply))}


def _chunks(meta: Mapping[str, Any], reply: MockReply, prompt: int) -> list[dict[str, Any]]:
    """The chunks of a streamed reply, each with the usage so far."""
    chunks: list[dict[str, Any]] = []
    completion = 0

    def chunk(delta: Mapping[str, Any], finish: str = "", tokens: int = 0) -> None:
        nonlocal completion
        completion += tokens
        choice = {"FinishReason": finish, "Delta": {"Role": "assistant", "Content": "", **delta}}
        chunks.append({**meta, "Choices": [choice], "Usage": _usage(prompt, completion)})

    for piece in pieces(reply.reasoning_content or ""):
        chunk({"ReasoningContent": piece}, tokens=1)
    for piece in pieces(reply.content):
        chunk({"Content": piece}, tokens=1)
    if is_mid_stream_error(reply):
        code = _STREAM_ERROR_CODES.get(reply.error_status or 500, 4000)
        failure = {"Code": code, "Msg": reply.error_message}
        chunks.append({**meta, "Choices": [], "ErrorMsg": failure})
        return chunks
    for call in reply.tool_calls:
        start = {
            "Id": call.id,
            "Type": "function",
            "Function": {"Name": call.function.name, "Arguments": ""},
        }
        chunk({"ToolCalls": [start]}, tokens=1)
        arguments = call.function.arguments
        for i in range(0, len(arguments), 8):
            fragment = {"Name": "", "Arguments": arguments[i : i + 8]}
            chunk({"ToolCalls": [{"Id": call.id, "Type": "function", "Function": fragment}]})
    # The tokens of the arguments are counted on the last chunk, as the usage catches up.
    chunk({}, _finish(reply), completion_tokens(reply) - completion)
    return chunks
