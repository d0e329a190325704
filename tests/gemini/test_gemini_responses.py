"""Whole Gemini answers: ``generateContent`` bodies, the JSON-array streaming mode read
whole, error bodies, model pages and embeddings. Expected values are read from the
recorded bodies (tests/data/gemini/*.expected.json) or written out here by hand.

https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_connector import errors
from llm_connector.codecs.contract import ErrorInfo
from llm_connector.codecs.gemini.codec import GeminiCodec
from llm_connector.types import Embedding, EmbedResponse, Model, ModelPage, Usage
from tests.support.answers import gemini_answer
from tests.support.gemini_oracle import DATA, JSONARRAY_PATHS, NONSTREAM_PATHS, expected_file

CODEC = GeminiCodec()
WHOLE_BODIES = pytest.mark.parametrize(
    "path", NONSTREAM_PATHS + JSONARRAY_PATHS, ids=lambda p: p.stem
)


def test_the_bodies_are_all_here() -> None:
    assert [p.name for p in NONSTREAM_PATHS + JSONARRAY_PATHS] == [
        "nonstream-generate-content.json",
        "jsonarray-function-call-gemini3.json",
        "jsonarray-text.json",
        "jsonarray-thought-function-call.json",
    ]


@WHOLE_BODIES
def test_a_whole_body_is_the_hand_checked_answer(path: Path) -> None:
    # A JSON array (streamGenerateContent without alt=sse) reads as its elements in turn.
    assert gemini_answer(CODEC.parse_chat(path.read_bytes())) == expected_file(path)


def test_the_jsonarray_mode_is_what_the_notes_say() -> None:
    # MANIFEST: "one pretty-printed JSON array streamed element by element ("[{", "\n,\r\n{",
    # "]")" -- so no SSE framing could read it; the codec asks for alt=sse instead.
    body = (DATA / "jsonarray-text.json").read_bytes()
    assert body.startswith(b"[{") and b"\n,\r\n{" in body and body.endswith(b"]")


def test_a_200_body_with_an_error_raises_its_class() -> None:
    body = (
        b'{"error": {"code": 429, "message": "Resource exhausted", "status": "RESOURCE_EXHAUSTED"}}'
    )
    with pytest.raises(errors.RateLimitError) as caught:
        CODEC.parse_chat(body)
    assert (caught.value.message, caught.value.error_type) == (
        "Resource exhausted",
        "RESOURCE_EXHAUSTED",
    )
    assert caught.value.in_stream is True


def test_an_error_element_of_a_json_array_raises_after_the_text_before_it() -> None:
    body = json.dumps(
        [
            {"candidates": [{"content": {"parts": [{"text": "Hi"}]}}]},
            {
                "error": {
                    "code": 503,
                    "message": "The model is overloaded.",
                    "status": "UNAVAILABLE",
                }
            },
        ]
    ).encode()
    with pytest.raises(errors.InternalServerError) as caught:
        CODEC.parse_chat(body)
    assert caught.value.status_code == 503


@pytest.mark.parametrize("body", [b"", b"not json", b"[1]", b'"text"', b"[" * 100_000])
def test_an_unreadable_body_is_a_decode_error(body: bytes) -> None:
    with pytest.raises(errors.ResponseDecodeError):
        CODEC.parse_chat(body)


def test_a_blocked_prompt_in_a_whole_body_raises() -> None:
    body = b'{"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}}'
    with pytest.raises(errors.BadRequestError) as caught:
        CODEC.parse_chat(body)
    assert caught.value.code == "PROHIBITED_CONTENT"


def test_a_whole_body_with_parallel_calls() -> None:
    body = json.dumps(
        {
            "candidates": [
                {
                    "content": {
                        "role": "model",
                        "parts": [
                            {
                                "functionCall": {"name": "get", "args": {"k": 1}},
                                "thoughtSignature": "S",
                            },
                            {"functionCall": {"name": "get", "args": {"k": 2}}},
                        ],
                    },
                    "finishReason": "STOP",
                }
            ],
            "usageMetadata": {
                "promptTokenCount": 4,
                "candidatesTokenCount": 6,
                "totalTokenCount": 10,
            },
            "responseId": "r9",
        }
    ).encode()
    answer = CODEC.parse_chat(body)
    assert [(c.id, c.name, c.arguments, c.thought_signature) for c in answer.tool_calls] == [
        ("call_r9_0", "get", '{"k":1}', "S"),
        ("call_r9_1", "get", '{"k":2}', None),
    ]
    assert answer.finish_reason == "tool_calls"
    assert answer.message is not None and answer.message.content is None
    assert answer.usage == Usage(4, 6, 10)


# -- error bodies -------------------------------------------------------------------------


def test_the_recorded_400_error_body() -> None:
    body = (DATA / "error-400-vertex.json").read_bytes()
    assert CODEC.parse_error(400, body) == ErrorInfo(
        message=(
            "Cannot fetch content from the provided URL. Please ensure the URL is valid and "
            "accessible by Vertex AI. Vertex AI respects robots.txt rules, so confirm the URL "
            "is allowed to be crawled. Status: URL_ROBOTED-ROBOTED_DENIED"
        ),
        error_type="INVALID_ARGUMENT",
        code=400,
    )


# The body Gemini sends for a wrong key, as users quote it in
# https://github.com/google-gemini/gemini-cli/issues/4690 and elsewhere.
API_KEY_INVALID = {
    "error": {
        "code": 400,
        "message": "API key not valid. Please pass a valid API key.",
        "status": "INVALID_ARGUMENT",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            }
        ],
    }
}


def test_the_reason_in_the_details_is_the_code() -> None:
    info = CODEC.parse_error(400, json.dumps(API_KEY_INVALID).encode())
    assert info == ErrorInfo(
        message="API key not valid. Please pass a valid API key.",
        error_type="INVALID_ARGUMENT",
        code="API_KEY_INVALID",
        # A 400 whose reason is a bad key stands for 401: it raises AuthenticationError.
        status=401,
    )


def test_an_error_body_in_a_json_array() -> None:
    # streamGenerateContent without alt=sse wraps its error in the array it streams.
    body = b'[{"error": {"code": 404, "message": "models/x is not found", "status": "NOT_FOUND"}}]'
    assert CODEC.parse_error(404, body) == ErrorInfo("models/x is not found", "NOT_FOUND", 404)


def test_an_error_body_from_a_proxy_is_read_as_text() -> None:
    html = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    assert CODEC.parse_error(502, html) == ErrorInfo("502 Bad Gateway")
    assert CODEC.parse_error(500, b"") == ErrorInfo("HTTP 500")
    assert CODEC.parse_error(400, b'{"error": {"code": 400}}') == ErrorInfo("HTTP 400", None, 400)


# -- models ---------------------------------------------------------------------------------


def test_a_model_page() -> None:
    # https://ai.google.dev/api/models#method:-models.list
    body = json.dumps(
        {
            "models": [
                {
                    "name": "models/gemini-2.5-flash",
                    "version": "001",
                    "displayName": "Gemini 2.5 Flash",
                    "inputTokenLimit": 1048576,
                    "supportedGenerationMethods": ["generateContent", "countTokens"],
                },
                {"name": "models/text-embedding-004"},
                {"displayName": "no name: skipped"},
                "not an object",
            ],
            "nextPageToken": "page-2",
        }
    ).encode()
    assert CODEC.parse_models(body) == ModelPage(
        (Model("gemini-2.5-flash", display_name="Gemini 2.5 Flash"), Model("text-embedding-004")),
        "page-2",
    )


def test_the_last_model_page_has_no_token() -> None:
    assert CODEC.parse_models(b'{"models": [{"name": "models/a"}]}') == ModelPage((Model("a"),))
    assert CODEC.parse_models(b"{}") == ModelPage(())
    assert CODEC.parse_models(b'{"models": [], "nextPageToken": ""}') == ModelPage(())


def test_a_model_page_without_a_models_array_is_a_decode_error() -> None:
    with pytest.raises(errors.ResponseDecodeError):
        CODEC.parse_models(b'{"models": {"name": "models/a"}}')


# -- embeddings -----------------------------------------------------------------------------


def test_one_embedding() -> None:
    # https://ai.google.dev/api/embeddings#EmbedContentResponse
    body = b'{"embedding": {"values": [0.5, -1, 0.25]}}'
    assert CODEC.parse_embed(body) == EmbedResponse("", (Embedding(0, [0.5, -1.0, 0.25]),))


def test_a_batch_of_embeddings_in_input_order() -> None:
    body = b'{"embeddings": [{"values": [1.0]}, {"values": [2.0]}]}'
    result = CODEC.parse_embed(body)
    assert result.embeddings == [[1.0], [2.0]]
    assert result.usage is None


@pytest.mark.parametrize(
    "body",
    [b"{}", b'{"embeddings": {}}', b'{"embedding": {"values": ["x"]}}', b'{"embedding": 3}'],
)
def test_a_malformed_embedding_is_a_decode_error(body: bytes) -> None:
    with pytest.raises(errors.ResponseDecodeError):
        CODEC.parse_embed(body)
