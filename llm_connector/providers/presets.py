"""The rows of the services reached as ``openai_compatible(api_key, base_url, name)``: one
preset each (its official URL, dialect, key variables, capabilities and mock path), in the
table's order (``table.py`` puts them among its rows). Apart from the table so that each
file reads as one kind of provider.
"""

from __future__ import annotations

from llm_connector.codecs.openai_chat.dialect import OpenAIDialect
from llm_connector.providers import dialects
from llm_connector.providers.spec import Capabilities, MockWire, ProviderSpec

__all__ = ["CHAT", "LOCAL", "OPENAI_WIRE", "PRESET_ROWS"]

# What most OpenAI-compatible services offer through chat completions.
CHAT = Capabilities()
LOCAL = Capabilities(embeddings=True, responses=True)
OPENAI_WIRE = MockWire("openai", "/v1")


def _compatible(
    name: str,
    doc: str,
    url: str,
    dialect: OpenAIDialect,
    *keys: str,
    capabilities: Capabilities = CHAT,
    mock: MockWire = OPENAI_WIRE,
    requires_api_key: bool = True,
) -> ProviderSpec:
    """A service reached as ``openai_compatible(..., name=name)``, speaking OpenAI chat
    completions in ``dialect``."""
    return ProviderSpec(
        name,
        "openai_chat",
        doc,
        url,
        dialect=dialect,
        api_key_env=keys,
        requires_api_key=requires_api_key,
        capabilities=capabilities,
        constructor=None,
        via="openai_compatible",
        mock=mock,
    )


PRESET_ROWS: tuple[ProviderSpec, ...] = (
    # https://openrouter.ai/docs/api-reference/authentication; it serves /responses
    # (recorded: tests/data/openai-responses/openrouter-*).
    _compatible(
        "openrouter",
        "OpenRouter: many providers' models behind one key.",
        "https://openrouter.ai/api/v1",
        dialects.OPENROUTER,
        "OPENROUTER_API_KEY",
        capabilities=Capabilities(responses=True),
        mock=MockWire("openai", "/api/v1"),
    ),
    # https://console.groq.com/docs/openai
    _compatible(
        "groq",
        "Groq: open models on Groq's LPUs.",
        "https://api.groq.com/openai/v1",
        dialects.GROQ,
        "GROQ_API_KEY",
        capabilities=CHAT,
        mock=MockWire("openai", "/openai/v1"),
    ),
    # https://docs.mistral.ai/api/
    _compatible(
        "mistral",
        "Mistral AI: Mistral, Magistral and Codestral models.",
        "https://api.mistral.ai/v1",
        dialects.MISTRAL,
        "MISTRAL_API_KEY",
        capabilities=Capabilities(embeddings=True),
    ),
    # https://docs.x.ai/docs/api-reference; it serves /responses, unstored (no
    # previous_response_id), as gateways document: https://ngrok.com/docs/ai-gateway/providers/xai
    _compatible(
        "xai",
        "xAI: Grok models.",
        "https://api.x.ai/v1",
        dialects.XAI,
        "XAI_API_KEY",
        capabilities=Capabilities(responses=True),
    ),
    # https://docs.siliconflow.cn/cn/userguide/quickstart
    _compatible(
        "siliconflow",
        "SiliconFlow: open models served in China.",
        "https://api.siliconflow.cn/v1",
        dialects.SILICONFLOW,
        "SILICONFLOW_API_KEY",
        capabilities=Capabilities(embeddings=True),
    ),
    # https://longcat.chat/platform/docs/ (OpenAI format: /openai/v1/chat/completions)
    _compatible(
        "longcat",
        "LongCat (Meituan), its OpenAI-compatible endpoint.",
        "https://api.longcat.chat/openai/v1",
        dialects.LONGCAT,
        "LONGCAT_API_KEY",
        capabilities=Capabilities(vision=False, models=False),
        mock=MockWire("openai", "/openai/v1"),
    ),
    # https://platform.minimax.io/docs/api-reference/text-openai-api
    _compatible(
        "minimax",
        "MiniMax: the MiniMax-M models, reasoning inside <think> tags.",
        "https://api.minimax.io/v1",
        dialects.MINIMAX,
        "MINIMAX_API_KEY",
        capabilities=Capabilities(models=False),
    ),
    # Local servers, at their documented default ports; a key only if started with one.
    # https://inference.readthedocs.io/en/latest/getting_started/using_xinference.html
    _compatible(
        "xinference",
        "Xorbits Inference, a local server.",
        "http://127.0.0.1:9997/v1",
        dialects.COMPATIBLE,
        requires_api_key=False,
        capabilities=Capabilities(embeddings=True),
    ),
    # https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html
    _compatible(
        "vllm",
        "vLLM, a local server (its reasoning parsers fill ``reasoning``).",
        "http://localhost:8000/v1",
        dialects.COMPATIBLE,
        "VLLM_API_KEY",
        requires_api_key=False,
        capabilities=LOCAL,
    ),
    # https://github.com/ggml-org/llama.cpp/tree/master/tools/server (/v1/responses too:
    # tests/e2e/test_llama_responses.py uses it)
    _compatible(
        "llamacpp",
        "llama.cpp's server, local.",
        "http://localhost:8080/v1",
        dialects.COMPATIBLE,
        "LLAMACPP_API_KEY",
        requires_api_key=False,
        # count_tokens: its Anthropic endpoint, /v1/messages/count_tokens (tests/e2e)
        capabilities=Capabilities(embeddings=True, responses=True, count_tokens=True),
    ),
    # https://lmstudio.ai/docs/app/api/endpoints/openai (/v1/responses too: recorded,
    # tests/data/openai-responses/lmstudio-tool-call.sse)
    _compatible(
        "lmstudio",
        "LM Studio's local server.",
        "http://localhost:1234/v1",
        dialects.COMPATIBLE,
        requires_api_key=False,
        capabilities=LOCAL,
    ),
)
