"""The dialects of the providers that speak another provider's protocol: how each differs
from api.openai.com (OpenAI chat completions) or api.anthropic.com (the Messages API).
The provider rows (``table.py``) name them.

Each setting links the provider document it follows. What every knob means is in the
protocol's ``dialect.py`` (``codecs/openai_chat/``, ``codecs/anthropic/``). Reasoning
*arriving* needs no setting: ``reasoning_content``, ``reasoning``, OpenRouter's
``reasoning_details`` and Mistral's typed ``thinking`` parts are read wherever they appear
(``codecs/openai_chat/parse.py``); only ``<think>`` tags inside the answer text are a
per-provider choice (``think_tags``), because text cannot say by itself whether a leading
``<think>`` is reasoning or the answer.
"""

from __future__ import annotations

from llm_connector.codecs.anthropic.dialect import AnthropicDialect
from llm_connector.codecs.openai_chat.dialect import (
    COMPATIBLE_DIALECT,
    OPENAI_DIALECT,
    OpenAIDialect,
)

# The protocol's reference dialects: api.openai.com, and a server that says nothing more.
OPENAI = OPENAI_DIALECT
COMPATIBLE = COMPATIBLE_DIALECT

# DeepSeek: thinking on/off with {"thinking": {"type"}} and the effort as reasoning_effort;
# in thinking mode the reasoning of a turn that called tools must come back in every later
# request (400 otherwise), and is ignored for turns without tools:
# https://api-docs.deepseek.com/guides/thinking_mode
# The parameters it takes (no top_k): https://api-docs.deepseek.com/api/create-chat-completion
# That reference gives a message's content as a string only, with no image parts: a
# request with an image is answered 400, so it is refused before it is sent.
# JSON output is json_object only, with "json" in the prompt:
# https://api-docs.deepseek.com/guides/json_mode
DEEPSEEK = OpenAIDialect(
    name="deepseek",
    thinking="thinking_type",
    effort_with_thinking=True,
    reasoning_round_trip="tool_turns",
    rejected_fields=frozenset({"top_k"}),
    images=False,
    json_schema=False,
)

# Moonshot / Kimi: kimi-k2-thinking always thinks; kimi-k2.5+ switch with {"thinking":
# {"type"}}; reasoning_content must stay in the context, and a tool-call message without it
# is refused ("reasoning_content is missing in assistant tool call message"):
# https://platform.moonshot.ai/docs/guide/use-kimi-k2-thinking-model
# JSON mode is json_object: https://platform.moonshot.ai/docs/guide/use-json-mode-feature-of-kimi-api
MOONSHOT = OpenAIDialect(
    name="moonshot",
    thinking="thinking_type",
    effort_with_thinking=True,
    reasoning_round_trip="always",
    rejected_fields=frozenset({"top_k"}),
    json_schema=False,
)

# Zhipu GLM (open.bigmodel.cn) and Z.ai share one API, /api/paas/v4:
# https://docs.bigmodel.cn/api-reference/%E6%A8%A1%E5%9E%8B-api/%E5%AF%B9%E8%AF%9D%E8%A1%A5%E5%85%A8
# - thinking: {"type": "enabled" | "disabled"}; interleaved thinking wants the reasoning
#   returned with tool results, preserved thinking wants all of it back:
#   https://docs.bigmodel.cn/cn/guide/capabilities/thinking-mode
# - GLM-Z1 models write their reasoning into the content inside <think> tags (same page as
#   the API reference, message.content);
# - tool_choice: only "auto"; the caller id is user_id; no penalties, seed or top_k.
# - structured output is json_object: https://docs.bigmodel.cn/cn/guide/capabilities/struct-output
ZHIPU = OpenAIDialect(
    name="zhipu",
    thinking="thinking_type",
    reasoning_round_trip="always",
    think_tags=True,
    tool_choices=frozenset({"auto"}),
    json_schema=False,
    renamed_fields=(("user", "user_id"),),
    rejected_fields=frozenset(
        {"top_k", "seed", "presence_penalty", "frequency_penalty", "parallel_tool_calls"}
    ),
)

# DashScope's OpenAI-compatible mode: enable_thinking and thinking_budget switch Qwen3's
# reasoning (https://help.aliyun.com/zh/model-studio/deep-thinking); top_k and seed are
# taken (https://help.aliyun.com/zh/model-studio/use-qwen-by-calling-api).
DASHSCOPE_COMPATIBLE = OpenAIDialect(name="aliyun_openai_compatible", thinking="enable_thinking")

# Volcengine Ark (Doubao): thinking {"type": "enabled" | "disabled" | "auto"}
# (https://www.volcengine.com/docs/82379/1449737); the chat API's parameters have no seed,
# top_k or user (https://www.volcengine.com/docs/82379/1494384).
VOLCENGINE = OpenAIDialect(
    name="volcengine",
    thinking="thinking_type",
    rejected_fields=frozenset({"top_k", "seed", "user"}),
)

