"""Cache breakpoints in the neutral request: how they are made and what is refused."""

from __future__ import annotations

import pytest

from llm_connector import CacheBreakpoint, RequestValidationError
from llm_connector.types import ChatRequest, DocumentPart, ImagePart, Message, TextPart, Tool

_TOOL = Tool("lookup", "Look a word up.", {"type": "object", "properties": {}})


def test_messages_and_parts_become_breakpoints() -> None:
    assert Message.system("Be brief.").with_cache().cache == CacheBreakpoint()
    assert Message.user("Hi").with_cache("1h").cache == CacheBreakpoint("1h")
    assert TextPart("long text").with_cache().cache == CacheBreakpoint()
    image = ImagePart.from_url("https://example.com/a.png").with_cache(ttl="5m")
    assert image.cache == CacheBreakpoint("5m")
    assert DocumentPart.from_file_id("file_1").with_cache().cache == CacheBreakpoint()
    # Nothing else changes, and the original stays as it was.
    plain = Message.user("Hi")
    assert plain.with_cache().content == "Hi" and plain.cache is None


@pytest.mark.parametrize(
    ("cache", "expected"),
    [(True, CacheBreakpoint()), ("1h", CacheBreakpoint("1h")), (False, None)],
)
def test_the_tool_list_becomes_a_breakpoint(
    cache: bool | str, expected: CacheBreakpoint | None
) -> None:
    request = ChatRequest("m").add_message(Message.user("Hi")).with_tools([_TOOL], cache=cache)
    assert request.tools_cache == expected
    request.validate()


def test_request_level_cache_settings() -> None:
    request = (
        ChatRequest("m")
        .add_message(Message.user("Hi"))
        .with_prompt_cache_key("tenant-1")
        .with_prompt_cache_retention("24h")
        .with_cached_content("cachedContents/abc123")
    )
    request.validate()
    assert (request.prompt_cache_key, request.prompt_cache_retention, request.cached_content) == (
        "tenant-1",
        "24h",
        "cachedContents/abc123",
    )


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Message.user("Hi").with_cache(""), "cache.ttl"),
        (lambda: Message("user", "Hi", cache="5m"), "cache"),  # type: ignore[arg-type]
        (lambda: TextPart("a", cache=True), "cache"),  # type: ignore[arg-type]
        (lambda: ChatRequest("m", tools=[_TOOL], tools_cache=3), "tools_cache"),  # type: ignore[arg-type]
        (lambda: ChatRequest("m", tools=[_TOOL], tools_cache=" "), "tools_cache.ttl"),
    ],
)
def test_what_is_not_a_breakpoint_is_refused(build: object, field: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (ChatRequest("m", tools_cache=True), "tools_cache"),
        (ChatRequest("m", prompt_cache_retention="1h"), "prompt_cache_retention"),  # type: ignore[arg-type]
        (ChatRequest("m", cached_content="abc"), "cached_content"),
    ],
)
def test_request_settings_are_checked_before_sending(request_: ChatRequest, field: str) -> None:
    request = request_.add_message(Message.user("Hi"))
    with pytest.raises(RequestValidationError) as caught:
        request.validate()
    assert caught.value.field == field
