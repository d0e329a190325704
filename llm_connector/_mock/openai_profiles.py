"""How the OpenAI-compatible providers' chat completions differ on the wire, for the mock.

The mock's OpenAI wire (``openai_wire.py``) answers for every OpenAI-compatible provider;
a profile holds what one of them does differently, as its recordings and documents show,
so that a mock client of that provider meets the same shapes its codec meets in
production. A provider without a profile speaks OpenAI's wire as it is. Here too: OpenAI's
error envelope (which ``responses_wire.py`` shares) and the 400 of a provider that wants a
tool-call turn's reasoning back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs
import httpx

from llm_connector._mock.server import json_response
from llm_connector.types._value import FrozenValue

if TYPE_CHECKING:
    from llm_connector._mock.server import MockServer

#: Where a streamed answer's usage goes: "chunk" (a last chunk with ``choices: []``, only
#: when ``stream_options.include_usage`` asks for it, as OpenAI does), "inline" (on the
#: finishing chunk, always) or "choice" (inside the finishing choice, always).
UsagePlacement: TypeAlias = Literal["chunk", "inline", "choice"]


@attrs.frozen(repr=False, eq=False)
class ChatWireProfile(FrozenValue):
    """One provider's chat-completions wire, where it is not OpenAI's."""

    stream_usage: UsagePlacement = "chunk"
    #: Every delta repeats ``"role": "assistant"`` (there is no role-only first chunk).
    role_on_every_delta: bool = False
    #: Chunks carry ``"usage": null`` until the last, and reasoning deltas ``"content": null``.
    explicit_nulls: bool = False
    #: The usage reports ``completion_tokens_details.reasoning_tokens``.
    reasoning_tokens: bool = False
    #: The usage reports ``prompt_tokens_details.cached_tokens`` (OpenAI's answers do:
    #: https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage).
    prompt_details: bool = False
    #: The 400 error message for an assistant tool-call message sent back without the
    #: reasoning the server gave with it (``{index}`` is the message's index); None when
    #: the provider does not check.
    missing_reasoning_error: str | None = None
    #: Whether ``thinking: {"type": "disabled"}`` in the request turns that check off.
    check_only_when_thinking: bool = False
    #: Reasoning comes as typed ``{"type": "thinking"}`` parts of ``content`` (a list),
    #: not as ``reasoning_content``.
    reasoning_parts: bool = False


OPENAI = ChatWireProfile(prompt_details=True)

PROFILES: Mapping[str, ChatWireProfile] = {
    "openai": OPENAI,
    "openai_compatible": OPENAI,
    # DeepSeek: "usage": null on every chunk but the last, which has it inline with its
    # reasoning tokens (tests/data/openai-compat/deepseek-reasoner-stream.sse). In thinking
    # mode the reasoning of a tool-call turn must come back, or the request is refused:
    # https://api-docs.deepseek.com/guides/thinking_mode#tool-calls (the message as
    # reported in https://github.com/qwersyk/Newelle/issues/404).
    "deepseek": ChatWireProfile(
        stream_usage="inline",
        explicit_nulls=True,
        reasoning_tokens=True,
        missing_reasoning_error=(
            "The `reasoning_content` in the thinking mode must be passed back to the API."
        ),
    ),
    # Moonshot: the usage of a stream rides in its finishing choice
    # (https://platform.moonshot.ai/docs/api/chat, choices[0].usage). A thinking model's
    # tool-call message must keep its reasoning_content
    # (https://platform.moonshot.ai/docs/guide/use-kimi-k2-thinking-model); the 400 it
    # answers otherwise is quoted in https://github.com/sipeed/picoclaw/issues/588.
    "moonshot": ChatWireProfile(
        stream_usage="choice",
        missing_reasoning_error=(
            "thinking is enabled but reasoning_content is missing in assistant tool call "
            "message at index {index}"
        ),
        check_only_when_thinking=True,
    ),
    # Zhipu GLM: "role" on every delta, no role-only chunk, the usage (with reasoning
    # tokens) inline on the finishing chunk
    # (tests/data/openai-compat/zai-glm-thinking-stream.sse).
    "zhipu": ChatWireProfile(
        stream_usage="inline", role_on_every_delta=True, reasoning_tokens=True
    ),
    "zhipu_openai_compatible": ChatWireProfile(
        stream_usage="inline", role_on_every_delta=True, reasoning_tokens=True
    ),
    # Z.ai is Zhipu's API outside China: the recording above is Z.ai's.
    "zai": ChatWireProfile(stream_usage="inline", role_on_every_delta=True, reasoning_tokens=True),
    # DashScope's compatible mode: a choices:[] usage chunk when asked
    # (tests/data/openai-compat/qwen3max-reasoning-stream.sse).
    "aliyun_openai_compatible": OPENAI,
    # Volcengine Ark: OpenAI's shapes with reasoning_content
    # (tests/data/openai-compat/doubao-seed-reasoning-stream-excerpt.sse).
    "volcengine": ChatWireProfile(reasoning_tokens=True),
    "xiaomi": OPENAI,
    "tencent_openai_compatible": OPENAI,
    # Mistral: no stream_options; the usage rides on the finishing chunk, always
    # (tests/data/openai-compat/mistral-text-stream.sse), and Magistral streams its
    # thinking as typed content parts (mistral-thinking-content-chunks.sse):
    # https://docs.mistral.ai/capabilities/reasoning/
    "mistral": ChatWireProfile(stream_usage="inline", reasoning_parts=True),
}


def profile_of(provider: str) -> ChatWireProfile:
    """The provider's profile; a provider without one speaks OpenAI's wire as it is."""
    return PROFILES.get(provider, OPENAI)


def error(
    status: int, message: str, kind: str, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    """An error in OpenAI's envelope (chat completions and the Responses API alike)."""
    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return json_response(status, body, headers)


def missing_reasoning(
    server: MockServer, profile: ChatWireProfile, body: Mapping[str, Any]
) -> httpx.Response | None:
    """The provider's 400 when an assistant tool-call message came back without the
    reasoning this server sent with it (None when all is well)."""
    message_format = profile.missing_reasoning_error
    if message_format is None:
        return None
    thinking = body.get("thinking")
    if (
        profile.check_only_when_thinking
        and isinstance(thinking, dict)
        and thinking.get("type") == "disabled"
    ):
        return None
    for index, message in enumerate(body.get("messages") or []):
        if message.get("role") != "assistant" or message.get("reasoning_content"):
            continue
        ids = {call.get("id") for call in message.get("tool_calls") or []}
        if ids & server.reasoned_calls:
            problem = {
                "message": message_format.format(index=index),
                "type": "invalid_request_error",
                "param": None,
                "code": "invalid_request_error",
            }
            return json_response(400, {"error": problem})
    return None
