"""Reasoning effort and sampling by model (codecs/anthropic/models.py has the rules and
their sources): the effort setting (``output_config.effort``) with adaptive thinking on
the models that take it, budgets on the others, and temperature / top_p / top_k refused
or dropped exactly where the API rejects or only tolerates them."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from llm_connector.codecs.anthropic.models import ModelRules, model_rules
from llm_connector.errors import RequestValidationError
from llm_connector.types import ChatRequest, Message, ResponseFormat, ToolChoice
from tests.support.anthropic_requests import WEATHER, body
from tests.support.schemas import validated_request_bodies  # noqa: F401  (autouse)

UP_TO_HIGH = ("low", "medium", "high")
UP_TO_MAX = ("low", "medium", "high", "max")
UP_TO_XHIGH = ("low", "medium", "high", "xhigh", "max")


def ask(model: str, **fields: Any) -> ChatRequest:
    return ChatRequest(model, [Message.user("Hi")], **fields)


@pytest.mark.parametrize(
    ("model", "rules"),
    [
        # No structured outputs before Opus 4.1 / Sonnet 4.5 (a forced tool stands in).
        ("claude-3-7-sonnet-20250219", ModelRules(structured_output=False)),
        ("claude-sonnet-4-20250514", ModelRules(structured_output=False)),
        ("claude-opus-4@20250514", ModelRules(structured_output=False)),
        ("claude-opus-4-1-20250805", ModelRules(one_of_temperature_top_p=True)),
        ("claude-sonnet-4-5-20250929", ModelRules(one_of_temperature_top_p=True)),
        ("claude-haiku-4-5", ModelRules(one_of_temperature_top_p=True)),
        ("claude-opus-4-5-20251101", ModelRules(UP_TO_HIGH, one_of_temperature_top_p=True)),
        (
            "claude-opus-4-6",
            ModelRules(UP_TO_MAX, adaptive=True, one_of_temperature_top_p=True),
        ),
        (
            "claude-sonnet-4-6@20260217",
            ModelRules(UP_TO_MAX, adaptive=True, one_of_temperature_top_p=True),
        ),
        ("claude-mythos-preview", ModelRules(UP_TO_MAX, adaptive=True, fixed_sampling=True)),
        ("claude-opus-4-7", ModelRules(UP_TO_XHIGH, adaptive=True, fixed_sampling=True)),
        (
            "us.anthropic.claude-opus-4-8-v1:0",
            ModelRules(UP_TO_XHIGH, adaptive=True, fixed_sampling=True),
        ),
        ("claude-sonnet-5", ModelRules(UP_TO_XHIGH, adaptive=True, fixed_sampling=True)),
        ("claude-opus-5-5", ModelRules(UP_TO_XHIGH, adaptive=True, fixed_sampling=True)),
        ("claude-haiku-5-5", ModelRules(UP_TO_HIGH, adaptive=True, fixed_sampling=True)),
        ("claude-x", ModelRules(known=False)),
        ("LongCat-Flash-Chat", ModelRules(known=False)),
    ],
)
def test_the_rules_of_each_model(model: str, rules: ModelRules) -> None:
    assert model_rules(model) == rules


# -- reasoning effort ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effort", "level", "max_tokens"),
    [
        ("minimal", "low", 4096 + 1024),
        ("low", "low", 4096 + 1024),
        ("medium", "medium", 4096 + 8192),
        ("high", "high", 4096 + 16384),
        ("xhigh", "xhigh", 4096 + 32768),
    ],
)
def test_effort_is_the_effort_setting_with_adaptive_thinking(
    effort: Any, level: str, max_tokens: int
) -> None:
    assert body(ask("claude-opus-4-7", reasoning_effort=effort)) == {
        "model": "claude-opus-4-7",
        "max_tokens": max_tokens,
        "messages": [{"role": "user", "content": "Hi"}],
        "thinking": {"type": "adaptive"},
        "output_config": {"effort": level},
    }


@pytest.mark.parametrize(
    ("model", "level"),
    [("claude-opus-4-6", "max"), ("claude-sonnet-4-6", "max"), ("claude-haiku-5-5", "high")],
)
def test_xhigh_is_the_highest_level_a_model_has(model: str, level: str) -> None:
    sent = body(ask(model, reasoning_effort="xhigh"))
    assert sent["output_config"] == {"effort": level}
    assert sent["thinking"] == {"type": "adaptive"}


def test_opus_4_5_takes_the_effort_setting_beside_a_budget() -> None:
    assert body(ask("claude-opus-4-5-20251101", reasoning_effort="medium")) == {
        "model": "claude-opus-4-5-20251101",
        "max_tokens": 4096 + 8192,
        "messages": [{"role": "user", "content": "Hi"}],
        "thinking": {"type": "enabled", "budget_tokens": 8192},
        "output_config": {"effort": "medium"},
    }
    sent = body(ask("claude-opus-4-5-20251101", reasoning_effort="xhigh"))
    assert sent["output_config"] == {"effort": "high"}  # its highest
    assert sent["thinking"] == {"type": "enabled", "budget_tokens": 32768}


@pytest.mark.parametrize(
    "model", ["claude-3-7-sonnet-20250219", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-x"]
)
def test_models_without_an_effort_setting_keep_the_budget(model: str) -> None:
    assert body(ask(model, reasoning_effort="low")) == {
        "model": model,
        "max_tokens": 4096 + 1024,
        "messages": [{"role": "user", "content": "Hi"}],
        "thinking": {"type": "enabled", "budget_tokens": 1024},
    }


def test_effort_none_turns_thinking_off_without_an_effort_setting() -> None:
    assert body(ask("claude-opus-4-7", reasoning_effort="none")) == {
        "model": "claude-opus-4-7",
        "max_tokens": 4096,
        "messages": [{"role": "user", "content": "Hi"}],
        "thinking": {"type": "disabled"},
    }


def test_an_explicit_budget_is_sent_as_asked() -> None:
    sent = body(ask("claude-opus-4-6", thinking_budget=2048))
    assert sent["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert sent["max_tokens"] == 4096 + 2048
    assert "output_config" not in sent
    # With an effort too, the budget is the thinking and the effort its setting.
    sent = body(ask("claude-opus-4-6", thinking_budget=2048, reasoning_effort="low"))
    assert sent["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert sent["output_config"] == {"effort": "low"}


def test_effort_and_a_json_schema_share_output_config() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    request = ask(
        "claude-opus-4-7",
        reasoning_effort="medium",
        response_format=ResponseFormat.json_schema("answer", schema),
    )
    assert body(request)["output_config"] == {
        "effort": "medium",
        "format": {"type": "json_schema", "schema": schema},
    }


def test_adaptive_thinking_allows_only_tool_choice_auto_or_none() -> None:
    request = ask(
        "claude-opus-4-7",
        reasoning_effort="low",
        tools=[WEATHER],
        tool_choice=ToolChoice.required(),
    )
    with pytest.raises(RequestValidationError) as raised:
        body(request)
    assert raised.value.field == "tool_choice"


# -- sampling --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"temperature": 0.5}, "temperature"),
        ({"temperature": 0.0}, "temperature"),
        ({"top_p": 0.9}, "top_p"),
        ({"top_k": 40}, "top_k"),
        ({"temperature": 1.0, "top_k": 1}, "top_k"),
    ],
)
@pytest.mark.parametrize("model", ["claude-opus-4-7", "claude-sonnet-5", "claude-mythos-preview"])
def test_fixed_sampling_models_refuse_sampling(
    model: str, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(RequestValidationError) as raised:
        body(ask(model, **fields))
    assert raised.value.field == field


def test_fixed_sampling_models_drop_the_values_the_api_only_tolerates(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="llm_connector"):
        sent = body(ask("claude-opus-4-7", temperature=1.0, top_p=0.995))
    assert sent == {
        "model": "claude-opus-4-7",
        "max_tokens": 4096,
        "messages": [{"role": "user", "content": "Hi"}],
    }
    assert [r.getMessage() for r in caplog.records] == [
        "anthropic: not sending ['temperature', 'top_p'] (claude-opus-4-7 samples at its own)"
    ]


@pytest.mark.parametrize(
    "model", ["claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-6"]
)
def test_models_from_opus_4_1_refuse_temperature_and_top_p_together(model: str) -> None:
    with pytest.raises(RequestValidationError) as raised:
        body(ask(model, temperature=0.5, top_p=0.9))
    assert raised.value.field == "top_p"
    assert body(ask(model, temperature=0.5, top_k=5)) == {
        "model": model,
        "max_tokens": 4096,
        "messages": [{"role": "user", "content": "Hi"}],
        "temperature": 0.5,
        "top_k": 5,
    }
    assert body(ask(model, top_p=0.9))["top_p"] == 0.9


@pytest.mark.parametrize("model", ["claude-sonnet-4-20250514", "claude-3-7-sonnet-20250219"])
def test_older_models_take_every_sampling_setting(model: str) -> None:
    sent = body(ask(model, temperature=0.5, top_p=0.9, top_k=5))
    assert (sent["temperature"], sent["top_p"], sent["top_k"]) == (0.5, 0.9, 5)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"temperature": 0.5}, "temperature"),
        ({"top_k": 5}, "top_k"),
        ({"top_p": 0.9}, "top_p"),
    ],
)
@pytest.mark.parametrize(
    "thinking", [{"thinking_budget": 2048}, {"reasoning_effort": "low"}], ids=["budget", "effort"]
)
def test_thinking_refuses_temperature_top_k_and_a_low_top_p(
    fields: dict[str, Any], field: str, thinking: dict[str, Any]
) -> None:
    with pytest.raises(RequestValidationError) as raised:
        body(ask("claude-sonnet-4-20250514", **thinking, **fields))
    assert raised.value.field == field


def test_thinking_takes_temperature_1_and_top_p_from_0_95() -> None:
    sent = body(ask("claude-sonnet-4-20250514", thinking_budget=2048, temperature=1.0))
    assert sent["temperature"] == 1.0
    sent = body(ask("claude-sonnet-4-20250514", thinking_budget=2048, top_p=0.95))
    assert sent["top_p"] == 0.95
    # Another server's model: sent as given.
    sent = body(ask("LongCat-Flash-Thinking", thinking_budget=2048, temperature=0.6, top_k=5))
    assert (sent["temperature"], sent["top_k"]) == (0.6, 5)
    # Thinking off: every setting goes.
    sent = body(ask("claude-sonnet-4-20250514", reasoning_effort="none", temperature=0.2, top_k=3))
    assert (sent["temperature"], sent["top_k"], sent["thinking"]) == (0.2, 3, {"type": "disabled"})
