"""The constructors of Azure OpenAI, the OpenAI-compatible providers and the Chinese
native protocols: a mixin of ProviderConstructors (``_constructors.py``), split off to keep
modules small. Same contract: one registry row each, the same keyword options.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from llm_connector.calls.retry import DEFAULT_MAX_RETRIES
from llm_connector.errors import RequestValidationError
from llm_connector.providers.table import PROVIDERS, join_key_pair, provider_variant
from llm_connector.providers.urls import azure_base_url_from_env

if TYPE_CHECKING:
    from llm_connector.calls.hooks import Hooks
    from llm_connector.shells.constructors import Proxy, TimeoutOption

_C = TypeVar("_C", bound="CompatConstructors")

#: Where a provider serving China and the rest of the world is reached.
Region = Literal["china", "international"]


def _options(
    timeout: TimeoutOption,
    max_retries: int,
    headers: Mapping[str, str] | None,
    proxy: Proxy,
    http_client: Any,
    hooks: Hooks | None,
) -> dict[str, Any]:
    return {
        "timeout": timeout,
        "max_retries": max_retries,
        "headers": headers,
        "proxy": proxy,
        "http_client": http_client,
        "hooks": hooks,
    }


def _check_region(region: str) -> None:
    if region not in ("china", "international"):
        raise RequestValidationError("region", f"use 'china' or 'international', not {region!r}")


def _regional(row: str, base_url: str | None, region: Region) -> str | None:
    """The explicit URL, else the row's URL for a region other than its default one."""
    _check_region(region)
    if base_url or region == "china":
        return base_url
    return PROVIDERS[row].region_url(region)


