"""Each wire protocol's codec, made from a provider row: the table a row's ``protocol``
names (adding a protocol is a package of ``codecs/`` and a row here). Codecs load on first
use, so ``import llm_connector`` loads none."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from llm_connector.codecs.contract import ChatCodec
    from llm_connector.providers.spec import ProtocolName, ProviderSpec

__all__ = ["PROTOCOLS"]

#: A codec for a row, with a constructor's options.
CodecFactory = Callable[["ProviderSpec", Mapping[str, Any]], "ChatCodec"]


def _openai_chat(row: ProviderSpec, knobs: Mapping[str, Any]) -> ChatCodec:
    """OpenAI chat completions in the row's dialect; options are dialect knobs."""
    from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
    from llm_connector.codecs.openai_chat.dialect import OpenAIDialect

    dialect = row.dialect if isinstance(row.dialect, OpenAIDialect) else OpenAIDialect()
    return OpenAIChatCodec(attrs.evolve(dialect, **knobs) if knobs else dialect)


def _anthropic(row: ProviderSpec, options: Mapping[str, Any]) -> ChatCodec:
    from llm_connector.codecs.anthropic.codec import AnthropicCodec
    from llm_connector.codecs.anthropic.dialect import ANTHROPIC_DIALECT, AnthropicDialect

    dialect = row.dialect if isinstance(row.dialect, AnthropicDialect) else ANTHROPIC_DIALECT
    # The version: a constructor's api_version=, else the row's (ProviderSpec.api_version).
    version = options.get("api_version") or row.api_version
    if version and version != dialect.version:
        dialect = attrs.evolve(dialect, version=version)
    return AnthropicCodec(dialect)


def _gemini(row: ProviderSpec, options: Mapping[str, Any]) -> ChatCodec:
    from llm_connector.codecs.gemini.codec import GeminiCodec

    return GeminiCodec()


def _ollama(row: ProviderSpec, options: Mapping[str, Any]) -> ChatCodec:
    from llm_connector.codecs.ollama.codec import OllamaCodec

    return OllamaCodec(**options)


def _dashscope(row: ProviderSpec, options: Mapping[str, Any]) -> ChatCodec:
    from llm_connector.codecs.dashscope.codec import DashScopeCodec

    return DashScopeCodec(**options)


def _hunyuan(row: ProviderSpec, options: Mapping[str, Any]) -> ChatCodec:
    from llm_connector.codecs.hunyuan.codec import HunyuanCodec

    return HunyuanCodec()


def _bedrock(row: ProviderSpec, options: Mapping[str, Any]) -> ChatCodec:
    from llm_connector.codecs.bedrock.codec import BedrockCodec

    return BedrockCodec(**options)


PROTOCOLS: Mapping[ProtocolName, CodecFactory] = {
    "openai_chat": _openai_chat,
    "anthropic": _anthropic,
    "gemini": _gemini,
    "ollama": _ollama,
    "dashscope": _dashscope,
    "hunyuan": _hunyuan,
    "bedrock": _bedrock,
}
