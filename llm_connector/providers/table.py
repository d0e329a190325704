"""The provider table: one row per provider, everything llm_connector knows about it.

A row names its protocol and dialect, official URLs and regions, key variables, auth
style, capabilities, mock wire and constructor (with its documentation); the codecs, the
constructors of ``Client`` and ``AsyncClient``, the mock's wires and the README's provider
table are made from the rows. The services reached through ``openai_compatible`` have
their rows in ``presets.py``. Adding an OpenAI-compatible provider is a row and its dialect
in ``dialects.py`` (docs/architecture.md, "Where to add things").

The table loads with the first client built (or ``supported_providers()``), not with the
package: its dialects are attrs values, and import time is budgeted (docs/performance.md).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from llm_connector.errors import RequestValidationError
from llm_connector.providers import dialects
from llm_connector.providers.presets import LOCAL, PRESET_ROWS
from llm_connector.providers.spec import Capabilities, MockWire, ProviderSpec
from llm_connector.providers.urls import azure_endpoint, ollama_host

__all__ = ["PROVIDERS", "compatible_preset", "nearest_presets", "provider"]

_ROWS: tuple[ProviderSpec, ...] = (
    # https://platform.openai.com/docs/api-reference/authentication
    ProviderSpec(
        "openai",
        "openai_chat",
        """OpenAI. ``api_key`` defaults to ``$OPENAI_API_KEY``, ``base_url`` to
        ``$OPENAI_BASE_URL`` or ``https://api.openai.com/v1``.""",
        "https://api.openai.com/v1",
        dialect=dialects.OPENAI,
        api_key_env=("OPENAI_API_KEY",),
        base_url_env=("OPENAI_BASE_URL",),
        # count_tokens: POST /responses/input_tokens (codecs/openai_chat/counting.py)
        capabilities=Capabilities(embeddings=True, responses=True, count_tokens=True),
        mock=MockWire("openai", "/v1"),
    ),
    # Any server speaking OpenAI chat completions (vLLM, llama.cpp, LM Studio, ...): no
    # official URL, and local servers often need no key. Many serve /responses too; the
    # others answer 404 and the client falls back to chat completions.
    ProviderSpec(
        "openai_compatible",
        "openai_chat",
        """Any server that speaks OpenAI chat completions at ``base_url`` (e.g.
        ``http://localhost:8080/v1``). The key is optional; ``name`` labels the client.

        A ``name`` the registry knows picks that service's dialect, official URL and key
        variable: "openrouter", "groq", "mistral", "xai", "siliconflow", "longcat",
        "minimax", "xinference", "vllm", "llamacpp", "lmstudio" (README, Providers).

        ``think_tags=True`` moves a ``<think>...</think>`` block at the start of each answer
        into ``reasoning_content`` (for servers that leave reasoning in the text);
        ``"implicit"`` when the prompt template opens the block, so that only
        ``</think>`` appears; ``False`` turns it off for a preset that has it on.""",
        None,
        requires_api_key=False,
        capabilities=LOCAL,
        constructor="compatible",
        mock=MockWire("openai", "/v1"),
    ),
    # Azure OpenAI: the resource's endpoint; the api-key header; the variables the official
    # openai SDK's AzureOpenAI reads.
    # https://learn.microsoft.com/azure/ai-foundry/openai/reference#authentication
    ProviderSpec(
        "azure_openai",
        "openai_chat",
        """Azure OpenAI. ``endpoint`` is the resource URL
        (``https://{resource}.openai.azure.com``, default ``$AZURE_OPENAI_ENDPOINT``);
        ``api_key`` is sent as the ``api-key`` header (default ``$AZURE_OPENAI_API_KEY``).
        The request's ``model`` names the deployment. With an ``api_version`` (or
        ``$OPENAI_API_VERSION``) requests go to ``/openai/deployments/{model}/...
        ?api-version=...``; without one, to the ``/openai/v1`` API.""",
        None,
        dialect=dialects.AZURE_OPENAI,
        api_key_env=("AZURE_OPENAI_API_KEY",),
        base_url_env=("AZURE_OPENAI_ENDPOINT",),
        normalize_base_url=azure_endpoint,
        auth="api-key",
        capabilities=Capabilities(embeddings=True),
        constructor="azure",
        mock=MockWire("openai", "/openai/v1"),
    ),
    # https://api-docs.deepseek.com/ (base_url https://api.deepseek.com); it serves
    # /responses too (recorded: tests/data/openai-responses/deepseek-*).
    ProviderSpec(
        "deepseek",
        "openai_chat",
        """DeepSeek. ``api_key`` defaults to ``$DEEPSEEK_API_KEY``, ``base_url`` to
        ``https://api.deepseek.com``.""",
        "https://api.deepseek.com",
        dialect=dialects.DEEPSEEK,
        api_key_env=("DEEPSEEK_API_KEY",),
        capabilities=Capabilities(vision=False, responses=True),
        mock=MockWire("openai"),
    ),
    # China: https://platform.moonshot.cn/docs/api/chat; international:
    # https://platform.moonshot.ai/docs/api/chat (keys are not interchangeable).
    ProviderSpec(
        "moonshot",
        "openai_chat",
        """Moonshot (Kimi). ``api_key`` defaults to ``$MOONSHOT_API_KEY``; ``base_url`` to
        ``https://api.moonshot.cn/v1``, or ``https://api.moonshot.ai/v1`` with
        ``region="international"`` (the two platforms' keys differ).""",
        "https://api.moonshot.cn/v1",
        dialect=dialects.MOONSHOT,
        api_key_env=("MOONSHOT_API_KEY",),
        region_urls={
            "china": "https://api.moonshot.cn/v1",
            "international": "https://api.moonshot.ai/v1",
        },
        constructor="regional",
        mock=MockWire("openai", "/v1"),
    ),
    # Zhipu's v4 API: https://docs.bigmodel.cn/cn/guide/develop/http/introduction (the
    # official SDK reads $ZHIPUAI_API_KEY).
    ProviderSpec(
        "zhipu",
        "openai_chat",
        """Zhipu GLM, its v4 API. ``api_key`` defaults to ``$ZHIPUAI_API_KEY`` (then
        ``$ZHIPU_API_KEY``), ``base_url`` to ``https://open.bigmodel.cn/api/paas/v4``.""",
        "https://open.bigmodel.cn/api/paas/v4",
        dialect=dialects.ZHIPU,
        api_key_env=("ZHIPUAI_API_KEY", "ZHIPU_API_KEY"),
        capabilities=Capabilities(embeddings=True),
        mock=MockWire("openai", "/api/paas/v4"),
    ),
    # The same API through OpenAI's SDK conventions
    # (https://docs.bigmodel.cn/cn/guide/develop/openai/introduction), and as Z.ai outside
    # China, with its own keys (https://docs.z.ai/guides/develop/http/introduction).
    ProviderSpec(
        "zhipu_openai_compatible",
        "openai_chat",
        """Zhipu's OpenAI-compatible API: ``https://open.bigmodel.cn/api/paas/v4``
        (``$ZHIPUAI_API_KEY``), or Z.ai's ``https://api.z.ai/api/paas/v4``
        (``$ZAI_API_KEY``) with ``region="international"``.""",
        "https://open.bigmodel.cn/api/paas/v4",
        dialect=dialects.ZHIPU,
        api_key_env=("ZHIPUAI_API_KEY", "ZHIPU_API_KEY"),
        region_rows={"international": "zai"},
        capabilities=Capabilities(embeddings=True),
        constructor="regional",
        mock=MockWire("openai", "/api/paas/v4"),
    ),
    ProviderSpec(
        "zai",
        "openai_chat",
        """Z.ai (Zhipu GLM outside China): ``zhipu_openai_compatible(region=
        "international")``. ``api_key`` defaults to ``$ZAI_API_KEY``.""",
        "https://api.z.ai/api/paas/v4",
        dialect=dialects.ZHIPU,
        api_key_env=("ZAI_API_KEY",),
        capabilities=Capabilities(embeddings=True),
        constructor=None,
        via="zhipu_openai_compatible",
        mock=MockWire("openai", "/api/paas/v4"),
    ),
    # DashScope (Alibaba Cloud Model Studio), its own protocol:
    # https://help.aliyun.com/zh/model-studio/qwen-api-via-dashscope
    ProviderSpec(
        "aliyun",
        "dashscope",
        """Alibaba Cloud DashScope, its native API. ``api_key`` defaults to
        ``$DASHSCOPE_API_KEY``; ``base_url`` to ``https://dashscope.aliyuncs.com/api/v1``,
        or ``https://dashscope-intl.aliyuncs.com/api/v1`` with ``region="international"``.
        ``incremental_output=False`` streams events that repeat the answer so far (the
        client still yields increments).""",
        "https://dashscope.aliyuncs.com/api/v1",
        api_key_env=("DASHSCOPE_API_KEY",),
        region_urls={
            "china": "https://dashscope.aliyuncs.com/api/v1",
            "international": "https://dashscope-intl.aliyuncs.com/api/v1",
        },
        capabilities=Capabilities(models=False),
        constructor="aliyun",
        mock=MockWire("dashscope", "/api/v1"),
    ),
    # DashScope's OpenAI-compatible mode:
    # https://help.aliyun.com/zh/model-studio/compatibility-of-openai-with-dashscope
    ProviderSpec(
        "aliyun_openai_compatible",
        "openai_chat",
        """DashScope's OpenAI-compatible mode. ``api_key`` defaults to
        ``$DASHSCOPE_API_KEY``; ``base_url`` to
        ``https://dashscope.aliyuncs.com/compatible-mode/v1``, or the ``dashscope-intl``
        host with ``region="international"``.""",
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
        dialect=dialects.DASHSCOPE_COMPATIBLE,
        api_key_env=("DASHSCOPE_API_KEY",),
        region_urls={
            "china": "https://dashscope.aliyuncs.com/compatible-mode/v1",
            "international": "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
        },
        capabilities=Capabilities(embeddings=True),
        constructor="regional",
        mock=MockWire("openai", "/compatible-mode/v1"),
    ),
    # Volcengine Ark: https://www.volcengine.com/docs/82379/1494384 ($ARK_API_KEY:
    # https://www.volcengine.com/docs/82379/1399008)
    ProviderSpec(
        "volcengine",
        "openai_chat",
        """Volcengine Ark (Doubao). ``api_key`` defaults to ``$ARK_API_KEY``, ``base_url``
        to ``https://ark.cn-beijing.volces.com/api/v3``; ``model`` is a model or an
        endpoint id.""",
        "https://ark.cn-beijing.volces.com/api/v3",
        dialect=dialects.VOLCENGINE,
        api_key_env=("ARK_API_KEY",),
        capabilities=Capabilities(embeddings=True),
        mock=MockWire("openai", "/api/v3"),
    ),
    # Xiaomi MiMo: https://platform.xiaomimimo.com/docs/en-US/quick-start/first-api-call
    ProviderSpec(
        "xiaomi",
        "openai_chat",
        """Xiaomi MiMo. ``api_key`` defaults to ``$MIMO_API_KEY`` (then
        ``$XIAOMI_API_KEY``), ``base_url`` to ``https://api.xiaomimimo.com/v1``.""",
        "https://api.xiaomimimo.com/v1",
        dialect=dialects.XIAOMI,
        api_key_env=("MIMO_API_KEY", "XIAOMI_API_KEY"),
        mock=MockWire("openai", "/v1"),
    ),
    # Tencent Hunyuan's native API 3.0, signed with the account's SecretId/SecretKey (the
    # variables Tencent's SDKs and CLI read): https://cloud.tencent.com/document/api/1729/105701
    ProviderSpec(
        "tencent",
        "hunyuan",
        """Tencent Hunyuan's native API (Tencent Cloud API 3.0, requests signed with
        TC3-HMAC-SHA256). ``secret_id`` and ``secret_key`` default to
        ``$TENCENTCLOUD_SECRET_ID`` and ``$TENCENTCLOUD_SECRET_KEY``; the secret key signs
        and is never sent. ``host`` is the API host (``base_url`` overrides it whole);
        ``region`` (e.g. "ap-guangzhou") is sent as ``X-TC-Region`` when given.""",
        "https://hunyuan.tencentcloudapi.com",
        api_key_env=("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"),
        auth="tc3-hmac-sha256",
        key_pair=True,
        capabilities=Capabilities(models=False),
        constructor="tencent",
        mock=MockWire("hunyuan"),
    ),
    # Hunyuan's OpenAI-compatible API: https://cloud.tencent.com/document/product/1729/111007
    ProviderSpec(
        "tencent_openai_compatible",
        "openai_chat",
        """Tencent Hunyuan's OpenAI-compatible API. ``api_key`` defaults to
        ``$HUNYUAN_API_KEY``, ``base_url`` to ``https://api.hunyuan.cloud.tencent.com/v1``.""",
        "https://api.hunyuan.cloud.tencent.com/v1",
        dialect=dialects.HUNYUAN_COMPATIBLE,
        api_key_env=("HUNYUAN_API_KEY",),
        capabilities=Capabilities(embeddings=True),
        mock=MockWire("openai", "/v1"),
    ),
    # AWS Bedrock's Converse API, natively: SigV4 with the variables the AWS SDKs and CLI
    # read, or a Bedrock API key. No default URL: the endpoint is the region's.
    # https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
    ProviderSpec(
        "bedrock",
        "bedrock",
        """AWS Bedrock's Converse API, natively (no boto3): requests signed with Signature
        Version 4, streams read from AWS's binary event stream. ``region`` defaults to
        ``$AWS_REGION`` or ``$AWS_DEFAULT_REGION`` and picks the endpoint
        (``https://bedrock-runtime.{region}.amazonaws.com``). Credentials:
        ``access_key_id``, ``secret_access_key`` and, for temporary credentials,
        ``session_token``, defaulting to ``$AWS_ACCESS_KEY_ID``, ``$AWS_SECRET_ACCESS_KEY``
        and ``$AWS_SESSION_TOKEN``; or ``api_key``, a Bedrock API key sent as a bearer
        token (``$AWS_BEARER_TOKEN_BEDROCK``, which wins over access keys from the
        environment). Missing credentials are an error at the first request. ``base_url``
        overrides the endpoint (a VPC or FIPS endpoint, a proxy); requests are signed for
        ``region``, else the region the host names. A model is a model id, an inference
        profile (``us.amazon.nova-micro-v1:0``) or an ARN.""",
        None,
        api_key_env=("AWS_BEARER_TOKEN_BEDROCK",),
        auth="aws-sigv4",
        requires_api_key=False,
        # count_tokens: CountTokens (API_runtime_CountTokens.html)
        capabilities=Capabilities(models=False, count_tokens=True),
        constructor="bedrock",
        mock=MockWire("bedrock"),
    ),
    # -- reached through openai_compatible(api_key, base_url, name): presets.py --------
    *PRESET_ROWS,
    # -- Anthropic's Messages API ----------------------------------------------------------
    # https://docs.anthropic.com/en/api/overview#authentication
    ProviderSpec(
        "anthropic",
        "anthropic",
        """Anthropic's Messages API. ``api_key`` defaults to ``$ANTHROPIC_API_KEY``,
        ``base_url`` to ``$ANTHROPIC_BASE_URL`` or ``https://api.anthropic.com``.""",
        "https://api.anthropic.com",
        api_key_env=("ANTHROPIC_API_KEY",),
        base_url_env=("ANTHROPIC_BASE_URL",),
        auth="x-api-key",
        capabilities=Capabilities(count_tokens=True),
        constructor="anthropic",
        mock=MockWire("anthropic"),
        # The anthropic-version header: https://platform.claude.com/docs/en/api/versioning
        # (docs/providers.md, "API versions", says why this one).
        api_version="2023-06-01",
    ),
    # LongCat's Anthropic-compatible endpoint, with Bearer auth:
    # https://longcat.chat/platform/docs/api/messages.html
    ProviderSpec(
        "longcat_anthropic",
        "anthropic",
        """LongCat's Anthropic-compatible endpoint (Bearer auth). ``api_key`` defaults to
        ``$LONGCAT_API_KEY``.""",
        "https://api.longcat.chat/anthropic",
        dialect=dialects.LONGCAT_DIALECT,
        api_key_env=("LONGCAT_API_KEY",),
        capabilities=Capabilities(vision=False, models=False),
        constructor="anthropic",
        mock=MockWire("anthropic", "/anthropic"),
        api_version="2023-06-01",
    ),
    # Claude on Vertex AI: the base URL comes from the project and region
    # (urls.vertex_base_url); the key is an OAuth access token.
    # https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude
    ProviderSpec(
        "anthropic_vertex",
        "anthropic",
        """Claude on Google Cloud Vertex AI. ``project`` and ``region`` default to
        ``$ANTHROPIC_VERTEX_PROJECT_ID`` and ``$CLOUD_ML_REGION``; ``access_token`` is an
        OAuth token (``gcloud auth print-access-token``), sent as a Bearer token.""",
        None,
        dialect=dialects.VERTEX_DIALECT,
        capabilities=Capabilities(models=False, count_tokens=True),
        constructor="vertex",
        mock=MockWire(
            "anthropic", "/v1/projects/mock/locations/us-east5/publishers/anthropic/models"
        ),
        # The body's anthropic_version on Vertex AI (link above).
        api_version="vertex-2023-10-16",
    ),
    # https://ai.google.dev/gemini-api/docs/api-key
    ProviderSpec(
        "google",
        "gemini",
        """Google Gemini. ``api_key`` defaults to ``$GEMINI_API_KEY`` then
        ``$GOOGLE_API_KEY``; ``base_url`` to
        ``https://generativelanguage.googleapis.com/v1beta``.""",
        "https://generativelanguage.googleapis.com/v1beta",
        api_key_env=("GEMINI_API_KEY", "GOOGLE_API_KEY"),
        auth="x-goog-api-key",
        # count_tokens: models/{model}:countTokens (https://ai.google.dev/api/tokens)
        capabilities=Capabilities(embeddings=True, count_tokens=True),
        mock=MockWire("gemini", "/v1beta"),
    ),
    # A local Ollama needs no key; hosted Ollama takes a Bearer key.
    # https://github.com/ollama/ollama/blob/main/docs/api.md
    ProviderSpec(
        "ollama",
        "ollama",
        """Ollama's native API. ``base_url`` defaults to ``$OLLAMA_HOST`` or
        ``http://localhost:11434``; a key (``$OLLAMA_API_KEY``, for hosted Ollama) is
        optional and sent as a Bearer token.""",
        "http://localhost:11434",
        api_key_env=("OLLAMA_API_KEY",),
        base_url_env=("OLLAMA_HOST",),
        requires_api_key=False,
        normalize_base_url=ollama_host,
        capabilities=Capabilities(embeddings=True, model_management=True),
        constructor="local",
        mock=MockWire("ollama"),
    ),
    # The offline mock: its OpenAI wire through the generic dialect (see _mock/).
    ProviderSpec(
        "mock",
        "openai_chat",
        """An offline client: scripted replies served in a real provider's wire format
        through an in-process transport, so the same codec and stream code run as against
        a server.

        ``provider`` picks the wire and the codec: the name of any provider row with a
        mock (``supported_providers()``; the default, "openai", is OpenAI's wire).
        ``replies`` are used in order, one per request (a single reply answers every
        request; a list that runs out raises ``MockRepliesExhausted`` unless
        ``repeat_last=True`` is given to the ``MockServer``). Pass a
        :class:`~llm_connector.MockServer` (which names its own provider) to inspect the
        requests it received.

        ``responses_api=True`` serves OpenAI's Responses API at ``/responses`` (OpenAI wire
        only), so ``invoke_responses`` goes there; otherwise it is answered through chat
        completions (see :class:`~llm_connector.MockServer`).

        Unlike the network constructors, ``max_retries`` defaults to 0: a scripted error
        reply is raised to the caller as scripted (at once, without backoff waits) instead
        of being retried into the next reply. With ``max_retries`` set, retries behave as
        against a real server: each retry is a new request and takes the next reply.""",
        "https://mock.llm-connector.invalid/v1",
        dialect=dialects.COMPATIBLE,
        requires_api_key=False,
        # count_tokens: as llama.cpp's (its OpenAI wire answers /messages/count_tokens)
        capabilities=Capabilities(embeddings=True, count_tokens=True),
        constructor="mock",
        mock=MockWire("openai", "/v1"),
    ),
)

#: Every provider by name.
PROVIDERS: Mapping[str, ProviderSpec] = {row.name: row for row in _ROWS}


def provider(name: str) -> ProviderSpec:
    """The row of ``name``; raises RequestValidationError naming the known providers."""
    try:
        return PROVIDERS[name]
    except KeyError:
        known = ", ".join(sorted(PROVIDERS))
        raise RequestValidationError(
            "provider", f"unknown provider {name!r}; the providers are: {known}"
        ) from None


def _preset_key(name: str) -> str:
    return name.lower().replace("-", "").replace(".", "").replace(" ", "")


def compatible_preset(name: str) -> str | None:
    """The row ``openai_compatible(..., name=name)`` stands for, if ``name`` is a preset."""
    row = PROVIDERS.get(_preset_key(name))
    return row.name if row is not None and row.compatible_preset else None


def nearest_presets(name: str) -> list[str]:
    """The presets ``name`` looks like a misspelling of ("grok": ["groq"]), nearest first;
    for the error of ``openai_compatible(name=...)`` without a base URL (issue 25)."""
    presets = [row.name for row in _ROWS if row.compatible_preset]
    return difflib.get_close_matches(_preset_key(name), presets, n=3, cutoff=0.6)
