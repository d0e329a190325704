"""Whole OpenAI-style answers: chat completions, error bodies, model lists, embeddings.

Recorded bodies come from tests/data (provenance in tests/data/MANIFEST.md); the expected
values are read off those files by hand. Hand-made bodies are marked as such, with the
server whose shape they follow.

References: https://platform.openai.com/docs/api-reference/chat/object,
https://platform.openai.com/docs/guides/error-codes,
https://platform.openai.com/docs/api-reference/models/list,
https://platform.openai.com/docs/api-reference/embeddings/object
"""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from llm_connector import errors
from llm_connector.codecs.contract import ErrorInfo
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.types import (
    ChatResponse,
    Choice,
    Embedding,
    EmbedResponse,
    FunctionCall,
    Message,
    Model,
    ToolCall,
    Usage,
)
from tests.support.fuzz import check_answer
from tests.support.openai_chat_fuzz import completion

DATA = Path(__file__).resolve().parent.parent / "data"
CODEC = OpenAIChatCodec()


def body(name: str) -> bytes:
    return (DATA / name).read_bytes()


# -- chat completions ----------------------------------------------------------------------------


def test_a_text_completion_parses_exactly() -> None:
    assert CODEC.parse_chat(body("openai-chat/nonstream-text.json")) == ChatResponse(
        id="chatcmpl-BWpGTZY785VsZipCO0bAvF7Z7tjdA",
        model="gpt-4o-mini-2024-07-18",
        choices=(Choice(index=0, message=Message("assistant", "YES"), finish_reason="stop"),),
        usage=Usage(146, 3, 149, reasoning_tokens=0, cached_tokens=0),
        created=1747163257,
        system_fingerprint="fp_0392822090",
    )


def test_a_tool_call_completion_parses_exactly() -> None:
    call = ToolCall(
        id="call_TTY8UFNo7rNCaOBUNtlRSvMG",
        function=FunctionCall(name="lookup_population", arguments='{"country":"Crumpet"}'),
    )
    response = CODEC.parse_chat(body("openai-chat/nonstream-tool-calls.json"))
    assert response == ChatResponse(
        id="chatcmpl-BWpGNGdPONTwxHkZVxbqctQSBDmTn",
        model="gpt-4o-mini-2024-07-18",
        choices=(
            Choice(
                index=0,
                message=Message("assistant", None, tool_calls=(call,)),
                finish_reason="tool_calls",
            ),
        ),
        usage=Usage(92, 17, 109, reasoning_tokens=0, cached_tokens=0),
        created=1747163251,
        system_fingerprint="fp_0392822090",
    )
    assert response.content == ""
    assert response.tool_calls[0].parse_arguments() == {"country": "Crumpet"}


def test_reasoning_and_object_arguments_from_compatible_servers() -> None:
    # Hand-made, in the shape DeepSeek (reasoning_content) and servers that send tool
    # arguments as a JSON object (some llama.cpp / Ollama builds) answer with.
    raw = {
        "id": "r",
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": "",
                    "reasoning_content": "think",
                    "tool_calls": [{"id": "c1", "function": {"name": "f", "arguments": {"a": 1}}}],
                },
            }
        ],
    }
    response = CODEC.parse_chat(json.dumps(raw).encode())
    assert response.reasoning_content == "think"
    assert response.tool_calls == (ToolCall(id="c1", function=FunctionCall("f", '{"a":1}')),)
    assert response.usage is None


OPENROUTER_429_MESSAGE = (
    "Provider returned error: google/gemini-2.0-flash-exp:free is temporarily rate-limited"
    " upstream. Please retry shortly, or add your own key to accumulate your rate limits:"
    " https://openrouter.ai/settings/integrations"
)


@pytest.mark.parametrize(
    ("raw", "cls", "status", "message"),
    [
        # OpenRouter answers some failures with HTTP 200 and its error envelope; the
        # upstream's words (metadata.raw) count as much as under an error status.
        (
            body("openai-compat/openrouter-error-429.json"),
            errors.RateLimitError,
            429,
            OPENROUTER_429_MESSAGE,
        ),
        (
            b'{"error": {"message": "m", "type": "server_error"}}',
            errors.InternalServerError,
            500,
            "m",
        ),
        (b'{"error": {"message": "m", "code": "404"}}', errors.NotFoundError, 404, "m"),
        (b'{"error": "not loaded", "choices": []}', errors.InternalServerError, 500, "not loaded"),
    ],
)
def test_a_200_body_with_an_error_raises_the_typed_error(
    raw: bytes, cls: type[errors.APIStatusError], status: int, message: str
) -> None:
    with pytest.raises(cls) as caught:
        CODEC.parse_chat(raw)
    assert type(caught.value) is cls
    assert (caught.value.status_code, caught.value.message) == (status, message)
    assert caught.value.body == raw.decode()


