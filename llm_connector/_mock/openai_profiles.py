"""How the OpenAI-compatible providers' chat completions differ on the wire, for the mock.

The mock's OpenAI wire (``openai_wire.py``) answers for every OpenAI-compatible provider;
a profile holds what one of them does differently, as its recordings and documents show,
so that a mock client of that provider meets the same shapes its codec meets in
production.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeAlias

import attrs

from llm_connector.types._value import FrozenValue

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
    #: The 400 error message for an assistant tool-call message sent back without the
    #: reasoning the server gave with it (``{index}`` is the message's index); None when
    #: the provider does not check.
    missing_reasoning_error: str | None = None
    #: Whether ``thinking: {"type": "disabled"}`` in the request turns that check off.
    check_only_when_thinking: bool = False


OPENAI = ChatWireProfile()

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
    # DashScope's compatible mode: a choices:[] usage chunk when asked
    # (tests/data/openai-compat/qwen3max-reasoning-stream.sse).
    "aliyun_openai_compatible": OPENAI,
    # Volcengine Ark: OpenAI's shapes with reasoning_content
    # (tests/data/openai-compat/doubao-seed-reasoning-stream-excerpt.sse).
    "volcengine": ChatWireProfile(reasoning_tokens=True),
    "xiaomi": OPENAI,
    "tencent_openai_compatible": OPENAI,
}
