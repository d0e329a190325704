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
                return value.rstrip("/")
        if self.default_base_url is None:
            raise RequestValidationError("base_url", f"the {self.name} provider needs a base_url")
        return self.default_base_url


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
        ),
        # Any server speaking OpenAI chat completions (vLLM, llama.cpp, LM Studio, ...):
        # no official URL, and local servers often need no key.
        ProviderSpec("openai_compatible", _compatible_codec, None, requires_api_key=False),
        # The offline mock serves OpenAI wire bodies through an in-process transport.
        ProviderSpec("mock", _compatible_codec, MOCK_BASE_URL, requires_api_key=False),
    )
}


def provider(name: str) -> ProviderSpec:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise RequestValidationError("provider", f"unknown provider {name!r}") from None