@pytest.mark.parametrize(
    "raw",
    [b"", b"<html>oops</html>", b"[]", b'{"id": "x"}', b'{"choices": "x"}', b"[" * 100_000],
)
def test_an_unreadable_completion_raises_response_decode_error(raw: bytes) -> None:
    with pytest.raises(errors.ResponseDecodeError):
        CODEC.parse_chat(raw)


@settings(max_examples=300, deadline=None)
@given(completion)
def test_only_llm_errors_escape_parse_chat_and_what_comes_out_is_typed(raw: dict[str, Any]) -> None:
    try:
        response = CODEC.parse_chat(json.dumps(raw).encode())
    except errors.LLMError:
        return
    check_answer(response)


# -- error bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status", "expected"),
    [
        (
            "openai-chat/error-400-invalid-image-url.json",
            400,
            ErrorInfo(
                "Error while downloading https://source.unsplash.com/8xznAGy4HcY/800x400.",
                "invalid_request_error",
                "invalid_image_url",
                None,
            ),
        ),
        (
            "openai-chat/error-400-invalid-image-format.json",
            400,
            ErrorInfo(
                "You uploaded an unsupported image. Please make sure your image has of one the"
                " following formats: ['png', 'jpeg', 'gif', 'webp'].",
                "invalid_request_error",
                "invalid_image_format",
                None,
            ),
        ),
        (
            "openai-chat/error-400-unsupported-parameter.json",
            400,
            ErrorInfo(
                "Unsupported parameter: 'max_tokens' is not supported with this model."
                " Use 'max_completion_tokens' instead.",
                "invalid_request_error",
                "unsupported_parameter",
                "max_tokens",
            ),
        ),
        (
            "openai-chat/error-404-azure-deployment-not-found.json",
            404,
            ErrorInfo(
                "The API deployment for this resource does not exist. If you created the"
                " deployment within the last 5 minutes, please wait a moment and try again.",
                "invalid_request_error",
                "DeploymentNotFound",
                None,
            ),
        ),
        (
            # OpenRouter's own words say little; the upstream's (metadata.raw) say what to do.
            "openai-compat/openrouter-error-429.json",
            429,
            ErrorInfo(
                OPENROUTER_429_MESSAGE,
                None,
                429,
                None,
            ),
        ),
    ],
)
def test_recorded_error_bodies(name: str, status: int, expected: ErrorInfo) -> None:
    assert CODEC.parse_error(status, body(name)) == expected


NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
# The shape of a Cloudflare origin-timeout page (abridged): a long head of styles and scripts.
CLOUDFLARE_524 = (
    b'<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<title>api.example.com | 524: A timeout'
    b' occurred</title>\n<meta charset="UTF-8" />\n<style>'
    + b"body{margin:0}"
    * 100
    + b"</style>\n<script>var a = '<b>';</script>\n</head>\n<body><h1>A timeout occurred"
    b"</h1><p>Error code 524</p></body>\n</html>\n"
)


@pytest.mark.parametrize(
    ("status", "raw", "expected"),
    [
        (502, NGINX_502, ErrorInfo("502 Bad Gateway")),
        (524, CLOUDFLARE_524, ErrorInfo("api.example.com | 524: A timeout occurred")),
        (
            502,
            b"<html><body><p>Upstream &amp; proxy\n  failed</p></body></html>",
            ErrorInfo("Upstream & proxy failed"),
        ),
        (
            503,
            b"<html><head><style>p{}</style><script>if (a <b) {}</script></head>"
            b"<body><h1>Service Unavailable</h1><script>x</script></body></html>",
            ErrorInfo("Service Unavailable"),
        ),
        # Envoy's plain-text answer when the upstream resets.
        (
            503,
            b"upstream connect error or disconnect/reset before headers. reset reason: "
            b"connection termination",
            ErrorInfo(
                "upstream connect error or disconnect/reset before headers. reset reason: "
                "connection termination"
            ),
        ),
        (503, b"", ErrorInfo("HTTP 503")),
        (500, b"   \n", ErrorInfo("HTTP 500")),
        (500, b"x" * 1000, ErrorInfo("x" * 300)),
    ],
)
def test_non_json_error_bodies_give_a_readable_message(
    status: int, raw: bytes, expected: ErrorInfo
) -> None:
    assert CODEC.parse_error(status, raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # FastAPI-based servers: {"detail": "..."}
        (b'{"detail": "Not Found"}', ErrorInfo("Not Found")),
        # vLLM: the error fields at top level.
        (
            b'{"object": "error", "message": "max_tokens is too large", '
            b'"type": "BadRequestError", "param": null, "code": 400}',
            ErrorInfo("max_tokens is too large", "BadRequestError", 400, None),
        ),
        # Ollama's OpenAI-compatible endpoint and older llama.cpp: a string error.
        (b'{"error": "model \\"x\\" not found"}', ErrorInfo('model "x" not found')),
        # llama.cpp: code and type beside the message.
        (
            b'{"error": {"code": 503, "message": "Loading model", "type": "unavailable_error"}}',
            ErrorInfo("Loading model", "unavailable_error", 503, None),
        ),
    ],
)
def test_error_shapes_of_compatible_servers(raw: bytes, expected: ErrorInfo) -> None:
    assert CODEC.parse_error(400, raw) == expected


