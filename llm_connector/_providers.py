"""The provider registry: one row per provider (DESIGN rule 3, dispatch by table).

A row names the codec (built lazily, so importing llm_connector imports no codec), the
official base URL, the environment variables for the key and the URL, and the auth style.
Adding an OpenAI-compatible provider is one row plus its dialect knobs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import attrs

from llm_connector.codecs._base import AuthStyle, ChatCodec
from llm_connector.errors import RequestValidationError


def _openai_codec() -> ChatCodec:
    from llm_connector.codecs.openai_chat import OPENAI_DIALECT, OpenAIChatCodec

    return OpenAIChatCodec(OPENAI_DIALECT)


def _compatible_codec() -> ChatCodec:
    from llm_connector.codecs.openai_chat import COMPATIBLE_DIALECT, OpenAIChatCodec

    return OpenAIChatCodec(COMPATIBLE_DIALECT)


def _anthropic_codec() -> ChatCodec:
    from llm_connector.codecs.anthropic import ANTHROPIC_DIALECT, AnthropicCodec

    return AnthropicCodec(ANTHROPIC_DIALECT)


def _longcat_codec() -> ChatCodec:
    from llm_connector.codecs.anthropic import LONGCAT_DIALECT, AnthropicCodec

    return AnthropicCodec(LONGCAT_DIALECT)


def _vertex_codec() -> ChatCodec:
    from llm_connector.codecs.anthropic import VERTEX_DIALECT, AnthropicCodec

    return AnthropicCodec(VERTEX_DIALECT)


def _gemini_codec() -> ChatCodec:
    from llm_connector.codecs.gemini import GeminiCodec

    return GeminiCodec()


def _ollama_codec() -> ChatCodec:
    from llm_connector.codecs.ollama import OllamaCodec

    return OllamaCodec()


def _ollama_host(value: str) -> str:
    """``$OLLAMA_HOST`` as Ollama itself reads it: the scheme and the port may be left out
    (``0.0.0.0``, ``localhost:11434``, ``https://ollama.example``).
    https://github.com/ollama/ollama/blob/main/docs/faq.md#how-do-i-configure-ollama-server
    """
    value = value.strip().rstrip("/")
    if "://" not in value:
        value = "http://" + value
    scheme, _, rest = value.partition("://")
    host = rest.split("/", 1)[0]
    if ":" not in host.rsplit("]", 1)[-1]:  # no port (an IPv6 host is bracketed)
        default = "443" if scheme == "https" else "11434"
        value = value.replace(host, f"{host}:{default}", 1)
    return value


@attrs.frozen
class ProviderSpec:
    """What the clients need to know about one provider."""

    name: str
    codec: Callable[[], ChatCodec]
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

    def resolve_api_key(self, api_key: str | None) -> str | None:
        """The explicit key, else the first set environment variable of this provider."""
        if api_key:
            return api_key
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


# The OpenAI-wire mock's URL (each wire's is in llm_connector._mock.MOCK_BASE_URLS).
MOCK_BASE_URL = "https://mock.llm-connector.invalid/v1"

PROVIDERS: Mapping[str, ProviderSpec] = {
    spec.name: spec
    for spec in (
        # https://platform.openai.com/docs/api-reference/authentication
        ProviderSpec(
            "openai",
            _openai_codec,
            "https://api.openai.com/v1",
            api_key_env=("OPENAI_API_KEY",),
            base_url_env=("OPENAI_BASE_URL",),
            native_responses=True,
        ),
        # Any server speaking OpenAI chat completions (vLLM, llama.cpp, LM Studio, ...):
        # no official URL, and local servers often need no key.
        # Many (vLLM, llama.cpp, LM Studio, OpenRouter) serve /responses too; the others
        # answer 404 and the client falls back to chat completions.
        ProviderSpec(
            "openai_compatible",
            _compatible_codec,
            None,
            requires_api_key=False,
            native_responses=True,
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
            normalize_base_url=_ollama_host,
        ),
        # The offline mock serves OpenAI wire bodies through an in-process transport.
        ProviderSpec("mock", _compatible_codec, MOCK_BASE_URL, requires_api_key=False),
    )
}


def provider(name: str) -> ProviderSpec:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise RequestValidationError("provider", f"unknown provider {name!r}") from None


def vertex_base_url(project: str | None, region: str | None) -> str:
    """The Vertex AI URL under which Claude models live, for a project and region (each
    defaulting to the environment variables Anthropic's own SDK reads)."""
    project = project or os.environ.get("ANTHROPIC_VERTEX_PROJECT_ID")
    region = region or os.environ.get("CLOUD_ML_REGION")
    if not project:
        raise RequestValidationError(
            "project", "a Google Cloud project is required (or $ANTHROPIC_VERTEX_PROJECT_ID)"
        )
    if not region:
        raise RequestValidationError(
            "region", "a Vertex AI region is required (or $CLOUD_ML_REGION)"
        )
    # The "global" endpoint has no region prefix in its host name.
    host = (
        "aiplatform.googleapis.com" if region == "global" else f"{region}-aiplatform.googleapis.com"
    )
    return f"https://{host}/v1/projects/{project}/locations/{region}/publishers/anthropic/models"
