"""Fallback chains over mock members of different protocols, on both clients: which
errors move a call on, that nothing switches once content reached the caller, cool-down
(with Retry-After), members that cannot take a request, and what the answer says."""

from __future__ import annotations

from typing import Any

import pytest

from llm_connector import (
    AuthenticationError,
    BadRequestError,
    Client,
    FallbackExhaustedError,
    FallbackMember,
    FallbackPolicy,
    Hooks,
    InternalServerError,
    LLMError,
    MockReply,
    MockServer,
    NotFoundError,
    OverloadedError,
    RateLimitError,
    RequestValidationError,
    ResponseInfo,
)
from llm_connector.calls.fallback import cannot_take
from llm_connector.providers.spec import Capabilities
from llm_connector.responses import ResponsesRequest
from llm_connector.types import ChatRequest, ImagePart, Message, TextPart, Tool
from llm_connector.types._embedding import EmbedRequest
from llm_connector.types._route import SkippedMember
from tests.support.chains import Clocked, chain_of, mock_member
from tests.support.facade import Mode

REQUEST = ChatRequest("asked-model").add_message(Message.user("Say hi"))


def servers(failing: MockReply, provider: Any = "anthropic") -> tuple[MockServer, MockServer]:
    """A first member's server answering ``failing`` to every request, in ``provider``'s
    wire, and a healthy Gemini second member."""
    return (
        MockServer(failing, provider=provider, model="model-a"),
        MockServer("fine answer", provider="google", model="model-b"),
    )


SWITCHING = [
    pytest.param("anthropic", MockReply.error(529, "overloaded"), OverloadedError, id="529"),
    pytest.param("openai", MockReply.error(429, "slow down"), RateLimitError, id="429"),
    pytest.param("ollama", MockReply.error(500, "boom"), InternalServerError, id="500"),
    pytest.param("openai", MockReply.error(503, "down"), InternalServerError, id="503"),
]


@pytest.mark.parametrize(("provider", "failing", "error_class"), SWITCHING)
@pytest.mark.parametrize("call", ["chat", "stream", "stream_final"])
async def test_a_default_error_moves_the_call_on(
    mode: Mode, call: str, provider: Any, failing: MockReply, error_class: type[LLMError]
) -> None:
    first, second = servers(failing, provider)
    chain = chain_of(mode, [mock_member(mode, first), mock_member(mode, second)])

    if call == "stream":
        chunks, route = await chain.stream(REQUEST)
        content = "".join(chunk.get_content() or "" for chunk in chunks)
    else:
        answer = await (chain.chat(REQUEST) if call == "chat" else chain.stream_final(REQUEST))
        assert answer.route is not None
        content, route = answer.content, answer.route

    assert content == "fine answer"
    assert route.member == "mock (google)/model-b"
    assert route.index == 1
    [skipped] = route.skipped
    assert skipped.member == ("mock" if provider == "openai" else f"mock ({provider})") + "/model-a"
    assert skipped.kind == "failed"
    assert type(skipped.error) is error_class
    assert skipped.reason == f"{error_class.__name__}: {skipped.error}"
    assert len(first.requests) == 1
    # Each member is asked for its own model.
    assert first.requests[0]["model"] == "model-a"
    assert second.routes == [
        "POST /v1beta/models/model-b:"
        + ("generateContent" if call == "chat" else "streamGenerateContent")
    ]


@pytest.mark.parametrize(
    ("failing", "error_class"),
    [
        pytest.param(MockReply.error(400, "bad field"), BadRequestError, id="400"),
        pytest.param(MockReply.error(404, "no such model"), NotFoundError, id="404"),
        pytest.param(MockReply.error(401, "bad key"), AuthenticationError, id="401"),
    ],
)
async def test_other_errors_are_the_answer(
    mode: Mode, failing: MockReply, error_class: type[LLMError]
) -> None:
    first, second = servers(failing, "openai")
    chain = chain_of(mode, [mock_member(mode, first), mock_member(mode, second)])
    with pytest.raises(error_class):
        await chain.chat(REQUEST)
    with pytest.raises(error_class):
        await chain.stream(REQUEST)
    assert len(first.requests) == 2
    assert second.requests == []


async def test_an_auth_error_moves_on_when_the_policy_says_so(mode: Mode) -> None:
    first, second = servers(MockReply.error(401, "bad key"), "openai")
    chain = chain_of(
        mode,
        [mock_member(mode, first), mock_member(mode, second)],
        policy=FallbackPolicy(on_auth_error=True),
    )
    answer = await chain.chat(REQUEST)
    assert answer.content == "fine answer"
    assert answer.route is not None
    assert type(answer.route.skipped[0].error) is AuthenticationError


