"""Usage says what was cached, on every provider that reports it, whole and streamed.

Each row replays a recorded body (tests/data, MANIFEST.md says where each came from)
through a real client and checks the usage against figures read by hand from the body:
``prompt_tokens`` is every input token, cached ones included; ``cached_tokens`` the tokens
read from the cache, ``cache_creation_tokens`` those written to it; None where the body
does not report them. Where a provider's own input count leaves the cache out (Anthropic's
``input_tokens``, Bedrock's ``inputTokens``) the figure here is its sum, worked out in the
row's comment.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from llm_connector import AsyncClient, Client
from llm_connector.responses import ResponsesRequest
from llm_connector.testing import (
    Recording,
    replaying_async_http_client,
    replaying_http_client,
)
from llm_connector.types import ChatRequest, Message, Usage
from tests.support.paths import DATA

_REQUEST = ChatRequest("m").add_message(Message.user("Hi"))
_EVENTSTREAM = "application/vnd.amazon.eventstream"

#: (transcript, constructor (name, its arguments), streamed, expected usage)
_CHAT_ROWS: list[tuple[str, str, dict[str, Any], bool, Usage]] = [
    # OpenAI reports zero cached tokens in prompt_tokens_details.
    (
        "openai-chat/nonstream-text.json",
        "openai",
        {},
        False,
        Usage(146, 3, 149, reasoning_tokens=0, cached_tokens=0),
    ),
    (
        "openai-chat/tool-call-include-usage-gpt4omini.sse",
        "openai",
        {},
        True,
        Usage(53, 15, 68, reasoning_tokens=0, cached_tokens=0),
    ),
    # DeepSeek: prompt_tokens 491 of which 448 hit the cache (prompt_cache_hit_tokens too).
    (
        "openai-compat/deepseek-chat-text-then-tool-calls-excerpt.sse",
        "deepseek",
        {},
        True,
        Usage(491, 129, 620, cached_tokens=448),
    ),
    (
        "openai-compat/deepseek-reasoner-nonstream.json",
        "deepseek",
        {},
        False,
        Usage(12, 789, 801, reasoning_tokens=415, cached_tokens=0),
    ),
    # xAI: 158 of 417 prompt tokens cached.
    (
        "openai-compat/xai-grok41-tool-call-stream.sse",
        "openai_compatible",
        {"name": "xai"},
        True,
        Usage(417, 40, 457, reasoning_tokens=0, cached_tokens=158),
    ),
    # Volcengine, Z.ai and OpenRouter report zero cached tokens in prompt_tokens_details.
    (
        "openai-compat/doubao-seed-nonstream-reasoning.json",
        "volcengine",
        {},
        False,
        Usage(102, 153, 255, reasoning_tokens=146, cached_tokens=0),
    ),
    (
        "openai-compat/zai-glm-thinking-stream.sse",
        "zhipu_openai_compatible",
        {"region": "international"},
        True,
        Usage(13, 564, 577, reasoning_tokens=561, cached_tokens=0),
    ),
    (
        "openai-compat/openrouter-glm46-nonstream-reasoning.json",
        "openai_compatible",
        {"name": "openrouter"},
        False,
        Usage(24, 2801, 2825, reasoning_tokens=0, cached_tokens=0),
    ),
    # llama.cpp: 15 of 16 prompt tokens came from its prompt cache.
    (
        "openai-compat/llamacpp-smollm2-nonstream.json",
        "openai_compatible",
        {"name": "llamacpp"},
        False,
        Usage(16, 48, 64, cached_tokens=15),
    ),
    # Anthropic: input_tokens 17 + cache reads 0 + cache writes 0 (reported as zero).
    (
        "anthropic/text-basic.sse",
        "anthropic",
        {},
        True,
        Usage(17, 10, 27, cached_tokens=0, cache_creation_tokens=0),
    ),
    # ... and a body that reports no cache figures at all.
    ("anthropic/nonstream-text.json", "anthropic", {}, False, Usage(17, 220, 237)),
    # Bedrock: inputTokens 12 + cacheReadInputTokens 1028 = 1040; totalTokens 1225.
    (
        "bedrock/nonstream-cache-read-claude37-sonnet.json",
        "bedrock",
        {"api_key": "bedrock-key", "region": "us-east-1"},
        False,
        Usage(1040, 185, 1225, cached_tokens=1028, cache_creation_tokens=0),
    ),
    # Bedrock, streamed: inputTokens 11 + cacheWriteInputTokens 1028 = 1039; total 1275.
    (
        "bedrock/stream-cache-write-claude37-sonnet.eventstream",
        "bedrock",
        {"api_key": "bedrock-key", "region": "us-east-1"},
        True,
        Usage(1039, 236, 1275, cached_tokens=0, cache_creation_tokens=1028),
    ),
    # Gemini: no recording with cachedContentTokenCount; a body without it reports None.
    ("gemini/sse-text-basic.sse", "google", {}, True, Usage(13, 8, 21)),
]


def _recording(name: str) -> Recording:
    path = DATA / name
    if path.suffix == ".eventstream":
        return Recording(path.read_bytes(), 200, _EVENTSTREAM)
    return Recording.from_file(path)


def _client(constructor: str, kwargs: dict[str, Any], http: Any, cls: Any) -> Any:
    build: Callable[..., Any] = getattr(cls, constructor)
    if "api_key" not in kwargs:
        kwargs = {"api_key": "test-key", **kwargs}
    return build(http_client=http, **kwargs)


def _usage_fields(usage: Usage | None) -> tuple[Any, ...]:
    assert usage is not None
    return (
        usage.prompt_tokens,
        usage.completion_tokens,
        usage.total_tokens,
        usage.reasoning_tokens,
        usage.cached_tokens,
        usage.cache_creation_tokens,
    )


_IDS = [Path(row[0]).name for row in _CHAT_ROWS]


@pytest.mark.parametrize(
    ("name", "constructor", "kwargs", "streamed", "expected"), _CHAT_ROWS, ids=_IDS
)
def test_blocking_usage_reports_the_cache(
    name: str, constructor: str, kwargs: dict[str, Any], streamed: bool, expected: Usage
) -> None:
    with replaying_http_client(_recording(name)) as http:
        client = _client(constructor, kwargs, http, Client)
        if streamed:
            answer = client.chat_stream(_REQUEST).final_response()
        else:
            answer = client.chat(_REQUEST)
    assert _usage_fields(answer.usage) == _usage_fields(expected)


@pytest.mark.parametrize(
    ("name", "constructor", "kwargs", "streamed", "expected"), _CHAT_ROWS, ids=_IDS
)
async def test_asyncio_usage_reports_the_cache(
    name: str, constructor: str, kwargs: dict[str, Any], streamed: bool, expected: Usage
) -> None:
    async with replaying_async_http_client(_recording(name)) as http:
        client = _client(constructor, kwargs, http, AsyncClient)
        if streamed:
            answer = await (await client.chat_stream(_REQUEST)).final_response()
        else:
            answer = await client.chat(_REQUEST)
    assert _usage_fields(answer.usage) == _usage_fields(expected)


def test_a_streamed_answer_reports_the_cache_once() -> None:
    # Anthropic repeats its usage in message_start and message_delta: one chunk carries it.
    with replaying_http_client(_recording("anthropic/text-basic.sse")) as http:
        client = Client.anthropic("test-key", http_client=http)
        usages = [chunk.usage for chunk in client.chat_stream(_REQUEST) if chunk.usage]
    assert [(u.cached_tokens, u.cache_creation_tokens) for u in usages] == [(0, 0)]


# The Responses API: input_tokens includes input_tokens_details.cached_tokens.
_RESPONSES_ROWS = [
    ("openai-responses/nonstream-web-search.json", False, (9703, 638, 10341, 8576, 576)),
    ("openai-responses/web-search-annotations.sse", True, (9463, 582, 10045, 8320, 512)),
]


@pytest.mark.parametrize(("name", "streamed", "expected"), _RESPONSES_ROWS)
def test_blocking_responses_usage_reports_the_cache(
    name: str, streamed: bool, expected: tuple[int, ...]
) -> None:
    request = ResponsesRequest(model="gpt-5", input="Hi")
    with replaying_http_client(_recording(name)) as http:
        client = Client.openai("test-key", http_client=http)
        if streamed:
            answer = client.invoke_responses_stream(request).final_response()
        else:
            answer = client.invoke_responses(request)
    usage = answer.usage
    assert usage is not None
    got = (
        usage.input_tokens,
        usage.output_tokens,
        usage.total_tokens,
        usage.cached_tokens,
        usage.reasoning_tokens,
    )
    assert got == expected


async def test_asyncio_responses_usage_reports_the_cache() -> None:
    request = ResponsesRequest(model="gpt-5", input="Hi")
    name = "openai-responses/web-search-annotations.sse"
    async with replaying_async_http_client(_recording(name)) as http:
        client = AsyncClient.openai("test-key", http_client=http)
        answer = await (await client.invoke_responses_stream(request)).final_response()
    assert answer.usage is not None
    assert (answer.usage.input_tokens, answer.usage.cached_tokens) == (9463, 8320)


# Cache writes on the chat completions protocol: no recording has them, so these bodies are
# the usage objects of the providers' own documentation, quoted.
_DOCUMENTED_WRITES = [
    # https://openrouter.ai/docs/use-cases/usage-accounting (its response format example)
    (
        {
            "completion_tokens": 2,
            "prompt_tokens": 194,
            "prompt_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 100},
            "total_tokens": 196,
        },
        (194, 0, 100),
    ),
    # DeepSeek: the hits at top level only (https://api-docs.deepseek.com/api/create-chat-completion)
    (
        {"prompt_tokens": 20, "prompt_cache_hit_tokens": 16, "prompt_cache_miss_tokens": 4},
        (20, 16, None),
    ),
]


@pytest.mark.parametrize(("usage", "expected"), _DOCUMENTED_WRITES)
def test_chat_completions_cache_figures_where_documented(
    usage: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    from llm_connector.codecs.openai_chat.parse import parse_usage

    got = parse_usage(usage)
    assert got is not None
    assert (got.prompt_tokens, got.cached_tokens, got.cache_creation_tokens) == expected