# Xiaomi MiMo: thinking.type; a tool-call turn's reasoning_content must come back (400
# otherwise) and keeping all of it is recommended:
# https://mimo.mi.com/docs/en-US/quick-start/usage-guide/other/deep-thinking
# It documents max_completion_tokens:
# https://platform.xiaomimimo.com/docs/en-US/quick-start/first-api-call
XIAOMI = OpenAIDialect(
    name="xiaomi",
    max_tokens_field="max_completion_tokens",
    thinking="thinking_type",
    reasoning_round_trip="always",
    rejected_fields=frozenset({"top_k"}),
)

# Tencent Hunyuan's OpenAI-compatible API (https://cloud.tencent.com/document/product/1729/111007):
# reasoning_content in a request message is an error (models.py of the official SDK,
# Message.ReasoningContent: "请求 messages 的请求参数中包含 reasoning_content，接口将报错"),
# so it is never sent back; enable_thinking switches hunyuan-a13b's reasoning, which has
# no budget.
HUNYUAN_COMPATIBLE = OpenAIDialect(
    name="tencent_openai_compatible",
    thinking="enable_thinking",
    rejected_fields=frozenset({"top_k", "thinking_budget"}),
)

# Azure OpenAI: OpenAI's models and parameters; the deployment is in the path and the
# api-version a query parameter, or the /openai/v1 form without either:
# https://learn.microsoft.com/azure/ai-foundry/openai/reference
# https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle
# Its chat completions take safety_identifier and prompt_cache_key as OpenAI's do, with
# user deprecated the same way:
# https://learn.microsoft.com/azure/ai-foundry/openai/latest (Chat - Create, Responses - Create)
AZURE_OPENAI = OpenAIDialect(
    name="azure_openai",
    max_tokens_field="max_completion_tokens",
    top_k=False,
    user_field="safety_identifier",
    end_user_ids=True,
    deployment_paths=True,
)

# -- services reached through openai_compatible(api_key, base_url, name) -------------------

# OpenRouter: reasoning is asked for with reasoning: {effort | max_tokens} and arrives as
# delta.reasoning with reasoning_details beside it:
# https://openrouter.ai/docs/use-cases/reasoning-tokens
OPENROUTER = OpenAIDialect(name="openrouter", thinking="reasoning_object")

# Groq: reasoning_effort; reasoning_format defaults to "raw" (the reasoning inside <think>
# tags in the content) for models other than gpt-oss: https://console.groq.com/docs/reasoning
# No top_k: https://console.groq.com/docs/openai#currently-unsupported-openai-features
GROQ = OpenAIDialect(name="groq", think_tags=True, rejected_fields=frozenset({"top_k"}))

# Mistral: extra fields are refused (422); the seed is random_seed; no stream_options (the
# usage rides on the last chunk): https://docs.mistral.ai/api/#tag/chat
# Magistral reasons by model, streaming thinking as typed content parts:
# https://docs.mistral.ai/capabilities/reasoning/
MISTRAL = OpenAIDialect(
    name="mistral",
    stream_usage=False,
    thinking="none",
    renamed_fields=(("seed", "random_seed"),),
    rejected_fields=frozenset({"top_k", "user"}),
)

# xAI: reasoning_effort on the models that take it: https://docs.x.ai/docs/guides/reasoning
XAI = OpenAIDialect(name="xai", rejected_fields=frozenset({"top_k"}))

# SiliconFlow: enable_thinking and thinking_budget:
# https://docs.siliconflow.cn/cn/api-reference/chat-completions/chat-completions
SILICONFLOW = OpenAIDialect(name="siliconflow", thinking="enable_thinking")

# LongCat's OpenAI endpoint: reasoning by model (LongCat-Flash-Thinking):
# https://longcat.chat/platform/docs/
LONGCAT = OpenAIDialect(name="longcat", thinking="none")

# MiniMax M2 writes its reasoning into the content inside <think> tags on the
# OpenAI-compatible API: https://platform.minimax.io/docs/api-reference/text-openai-api
MINIMAX = OpenAIDialect(name="minimax", think_tags=True, rejected_fields=frozenset({"top_k"}))


# -- servers speaking Anthropic's Messages API ---------------------------------------------

# LongCat documents POST /anthropic/v1/messages only, with text input only:
# https://longcat.chat/platform/docs/api/messages.html
LONGCAT_DIALECT = AnthropicDialect(
    "longcat_anthropic", media=False, file_ids=False, models=False, count_tokens=False
)


# Vertex AI: version "vertex-2023-10-16" in the body (the row's api_version sets it); no URL
# sources (answers "URL sources are not supported"), no Files API, no model listing; token
# counting at models/count-tokens:rawPredict, as Anthropic's SDK sends it
# (lib/vertex/_client.py).
VERTEX_DIALECT = AnthropicDialect(
    "anthropic_vertex",
    vertex=True,
    version="vertex-2023-10-16",
    url_sources=False,
    file_ids=False,
    models=False,
)
