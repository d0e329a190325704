"""Both clients against an Ollama that replays the recorded transcripts: over a real
loopback HTTP server and over ``httpx.MockTransport``, sync and async. No Ollama server is
installed here; the scripted server sends the recorded bodies with Ollama's headers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_connector import errors
from llm_connector.types import (
    ChatRequest,
    EmbedRequest,
    ImagePart,
    Message,
    Model,
    ModelDetails,
    TextPart,
    Usage,
)
from tests.support.backends import Backend
from tests.support.facade import Api
from tests.support.loopback import LoopbackServer
from tests.support.ollama_clients import MakeOllama
from tests.support.ollama_oracle import DATA, expected_file
from tests.support.script import Reply, json_reply

CHAT = "/api/chat"
NDJSON = (("content-type", "application/x-ndjson"),)
REQUEST = ChatRequest("llama3", [Message.user("Tell me a joke about OpenTelemetry")])


def ndjson_reply(name: str, **options: Any) -> Reply:
    """A recorded transcript, one HTTP chunk per line, as Ollama flushes them."""
    body = (DATA / name).read_bytes()
    return Reply(200, NDJSON, tuple(body.splitlines(keepends=True)), **options)


async def call(api: Api, method: str, *args: Any) -> Any:
    """A client method the facade does not wrap (the model-management extras)."""
    result = getattr(api.client, method)(*args)
    return await result if api.mode == "async" else result


async def test_a_streamed_chat_replays_the_transcript(ollama: Api, backend: Backend) -> None:
    backend.script.on(CHAT, ndjson_reply("chat-stream-llama3.ndjson"))
    expected = expected_file(DATA / "chat-stream-llama3.ndjson")

    stream = await ollama.stream(REQUEST)
    chunks = await stream.collect()
    final = await stream.final_response()

    assert len(chunks) == expected["lines"]
    assert "".join(c.content for c in chunks) == final.content == expected["content"]
    assert final.usage == Usage(**expected["usage"])
    (sent,) = backend.requests
    assert (sent.method, sent.path) == ("POST", CHAT)
    assert sent.json() == {
        "model": "llama3",
        "messages": [{"role": "user", "content": "Tell me a joke about OpenTelemetry"}],
        "stream": True,
    }
    assert sent.headers["accept"] == "application/x-ndjson"
    assert "authorization" not in sent.headers  # a local Ollama takes no key


async def test_a_streamed_think_tag_answer_is_split(ollama: Api, backend: Backend) -> None:
    name = "chat-stream-deepseek-r1-think-tags-excerpt.ndjson"
    backend.script.on(CHAT, ndjson_reply(name))
    stream = await ollama.stream(REQUEST)
    chunks = await stream.collect()
    final = await stream.final_response()
    expected = expected_file(DATA / name)
    assert (final.reasoning_content, final.content) == (
        expected["reasoning_content"],
        expected["content"],
    )
    assert not any("think>" in c.content for c in chunks)


async def test_streamed_tool_calls(ollama: Api, backend: Backend) -> None:
    backend.script.on(CHAT, ndjson_reply("chat-stream-qwen3-thinking-tool-calls-excerpt.ndjson"))
    stream = await ollama.stream(REQUEST)
    final = await stream.final_response()
    assert final.finish_reason == "tool_calls"
    assert [(c.id, c.name, c.parse_arguments()) for c in final.tool_calls] == [
        ("call_mted8wc5", "get_current_weather", {"format": "celsius", "location": "北京"}),
        ("call_l6ddyzav", "get_history_weather", {"format": "celsius", "location": "洛阳"}),
    ]


async def test_a_whole_chat(ollama: Api, backend: Backend) -> None:
    backend.script.on(CHAT, json_reply((DATA / "chat-nonstream.json").read_text("utf-8")))
    expected = expected_file(DATA / "chat-nonstream.json")

    response = await ollama.chat(REQUEST)

    assert response.content == expected["content"]
    assert response.usage == Usage(**expected["usage"])
    assert backend.requests[0].json()["stream"] is False
    assert backend.requests[0].headers["accept"] == "application/json"


async def test_a_key_goes_as_a_bearer_token(make_ollama: MakeOllama, backend: Backend) -> None:
    # Hosted Ollama: https://github.com/ollama/ollama/blob/main/docs/api/authentication.mdx
    api = make_ollama(backend, api_key="ollama-key-1")
    backend.script.on(CHAT, json_reply((DATA / "chat-nonstream.json").read_text("utf-8")))
    await api.chat(REQUEST)
    assert backend.requests[0].headers["authorization"] == "Bearer ollama-key-1"


async def test_an_unknown_model_is_not_found(ollama: Api, backend: Backend) -> None:
    backend.script.on(CHAT, json_reply({"error": "model 'llama9' not found"}, 404))
    with pytest.raises(errors.NotFoundError) as caught:
        await ollama.stream(REQUEST)
    assert (caught.value.status_code, caught.value.message) == (404, "model 'llama9' not found")
    assert backend.script.hits(CHAT) == 1


async def test_an_error_line_mid_stream(ollama: Api, backend: Backend) -> None:
    lines = (DATA / "chat-stream-llama3.ndjson").read_bytes().splitlines(keepends=True)[:3]
    error = b'{"error":"an error was encountered while running the model"}\n'
    backend.script.on(CHAT, Reply(200, NDJSON, (*lines, error)))
    stream = await ollama.stream(REQUEST)
    with pytest.raises(errors.InternalServerError) as caught:
        await stream.collect()
    assert caught.value.in_stream
    assert caught.value.partial is not None and caught.value.partial.content == "Why did the"


async def test_a_dropped_connection_is_incomplete(ollama: Api, backend: Backend) -> None:
    backend.script.on(CHAT, ndjson_reply("chat-stream-llama3.ndjson", drop_after=5))
    stream = await ollama.stream(REQUEST)
    with pytest.raises(errors.IncompleteStreamError) as caught:
        await stream.collect()
    assert caught.value.partial is not None
    assert caught.value.partial.content == "Why did the OpenTe"


async def test_leaving_the_loop_closes_the_connection(ollama: Api, backend: Backend) -> None:
    first = (DATA / "chat-stream-llama3.ndjson").read_bytes().splitlines(keepends=True)[0]
    backend.script.on(CHAT, Reply(200, NDJSON, (first,), delay=0.02, forever=first))
    stream = await ollama.stream(REQUEST)
    assert [c.content for c in await stream.take_then_break(2)] == ["Why", "Why"]
    await ollama.settle()
    assert backend.client_gone.wait(5.0)
    with pytest.raises(errors.IncompleteStreamError):
        await stream.final_response()


async def test_a_refused_request_sends_nothing(ollama: Api, backend: Backend) -> None:
    image = ImagePart.from_url("https://example.com/cat.png")
    request = ChatRequest("llava", [Message.user([TextPart("what is this?"), image])])
    with pytest.raises(errors.RequestValidationError) as caught:
        await ollama.stream(request)
    assert caught.value.field == "messages[0].content[1]"
    assert backend.requests == []


# -- models, embeddings and the model-management extras ---------------------------------------


async def test_models(ollama: Api, backend: Backend) -> None:
    tags = {
        "models": [
            {
                "name": "llama3.2:latest",
                "model": "llama3.2:latest",
                "modified_at": "2025-05-04T17:37:44.706015396-07:00",
            },
        ]
    }
    backend.script.on("/api/tags", json_reply(tags))
    assert await ollama.models() == [
        Model(id="llama3.2:latest", owned_by="library", created=1746405464)
    ]
    (sent,) = backend.requests
    assert (sent.method, sent.path, sent.body) == ("GET", "/api/tags", b"")


async def test_embed(ollama: Api, backend: Backend) -> None:
    answer = {"model": "all-minilm", "embeddings": [[0.5, -1.0]], "prompt_eval_count": 8}
    backend.script.on("/api/embed", json_reply(answer))
    response = await ollama.embed(EmbedRequest("all-minilm", "Why is the sky blue?"))
    assert response.embeddings == [[0.5, -1.0]]
    assert response.usage == Usage(prompt_tokens=8, total_tokens=8)
    assert backend.requests[0].json() == {"model": "all-minilm", "input": ["Why is the sky blue?"]}


async def test_pull_model(ollama: Api, backend: Backend) -> None:
    backend.script.on("/api/pull", json_reply({"status": "success"}))
    assert await call(ollama, "pull_model", "llama3.2") is None
    (sent,) = backend.requests
    assert (sent.method, sent.path, sent.json()) == (
        "POST",
        "/api/pull",
        {"model": "llama3.2", "stream": False},
    )


async def test_a_failed_pull(ollama: Api, backend: Backend) -> None:
    failure = {"error": "pull model manifest: file does not exist"}
    backend.script.on("/api/pull", json_reply(failure, 500))
    with pytest.raises(errors.InternalServerError, match="file does not exist"):
        await call(ollama, "pull_model", "no-such-model")


SHOW = {
    "details": {
        "format": "gguf",
        "family": "llama",
        "parameter_size": "3.2B",
        "quantization_level": "Q4_K_M",
    },
    "model_info": {"general.architecture": "llama", "llama.context_length": 131072},
    "capabilities": ["completion", "tools"],
    "modified_at": "2025-05-04T17:37:44.706015396-07:00",
}


async def test_show_model(ollama: Api, backend: Backend) -> None:
    backend.script.on("/api/show", json_reply(SHOW))
    details = await call(ollama, "show_model", "llama3.2")
    assert isinstance(details, ModelDetails)
    assert (details.family, details.context_length, details.capabilities) == (
        "llama",
        131072,
        ("completion", "tools"),
    )
    assert backend.requests[0].json() == {"model": "llama3.2"}


async def test_show_model_names_the_model(ollama: Api, backend: Backend) -> None:
    backend.script.on("/api/show", json_reply(SHOW))
    details = await call(ollama, "show_model", "llama3.2")
    assert details.id == "llama3.2"


async def test_show_an_unknown_model(ollama: Api, backend: Backend) -> None:
    backend.script.on("/api/show", json_reply({"error": "model 'x' not found"}, 404))
    with pytest.raises(errors.NotFoundError):
        await call(ollama, "show_model", "x")


async def delete_and_check(api: Api, backend: Backend) -> None:
    backend.script.on("/api/delete", Reply(200, chunked=False))
    assert await call(api, "delete_model", "llama3:13b") is None
    (sent,) = backend.requests
    assert (sent.method, sent.path, json.loads(sent.body)) == (
        "DELETE",
        "/api/delete",
        {"model": "llama3:13b"},
    )


@pytest.mark.parametrize("backend", ["mock"], indirect=True)
async def test_delete_model(ollama: Api, backend: Backend) -> None:
    # DELETE with a JSON body: https://github.com/ollama/ollama/blob/main/docs/api.md#delete-a-model
    await delete_and_check(ollama, backend)


@pytest.mark.parametrize("backend", ["loopback"], indirect=True)
async def test_delete_model_over_loopback(ollama: Api, backend: Backend) -> None:
    await delete_and_check(ollama, backend)


@pytest.mark.parametrize("backend", ["mock"], indirect=True)
async def test_delete_an_unknown_model(ollama: Api, backend: Backend) -> None:
    backend.script.on("/api/delete", json_reply({"error": "model 'x' not found"}, 404))
    with pytest.raises(errors.NotFoundError, match="model 'x' not found"):
        await call(ollama, "delete_model", "x")


@pytest.mark.parametrize("backend", ["loopback"], indirect=True)
async def test_ollama_host_from_the_environment(
    make_ollama: MakeOllama, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # OLLAMA_HOST as Ollama reads it: host and port, no scheme.
    assert isinstance(backend, LoopbackServer)
    monkeypatch.setenv("OLLAMA_HOST", backend.origin.removeprefix("http://"))
    monkeypatch.delenv("OLLAMA_API_KEY", raising=False)
    api = make_ollama(backend, base_url=None)
    backend.script.on("/api/tags", json_reply({"models": []}))
    assert await api.models() == []
    assert backend.script.hits("/api/tags") == 1