class CompatConstructors:
    """The constructors of this module, mixed into ProviderConstructors."""

    @classmethod
    def _from_registry(cls: type[_C], *args: Any, **options: Any) -> _C:
        # Mixed into BaseClient only, whose __init__ takes (provider name, api key, base
        # URL, keyword options).
        factory: Callable[..., _C] = cls
        return factory(*args, **options)

    @classmethod
    def azure_openai(
        cls: type[_C],
        api_key: str | None = None,
        endpoint: str | None = None,
        api_version: str | None = None,
        *,
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """Azure OpenAI. ``endpoint`` is the resource URL
        (``https://{resource}.openai.azure.com``, default ``$AZURE_OPENAI_ENDPOINT``);
        ``api_key`` is sent as the ``api-key`` header (default ``$AZURE_OPENAI_API_KEY``).
        The request's ``model`` names the deployment. With an ``api_version`` (or
        ``$OPENAI_API_VERSION``) requests go to ``/openai/deployments/{model}/...
        ?api-version=...``; without one, to the ``/openai/v1`` API."""
        return cls._from_registry(
            "azure_openai",
            api_key,
            azure_base_url_from_env(endpoint, api_version),
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def deepseek(
        cls: type[_C],
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """DeepSeek. ``api_key`` defaults to ``$DEEPSEEK_API_KEY``, ``base_url`` to
        ``https://api.deepseek.com``."""
        return cls._from_registry(
            "deepseek",
            api_key,
            base_url,
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def moonshot(
        cls: type[_C],
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        region: Region = "china",
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """Moonshot (Kimi). ``api_key`` defaults to ``$MOONSHOT_API_KEY``; ``base_url`` to
        ``https://api.moonshot.cn/v1``, or ``https://api.moonshot.ai/v1`` with
        ``region="international"`` (the two platforms' keys differ)."""
        return cls._from_registry(
            "moonshot",
            api_key,
            _regional("moonshot", base_url, region),
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def zhipu(
        cls: type[_C],
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """Zhipu GLM, its v4 API. ``api_key`` defaults to ``$ZHIPUAI_API_KEY`` (then
        ``$ZHIPU_API_KEY``), ``base_url`` to ``https://open.bigmodel.cn/api/paas/v4``."""
        return cls._from_registry(
            "zhipu",
            api_key,
            base_url,
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def zhipu_openai_compatible(
        cls: type[_C],
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        region: Region = "china",
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """Zhipu's OpenAI-compatible API: ``https://open.bigmodel.cn/api/paas/v4``
        (``$ZHIPUAI_API_KEY``), or Z.ai's ``https://api.z.ai/api/paas/v4``
        (``$ZAI_API_KEY``) with ``region="international"``."""
        _check_region(region)
        return cls._from_registry(
            "zai" if region == "international" else "zhipu_openai_compatible",
            api_key,
            base_url,
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def aliyun(
        cls: type[_C],
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        region: Region = "china",
        incremental_output: bool = True,
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """Alibaba Cloud DashScope, its native API. ``api_key`` defaults to
        ``$DASHSCOPE_API_KEY``; ``base_url`` to ``https://dashscope.aliyuncs.com/api/v1``,
        or ``https://dashscope-intl.aliyuncs.com/api/v1`` with ``region="international"``.
        ``incremental_output=False`` streams events that repeat the answer so far (the
        client still yields increments)."""
        return cls._from_registry(
            provider_variant("aliyun", incremental_output=None if incremental_output else False),
            api_key,
            _regional("aliyun", base_url, region),
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def aliyun_openai_compatible(
        cls: type[_C],
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        region: Region = "china",
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """DashScope's OpenAI-compatible mode. ``api_key`` defaults to
        ``$DASHSCOPE_API_KEY``; ``base_url`` to
        ``https://dashscope.aliyuncs.com/compatible-mode/v1``, or the ``dashscope-intl``
        host with ``region="international"``."""
        return cls._from_registry(
            "aliyun_openai_compatible",
            api_key,
            _regional("aliyun_openai_compatible", base_url, region),
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def volcengine(
        cls: type[_C],
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """Volcengine Ark (Doubao). ``api_key`` defaults to ``$ARK_API_KEY``, ``base_url``
        to ``https://ark.cn-beijing.volces.com/api/v3``; ``model`` is a model or an
        endpoint id."""
        return cls._from_registry(
            "volcengine",
            api_key,
            base_url,
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def xiaomi(
        cls: type[_C],
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """Xiaomi MiMo. ``api_key`` defaults to ``$MIMO_API_KEY`` (then
        ``$XIAOMI_API_KEY``), ``base_url`` to ``https://api.xiaomimimo.com/v1``."""
        return cls._from_registry(
            "xiaomi",
            api_key,
            base_url,
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def tencent(
        cls: type[_C],
        secret_id: str | None = None,
        secret_key: str | None = None,
        *,
        region: str | None = None,
        host: str = "hunyuan.tencentcloudapi.com",
        base_url: str | None = None,
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """Tencent Hunyuan's native API (Tencent Cloud API 3.0, requests signed with
        TC3-HMAC-SHA256). ``secret_id`` and ``secret_key`` default to
        ``$TENCENTCLOUD_SECRET_ID`` and ``$TENCENTCLOUD_SECRET_KEY``; the secret key signs
        and is never sent. ``host`` is the API host (``base_url`` overrides it whole);
        ``region`` (e.g. "ap-guangzhou") is sent as ``X-TC-Region`` when given."""
        if secret_id is not None or secret_key is not None:
            api_key: str | None = join_key_pair(secret_id, secret_key)
        else:
            api_key = None
        if region:
            headers = {"X-TC-Region": region, **(headers or {})}
        return cls._from_registry(
            "tencent",
            api_key,
            base_url or f"https://{host}",
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def tencent_openai_compatible(
        cls: type[_C],
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """Tencent Hunyuan's OpenAI-compatible API. ``api_key`` defaults to
        ``$HUNYUAN_API_KEY``, ``base_url`` to ``https://api.hunyuan.cloud.tencent.com/v1``."""
        return cls._from_registry(
            "tencent_openai_compatible",
            api_key,
            base_url,
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )
