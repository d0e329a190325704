"""One constructor per provider, shared by Client and AsyncClient (so their signatures are
the same by construction).

Each constructor is a row of the provider registry (``_providers.py``) given a friendly
signature; every one takes the same keyword options: ``timeout`` (a ``Timeout``, seconds,
or an ``httpx.Timeout``), ``max_retries``, ``headers``, ``proxy``, ``http_client`` (an
``httpx.Client`` for ``Client``, an ``httpx.AsyncClient`` for ``AsyncClient``) and
``hooks`` (a :class:`~llm_connector.Hooks`: callbacks around each HTTP attempt).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import httpx

from llm_connector.calls.retry import DEFAULT_MAX_RETRIES
from llm_connector.calls.timeout import Timeout
from llm_connector.providers.table import compatible_preset, provider_variant
from llm_connector.providers.urls import vertex_base_url
from llm_connector.shells.constructors_compat import CompatConstructors, _options

if TYPE_CHECKING:
    from llm_connector._mock import MockReply, MockServer
    from llm_connector._mock.server import Wire as MockWire
    from llm_connector.calls.hooks import Hooks

_C = TypeVar("_C", bound="ProviderConstructors")

#: A ``timeout=``: a :class:`~llm_connector.Timeout`, seconds, or an ``httpx.Timeout``
#: (see ``Timeout`` for what the last two mean); None is the default ``Timeout()``.
TimeoutOption = Timeout | float | httpx.Timeout | None
Proxy = str | httpx.Proxy | None
#: ``think_tags=`` of openai_compatible: split ``<think>`` blocks off the answer text; with
#: "implicit", the model's output starts inside the block (the template opened it).
ThinkTags = bool | Literal["implicit"] | None


class ProviderConstructors(CompatConstructors):
    """The provider constructors, as classmethods of both clients (the OpenAI-compatible
    and the Chinese providers' are in _constructors_compat.py)."""

    @classmethod
    def openai(
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
        """OpenAI. ``api_key`` defaults to ``$OPENAI_API_KEY``, ``base_url`` to
        ``$OPENAI_BASE_URL`` or ``https://api.openai.com/v1``."""
        return cls._from_registry(
            "openai",
            api_key,
            base_url,
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def openai_compatible(
        cls: type[_C],
        api_key: str | None = None,
        base_url: str | None = None,
        name: str = "openai_compatible",
        *,
        think_tags: ThinkTags = None,
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """Any server that speaks OpenAI chat completions at ``base_url`` (e.g.
        ``http://localhost:8080/v1``). The key is optional; ``name`` labels the client.

        A ``name`` the registry knows picks that service's dialect, official URL and key
        variable: "openrouter", "groq", "mistral", "xai", "siliconflow", "longcat",
        "minimax", "xinference", "vllm", "llamacpp", "lmstudio" (README, Providers).

        ``think_tags=True`` moves a ``<think>...</think>`` block at the start of each answer
        into ``reasoning_content`` (for servers that leave reasoning in the text);
        ``"implicit"`` when the prompt template opens the block, so that only
        ``</think>`` appears; ``False`` turns it off for a preset that has it on.
        """
        row = compatible_preset(name) or "openai_compatible"
        knobs: dict[str, Any] = {}
        if think_tags is not None:
            knobs = {
                "think_tags": bool(think_tags),
                "think_tags_implicit_open": think_tags == "implicit",
            }
        return cls._from_registry(
            provider_variant(row, **knobs),
            api_key,
            base_url,
            name=name,
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def anthropic(
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
        """Anthropic's Messages API. ``api_key`` defaults to ``$ANTHROPIC_API_KEY``,
        ``base_url`` to ``$ANTHROPIC_BASE_URL`` or ``https://api.anthropic.com``."""
        return cls._from_registry(
            "anthropic",
            api_key,
            base_url,
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def longcat_anthropic(
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
        """LongCat's Anthropic-compatible endpoint (Bearer auth). ``api_key`` defaults to
        ``$LONGCAT_API_KEY``."""
        return cls._from_registry(
            "longcat_anthropic",
            api_key,
            base_url,
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def anthropic_vertex(
        cls: type[_C],
        project: str | None = None,
        region: str | None = None,
        access_token: str | None = None,
        *,
        base_url: str | None = None,
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """Claude on Google Cloud Vertex AI. ``project`` and ``region`` default to
        ``$ANTHROPIC_VERTEX_PROJECT_ID`` and ``$CLOUD_ML_REGION``; ``access_token`` is an
        OAuth token (``gcloud auth print-access-token``), sent as a Bearer token."""
        return cls._from_registry(
            "anthropic_vertex",
            access_token,
            base_url or vertex_base_url(project, region),
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def google(
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
        """Google Gemini. ``api_key`` defaults to ``$GEMINI_API_KEY`` then
        ``$GOOGLE_API_KEY``; ``base_url`` to
        ``https://generativelanguage.googleapis.com/v1beta``."""
        return cls._from_registry(
            "google",
            api_key,
            base_url,
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def ollama(
        cls: type[_C],
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: TimeoutOption = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: Any = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """Ollama's native API. ``base_url`` defaults to ``$OLLAMA_HOST`` or
        ``http://localhost:11434``; a key (``$OLLAMA_API_KEY``, for hosted Ollama) is
        optional and sent as a Bearer token."""
        return cls._from_registry(
            "ollama",
            api_key,
            base_url,
            **_options(timeout, max_retries, headers, proxy, http_client, hooks),
        )

    @classmethod
    def mock(
        cls: type[_C],
        replies: MockServer | str | MockReply | Sequence[str | MockReply] | None = None,
        *,
        provider: MockWire = "openai",
        model: str = "mock-model",
        responses_api: bool = False,
        timeout: TimeoutOption = None,
        max_retries: int = 0,
        headers: Mapping[str, str] | None = None,
        hooks: Hooks | None = None,
    ) -> _C:
        """An offline client: scripted replies served in a real provider's wire format
        through an in-process transport, so the same codec and stream code run as against
        a server.

        ``provider`` picks the wire and the codec: "openai" (the default), an
        OpenAI-compatible provider with its quirks ("openai_compatible", "deepseek",
        "moonshot", "zhipu", "zhipu_openai_compatible", "aliyun_openai_compatible",
        "volcengine", "xiaomi", "tencent_openai_compatible"), "anthropic", "google",
        "ollama" or "tencent" (Hunyuan's native, signed API). ``replies`` are used in
        order, one per request; the last one repeats. Pass a
        :class:`~llm_connector.MockServer` (which names its own provider) to inspect the
        requests it received.

        ``responses_api=True`` serves OpenAI's Responses API at ``/responses`` (OpenAI wire
        only), so ``invoke_responses`` goes there; otherwise it is answered through chat
        completions (see :class:`~llm_connector.MockServer`).

        Unlike the network constructors, ``max_retries`` defaults to 0: a scripted error
        reply is raised to the caller as scripted (at once, without backoff waits) instead
        of being retried into the next reply. With ``max_retries`` set, retries behave as
        against a real server: each retry is a new request and takes the next reply.
        """
        from llm_connector._mock import MockServer

        server = (
            replies
            if isinstance(replies, MockServer)
            else MockServer(replies, model=model, provider=provider, responses_api=responses_api)
        )
        row, key, name = server.client_row()
        return cls._from_registry(
            row,
            key,
            server.base_url,
            name=name,
            timeout=timeout,
            max_retries=max_retries,
            headers=headers,
            hooks=hooks,
            _transport=server.transport(),
        )
