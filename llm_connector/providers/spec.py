"""The shape of a provider row, and the public facts about a provider (pure).

A :class:`ProviderSpec` is everything llm_connector knows about one provider: its protocol
and dialect, URLs, key variables, auth style, capabilities, mock wire and constructor.
The rows are in ``table.py``; everything else (codecs, constructors, the mock, the docs'
tables) is made from them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs

from llm_connector.errors import RequestValidationError
from llm_connector.providers.environment import env_key_pair, env_value
from llm_connector.types._value import FrozenValue

if TYPE_CHECKING:
    from llm_connector.codecs.anthropic.dialect import AnthropicDialect
    from llm_connector.codecs.contract import AuthStyle, ChatCodec
    from llm_connector.codecs.openai_chat.dialect import OpenAIDialect
    from llm_connector.codecs.openai_responses.codec import OpenAIResponsesCodec

__all__ = [
    "Capabilities",
    "ConstructorShape",
    "MockWire",
    "ProtocolName",
    "ProviderInfo",
    "ProviderSpec",
]

#: The wire protocol a provider speaks: one package of ``codecs/`` each.
ProtocolName: TypeAlias = Literal[
    "openai_chat", "anthropic", "gemini", "ollama", "dashscope", "hunyuan", "bedrock"
]

#: The signature of a provider's constructor on ``Client`` and ``AsyncClient`` (see
#: ``shells/constructors.py``); None for a service reached as ``openai_compatible(..., name)``.
ConstructorShape: TypeAlias = Literal[
    "standard",
    "regional",
    "aliyun",
    "local",
    "compatible",
    "azure",
    "vertex",
    "tencent",
    "anthropic",
    "bedrock",
    "mock",
]


@attrs.frozen(repr=False, eq=False)
class Capabilities(FrozenValue):
    """What a provider's API offers through llm_connector (a given model may offer less).

    ``vision``: images in messages; ``tools``: function calling; ``reasoning``: reasoning
    settings and reasoning output; ``embeddings``: ``client.embed``; ``models``:
    ``client.models``; ``responses``: the provider serves OpenAI's Responses API itself (other
    providers answer ``invoke_responses`` through their chat protocol); ``count_tokens``:
    ``client.count_tokens``; ``model_management``: ``pull_model``, ``delete_model`` and
    ``show_model``.
    """

    vision: bool = True
    tools: bool = True
    reasoning: bool = True
    embeddings: bool = False
    models: bool = True
    responses: bool = False
    count_tokens: bool = False
    model_management: bool = False


@attrs.frozen(repr=False, eq=False)
class MockWire(FrozenValue):
    """How ``Client.mock(provider=<row>)`` answers: in the wire of ``wire`` (a module of
    ``_mock/``), with the provider's base path under the mock's host."""

    wire: Literal["openai", "anthropic", "gemini", "ollama", "dashscope", "hunyuan", "bedrock"]
    path: str = ""


@attrs.frozen(repr=False, eq=False)
class ProviderInfo(FrozenValue):
    """What is public about a provider (``llm_connector.provider_info(name)``)."""

    name: str
    #: The wire protocol it speaks ("openai_chat", "anthropic", "gemini", "ollama",
    #: "dashscope", "hunyuan", "bedrock").
    protocol: ProtocolName
    #: Its official base URL (None where it is the user's: a resource, a local server).
    default_base_url: str | None
    #: The environment variables a client reads its key from, in order.
    api_key_env: tuple[str, ...]
    capabilities: Capabilities
    #: The ``Client`` / ``AsyncClient`` classmethod that builds a client of it (for a
    #: service reached through ``openai_compatible``, with ``name=<name>``).
    constructor: str


@attrs.frozen(repr=False, eq=False)
class ProviderSpec(FrozenValue):
    """One provider: a row of the provider table (see the module docstring)."""

    name: str
    protocol: ProtocolName
    #: What the documentation says of it: the constructor's docstring (or, for a service
    #: reached through ``openai_compatible``, its line in the preset list).
    doc: str
    default_base_url: str | None
    #: The knobs of its protocol where it differs from the protocol's reference provider.
    dialect: OpenAIDialect | AnthropicDialect | None = None
    api_key_env: tuple[str, ...] = ()
    base_url_env: tuple[str, ...] = ()
    auth: AuthStyle = "bearer"
    requires_api_key: bool = True
    #: Rewrites a base URL taken from the environment into a full URL.
    normalize_base_url: Callable[[str], str] | None = None
    #: The official base URL of each region the provider serves, by region name.
    region_urls: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    #: Another row to use for a region (Zhipu's international service is Z.ai's row).
    region_rows: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    #: The key is a pair (Tencent Cloud's SecretId and SecretKey), carried as one
    #: "id:key" string; ``api_key_env`` names the two variables, id first.
    key_pair: bool = False
    capabilities: Capabilities = Capabilities()
    #: The signature of its constructor, named after the row; None: it has none of its own
    #: and is reached through ``via``.
    constructor: ConstructorShape | None = "standard"
    #: The constructor that reaches a row without its own: ``openai_compatible`` (with
    #: ``name=<this row's name>``) for a preset, or the constructor of which it is a region.
    via: str | None = None
    #: How the offline mock speaks this provider (None: it does not).
    mock: MockWire | None = None
    #: The API version its codec speaks where the protocol names one in each request
    #: (Anthropic's ``anthropic-version`` header, or the body's ``anthropic_version`` on
    #: Vertex AI); a constructor's ``api_version=`` overrides it. None: the protocol has no
    #: such setting, or its version is part of the base URL (Gemini's ``/v1beta``).
    #: docs/providers.md ("API versions") says which version each codec speaks.
    api_version: str | None = None

    @property
    def compatible_preset(self) -> bool:
        """Reached as ``openai_compatible(..., name=<this row's name>)``."""
        return self.via == "openai_compatible"

    @property
    def native_responses(self) -> bool:
        return self.capabilities.responses

    @property
    def constructor_name(self) -> str:
        """The name of the ``Client`` classmethod that builds a client of this provider."""
        return self.name if self.via is None else self.via

    def info(self) -> ProviderInfo:
        return ProviderInfo(
            self.name,
            self.protocol,
            self.default_base_url,
            self.api_key_env,
            self.capabilities,
            self.constructor_name,
        )

    def codec(self, **options: object) -> ChatCodec:
        """A new codec of this provider's protocol and dialect; ``options`` are a
        constructor's codec knobs (``think_tags=...``, ``incremental_output=...``,
        ``api_version=...``)."""
        from llm_connector.providers.protocols import PROTOCOLS

        return PROTOCOLS[self.protocol](self, options)

    def responses_codec(self) -> OpenAIResponsesCodec | None:
        """The codec of ``/responses`` when the provider may serve it; None: its Responses
        API calls go to its chat protocol."""
        if not self.capabilities.responses:
            return None
        from llm_connector.codecs.openai_chat.dialect import OpenAIDialect
        from llm_connector.codecs.openai_responses.codec import OpenAIResponsesCodec

        dialect = self.dialect if isinstance(self.dialect, OpenAIDialect) else None
        return OpenAIResponsesCodec(dialect=dialect)

    def resolve_api_key(self, api_key: str | None) -> str | None:
        """The explicit key, else the first set environment variable of this provider (for
        a key pair: both of its variables, joined)."""
        if api_key:
            return api_key
        if self.key_pair:
            return env_key_pair(self.api_key_env[0], self.api_key_env[1])
        return env_value(self.api_key_env)

    def resolve_base_url(self, base_url: str | None) -> str:
        """The explicit URL, else the environment, else the official endpoint."""
        if base_url:
            return base_url.rstrip("/")
        value = env_value(self.base_url_env)
        if value:
            if self.normalize_base_url is not None:
                value = self.normalize_base_url(value)
            return value.rstrip("/")
        if self.default_base_url is None:
            raise RequestValidationError("base_url", f"the {self.name} provider needs a base_url")
        return self.default_base_url

    def region_url(self, region: str) -> str:
        """The official base URL for ``region``; raises RequestValidationError naming the
        regions there are."""
        try:
            return self.region_urls[region]
        except KeyError:
            raise RequestValidationError(
                "region",
                f"{self.name} has no region {region!r}; use one of {sorted(self.region_urls)}",
            ) from None
