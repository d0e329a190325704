"""The provider registry: one row per provider (DESIGN rule 3, dispatch by table).

A row names the codec (built lazily, so importing llm_connector imports no codec), the
official base URL, the environment variables for the key and the URL, and the auth style.
Adding an OpenAI-compatible provider is one row plus its dialect knobs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from llm_connector.codecs.contract import AuthStyle, ChatCodec
from llm_connector.errors import RequestValidationError
from llm_connector.providers.urls import azure_endpoint, ollama_host

if TYPE_CHECKING:
    from llm_connector.codecs.openai_responses.codec import OpenAIResponsesCodec
from llm_connector.types._value import FrozenValue


def _openai_dialect_codec(row: str) -> Callable[..., ChatCodec]:
    """A codec factory for an OpenAI-compatible row: its dialect (openai_chat/dialects.py),
    with the knobs a constructor overrides (``think_tags=...``)."""

    def make(**knobs: Any) -> ChatCodec:
        from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
        from llm_connector.providers.dialects import DIALECTS

        dialect = DIALECTS[row]
        return OpenAIChatCodec(attrs.evolve(dialect, **knobs) if knobs else dialect)

    return make


def _compatible_codec() -> ChatCodec:
    return _openai_dialect_codec("openai_compatible")()


def _dashscope_codec(**options: Any) -> ChatCodec:
    from llm_connector.codecs.dashscope.codec import DashScopeCodec

    return DashScopeCodec(**options)


def _hunyuan_codec() -> ChatCodec:
    from llm_connector.codecs.hunyuan.codec import HunyuanCodec

    return HunyuanCodec()


def _anthropic_codec() -> ChatCodec:
    from llm_connector.codecs.anthropic.codec import AnthropicCodec
    from llm_connector.codecs.anthropic.dialect import ANTHROPIC_DIALECT

    return AnthropicCodec(ANTHROPIC_DIALECT)


def _longcat_codec() -> ChatCodec:
    from llm_connector.codecs.anthropic.codec import AnthropicCodec
    from llm_connector.codecs.anthropic.dialect import LONGCAT_DIALECT

    return AnthropicCodec(LONGCAT_DIALECT)


def _vertex_codec() -> ChatCodec:
    from llm_connector.codecs.anthropic.codec import AnthropicCodec
    from llm_connector.codecs.anthropic.dialect import VERTEX_DIALECT

    return AnthropicCodec(VERTEX_DIALECT)


def _gemini_codec() -> ChatCodec:
    from llm_connector.codecs.gemini.codec import GeminiCodec

    return GeminiCodec()


def _ollama_codec() -> ChatCodec:
    from llm_connector.codecs.ollama.codec import OllamaCodec

    return OllamaCodec()


@attrs.frozen(repr=False, eq=False)
class ProviderSpec(FrozenValue):
    """What the clients need to know about one provider."""

    name: str
    #: Builds the row's codec; keyword options come from a constructor (provider_variant).
    codec: Callable[..., ChatCodec]
    default_base_url: str | None
    api_key_env: tuple[str, ...] = ()
    base_url_env: tuple[str, ...] = ()
    auth: AuthStyle = "bearer"
    requires_api_key: bool = True
    #: Rewrites a base URL taken from the environment into a full URL.
    normalize_base_url: Callable[[str], str] | None = None
    #: Whether the provider may serve OpenAI's Responses API (``/responses``) itself;
    #: otherwise ``invoke_responses`` goes straight to its chat protocol.
    native_responses: bool = False
    #: The official base URL of each region the provider serves, by region name.
    region_urls: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    #: The key is a pair (Tencent Cloud's SecretId and SecretKey), carried as one
    #: "id:key" string; ``api_key_env`` names the two variables, id first.
    key_pair: bool = False
    #: Reachable as ``openai_compatible(..., name=<this row's name>)``.
    compatible_preset: bool = False

    def responses_codec(self) -> OpenAIResponsesCodec | None:
        """The codec of ``/responses`` when the provider may serve it; None: its Responses
        API calls go to its chat protocol."""
        if not self.native_responses:
            return None
        from llm_connector.codecs.openai_responses.codec import OpenAIResponsesCodec

        return OpenAIResponsesCodec()

    def resolve_api_key(self, api_key: str | None) -> str | None:
        """The explicit key, else the first set environment variable of this provider (for
        a key pair: both of its variables, joined)."""
        if api_key:
            return api_key
        if self.key_pair:
            parts = [os.environ.get(name) for name in self.api_key_env]
            return join_key_pair(parts[0], parts[1]) if all(parts) else None
        for name in self.api_key_env:
            value = os.environ.get(name)
            if value:
                return value
        return None

    def resolve_base_url(self, base_url: str | None) -> str:
        """The explicit URL, else the environment, else the official endpoint."""
        if base_url:
            return base_url.rstrip("/")
        for name in self.base_url_env:
            value = os.environ.get(name)
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


def join_key_pair(first: str | None, second: str | None) -> str:
    """Tencent Cloud's SecretId and SecretKey as the one key string a client carries."""
    if not first or not second:
        missing = "secret_id" if not first else "secret_key"
        raise RequestValidationError(missing, "Tencent Cloud signs with a SecretId and a SecretKey")
    for field, value in (("secret_id", first), ("secret_key", second)):
        if ":" in value:
            raise RequestValidationError(field, "must not contain ':'")
    return f"{first}:{second}"


