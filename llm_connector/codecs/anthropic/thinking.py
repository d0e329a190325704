"""How a request's reasoning and sampling knobs become Anthropic's fields (pure): a
thinking budget or adaptive thinking with an effort setting, per model (``models.py`` says
which model takes what, with its sources), and ``temperature`` / ``top_p`` / ``top_k`` as
the model and thinking allow them, refused where the API answers 400."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from llm_connector.errors import RequestValidationError

if TYPE_CHECKING:
    from llm_connector.codecs.anthropic.models import ModelRules
    from llm_connector.types import ChatRequest

__all__ = [
    "EFFORT_BUDGETS",
    "EFFORT_LEVELS",
    "MIN_THINKING_BUDGET",
    "effort_level",
    "sampling",
    "thinking_config",
]

logger = logging.getLogger("llm_connector")

#: Anthropic's smallest thinking budget:
#: https://platform.claude.com/docs/en/build-with-claude/extended-thinking#working-with-thinking-budgets
MIN_THINKING_BUDGET = 1024

#: ``reasoning_effort`` as a thinking budget. "none" turns thinking off; "minimal" and "low"
#: are Anthropic's minimum; the others grow to 32K, above which Anthropic advises batch
#: processing (same page). Each maps back to its effort through openai_chat.effort_for_budget.
EFFORT_BUDGETS: Mapping[str, int] = {
    "none": 0,
    "minimal": 1024,
    "low": 1024,
    "medium": 8192,
    "high": 16384,
    "xhigh": 32768,
}

#: ``reasoning_effort`` as an effort level (``output_config.effort``); "none" is thinking off.
EFFORT_LEVELS: Mapping[str, str] = {
    "minimal": "low",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "xhigh": "xhigh",
}


def effort_level(request: ChatRequest, rules: ModelRules) -> str | None:
    """The effort level for a model that takes one: the asked level, or the model's highest
    when it has not that one (``xhigh`` on Opus 4.6 is its ``max``; on Opus 4.5, ``high``)."""
    effort = request.reasoning_effort
    if effort is None or effort == "none" or not rules.efforts:
        return None
    level = EFFORT_LEVELS[effort]
    if level in rules.efforts:
        return level
    return "max" if "max" in rules.efforts else rules.efforts[-1]


def thinking_config(request: ChatRequest, rules: ModelRules) -> dict[str, Any] | None:
    """``thinking`` from the budget, else from ``reasoning_effort``: adaptive thinking on the
    models that think so (the effort setting then says how much), else a budget
    (EFFORT_BUDGETS). The rules and their sources are in ``models.py``."""
    budget = request.thinking_budget
    if budget is None and request.reasoning_effort is not None:
        if request.reasoning_effort != "none" and rules.adaptive:
            return {"type": "adaptive"}
        budget = EFFORT_BUDGETS[request.reasoning_effort]
    if budget is None:
        return None
    if budget == 0:
        return {"type": "disabled"}
    if budget < MIN_THINKING_BUDGET:
        raise RequestValidationError(
            "thinking_budget", f"Anthropic's smallest budget is {MIN_THINKING_BUDGET}, got {budget}"
        )
    return {"type": "enabled", "budget_tokens": budget}


def sampling(request: ChatRequest, rules: ModelRules, *, thinking_on: bool) -> dict[str, Any]:
    """``temperature``, ``top_p`` and ``top_k`` as the model and thinking take them: a value
    the API rejects is refused here, naming the field; a value it only tolerates on the
    models that have fixed sampling (temperature 1, top_p of 0.99 or more) is not sent."""
    temperature, top_p, top_k = request.temperature, request.top_p, request.top_k
    if temperature is not None and temperature > 1:
        # https://platform.claude.com/docs/en/api/messages#body-temperature
        raise RequestValidationError(
            "temperature", f"Anthropic takes 0.0 to 1.0, got {temperature}"
        )
    model = request.model
    if rules.fixed_sampling:
        # The Messages spec's deprecation of the three fields (CreateMessageParams,
        # x-stainless-deprecation-message): "Models released after Claude Opus 4.6 do not
        # support setting temperature. A value of 1.0 will be accepted ... top_p ... >= 0.99
        # ... top_k; any value will be rejected with a 400 error."
        if temperature is not None and temperature != 1:
            raise RequestValidationError(
                "temperature", f"{model} takes no temperature but 1.0, got {temperature}"
            )
        if top_p is not None and top_p < 0.99:
            raise RequestValidationError("top_p", f"{model} takes no top_p under 0.99, got {top_p}")
        if top_k is not None:
            raise RequestValidationError("top_k", f"{model} takes no top_k")
        dropped = [n for n, v in (("temperature", temperature), ("top_p", top_p)) if v is not None]
        if dropped:
            logger.debug("anthropic: not sending %s (%s samples at its own)", dropped, model)
        return {}
    if rules.one_of_temperature_top_p and temperature is not None and top_p is not None:
        # https://platform.claude.com/docs/en/api/messages#body-top-p: "either alter
        # temperature or top_p, but not both"; these models answer 400 when both are set.
        raise RequestValidationError("top_p", f"{model} takes temperature or top_p, not both")
    if thinking_on and rules.known:
        # "Thinking isn't compatible with temperature or top_k modifications ... When thinking
        # is enabled, you can set top_p to values between 1 and 0.95":
        # https://platform.claude.com/docs/en/build-with-claude/extended-thinking#feature-compatibility
        if temperature is not None and temperature != 1:
            raise RequestValidationError(
                "temperature",
                f"with thinking on, Anthropic takes temperature 1 only, got {temperature}",
            )
        if top_k is not None:
            raise RequestValidationError("top_k", "with thinking on, Anthropic takes no top_k")
        if top_p is not None and top_p < 0.95:
            raise RequestValidationError(
                "top_p", f"with thinking on, Anthropic takes top_p from 0.95 to 1, got {top_p}"
            )
    return {"temperature": temperature, "top_p": top_p, "top_k": top_k}