# -- model lists -----------------------------------------------------------------------------


def test_openai_model_list() -> None:
    # Hand-made in the documented shape: https://platform.openai.com/docs/api-reference/models/list
    fine_tuned = {"id": "ft:gpt-4o-mini:acme::abc", "created": 1721172717, "owned_by": "acme"}
    raw = {
        "object": "list",
        "data": [
            {"id": "gpt-4o", "object": "model", "created": 1715367049, "owned_by": "system"},
            {**fine_tuned, "object": "model"},
        ],
    }
    page = CODEC.parse_models(json.dumps(raw).encode())
    assert page.models == (
        Model("gpt-4o", "system", 1715367049),
        Model("ft:gpt-4o-mini:acme::abc", "acme", 1721172717),
    )
    # OpenAI lists every model on one page.
    assert page.next_page_token is None


def test_llama_cpp_model_list_reads_data_not_models() -> None:
    # Hand-made in llama-server's shape: an Ollama-style "models" array beside the OpenAI
    # "data" array, which alone has the ids to send back as "model".
    name = "qwen2.5-0.5b-instruct-q4_k_m.gguf"
    ollama_style = {"name": name, "model": name, "type": "model", "capabilities": ["completion"]}
    openai_style = {"id": name, "object": "model", "created": 1747757371, "owned_by": "llamacpp"}
    raw = {"models": [ollama_style], "object": "list", "data": [{**openai_style, "meta": {}}]}
    assert CODEC.parse_models(json.dumps(raw).encode()).models == (
        Model(name, "llamacpp", 1747757371),
    )


def test_model_entries_without_an_id_or_with_odd_fields() -> None:
    raw = {
        "data": [{"id": "a"}, {"name": "no-id"}, "junk", {"id": "b", "created": "x", "owned_by": 3}]
    }
    assert CODEC.parse_models(json.dumps(raw).encode()).models == (Model("a"), Model("b"))


@pytest.mark.parametrize("raw", [b'{"models": []}', b"[]", b"not json", b'{"data": "x"}'])
def test_an_unreadable_model_list_raises_response_decode_error(raw: bytes) -> None:
    with pytest.raises(errors.ResponseDecodeError):
        CODEC.parse_models(raw)


# -- embeddings --------------------------------------------------------------------------------

# Values exactly representable as float32, so a base64 round trip must give them back exactly.
VECTORS = [[0.5, -1.25, 3.0, 2.0**-10], [-0.0, 1.0, 65504.0, -2.5]]


def embedding_body(encode: bool) -> bytes:
    def vector(v: list[float]) -> object:
        return base64.b64encode(struct.pack(f"<{len(v)}f", *v)).decode() if encode else v

    raw = {
        "object": "list",
        # Listed out of order on purpose: `index` says which input each vector belongs to.
        "data": [
            {"object": "embedding", "index": 1, "embedding": vector(VECTORS[1])},
            {"object": "embedding", "index": 0, "embedding": vector(VECTORS[0])},
        ],
        "model": "text-embedding-3-small",
        "usage": {"prompt_tokens": 8, "total_tokens": 8},
    }
    return json.dumps(raw).encode()


@pytest.mark.parametrize("encode", [False, True], ids=["float", "base64"])
def test_embeddings(encode: bool) -> None:
    response = CODEC.parse_embed(embedding_body(encode))
    assert response == EmbedResponse(
        model="text-embedding-3-small",
        data=(Embedding(1, VECTORS[1]), Embedding(0, VECTORS[0])),
        usage=Usage(prompt_tokens=8, completion_tokens=0, total_tokens=8),
    )
    assert response.embeddings == VECTORS


@pytest.mark.parametrize(
    "embedding",
    ["not base64!", base64.b64encode(b"\x00\x00\x80").decode(), ["a", 1], {"x": 1}, None, [True]],
    ids=["bad-base64", "not-whole-floats", "strings", "object", "null", "bools"],
)
def test_an_unreadable_embedding_raises_response_decode_error(embedding: object) -> None:
    raw = json.dumps({"model": "m", "data": [{"index": 0, "embedding": embedding}]}).encode()
    with pytest.raises(errors.ResponseDecodeError):
        CODEC.parse_embed(raw)
