"""How one OpenAI-compatible server differs from api.openai.com: the dialect knobs.

A provider row (``providers/table.py``) names a dialect (the values are in
``providers/dialects.py``); the request builder (``request.py``), the stream
decoder and the response parser read its knobs. Every knob defaults to what
api.openai.com does, so an unknown server gets plain OpenAI chat completions.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

from llm_connector.codecs.reasoning import ThinkingSwitch
from llm_connector.types._value import FrozenValue

#: When an assistant turn's ``reasoning_content`` is sent back in later requests:
#: - "never": the provider rejects or ignores it (OpenAI rejects the unknown field);
#: - "tool_turns": only for the assistant messages of a user turn in which the model called
#:   tools (DeepSeek's thinking mode requires exactly those and ignores the rest);
#: - "always": every assistant message that has reasoning (Moonshot, Zhipu, Xiaomi MiMo).
ReasoningRoundTrip: TypeAlias = Literal["never", "tool_turns", "always"]


@attrs.frozen(repr=False, eq=False)
class OpenAIDialect(FrozenValue):
    """How one OpenAI-compatible server differs from api.openai.com.

    Each knob names the behaviour it covers; provider rows in ``providers/table.py`` pick a
    dialect from ``providers/dialects.py``, where every setting links its provider doc.
    """

    #: The provider's name, for log lines and error messages.
    name: str = "openai_compatible"
    # OpenAI deprecated ``max_tokens`` for ``max_completion_tokens``, and its reasoning
    # models reject the old name (see the recorded 400 "Unsupported parameter: 'max_tokens'").
    # https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_completion_tokens
    # Most compatible servers only know ``max_tokens``.
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    # Ask for the usage-only final chunk: https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
    stream_usage: bool = True
    #: Which assistant turns carry their ``reasoning_content`` back (see ReasoningRoundTrip).
    reasoning_round_trip: ReasoningRoundTrip = "never"
    # OpenAI has no top_k and rejects unknown parameters; vLLM, llama.cpp, SGLang and most
    # compatible servers take it: https://docs.vllm.ai/en/latest/api/vllm/sampling_params.html
    top_k: bool = True
    #: How reasoning is switched on (see ThinkingSwitch).
    thinking: ThinkingSwitch = "reasoning_effort"
    #: Whether ``reasoning_effort`` is accepted beside a "thinking_type" switch.
    effort_with_thinking: bool = False
    #: Request fields the provider rejects: left out of the body (logged at DEBUG), so that
    #: a request known to fail is never sent. ``extra_body`` is the caller's and is kept.
    rejected_fields: frozenset[str] = frozenset()
    # End-user ids. OpenAI deprecated ``user`` in favour of ``safety_identifier`` (abuse
    # detection) and ``prompt_cache_key`` (cache bucketing); its reference marks ``user``
    # deprecated and documents the two:
    # https://platform.openai.com/docs/api-reference/chat/create#chat-create-user
    # https://platform.openai.com/docs/guides/safety-best-practices#safety-identifiers
    # https://platform.openai.com/docs/guides/prompt-caching
    # Compatible servers document ``user`` (or nothing: see rejected_fields and
    # renamed_fields), not the two newer fields.
    #: Where ``ChatRequest.user`` is sent: as ``user``, or as ``safety_identifier`` (an
    #: explicit ``safety_identifier`` wins, and ``user`` is then not sent).
    user_field: Literal["user", "safety_identifier"] = "user"
    #: Whether ``safety_identifier`` and ``prompt_cache_key`` are documented; where not,
    #: they are left out of the body (logged at DEBUG), as ``rejected_fields`` are.
    end_user_ids: bool = False
    #: Fields the provider spells differently, as (OpenAI's name, the provider's) pairs.
    renamed_fields: tuple[tuple[str, str], ...] = ()
    #: The ``tool_choice`` modes the provider accepts (None: all); another is refused
    #: before anything is sent.
    tool_choices: frozenset[str] | None = None
    #: Whether messages may carry image parts; where not, a request with one is refused
    #: before it is sent (the provider answers it with a 400), naming the part.
    images: bool = True
    #: Whether ``response_format`` may be a JSON schema; where not, a schema is asked as
    #: JSON mode (``json_object``) with the schema in a system message (request.py).
    json_schema: bool = True
    #: Move ``<think>...</think>`` at the start of the answer text into the reasoning
    #: (think_tags.py), for providers documented to inline reasoning in the content.
    think_tags: bool = False
    #: The prompt template opens the think block, so the answer starts inside it.
    think_tags_implicit_open: bool = False
    #: Azure OpenAI: the model names a deployment in the path, and the base URL carries the
    #: ``api-version`` query (``.../openai?api-version=...``); without a query (the
    #: ``/openai/v1`` form) paths are OpenAI's.
    deployment_paths: bool = False
    chat_path: str = "/chat/completions"
    models_path: str = "/models"
    embeddings_path: str = "/embeddings"


OPENAI_DIALECT = OpenAIDialect(
    name="openai",
    max_tokens_field="max_completion_tokens",
    top_k=False,
    user_field="safety_identifier",
    end_user_ids=True,
)
COMPATIBLE_DIALECT = OpenAIDialect()