# The OpenAI-wire mock's URL (each wire's is in llm_connector._mock.MOCK_BASE_URLS).
MOCK_BASE_URL = "https://mock.llm-connector.invalid/v1"


def _openai_row(
    name: str, default_base_url: str | None, *api_key_env: str, **fields: Any
) -> ProviderSpec:
    """A row speaking OpenAI chat completions in the dialect of the same name."""
    return ProviderSpec(
        name, _openai_dialect_codec(name), default_base_url, api_key_env=api_key_env, **fields
    )


def _preset(name: str, default_base_url: str, *api_key_env: str, **fields: Any) -> ProviderSpec:
    """A service reached through ``openai_compatible(..., name=name)``."""
    return _openai_row(name, default_base_url, *api_key_env, compatible_preset=True, **fields)


PROVIDERS: Mapping[str, ProviderSpec] = {
    spec.name: spec
    for spec in (
        # https://platform.openai.com/docs/api-reference/authentication
        _openai_row(
            "openai",
            "https://api.openai.com/v1",
            "OPENAI_API_KEY",
            base_url_env=("OPENAI_BASE_URL",),
            native_responses=True,
        ),
        # Any server speaking OpenAI chat completions (vLLM, llama.cpp, LM Studio, ...):
        # no official URL, and local servers often need no key.
        # Many (vLLM, llama.cpp, LM Studio, OpenRouter) serve /responses too; the others
        # answer 404 and the client falls back to chat completions.
        _openai_row("openai_compatible", None, requires_api_key=False, native_responses=True),
        # Azure OpenAI: the resource's endpoint; the api-key header.
        # https://learn.microsoft.com/azure/ai-foundry/openai/reference#authentication
        # The variables are the ones the official openai SDK's AzureOpenAI reads.
        _openai_row(
            "azure_openai",
            None,
            "AZURE_OPENAI_API_KEY",
            base_url_env=("AZURE_OPENAI_ENDPOINT",),
            normalize_base_url=azure_endpoint,
            auth="api-key",
        ),
        # https://api-docs.deepseek.com/ (base_url https://api.deepseek.com)
        _openai_row(
            "deepseek",
            "https://api.deepseek.com",
            "DEEPSEEK_API_KEY",
            # It serves /responses too (recorded: tests/data/openai-responses/deepseek-*).
            native_responses=True,
        ),
        # China: https://platform.moonshot.cn/docs/api/chat; international:
        # https://platform.moonshot.ai/docs/api/chat (keys are not interchangeable).
        _openai_row(
            "moonshot",
            "https://api.moonshot.cn/v1",
            "MOONSHOT_API_KEY",
            region_urls={
                "china": "https://api.moonshot.cn/v1",
                "international": "https://api.moonshot.ai/v1",
            },
        ),
        # Zhipu's v4 API: https://docs.bigmodel.cn/cn/guide/develop/http/introduction
        # (the official SDK reads $ZHIPUAI_API_KEY).
        _openai_row(
            "zhipu",
            "https://open.bigmodel.cn/api/paas/v4",
            "ZHIPUAI_API_KEY",
            "ZHIPU_API_KEY",
        ),
        # The same API through OpenAI's SDK conventions
        # (https://docs.bigmodel.cn/cn/guide/develop/openai/introduction), and as Z.ai
        # outside China, with its own keys (https://docs.z.ai/guides/develop/http/introduction).
        _openai_row(
            "zhipu_openai_compatible",
            "https://open.bigmodel.cn/api/paas/v4",
            "ZHIPUAI_API_KEY",
            "ZHIPU_API_KEY",
        ),
        _openai_row("zai", "https://api.z.ai/api/paas/v4", "ZAI_API_KEY"),
        # DashScope (Alibaba Cloud Model Studio), its own protocol:
        # https://help.aliyun.com/zh/model-studio/qwen-api-via-dashscope
        ProviderSpec(
            "aliyun",
            _dashscope_codec,
            "https://dashscope.aliyuncs.com/api/v1",
            api_key_env=("DASHSCOPE_API_KEY",),
            region_urls={
                "china": "https://dashscope.aliyuncs.com/api/v1",
                "international": "https://dashscope-intl.aliyuncs.com/api/v1",
            },
        ),
        # DashScope's OpenAI-compatible mode:
        # https://help.aliyun.com/zh/model-studio/compatibility-of-openai-with-dashscope
        _openai_row(
            "aliyun_openai_compatible",
            "https://dashscope.aliyuncs.com/compatible-mode/v1",
            "DASHSCOPE_API_KEY",
            region_urls={
                "china": "https://dashscope.aliyuncs.com/compatible-mode/v1",
                "international": "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
            },
        ),
        # Volcengine Ark: https://www.volcengine.com/docs/82379/1494384 ($ARK_API_KEY:
        # https://www.volcengine.com/docs/82379/1399008)
        _openai_row("volcengine", "https://ark.cn-beijing.volces.com/api/v3", "ARK_API_KEY"),
        # Xiaomi MiMo: https://platform.xiaomimimo.com/docs/en-US/quick-start/first-api-call
        _openai_row("xiaomi", "https://api.xiaomimimo.com/v1", "MIMO_API_KEY", "XIAOMI_API_KEY"),
        # Tencent Hunyuan's native API 3.0, signed with the account's SecretId/SecretKey
        # (the variables Tencent's SDKs and CLI read):
        # https://cloud.tencent.com/document/api/1729/105701
        ProviderSpec(
            "tencent",
            _hunyuan_codec,
            "https://hunyuan.tencentcloudapi.com",
            api_key_env=("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"),
            auth="tc3-hmac-sha256",
            key_pair=True,
        ),
        # Hunyuan's OpenAI-compatible API: https://cloud.tencent.com/document/product/1729/111007
        _openai_row(
            "tencent_openai_compatible",
            "https://api.hunyuan.cloud.tencent.com/v1",
            "HUNYUAN_API_KEY",
        ),
        # -- openai_compatible presets ----------------------------------------------------
        # https://openrouter.ai/docs/api-reference/authentication
        # It serves /responses (recorded: tests/data/openai-responses/openrouter-*;
        # https://openrouter.ai/docs/client-sdks/typescript/sdks/responses/README)
        _preset(
            "openrouter",
            "https://openrouter.ai/api/v1",
            "OPENROUTER_API_KEY",
            native_responses=True,
        ),
        # https://console.groq.com/docs/openai
        _preset("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY"),
        # https://docs.mistral.ai/api/
        _preset("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY"),
        # https://docs.x.ai/docs/api-reference
        # It serves /responses, unstored (no previous_response_id), as gateways document:
        # https://ngrok.com/docs/ai-gateway/providers/xai
        _preset("xai", "https://api.x.ai/v1", "XAI_API_KEY", native_responses=True),
        # https://docs.siliconflow.cn/cn/userguide/quickstart
        _preset("siliconflow", "https://api.siliconflow.cn/v1", "SILICONFLOW_API_KEY"),
        # https://longcat.chat/platform/docs/ (OpenAI format: /openai/v1/chat/completions)
        _preset("longcat", "https://api.longcat.chat/openai/v1", "LONGCAT_API_KEY"),
        # https://platform.minimax.io/docs/api-reference/text-openai-api
        _preset("minimax", "https://api.minimax.io/v1", "MINIMAX_API_KEY"),
        # Local servers, at their documented default ports; a key only if started with one.
        # https://inference.readthedocs.io/en/latest/getting_started/using_xinference.html
        _preset("xinference", "http://127.0.0.1:9997/v1", requires_api_key=False),
        # https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html
        _preset(
            "vllm",
            "http://localhost:8000/v1",
            "VLLM_API_KEY",
            requires_api_key=False,
            native_responses=True,
        ),
        # https://github.com/ggml-org/llama.cpp/tree/master/tools/server
        # (/v1/responses too: tests/e2e/test_llama_responses.py uses it)
        _preset(
            "llamacpp", "http://localhost:8080/v1", requires_api_key=False, native_responses=True
        ),
        # https://lmstudio.ai/docs/app/api/endpoints/openai
        # (/v1/responses too: recorded, tests/data/openai-responses/lmstudio-tool-call.sse)
        _preset(
            "lmstudio", "http://localhost:1234/v1", requires_api_key=False, native_responses=True
        ),
        # https://docs.anthropic.com/en/api/overview#authentication
        ProviderSpec(
            "anthropic",
            _anthropic_codec,
            "https://api.anthropic.com",
            api_key_env=("ANTHROPIC_API_KEY",),
            base_url_env=("ANTHROPIC_BASE_URL",),
            auth="x-api-key",
        ),
        # LongCat's Anthropic-compatible endpoint, with Bearer auth:
        # https://longcat.chat/platform/docs/api/messages.html
        ProviderSpec(
            "longcat_anthropic",
            _longcat_codec,
            "https://api.longcat.chat/anthropic",
            api_key_env=("LONGCAT_API_KEY",),
        ),
        # Claude on Vertex AI: the base URL comes from the project and region
        # (vertex_base_url); the key is an OAuth access token.
        # https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude
        ProviderSpec("anthropic_vertex", _vertex_codec, None),
        # https://ai.google.dev/gemini-api/docs/api-key
        ProviderSpec(
            "google",
            _gemini_codec,
            "https://generativelanguage.googleapis.com/v1beta",
            api_key_env=("GEMINI_API_KEY", "GOOGLE_API_KEY"),
            auth="x-goog-api-key",
        ),
        # A local Ollama needs no key; hosted Ollama takes a Bearer key.
        # https://github.com/ollama/ollama/blob/main/docs/api.md
        ProviderSpec(
            "ollama",
            _ollama_codec,
            "http://localhost:11434",
            api_key_env=("OLLAMA_API_KEY",),
            base_url_env=("OLLAMA_HOST",),
            requires_api_key=False,
            normalize_base_url=ollama_host,
        ),
        # The offline mock serves OpenAI wire bodies through an in-process transport.
        ProviderSpec("mock", _compatible_codec, MOCK_BASE_URL, requires_api_key=False),
    )
}


