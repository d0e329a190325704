"""Whole Ollama answers: non-streamed chat bodies (the recorded ones, against hand-checked
expected files), error bodies, and the model-list, model-details, embedding and pull
answers (shapes from https://github.com/ollama/ollama/blob/main/docs/api.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llm_connector import errors
from llm_connector.codecs.ollama.codec import OllamaCodec
from llm_connector.types import Embedding, Model, ModelDetails, ToolCall, Usage
from tests.support.ollama_oracle import NONSTREAM_PATHS, expected_file, transcript_id

CODEC = OllamaCodec()


@pytest.mark.parametrize("path", NONSTREAM_PATHS, ids=transcript_id)
def test_a_recorded_answer_is_the_hand_checked_one(path: Path) -> None:
    expected = expected_file(path)
    answer = CODEC.parse_chat(path.read_bytes())
    assert (answer.id, answer.model, answer.created) == ("", expected["model"], expected["created"])
    assert answer.content == expected["content"]
    assert answer.reasoning_content == expected["reasoning_content"]
    assert answer.tool_calls == ()
    assert answer.finish_reason == expected["finish_reason"]
    assert answer.choices[0].native_finish_reason == expected["native_finish_reason"]
    assert answer.usage == Usage(**expected["usage"])


def body(**fields: Any) -> bytes:
    return json.dumps(
        {"model": "m", "created_at": "2025-07-07T20:32:53.844124Z", **fields}
    ).encode()


def test_the_documented_tool_call_answer() -> None:
    # https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-no-streaming-with-tools
    call = {"function": {"name": "get_weather", "arguments": {"city": "Tokyo"}}}
    answer = CODEC.parse_chat(
        body(
            message={"role": "assistant", "content": "", "tool_calls": [call]},
            done_reason="stop",
            done=True,
            prompt_eval_count=169,
            eval_count=18,
        )
    )
    (tool_call,) = answer.tool_calls
    assert tool_call.id.startswith("call_")
    assert tool_call == ToolCall.create(tool_call.id, "get_weather", '{"city":"Tokyo"}')
    assert answer.message is not None and answer.message.content is None
    assert (answer.finish_reason, answer.choices[0].native_finish_reason) == ("tool_calls", "stop")
    assert answer.usage == Usage(prompt_tokens=169, completion_tokens=18, total_tokens=187)
    assert answer.created == 1751920373


def test_thinking_and_think_tags_in_a_whole_answer() -> None:
    native = CODEC.parse_chat(
        body(message={"role": "assistant", "content": "3", "thinking": "count"}, done=True)
    )
    assert (native.reasoning_content, native.content) == ("count", "3")
    tagged = body(
        message={"role": "assistant", "content": "<think>\ncount\n</think>\n\n3"}, done=True
    )
    split = CODEC.parse_chat(tagged)
    assert (split.reasoning_content, split.content) == ("count\n", "3")
    kept = OllamaCodec(think_tags=False).parse_chat(tagged)
    assert (kept.reasoning_content, kept.content) == (None, "<think>\ncount\n</think>\n\n3")


def test_a_200_body_with_an_error_raises_it() -> None:
    with pytest.raises(errors.InternalServerError) as caught:
        CODEC.parse_chat(b'{"error": "model runner crashed"}')
    assert caught.value.message == "model runner crashed"
    assert caught.value.in_stream


@pytest.mark.parametrize(
    ("raw", "problem"),
    [(b"not json", "not valid JSON"), (b'{"message": 5}', "'message' is not an object")],
)
def test_an_unreadable_answer_is_a_decode_error(raw: bytes, problem: str) -> None:
    with pytest.raises(errors.ResponseDecodeError, match=problem):
        CODEC.parse_chat(raw)


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "raw", "message"),
    [
        (404, b'{"error":"model \'llama9\' not found"}', "model 'llama9' not found"),
        (
            400,
            b'{"error":"invalid format: expected \\"json\\" or a JSON schema"}',
            'invalid format: expected "json" or a JSON schema',
        ),
        (502, b"<html><title>502 Bad Gateway</title></html>", "502 Bad Gateway"),
        (500, b"", "HTTP 500"),
    ],
)
def test_error_bodies(status: int, raw: bytes, message: str) -> None:
    # https://github.com/ollama/ollama/blob/main/docs/api/errors.mdx: {"error": "..."}.
    info = CODEC.parse_error(status, raw)
    assert (info.message, info.error_type, info.code) == (message, None, None)


# -- models, details, embeddings, pulls ----------------------------------------------------------

TAGS = {
    "models": [
        {
            "name": "deepseek-r1:latest",
            "model": "deepseek-r1:latest",
            "modified_at": "2025-05-10T08:06:48.639712648-07:00",
            "size": 4683075271,
            "digest": "0a8c266910232fd3291e71e5ba1e058cc5af9d411192cf88b6d30e92b6e73163",
            "details": {"format": "gguf", "family": "qwen2", "parameter_size": "7.6B"},
        },
        {"name": "mattw/pygmalion:latest", "modified_at": "0001-01-01T00:00:00Z"},
        {"name": "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"},
        {"model": ""},
        "junk",
    ]
}


def test_the_model_list() -> None:
    # https://github.com/ollama/ollama/blob/main/docs/api.md#list-local-models
    page = CODEC.parse_models(json.dumps(TAGS).encode())
    assert page.next_page_token is None
    assert page.models == (
        Model(id="deepseek-r1:latest", owned_by="library", created=1746889608),
        Model(id="mattw/pygmalion:latest", owned_by="mattw", created=None),
        Model(id="hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", owned_by="bartowski"),
    )


def test_an_empty_model_list_and_a_broken_one() -> None:
    assert CODEC.parse_models(b'{"models": []}').models == ()
    assert CODEC.parse_models(b'{"models": null}').models == ()
    with pytest.raises(errors.ResponseDecodeError, match="no models array"):
        CODEC.parse_models(b'{"models": {}}')


SHOW = {
    "modelfile": "# Modelfile generated by ...",
    "parameters": 'num_keep 24\nstop "<|eot_id|>"',
    "template": "{{ .Prompt }}",
    "details": {
        "parent_model": "",
        "format": "gguf",
        "family": "llama",
        "families": ["llama"],
        "parameter_size": "8.0B",
        "quantization_level": "Q4_0",
    },
    "model_info": {
        "general.architecture": "llama",
        "general.parameter_count": 8030261248,
        "llama.context_length": 8192,
        "llama.embedding_length": 4096,
    },
    "capabilities": ["completion", "vision"],
    "modified_at": "2025-08-20T09:45:30.391699Z",
}


def test_model_details() -> None:
    # The documented llava answer: https://github.com/ollama/ollama/blob/main/docs/api.md#show-model-information
    details = CODEC.parse_show_model(json.dumps(SHOW).encode())
    assert details == ModelDetails(
        id="",  # the answer does not name the model (the shell knows it)
        family="llama",
        parameter_size="8.0B",
        quantization_level="Q4_0",
        format="gguf",
        context_length=8192,
        capabilities=("completion", "vision"),
        modified_at="2025-08-20T09:45:30.391699Z",
    )
    bare = CODEC.parse_show_model(b'{"details": 5, "model_info": [], "capabilities": "x"}')
    assert bare == ModelDetails(id="")


def test_embeddings() -> None:
    # https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings
    raw = {
        "model": "all-minilm",
        "embeddings": [[0.010071029, -0.0017594862, 1], [-0.0098027075, 0.06042469, 0]],
        "total_duration": 14143917,
        "load_duration": 1019500,
        "prompt_eval_count": 8,
    }
    response = CODEC.parse_embed(json.dumps(raw).encode())
    assert response.model == "all-minilm"
    assert response.data == (
        Embedding(0, [0.010071029, -0.0017594862, 1.0]),
        Embedding(1, [-0.0098027075, 0.06042469, 0.0]),
    )
    assert response.usage == Usage(prompt_tokens=8, total_tokens=8)
    no_count = CODEC.parse_embed(b'{"model": "m", "embeddings": []}')
    assert (no_count.data, no_count.usage) == ((), None)


@pytest.mark.parametrize(
    "raw", [b'{"embeddings": 5}', b'{"embeddings": [["x"]]}', b'{"embeddings": [5]}']
)
def test_broken_embeddings(raw: bytes) -> None:
    with pytest.raises(errors.ResponseDecodeError):
        CODEC.parse_embed(raw)


def test_a_pull_that_succeeded() -> None:
    # https://github.com/ollama/ollama/blob/main/docs/api.md#pull-a-model ("stream": false)
    CODEC.parse_pull_model(b'{"status":"success"}')
    # A server that streams its progress anyway: the last line decides.
    CODEC.parse_pull_model(
        b'{"status":"pulling manifest"}\n{"status":"verifying sha256 digest"}\n'
        b'{"status":"success"}\n'
    )


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b'{"error":"pull model manifest: file does not exist"}', errors.InternalServerError),
        (
            b'{"status":"pulling manifest"}\n{"error":"connection reset"}\n',
            errors.InternalServerError,
        ),
        (b'{"status":"writing manifest"}', errors.ResponseDecodeError),
        (b"{}", errors.ResponseDecodeError),
        (b"oops", errors.ResponseDecodeError),
    ],
)
def test_a_pull_that_did_not(raw: bytes, error: type[errors.LLMError]) -> None:
    with pytest.raises(error):
        CODEC.parse_pull_model(raw)
