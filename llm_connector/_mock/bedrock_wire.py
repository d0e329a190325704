"""The mock's AWS Bedrock wire: Converse (``POST /model/{modelId}/converse``, JSON) and
ConverseStream (``/converse-stream``, AWS's binary event stream), requests signed with
Signature Version 4.

As Bedrock does, the mock checks each request's signature (against
``MOCK_AWS_ACCESS_KEY_ID`` / ``MOCK_AWS_SECRET_ACCESS_KEY``, for service ``bedrock`` in the
region of its credential scope), answers errors with ``{"message"}`` and the error's name
in ``x-amzn-errortype``, names every answer in ``x-amzn-requestid``, streams each event as
one event stream message (``:event-type``, JSON payload), and reports a failure
mid-stream as an exception message (``:message-type`` exception).

API reference: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
and API_runtime_ConverseStream.html (the shapes of tests/data/bedrock/*).
"""

from __future__ import annotations

import calendar
import json
import struct
import time
import uuid
import zlib
from collections.abc import Mapping
from typing import Any

import httpx

from llm_connector._mock.reply import (
    MockReply,
    arguments_object,
    completion_tokens,
    counted_texts,
    finish_kind,
    is_mid_stream_error,
    pieces,
    token_count,
)
from llm_connector._mock.server import (
    MOCK_AWS_ACCESS_KEY_ID,
    MOCK_AWS_SECRET_ACCESS_KEY,
    MockServer,
    chunked_response,
    json_response,
    retry_after_headers,
)
from llm_connector.codecs.bedrock.sigv4 import AwsCredentials, sign

#: The signature the mock puts on its reasoning (real ones are opaque base64).
MOCK_SIGNATURE = "bW9jay1iZWRyb2NrLXNpZ25hdHVyZQ=="

# OpenAI's words for how an answer ends, in Converse's.
_STOP_REASONS = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "content_filter": "content_filtered",
}
# A scripted HTTP status as the error Bedrock names for it (x-amzn-errortype).
_ERRORS = {
    400: "ValidationException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    408: "ModelTimeoutException",
    424: "ModelErrorException",
    429: "ThrottlingException",
    500: "InternalServerException",
    503: "ServiceUnavailableException",
}
# A mid-stream failure as ConverseStream's exception events name it.
_STREAM_ERRORS = {
    400: "validationException",
    429: "throttlingException",
    503: "serviceUnavailableException",
    500: "internalServerException",
}
_ERROR_NAMESPACE = ":http://internal.amazon.com/coral/com.amazon.bedrock/"