async def test_a_member_policy_overrides_the_chain(mode: Mode) -> None:
    first, second = servers(MockReply.error(529, "overloaded"))
    only_rate_limits = FallbackPolicy(switch_on=(RateLimitError,))
    chain = chain_of(
        mode,
        [FallbackMember(mock_member(mode, first), only_rate_limits), mock_member(mode, second)],
    )
    with pytest.raises(OverloadedError):
        await chain.chat(REQUEST)
    assert second.requests == []


async def test_a_stream_that_fails_before_content_switches(mode: Mode) -> None:
    # An in-band "overloaded" event before any text (HTTP 200): nothing reached the caller.
    first, second = servers(MockReply.error(529, "overloaded", partial_content=""))
    chain = chain_of(mode, [mock_member(mode, first), mock_member(mode, second)])
    chunks, route = await chain.stream(REQUEST)
    assert [chunk.get_content() for chunk in chunks if chunk.get_content()] == ["fine", " answer"]
    assert {chunk.model for chunk in chunks} == {"model-b"}
    assert route.index == 1
    assert type(route.skipped[0].error) is OverloadedError
    assert len(first.requests) == 1


async def test_after_content_nothing_switches(mode: Mode) -> None:
    first, second = servers(MockReply.error(529, "overloaded", partial_content="Hello there"))
    chain = chain_of(mode, [mock_member(mode, first), mock_member(mode, second)])
    with pytest.raises(OverloadedError) as raised:
        await chain.stream(REQUEST)
    assert raised.value.partial is not None
    assert raised.value.partial.content == "Hello there"
    assert second.requests == []


async def test_a_member_that_failed_cools_down(mode: Mode) -> None:
    clocked = Clocked()
    first, second = servers(MockReply.error(529, "overloaded"))
    chain = chain_of(mode, [mock_member(mode, first), mock_member(mode, second)], clocked=clocked)

    await chain.chat(REQUEST)
    assert len(first.requests) == 1
    clocked.advance(10)
    answer = await chain.chat(REQUEST)
    assert len(first.requests) == 1  # not asked
    assert answer.route is not None
    [skipped] = answer.route.skipped
    assert skipped.kind == "cooling"
    assert skipped.reason == "cooling down for 20.0 s more after OverloadedError"
    assert skipped.error is None
    _, route = await chain.stream(REQUEST)
    assert route.skipped[0].reason == "cooling down for 20.0 s more after OverloadedError"
    assert len(first.requests) == 1
    clocked.advance(20)  # the 30 s default are over
    await chain.chat(REQUEST)
    assert len(first.requests) == 2


@pytest.mark.parametrize(
    ("policy", "cooled_for"),
    [
        pytest.param(FallbackPolicy(), 120.0, id="retry-after-over-cooldown"),
        pytest.param(FallbackPolicy(max_cooldown=90), 90.0, id="capped"),
        pytest.param(FallbackPolicy(cooldown=200), 200.0, id="cooldown-over-retry-after"),
    ],
)
async def test_retry_after_sets_the_cool_down(
    mode: Mode, policy: FallbackPolicy, cooled_for: float
) -> None:
    clocked = Clocked()
    first, second = servers(MockReply.error(429, "slow down", retry_after=120), "openai")
    chain = chain_of(
        mode, [mock_member(mode, first), mock_member(mode, second)], policy=policy, clocked=clocked
    )
    await chain.chat(REQUEST)
    clocked.advance(cooled_for - 0.5)
    answer = await chain.chat(REQUEST)
    assert answer.route is not None
    assert answer.route.skipped[0].reason == "cooling down for 0.5 s more after RateLimitError"
    assert len(first.requests) == 1
    clocked.advance(0.5)
    await chain.chat(REQUEST)
    assert len(first.requests) == 2


async def test_an_exhausted_chain_says_what_each_member_did(mode: Mode) -> None:
    clocked = Clocked()
    first = MockServer(MockReply.error(529, "overloaded"), provider="anthropic", model="a")
    second = MockServer(MockReply.error(500, "boom"), provider="google", model="b")
    chain = chain_of(mode, [mock_member(mode, first), mock_member(mode, second)], clocked=clocked)

    with pytest.raises(FallbackExhaustedError) as raised:
        await chain.chat(REQUEST)
    error = raised.value
    assert [s.member for s in error.skipped] == ["mock (anthropic)/a", "mock (google)/b"]
    assert [type(e) for e in error.errors] == [OverloadedError, InternalServerError]
    assert str(error) == (
        "every member of the fallback chain failed ("
        f"mock (anthropic)/a: OverloadedError: {error.errors[0]}; "
        f"mock (google)/b: InternalServerError: {error.errors[1]})"
    )

    # Both cooling down: nothing is asked.
    with pytest.raises(FallbackExhaustedError) as again:
        await chain.stream(REQUEST)
    assert again.value.errors == ()
    assert [s.reason for s in again.value.skipped] == [
        "cooling down for 30.0 s more after OverloadedError",
        "cooling down for 30.0 s more after InternalServerError",
    ]
    assert (len(first.requests), len(second.requests)) == (1, 1)


