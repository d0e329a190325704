"""What a Claude model takes, read from its id (pure): the effort setting, adaptive
thinking, and which sampling parameters it refuses.

The API has no request field that says what a model takes, so the rules are by model id,
from Anthropic's documents and its official SDK (anthropic 2.17.0, API version
2026-10-21):

- **Effort** (``output_config.effort``: ``low``, ``medium``, ``high``, ``xhigh``, ``max``;
  the spec's ``OutputConfig`` / ``EffortLevel`` schemas): the effort page lists the models
  that take it, Claude Opus 4.5, Opus 4.6, Sonnet 4.6, Mythos Preview, Opus 4.7, Opus 4.8
  and every Claude 5 model (and not Haiku 4.5 or anything older):
  https://platform.claude.com/docs/en/build-with-claude/effort. ``xhigh`` is listed for
  Opus 4.7, Opus 4.8 and the Claude 5 models but Haiku, ``max`` also for Opus 4.6, Sonnet 4.6 and
  Mythos Preview; Opus 4.5 goes up to ``high``.
- **Adaptive thinking** (``thinking: {"type": "adaptive"}``) is how the effort models from
  Opus 4.6 on think; a manual ``budget_tokens`` is deprecated there (the SDK warns on
  ``thinking.type=enabled`` for Opus 4.6, ``_data/models_to_warn_with_thinking_enabled.py``)
  and rejected from Opus 4.7 on:
  https://platform.claude.com/docs/en/build-with-claude/adaptive-thinking. Opus 4.5 takes
  the effort setting beside a manual budget, and older models only a budget:
  https://platform.claude.com/docs/en/build-with-claude/extended-thinking.
- **Sampling.** The published Messages spec (``CreateMessageParams`` ``temperature``,
  ``top_p``, ``top_k``: ``x-stainless-deprecation-message``) says models released after
  Claude Opus 4.6 accept ``temperature`` only at 1.0, ``top_p`` only at 0.99 or more, and
  no ``top_k``; the SDK's newest ``messages.create`` no longer offers the three. Those
  models are the Opus 4.7 generation on (Sonnet 4.6, of the Opus 4.6 generation, still
  takes them). From Claude Opus 4.1 to the Opus 4.6 generation, ``temperature`` and
  ``top_p`` may not both be set ("You should either alter temperature or top_p, but not
  both": https://platform.claude.com/docs/en/api/messages#body-top-p; the API answers 400
  "`temperature` and `top_p` cannot both be specified for this model").
"""

from __future__ import annotations

import re

import attrs

__all__ = ["ModelRules", "model_rules"]

# "claude-opus-4-6", "claude-sonnet-4-5-20250929", "claude-opus-4-6@20260205" (Vertex),
# "us.anthropic.claude-opus-4-7-v1:0" (Bedrock), "claude-3-7-sonnet-20250219" (old order).
_NEW_ID = re.compile(r"claude-([a-z]+)-(\d+)(?:-(\d{1,2}))?(?![0-9])")
_OLD_ID = re.compile(r"claude-(\d+)(?:-(\d{1,2}))?-([a-z]+)")


@attrs.frozen
class ModelRules:
    """What one Claude model takes (see the module docstring for the sources)."""

    #: The effort levels it takes in ``output_config.effort``, lowest first; empty: none.
    efforts: tuple[str, ...] = ()
    #: It thinks adaptively (``thinking: {"type": "adaptive"}``) rather than by budget.
    adaptive: bool = False
    #: It refuses sampling settings (temperature other than 1, top_p under 0.99, top_k).
    fixed_sampling: bool = False
    #: It refuses ``temperature`` and ``top_p`` together.
    one_of_temperature_top_p: bool = False
    #: A Claude model this table knows: Anthropic's rules for sampling with thinking on
    #: apply. False for another server's model names (LongCat, llama.cpp), sent as given.
    known: bool = True
    #: It takes a JSON schema as ``output_config.format`` (structured outputs: Opus 4.1,
    #: Sonnet 4.5, Haiku 4.5 and every later model); older ones are asked through a forced
    #: tool (codecs/anthropic/structured.py).
    #: https://platform.claude.com/docs/en/build-with-claude/structured-outputs
    structured_output: bool = True


_UP_TO_HIGH = ("low", "medium", "high")
_UP_TO_MAX = ("low", "medium", "high", "max")
_UP_TO_XHIGH = ("low", "medium", "high", "xhigh", "max")

#: An id this table does not know (another server's model names): sent as given.
_UNKNOWN = ModelRules(known=False)


def model_rules(model: str) -> ModelRules:
    """The rules for a model id (an unknown id gets none: the request is sent as given)."""
    model = model.lower()
    if "claude-mythos-preview" in model:
        return ModelRules(_UP_TO_MAX, adaptive=True, fixed_sampling=True)
    match = _NEW_ID.search(model)
    if match is None:
        old = _OLD_ID.search(model)
        if old is None:
            return _UNKNOWN
        # Claude 3.x: budgets only, every sampling setting, no structured outputs.
        return ModelRules(structured_output=False)
    family, major, minor = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    if major >= 5 and family == "haiku":  # the effort page lists no xhigh or max for it
        return ModelRules(_UP_TO_HIGH, adaptive=True, fixed_sampling=True)
    if major >= 5:
        return ModelRules(_UP_TO_XHIGH, adaptive=True, fixed_sampling=True)
    if major != 4:
        return _UNKNOWN
    if family == "opus" and minor >= 7:
        return ModelRules(_UP_TO_XHIGH, adaptive=True, fixed_sampling=True)
    if minor == 6:  # Opus 4.6, Sonnet 4.6
        return ModelRules(_UP_TO_MAX, adaptive=True, one_of_temperature_top_p=True)
    if family == "opus" and minor == 5:
        return ModelRules(_UP_TO_HIGH, one_of_temperature_top_p=True)
    # Opus 4.1, Sonnet 4.5, Haiku 4.5 refuse both; Opus 4 and Sonnet 4 (4.0) take both,
    # and have no structured outputs.
    return ModelRules(one_of_temperature_top_p=minor >= 1, structured_output=minor >= 1)