def handle(server: MockServer, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
    parts = request.url.raw_path.decode("ascii").split("?")[0].split("/")
    operation = parts[-1] if len(parts) == 4 and parts[1] == "model" else ""
    if request.method != "POST" or operation not in ("converse", "converse-stream", "count-tokens"):
        return error(404, f"mock: no route for {request.method} {request.url.path}")
    refusal = _check_signature(request)
    if refusal is not None:
        return refusal
    if operation == "count-tokens":
        # https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokens.html
        return json_response(200, {"inputTokens": token_count(counted_texts(body))})
    return _converse(server, body, stream=operation == "converse-stream")


def error(status: int, message: str, headers: Mapping[str, str] | None = None) -> httpx.Response:
    name = _ERRORS.get(status, "InternalServerException" if status >= 500 else "UnknownError")
    return json_response(
        status,
        {"message": message},
        {
            "x-amzn-errortype": name + _ERROR_NAMESPACE,
            "x-amzn-requestid": str(uuid.uuid4()),
            **(headers or {}),
        },
    )


def _check_signature(request: httpx.Request) -> httpx.Response | None:
    """The 403 Bedrock answers a request not signed with the mock's key pair."""
    header = request.headers.get("Authorization", "")
    scheme, _, rest = header.partition(" ")
    fields = dict(item.strip().partition("=")[::2] for item in rest.split(",") if "=" in item)
    scope = fields.get("Credential", "").split("/")
    if scheme != "AWS4-HMAC-SHA256" or len(scope) != 5 or scope[0] != MOCK_AWS_ACCESS_KEY_ID:
        return error(403, "The security token included in the request is invalid.")
    try:
        when = calendar.timegm(
            time.strptime(request.headers.get("X-Amz-Date", ""), "%Y%m%dT%H%M%SZ")
        )
    except ValueError:
        return error(403, "Missing or malformed X-Amz-Date.")
    names = [n for n in fields.get("SignedHeaders", "").split(";") if n]
    credentials = AwsCredentials(
        MOCK_AWS_ACCESS_KEY_ID,
        MOCK_AWS_SECRET_ACCESS_KEY,
        request.headers.get("X-Amz-Security-Token"),
    )
    signed = {
        name: request.headers.get(name, "")
        for name in names
        if name not in ("x-amz-date", "x-amz-security-token")
    }
    expected = sign(
        credentials,
        scope[2],
        scope[3],
        when,
        request.method,
        str(request.url),
        signed,
        request.content,
    )
    if scope[3] != "bedrock" or header != expected.headers["Authorization"]:
        return error(
            403,
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method.",
        )
    return None


def _last_user_text(body: Mapping[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            texts = [b.get("text") for b in message.get("content") or [] if isinstance(b, dict)]
            found = [t for t in texts if isinstance(t, str)]
            if found:
                return " ".join(found)
    return ""


def _unknown_tool_result(body: Mapping[str, Any]) -> str | None:
    """The first toolResult that answers no earlier toolUse (Bedrock refuses it)."""
    called: set[object] = set()
    for message in body.get("messages") or []:
        for block in message.get("content") or [] if isinstance(message, dict) else []:
            if not isinstance(block, dict):
                continue
            if isinstance(block.get("toolUse"), dict):
                called.add(block["toolUse"].get("toolUseId"))
            elif isinstance(block.get("toolResult"), dict):
                used = block["toolResult"].get("toolUseId")
                if used not in called:
                    return str(used)
    return None


def _converse(server: MockServer, body: Mapping[str, Any], *, stream: bool) -> httpx.Response:
    unknown = _unknown_tool_result(body)
    if unknown is not None:
        return error(400, f"The toolUseId {unknown!r} answers no toolUse of an earlier turn.")
    reply = server.next_reply(_last_user_text(body))
    if reply.error_status is not None and not (stream and is_mid_stream_error(reply)):
        return error(reply.error_status, reply.error_message, retry_after_headers(reply))
    prompt = token_count(json.dumps(m, ensure_ascii=False) for m in body.get("messages") or [])
    usage = _usage(prompt, completion_tokens(reply))
    stop = _STOP_REASONS.get(finish_kind(reply), finish_kind(reply))
    if not stream:
        answer = {
            "output": {"message": {"role": "assistant", "content": _blocks(reply)}},
            "stopReason": stop,
            "usage": usage,
            "metrics": {"latencyMs": 1},
        }
        return json_response(200, answer, {"x-amzn-requestid": str(uuid.uuid4())})
    response = chunked_response(_events(reply, stop, usage), "application/vnd.amazon.eventstream")
    response.headers["x-amzn-requestid"] = str(uuid.uuid4())
    return response


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {"inputTokens": prompt, "outputTokens": completion, "totalTokens": prompt + completion}


def _blocks(reply: MockReply) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if reply.reasoning_content:
        text = {"text": reply.reasoning_content, "signature": MOCK_SIGNATURE}
        blocks.append({"reasoningContent": {"reasoningText": text}})
    if reply.content or not reply.tool_calls:
        blocks.append({"text": reply.content})
    for call in reply.tool_calls:
        use = {"toolUseId": call.id, "name": call.function.name, "input": arguments_object(call)}
        blocks.append({"toolUse": use})
    return blocks


def _events(reply: MockReply, stop: str, usage: Mapping[str, int]) -> list[bytes]:
    """The messages of a streamed reply, one HTTP chunk each."""
    out = [_event("messageStart", {"role": "assistant"})]
    index = 0

    def deltas(items: list[dict[str, Any]]) -> None:
        nonlocal index
        out.extend(
            _event("contentBlockDelta", {"contentBlockIndex": index, "delta": d}) for d in items
        )
        out.append(_event("contentBlockStop", {"contentBlockIndex": index}))
        index += 1

    if reply.reasoning_content:
        thinking = [{"reasoningContent": {"text": p}} for p in pieces(reply.reasoning_content)]
        deltas([*thinking, {"reasoningContent": {"signature": MOCK_SIGNATURE}}])
    if reply.content:
        deltas([{"text": p} for p in pieces(reply.content)])
    if is_mid_stream_error(reply):
        status = reply.error_status or 500
        name = _STREAM_ERRORS.get(status, "modelStreamErrorException")
        out.append(_exception(name, reply.error_message))
        return out
    for call in reply.tool_calls:
        start = {"toolUse": {"toolUseId": call.id, "name": call.function.name}}
        out.append(_event("contentBlockStart", {"contentBlockIndex": index, "start": start}))
        arguments = call.function.arguments
        deltas([{"toolUse": {"input": arguments[i : i + 8]}} for i in range(0, len(arguments), 8)])
    out.append(_event("messageStop", {"stopReason": stop}))
    out.append(_event("metadata", {"usage": dict(usage), "metrics": {"latencyMs": 1}}))
    return out


def _event(kind: str, payload: Mapping[str, Any]) -> bytes:
    headers = {":event-type": kind, ":content-type": "application/json", ":message-type": "event"}
    return _message(headers, json.dumps(payload, ensure_ascii=False).encode())


def _exception(kind: str, message: str) -> bytes:
    headers = {
        ":exception-type": kind,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return _message(headers, json.dumps({"message": message}, ensure_ascii=False).encode())


def _message(headers: Mapping[str, str], payload: bytes) -> bytes:
    """One event stream message, string headers only (as Bedrock sends):
    https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream"""
    block = b""
    for name, value in headers.items():
        raw = value.encode()
        block += bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(raw)) + raw
    prelude = struct.pack(">II", 16 + len(block) + len(payload), len(block))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + block + payload
    return message + struct.pack(">I", zlib.crc32(message))
