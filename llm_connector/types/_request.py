"""Requests: ChatRequest (tools and formats live in ``_tools``, EmbedRequest in ``_embedding``)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeAlias

import attrs

from llm_connector.errors import RequestValidationError
from llm_connector.types._cache import (
    CacheBreakpoint,
    PromptCacheRetention,
    check_cached_content,
    check_retention,
    to_breakpoint,
)
from llm_connector.types._json_values import check_json, check_json_text
from llm_connector.types._message import Message
from llm_connector.types._options import CallOptions
from llm_connector.types._size_limits import SizeLimits, check_size_limits
from llm_connector.types._timeout import PhaseTimeouts, Timeout
from llm_connector.types._tools import ResponseFormat, Tool, ToolChoice
from llm_connector.types._value import FrozenValue

ReasoningEffort: TypeAlias = Literal["none", "minimal", "low", "medium", "high", "xhigh"]
REASONING_EFFORTS: frozenset[str] = frozenset({"none", "minimal", "low", "medium", "high", "xhigh"})

# Header names whose values are credentials: never shown by repr().
SECRET_HEADERS: frozenset[str] = frozenset(
    {"authorization", "api-key", "x-api-key", "x-goog-api-key", "proxy-authorization", "cookie"}
)


def _mask_secret(value: object) -> str:
    return "None" if value is None else "'***'"


def _header_names(value: Mapping[str, str]) -> str:
    """repr of a header mapping that never shows a value: headers often carry keys."""
    return "{" + ", ".join(f"{name!r}: ..." for name in value) + "}"


def _to_headers(value: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise RequestValidationError("extra_headers", "must be a mapping of header names to values")
    return {str(k): str(v) for k, v in value.items()}


def _to_messages(value: Iterable[Message]) -> tuple[Message, ...]:
    messages = tuple(value)
    for i, message in enumerate(messages):
        if not isinstance(message, Message):
            raise RequestValidationError(
                f"messages[{i}]", f"expected Message, got {type(message).__name__}"
            )
    return messages


def _to_tools(value: Iterable[Tool]) -> tuple[Tool, ...]:
    tools = tuple(value)
    for i, tool in enumerate(tools):
        if not isinstance(tool, Tool):
            raise RequestValidationError(f"tools[{i}]", f"expected Tool, got {type(tool).__name__}")
    return tools


def _to_stop(value: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(value)


def _to_response_format(
    value: ResponseFormat | Mapping[str, Any] | None,
) -> ResponseFormat | None:
    if value is None or isinstance(value, ResponseFormat):
        return value
    return ResponseFormat.from_openai(value)


def _to_tool_choice(value: ToolChoice | str | None) -> ToolChoice | None:
    if value is None or isinstance(value, ToolChoice):
        return value
    if isinstance(value, str) and value in ("auto", "none", "required"):
        return ToolChoice(value)  # type: ignore[arg-type]
    raise RequestValidationError(
        "tool_choice",
        f"expected ToolChoice or 'auto', 'none', 'required'; got {value!r}",
    )


def _to_tools_cache(value: bool | str | CacheBreakpoint | None) -> CacheBreakpoint | None:
    return to_breakpoint(value, "tools_cache")


def _check_effort(_: Any, __: Any, value: str | None) -> None:
    if value is not None and value not in REASONING_EFFORTS:
        raise RequestValidationError(
            "reasoning_effort", f"unknown effort {value!r}; use one of {sorted(REASONING_EFFORTS)}"
        )


def _to_timeout(value: Timeout | float | PhaseTimeouts | None) -> Timeout | None:
    return None if value is None else Timeout.of(value)


def _check_size_limits(_: Any, __: Any, value: SizeLimits | None) -> None:
    check_size_limits(value)


def _check_max_retries(_: Any, __: Any, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise RequestValidationError(
            "max_retries", f"must be a non-negative integer, got {value!r}"
        )


def _to_extra_body(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise RequestValidationError("extra_body", "must be a mapping of top-level body fields")
    for key, item in value.items():
        if not isinstance(key, str):
            raise RequestValidationError("extra_body", f"keys must be strings, got {key!r}")
        # The top-level key in brackets whatever it is: it is a key the user chose.
        check_json(item, f"extra_body[{key!r}]")
    return dict(value)


@attrs.frozen(repr=False, eq=False)
class ChatRequest(FrozenValue, CallOptions):
    """A chat request, neutral across providers.

    Build it fluently (every ``with_*`` returns a new request)::

        request = (ChatRequest("gpt-4o")
                   .add_message(Message.user("Tell me a story"))
                   .with_max_tokens(200))

    or with keywords: ``ChatRequest(model="gpt-4o", messages=[Message.user("Hi")])``.

    Whether the answer streams is decided by the call: ``chat()`` never streams and
    ``chat_stream()`` always does (``stream`` / ``with_stream`` are kept for code ported
    from the Rust crate). ``extra_body`` fields are merged into the provider's JSON body
    last (they win).
    ``api_key``, ``base_url`` and ``extra_headers`` override the client's for this request
    only, as do ``timeout`` (a :class:`~llm_connector.Timeout`, or seconds) and
    ``max_retries``; those two are never sent to the provider. Invalid values raise
    :class:`~llm_connector.errors.RequestValidationError` naming the field; a request
    without a model or messages is rejected when sent.

    End-user ids: ``user`` is sent as ``user`` where the provider documents it; OpenAI
    deprecated it for ``safety_identifier`` (abuse detection) and ``prompt_cache_key``
    (cache bucketing), so on OpenAI and Azure OpenAI ``user`` goes out as
    ``safety_identifier`` unless that is set. Providers that do not document those two
    fields are not sent them (logged at DEBUG).

    Prompt caching (docs/caching.md): ``with_cache()`` on a message or a content part, and
    ``with_tools(tools, cache=True)``, mark cache breakpoints; ``prompt_cache_key`` and
    ``prompt_cache_retention`` are OpenAI's; ``cached_content`` names a Gemini cache.
    """

    model: str = ""
    messages: tuple[Message, ...] = attrs.field(default=(), converter=_to_messages)
    temperature: float | None = None
    top_p: float | None = None
    #: Sample from the k most likely tokens (Anthropic, Gemini, Ollama, vLLM, llama.cpp).
    top_k: int | None = None
    max_tokens: int | None = None
    stop: tuple[str, ...] | None = attrs.field(default=None, converter=_to_stop)
    seed: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    tools: tuple[Tool, ...] = attrs.field(default=(), converter=_to_tools)
    tool_choice: ToolChoice | None = attrs.field(default=None, converter=_to_tool_choice)
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = attrs.field(
        default=None, converter=_to_response_format
    )
    reasoning_effort: ReasoningEffort | None = attrs.field(default=None, validator=_check_effort)
    thinking_budget: int | None = None
    stream: bool | None = None
    user: str | None = None
    #: A stable id of the end user (hash it), at most 64 characters: OpenAI's
    #: ``safety_identifier``, https://platform.openai.com/docs/guides/safety-best-practices#safety-identifiers
    safety_identifier: str | None = None
    #: Groups requests that share a prompt prefix for caching: OpenAI's ``prompt_cache_key``,
    #: https://platform.openai.com/docs/guides/prompt-caching
    prompt_cache_key: str | None = None
    extra_body: dict[str, Any] | None = attrs.field(
        default=None, converter=_to_extra_body, hash=False
    )
    api_key: str | None = attrs.field(default=None, repr=_mask_secret)
    base_url: str | None = None
    extra_headers: dict[str, str] = attrs.field(
        factory=dict, converter=_to_headers, repr=_header_names, hash=False
    )
    timeout: Timeout | None = attrs.field(default=None, converter=_to_timeout)
    max_retries: int | None = attrs.field(default=None, validator=_check_max_retries)
    size_limits: SizeLimits | None = attrs.field(default=None, validator=_check_size_limits)
    #: A cache breakpoint after the tool definitions (``with_tools(tools, cache=True)``).
    tools_cache: CacheBreakpoint | None = attrs.field(default=None, converter=_to_tools_cache)
    #: How long OpenAI keeps the cached prefix: ``"in_memory"`` or ``"24h"``
    #: (https://platform.openai.com/docs/guides/prompt-caching#prompt-cache-retention).
    prompt_cache_retention: PromptCacheRetention | None = None
    #: A Gemini explicit cache to answer from, ``cachedContents/<id>``
    #: (https://ai.google.dev/api/caching).
    cached_content: str | None = None

    # -- fluent builders ---------------------------------------------------------------

    def add_message(self, message: Message) -> ChatRequest:
        return attrs.evolve(self, messages=(*self.messages, message))

    def with_messages(self, messages: Iterable[Message]) -> ChatRequest:
        return attrs.evolve(self, messages=tuple(messages))

    def with_model(self, model: str) -> ChatRequest:
        return attrs.evolve(self, model=model)

    def with_stream(self, stream: bool) -> ChatRequest:
        return attrs.evolve(self, stream=stream)

    def with_temperature(self, temperature: float) -> ChatRequest:
        return attrs.evolve(self, temperature=temperature)

    def with_top_p(self, top_p: float) -> ChatRequest:
        return attrs.evolve(self, top_p=top_p)

    def with_top_k(self, top_k: int) -> ChatRequest:
        return attrs.evolve(self, top_k=top_k)

    def with_max_tokens(self, max_tokens: int) -> ChatRequest:
        return attrs.evolve(self, max_tokens=max_tokens)

    def with_stop(self, stop: str | Sequence[str]) -> ChatRequest:
        return attrs.evolve(self, stop=stop)

    def with_seed(self, seed: int) -> ChatRequest:
        return attrs.evolve(self, seed=seed)

    def with_presence_penalty(self, penalty: float) -> ChatRequest:
        return attrs.evolve(self, presence_penalty=penalty)

    def with_frequency_penalty(self, penalty: float) -> ChatRequest:
        return attrs.evolve(self, frequency_penalty=penalty)

    def with_tools(
        self, tools: Iterable[Tool], *, cache: bool | str | CacheBreakpoint = False
    ) -> ChatRequest:
        """Offer ``tools``. ``cache``: a cache breakpoint after their definitions (True, or
        a lifetime such as ``"1h"``; docs/caching.md)."""
        return attrs.evolve(self, tools=tuple(tools), tools_cache=cache)

    def with_tool_choice(
        self, tool_choice: ToolChoice | Literal["auto", "none", "required"]
    ) -> ChatRequest:
        """Set the tool choice: a :class:`ToolChoice`, or ``"auto"``, ``"none"``, ``"required"``."""
        return attrs.evolve(self, tool_choice=tool_choice)

    def with_parallel_tool_calls(self, enabled: bool) -> ChatRequest:
        return attrs.evolve(self, parallel_tool_calls=enabled)

    def with_output_type(self, output_type: Any) -> ChatRequest:
        """Ask for an answer of ``output_type`` (a dataclass, an attrs class, a
        ``TypedDict``, an ``Enum``, a ``Literal``, a ``list[...]``, a union, a pydantic
        model): its strict JSON schema is sent as each provider asks for one, and
        ``answer.parse()`` (or ``client.chat_parse``) gives the value back typed.
        docs/structured.md. A request that already asks for ``output_type`` is returned as
        it is."""
        fmt = self.response_format
        if fmt is not None and fmt.output_type is output_type:
            return self
        return attrs.evolve(self, response_format=ResponseFormat.for_type(output_type))

    def with_response_format(
        self, response_format: ResponseFormat | Mapping[str, Any]
    ) -> ChatRequest:
        return attrs.evolve(self, response_format=response_format)

    def with_reasoning_effort(self, effort: ReasoningEffort) -> ChatRequest:
        return attrs.evolve(self, reasoning_effort=effort)

    def with_thinking_budget(self, budget_tokens: int) -> ChatRequest:
        return attrs.evolve(self, thinking_budget=budget_tokens)

    def with_user(self, user: str) -> ChatRequest:
        """The end user's id: ``user`` where the provider documents it, and on OpenAI and
        Azure OpenAI (which deprecated ``user``) ``safety_identifier``."""
        return attrs.evolve(self, user=user)

    def with_safety_identifier(self, safety_identifier: str) -> ChatRequest:
        """A stable id of the end user, at most 64 characters (OpenAI's
        ``safety_identifier``; hash a username or email address)."""
        return attrs.evolve(self, safety_identifier=safety_identifier)

    def with_prompt_cache_key(self, prompt_cache_key: str) -> ChatRequest:
        """A key grouping requests that share a prompt prefix (OpenAI's ``prompt_cache_key``)."""
        return attrs.evolve(self, prompt_cache_key=prompt_cache_key)

    def with_prompt_cache_retention(self, retention: PromptCacheRetention) -> ChatRequest:
        """How long OpenAI keeps the cached prefix: ``"in_memory"`` or ``"24h"``."""
        return attrs.evolve(self, prompt_cache_retention=retention)

    def with_cached_content(self, name: str) -> ChatRequest:
        """Answer from the Gemini explicit cache ``name`` (``cachedContents/...``, made
        with ``client.create_cache``)."""
        return attrs.evolve(self, cached_content=name)

    # -- checks made before sending -----------------------------------------------------

    def validate(self) -> None:
        """Raise ``RequestValidationError`` for what no provider would accept."""
        if not isinstance(self.model, str) or not self.model.strip():
            raise RequestValidationError("model", "a model name is required")
        if not self.messages:
            raise RequestValidationError("messages", "at least one message is required")
        for i, message in enumerate(self.messages):
            if message.role == "tool" and not message.tool_call_id:
                raise RequestValidationError(
                    f"messages[{i}].tool_call_id", "a tool message answers a call: give its id"
                )
            for j, call in enumerate(message.tool_calls):
                # The path codecs use for the same text (they decode it to send an object).
                check_json_text(
                    call.function.arguments, f"messages[{i}].tool_calls[{j}].function.arguments"
                )
        names = [tool.name for tool in self.tools]
        for i, name in enumerate(names):
            if names.index(name) != i:
                raise RequestValidationError(f"tools[{i}].name", f"duplicate tool name {name!r}")
        # Providers reject tool settings without tools (OpenAI: "tool_choice is only allowed
        # when 'tools' are specified"), and a forced tool must be one that is offered.
        if not self.tools:
            if self.tool_choice is not None:
                raise RequestValidationError("tool_choice", "is only allowed together with tools")
            if self.parallel_tool_calls is not None:
                raise RequestValidationError(
                    "parallel_tool_calls", "is only allowed together with tools"
                )
        elif (
            self.tool_choice is not None
            and self.tool_choice.mode == "function"
            and self.tool_choice.name not in names
        ):
            raise RequestValidationError(
                "tool_choice.name", f"{self.tool_choice.name!r} is not one of the tools {names}"
            )
        # Free JSON the user wrote: checked here, not when built, because these dicts can
        # still change after the Tool or ResponseFormat holding them was made.
        for i, tool in enumerate(self.tools):
            check_json(tool.parameters, f"tools[{i}].parameters")
        if self.response_format is not None:
            check_json(self.response_format.schema, "response_format.schema")
        _check_range("temperature", self.temperature, 0.0, 2.0)
        _check_range("top_p", self.top_p, 0.0, 1.0)
        _check_positive("top_k", self.top_k)
        _check_range("presence_penalty", self.presence_penalty, -2.0, 2.0)
        _check_range("frequency_penalty", self.frequency_penalty, -2.0, 2.0)
        _check_positive("max_tokens", self.max_tokens)
        _check_positive("thinking_budget", self.thinking_budget, allow_zero=True)
        if self.user is not None and not isinstance(self.user, str):
            raise RequestValidationError(
                "user", f"must be a string, got {type(self.user).__name__}"
            )
        check_end_user_ids(self.safety_identifier, self.prompt_cache_key)
        check_retention(self.prompt_cache_retention)
        if self.tools_cache is not None and not self.tools:
            raise RequestValidationError("tools_cache", "is only allowed together with tools")
        check_cached_content(self.cached_content)


#: OpenAI's limit on ``safety_identifier`` (CreateChatCompletionRequest and CreateResponse,
#: ``maxLength: 64``): https://platform.openai.com/docs/api-reference/chat/create#chat-create-safety_identifier
SAFETY_IDENTIFIER_MAX = 64


def check_end_user_ids(safety_identifier: object, prompt_cache_key: object) -> None:
    """Refuse an end-user id that is not a non-empty string (and a safety identifier longer
    than OpenAI's limit), naming the field."""
    for field, value in (
        ("safety_identifier", safety_identifier),
        ("prompt_cache_key", prompt_cache_key),
    ):
        if value is None:
            continue
        if not isinstance(value, str):
            raise RequestValidationError(field, f"must be a string, got {type(value).__name__}")
        if not value.strip():
            raise RequestValidationError(field, "must not be empty")
    if isinstance(safety_identifier, str) and len(safety_identifier) > SAFETY_IDENTIFIER_MAX:
        raise RequestValidationError(
            "safety_identifier",
            f"is {len(safety_identifier)} characters; the limit is {SAFETY_IDENTIFIER_MAX} "
            "(hash a longer id)",
        )


def _check_range(field: str, value: float | None, low: float, high: float) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RequestValidationError(field, f"must be a number, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        # NaN fails every comparison: say what it is rather than "not between".
        name = "NaN" if math.isnan(value) else str(value)
        raise RequestValidationError(
            field, f"is {name}, which JSON cannot hold; use a number between {low} and {high}"
        )
    if not low <= value <= high:
        raise RequestValidationError(field, f"must be between {low} and {high}, got {value}")


def _check_positive(field: str, value: int | None, *, allow_zero: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestValidationError(field, f"must be an integer, got {type(value).__name__}")
    if value < 0 or (value == 0 and not allow_zero):
        raise RequestValidationError(field, f"must be positive, got {value}")
