"""How a request's reasoning settings (``reasoning_effort``, ``thinking_budget``) become
a provider's fields, for the protocols that share the switches (OpenAI chat dialects,
DashScope's native API, Ollama): pure.
"""

from __future__ import annotations

import logging
from typing import Any, Literal, TypeAlias

from llm_connector.types import ChatRequest

logger = logging.getLogger("llm_connector")

#: How a request switches reasoning on or off and sets its effort:
#: - "reasoning_effort": OpenAI's ``reasoning_effort`` string (a budget maps onto a level);
#: - "thinking_type": ``thinking: {"type": "enabled" | "disabled"}`` (Zhipu, Volcengine,
#:   DeepSeek, Moonshot, Xiaomi MiMo), plus ``reasoning_effort`` where the dialect takes it;
#: - "enable_thinking": ``enable_thinking: bool`` and ``thinking_budget`` (DashScope,
#:   SiliconFlow);
#: - "reasoning_object": OpenRouter's ``reasoning: {"effort" | "max_tokens"}``;
#: - "none": the provider switches reasoning by model alone; the settings are not sent.
ThinkingSwitch: TypeAlias = Literal[
    "reasoning_effort", "thinking_type", "enable_thinking", "reasoning_object", "none"
]


# Without a native thinking budget, a budget maps onto OpenAI's effort levels. The
# thresholds follow the budgets the effort levels roughly correspond to on models that
# accept both (Anthropic and Gemini document 1024 as the smallest useful budget).
_BUDGET_TO_EFFORT: tuple[tuple[int, str], ...] = ((0, "none"), (1024, "low"), (8192, "medium"))


def effort_for_budget(budget: int) -> str:
    """The ``reasoning_effort`` a thinking budget stands for.

    0 is none, up to 1024 low, up to 8192 medium, more is high.
    """
    for ceiling, effort in _BUDGET_TO_EFFORT:
        if budget <= ceiling:
            return effort
    return "high"


def thinking_fields(
    request: ChatRequest,
    switch: ThinkingSwitch,
    *,
    effort_with_thinking: bool = False,
    provider: str = "",
) -> dict[str, Any]:
    """The fields that switch reasoning on or off, in the terms of ``switch`` (see
    ThinkingSwitch). ``reasoning_effort`` "none" or a budget of 0 switch it off.
    ``effort_with_thinking``: the provider takes ``reasoning_effort`` beside a
    "thinking_type" switch; ``provider`` names it in the log line of a "none" switch."""
    effort = request.reasoning_effort
    budget = request.thinking_budget
    if effort is None and budget is None:
        return {}
    off = effort == "none" or (effort is None and budget == 0)
    level = effort if effort is not None else effort_for_budget(budget or 0)
    if switch == "reasoning_effort":
        return {"reasoning_effort": level}
    if switch == "thinking_type":
        fields: dict[str, Any] = {"thinking": {"type": "disabled" if off else "enabled"}}
        if effort_with_thinking and not off and effort is not None:
            fields["reasoning_effort"] = effort
        return fields
    if switch == "enable_thinking":
        fields = {"enable_thinking": not off}
        if budget and not off:
            fields["thinking_budget"] = budget
        return fields
    if switch == "reasoning_object":
        # https://openrouter.ai/docs/use-cases/reasoning-tokens: a budget or an effort.
        if budget and effort is None:
            return {"reasoning": {"max_tokens": budget}}
        return {"reasoning": {"effort": level}}
    logger.debug("%s: not sending the reasoning settings (chosen by model)", provider)
    return {}