def provider(name: str) -> ProviderSpec:
    try:
        return PROVIDERS[name]
    except KeyError:
        pass
    try:
        return _VARIANTS[name]
    except KeyError:
        raise RequestValidationError("provider", f"unknown provider {name!r}") from None


#: Rows with codec options a constructor set (think_tags=..., incremental_output=...), by
#: the key provider_variant() gave them. Built on first use; a key is always the same row.
_VARIANTS: dict[str, ProviderSpec] = {}


def provider_variant(name: str, **options: Any) -> str:
    """The registry key of row ``name`` with its codec built with ``options`` (the row's
    own name when there are none); the clients look it up like any row."""
    options = {k: v for k, v in sorted(options.items()) if v is not None}
    if not options:
        return name
    spec = provider(name)
    key = name + "[" + ",".join(f"{k}={v!r}" for k, v in options.items()) + "]"
    if key not in _VARIANTS:
        _VARIANTS.setdefault(
            key, attrs.evolve(spec, codec=functools.partial(spec.codec, **options))
        )
    return key


def compatible_preset(name: str) -> str | None:
    """The row ``openai_compatible(..., name=name)`` stands for, if ``name`` is a preset."""
    spec = PROVIDERS.get(name.lower().replace("-", "").replace(".", "").replace(" ", ""))
    return spec.name if spec is not None and spec.compatible_preset else None
