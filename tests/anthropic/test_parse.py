"""Whole answers: non-stream messages, error bodies, model pages and token counts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_connector import errors
from llm_connector.codecs.anthropic.codec import AnthropicCodec
from llm_connector.codecs.contract import ErrorInfo
from llm_connector.types import Model, ModelPage, ReasoningBlock, Usage
from tests.support.answers import anthropic_answer
from tests.support.anthropic_oracle import DATA, expected_file

CODEC = AnthropicCodec()


@pytest.mark.parametrize("name", ["nonstream-text", "nonstream-tool-use"])
def test_recorded_messages_parse_to_the_hand_checked_answer(name: str) -> None:
    path = DATA / f"{name}.json"
    assert anthropic_answer(CODEC.parse_chat(path.read_bytes())) == expected_file(path)


def message(*content: dict[str, Any], **fields: Any) -> bytes:
    body: dict[str, Any] = {"id": "msg_1", "type": "message", "role": "assistant"}
    body["model"] = "claude-x"
    body.update(content=list(content), stop_reason="end_turn", **fields)
    return json.dumps(body).encode()


def test_thinking_redacted_thinking_and_server_blocks() -> None:
    response = CODEC.parse_chat(
        message(
            {"type": "thinking", "thinking": "Hm.", "signature": "sig"},
            {"type": "redacted_thinking", "data": "ENC"},
            {"type": "text", "text": "Let me search."},
            {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}},
            {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
            {"type": "text", "text": " Done.", "citations": [{"type": "x"}]},
            {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"a": [1, "é"]}},
            {"type": "a_future_block"},
            usage={
                "input_tokens": 3,
                "cache_read_input_tokens": 10,
                "cache_creation_input_tokens": 2,
                "output_tokens": 7,
                "output_tokens_details": {"thinking_tokens": 4},
            },
        )
    )
    assert response.content == "Let me search. Done."
    assert response.reasoning_content == "Hm."
    message_ = response.message
    assert message_ is not None
    assert message_.reasoning_blocks == (
        ReasoningBlock("Hm.", "sig"),
        ReasoningBlock(redacted="ENC"),
    )
    assert [(c.id, c.name, c.arguments) for c in response.tool_calls] == [
        ("toolu_1", "f", '{"a":[1,"é"]}')
    ]
    assert response.usage == Usage(15, 7, 22, 4, 10, 2)
    assert (response.finish_reason, response.choices[0].native_finish_reason) == (
        "stop",
        "end_turn",
    )


def test_reasoning_without_any_signature_is_text_only() -> None:
    # A compatible server that sends no signature field: nothing to send back signed.
    response = CODEC.parse_chat(message({"type": "thinking", "thinking": "Hm."}))
    assert response.reasoning_content == "Hm."
    assert response.message is not None and response.message.reasoning_blocks == ()


def test_a_200_error_body_raises_its_typed_error() -> None:
    body = json.dumps(
        {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    )
    with pytest.raises(errors.OverloadedError) as caught:
        CODEC.parse_chat(body.encode())
    assert (caught.value.status_code, caught.value.in_stream) == (529, True)


@pytest.mark.parametrize("body", [b"[]", b"{", b'{"id": "x", "content": "text"}'])
def test_a_body_that_is_no_message_is_a_decode_error(body: bytes) -> None:
    with pytest.raises(errors.ResponseDecodeError):
        CODEC.parse_chat(body)


# -- error bodies --------------------------------------------------------------------------


def test_recorded_error_bodies() -> None:
    # https://platform.claude.com/docs/en/api/errors
    assert CODEC.parse_error(
        400, (DATA / "error-400-invalid-request.json").read_bytes()
    ) == ErrorInfo(
        "This model does not support effort level 'xhigh'. "
        "Supported levels: high, low, max, medium.",
        "invalid_request_error",
        request_id="req_011Ca7jT9AHpgXgdv8igm4z9",  # the body's own, for when no header has it
    )
    assert CODEC.parse_error(404, (DATA / "error-404-not-found.json").read_bytes()) == ErrorInfo(
        "model: claude-does-not-exist", "not_found_error", request_id="req_011CVEA3SF7rnb3DuBZytqQa"
    )


@pytest.mark.parametrize(
    ("body", "info"),
    [
        (
            b'{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
            ErrorInfo("Overloaded", "overloaded_error"),
        ),
        # llama.cpp: OpenAI's shape.
        (
            b'{"error":{"message":"Invalid API Key","type":"authentication_error","code":401}}',
            ErrorInfo("Invalid API Key", "authentication_error", 401),
        ),
        # Vertex AI: Google's shape, sometimes in a list.
        (
            b'{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}',
            ErrorInfo("Quota exceeded", "RESOURCE_EXHAUSTED", 429),
        ),
        (
            b'[{"error":{"code":404,"message":"Publisher model not found","status":"NOT_FOUND"}}]',
            ErrorInfo("Publisher model not found", "NOT_FOUND", 404),
        ),
        (b"<html><title>502 Bad Gateway</title></html>", ErrorInfo("502 Bad Gateway")),
        (b"[1]", ErrorInfo("[1]")),
        (b"", ErrorInfo("HTTP 503")),
    ],
)
def test_error_bodies_of_every_shape(body: bytes, info: ErrorInfo) -> None:
    status = 503 if not body else 400
    assert CODEC.parse_error(status, body) == info


# -- models and token counts -----------------------------------------------------------------


def test_a_model_page_and_the_next_token() -> None:
    # https://platform.claude.com/docs/en/api/models/list
    body = {
        "data": [
            {
                "type": "model",
                "id": "claude-sonnet-4-20250514",
                "display_name": "Claude Sonnet 4",
                "created_at": "2025-05-22T00:00:00Z",
            },
            {"type": "model", "id": "claude-x", "created_at": "not a date"},
            {"type": "model", "display_name": "no id"},
        ],
        "has_more": True,
        "first_id": "claude-sonnet-4-20250514",
        "last_id": "claude-x",
    }
    page = CODEC.parse_models(json.dumps(body).encode())
    assert page == ModelPage(
        (
            Model("claude-sonnet-4-20250514", created=1747872000, display_name="Claude Sonnet 4"),
            Model("claude-x"),
        ),
        "claude-x",
    )
    body["has_more"] = False
    assert CODEC.parse_models(json.dumps(body).encode()).next_page_token is None


def test_llama_cpps_openai_shaped_model_list_reads_too() -> None:
    body = (
        b'{"object":"list","data":[{"id":"smollm2-135m","object":"model",'
        b'"created":1795563697,"owned_by":"llamacpp"}]}'
    )
    assert CODEC.parse_models(body) == ModelPage((Model("smollm2-135m", "llamacpp", 1795563697),))


def test_token_count() -> None:
    assert CODEC.parse_count_tokens(b'{"input_tokens": 185}') == 185
    with pytest.raises(errors.ResponseDecodeError):
        CODEC.parse_count_tokens(b'{"input_tokens": "185"}')
    with pytest.raises(errors.ResponseDecodeError):
        CODEC.parse_models(b'{"models": []}')