async def test_a_member_without_vision_is_not_sent_an_image(mode: Mode) -> None:
    deepseek = MockServer("unseen", provider="deepseek")
    openai = MockServer("a red dot", provider="openai")
    chain = chain_of(mode, [mock_member(mode, deepseek), mock_member(mode, openai)])
    image = ImagePart.from_base64("iVBORw0KGgo=", "image/png")
    request = ChatRequest("m").add_message(Message.user([TextPart("What is it?"), image]))

    answer = await chain.chat(request)
    assert answer.content == "a red dot"
    assert answer.route is not None
    [skipped] = answer.route.skipped
    assert skipped.kind == "cannot_take"
    assert skipped.reason == "cannot take the request: it takes no images"
    assert skipped.error is None
    assert deepseek.requests == []


async def test_a_member_refusing_the_request_is_skipped_without_cooling(
    mode: Mode, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    cls = mock_member(mode, MockServer()).__class__
    keyless = cls.anthropic(model="claude-sonnet-4-5")  # no key: refused before sending
    second = MockServer("fine answer", provider="google", model="model-b")
    clocked = Clocked()
    chain = chain_of(mode, [keyless, mock_member(mode, second)], clocked=clocked)
    for _ in range(2):
        answer = await chain.chat(REQUEST)
        assert answer.route is not None
        [skipped] = answer.route.skipped
        assert (skipped.member, skipped.kind) == ("anthropic/claude-sonnet-4-5", "cannot_take")
        assert skipped.reason == (
            "cannot take the request: api_key: no API key for anthropic: pass api_key= or "
            "set $ANTHROPIC_API_KEY"
        )
    assert len(second.requests) == 2


async def test_embeddings_skip_a_member_without_them(mode: Mode) -> None:
    anthropic = MockServer(provider="anthropic")
    openai = MockServer(provider="openai", embedding_dimensions=3)
    chain = chain_of(mode, [mock_member(mode, anthropic), mock_member(mode, openai)])
    answer = await chain.embed(EmbedRequest("", ["a", "b"]))
    assert len(answer.embeddings) == 2
    assert answer.route is not None
    assert answer.route.skipped[0].reason == "cannot take the request: it has no embeddings"
    assert anthropic.requests == []
    assert openai.requests[0]["model"] == "mock-model"


async def test_the_responses_api_falls_back_across_protocols(mode: Mode) -> None:
    first, second = servers(MockReply.error(529, "overloaded"))
    chain = chain_of(mode, [mock_member(mode, first), mock_member(mode, second)])
    request = ResponsesRequest(model="asked", input="Say hi")

    answer = await chain.responses(request)
    assert answer.output_text == "fine answer"
    assert answer.route is not None
    assert answer.route.member == "mock (google)/model-b"

    events, final = await chain.responses_stream(request)
    assert events[-1].event_type == "response.completed"
    assert final.output_text == "fine answer"
    assert final.route is not None
    assert final.route.index == 1
    assert final.route.skipped[0].reason == "cooling down for 30.0 s more after OverloadedError"
    assert len(first.requests) == 1


async def test_the_members_hooks_see_each_attempt(mode: Mode) -> None:
    seen: list[tuple[str, int]] = []

    def record(info: ResponseInfo) -> None:
        seen.append((info.request.provider, info.status_code))

    first, second = servers(MockReply.error(529, "overloaded"))
    hooks = Hooks(on_response=record)
    chain = chain_of(
        mode,
        [mock_member(mode, first, hooks=hooks), mock_member(mode, second, hooks=hooks)],
    )
    await chain.chat(REQUEST)
    assert seen == [("mock (anthropic)", 529), ("mock (google)", 200)]


def test_chains_from_names_are_built_and_closed() -> None:
    with Client.fallback(["mock/first-model", "mock/second-model"]) as chain:
        assert repr(chain) == "Fallback([mock/first-model, mock/second-model])"
        answer = chain.chat(ChatRequest().add_message(Message.user("echo me")))
        assert answer.route is not None
        assert answer.route.member == "mock/first-model"
        assert answer.model == "first-model"
        owned = [member.client for member in chain.members]
    assert all(client._http.is_closed for client in owned)


def test_a_chain_refuses_bad_members_and_rules() -> None:
    with pytest.raises(RequestValidationError, match=r"^members: must be a non-empty list"):
        Client.fallback([])
    from llm_connector import AsyncClient

    with pytest.raises(RequestValidationError, match=r"^members\[1\]: must be a Client"):
        Client.fallback([Client.mock(), AsyncClient.mock()])  # type: ignore[list-item]
    with pytest.raises(RequestValidationError, match=r"^policy: must be a FallbackPolicy"):
        Client.fallback([Client.mock()], policy=30)  # type: ignore[arg-type]
    with pytest.raises(RequestValidationError, match=r"^cooldown: must be seconds"):
        FallbackPolicy(cooldown=-1)
    with pytest.raises(RequestValidationError, match=r"^max_cooldown: must be seconds"):
        FallbackPolicy(max_cooldown=float("nan"))
    with pytest.raises(RequestValidationError, match=r"^switch_on: must be a tuple"):
        FallbackPolicy(switch_on=(ValueError,))  # type: ignore[arg-type]


async def test_on_fallback_hooks_hear_of_each_member_passed_over(mode: Mode) -> None:
    clocked = Clocked()
    first, second = servers(MockReply.error(529, "overloaded"))
    heard: list[tuple[str, str]] = []

    def hear(skipped: SkippedMember) -> None:
        heard.append((skipped.member, skipped.kind))

    async def hear_async(skipped: SkippedMember) -> None:
        heard.append((skipped.member, "awaited"))

    def broken(skipped: SkippedMember) -> None:
        raise RuntimeError("a broken hook")

    hooks: list[Any] = [hear, broken] if mode == "sync" else [hear, broken, hear_async]
    chain = chain_of(
        mode,
        [mock_member(mode, first), mock_member(mode, second)],
        clocked=clocked,
        on_fallback=hooks,
    )
    await chain.chat(REQUEST)
    await chain.chat(REQUEST)
    expected = [("mock (anthropic)/model-a", "failed"), ("mock (anthropic)/model-a", "cooling")]
    if mode == "async":
        expected = [expected[0], ("mock (anthropic)/model-a", "awaited"), expected[1]]
        expected.append(("mock (anthropic)/model-a", "awaited"))
    assert heard == expected


def test_a_blocking_chain_refuses_an_async_hook() -> None:
    async def hook(skipped: SkippedMember) -> None: ...

    with pytest.raises(RequestValidationError, match=r"^on_fallback: .*hook.* is a coroutine"):
        Client.fallback([Client.mock()], on_fallback=hook)
    with pytest.raises(RequestValidationError, match=r"^on_fallback: a hook must be callable"):
        Client.fallback([Client.mock()], on_fallback=[42])  # type: ignore[list-item]


async def test_a_responses_request_with_an_image_skips_a_member_without_vision(
    mode: Mode,
) -> None:
    deepseek = MockServer("unseen", provider="deepseek")
    openai = MockServer("a red dot", provider="openai_compatible")
    chain = chain_of(mode, [mock_member(mode, deepseek), mock_member(mode, openai)])
    image = {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="}
    question = {"role": "user", "content": [{"type": "input_text", "text": "What?"}, image]}
    answer = await chain.responses(ResponsesRequest(model="m", input=[question]))
    assert answer.output_text == "a red dot"
    assert answer.route is not None
    assert [(s.kind, s.reason) for s in answer.route.skipped] == [
        ("cannot_take", "cannot take the request: it takes no images")
    ]
    assert deepseek.requests == []


@pytest.mark.parametrize(
    ("capabilities", "request_", "reason"),
    [
        (
            Capabilities(reasoning=False),
            REQUEST.with_reasoning_effort("high"),
            "it has no reasoning",
        ),
        (Capabilities(reasoning=False), REQUEST.with_thinking_budget(1024), "it has no reasoning"),
        (
            Capabilities(tools=False),
            REQUEST.with_tools([Tool.function("f", "", {})]),
            "it has no tool calling",
        ),
        (Capabilities(vision=True, tools=True, reasoning=True), REQUEST, None),
        (Capabilities(embeddings=False), EmbedRequest("m", "text"), "it has no embeddings"),
    ],
)
def test_what_a_provider_row_says_it_cannot_take(
    capabilities: Capabilities, request_: object, reason: str | None
) -> None:
    assert cannot_take(capabilities, request_) == reason
