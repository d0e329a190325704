"""ResponsesRequest: a request to OpenAI's Responses API (or, through the translation, to
any provider's chat protocol).

https://platform.openai.com/docs/api-reference/responses/create
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from llm_connector.errors import RequestValidationError

# Imported at run time, not only for type checkers: cattrs and typing.get_type_hints()
# resolve the fields' annotations in this module (``import llm_connector`` loads none of
# the Responses package, so this costs nothing there).
from llm_connector.responses._inputs import HostedTool, Reasoning, ResponsesTool, SummaryMode
from llm_connector.responses._items import (
    FunctionCallItem,
    MessageItem,
    OtherItem,
    OutputText,
    ResponsesItem,
)
from llm_connector.types._cache import PromptCacheRetention, check_retention
from llm_connector.types._json_values import check_json, check_json_text
from llm_connector.types._message import Message
from llm_connector.types._options import CallOptions
from llm_connector.types._request import (
    ReasoningEffort,
    _check_max_retries,
    _check_positive,
    _check_range,
    _check_size_limits,
    _header_names,
    _mask_secret,
    _to_extra_body,
    _to_headers,
    _to_timeout,
    check_end_user_ids,
)
from llm_connector.types._size_limits import SizeLimits
from llm_connector.types._timeout import Timeout
from llm_connector.types._tools import ResponseFormat, Tool, ToolChoice
from llm_connector.types._value import FrozenValue


def _to_input(
    value: str | Iterable[ResponsesItem | Message | Mapping[str, Any]] | None,
) -> str | tuple[ResponsesItem, ...] | None:
    from llm_connector.responses._inputs import to_input

    return to_input(value)


def _to_tools(
    value: Iterable[Tool | HostedTool | Mapping[str, Any]],
) -> tuple[ResponsesTool, ...]:
    from llm_connector.responses._inputs import to_tools

    return to_tools(value)


def _to_tool_choice(value: ToolChoice | str | Mapping[str, Any] | None) -> ToolChoice | None:
    from llm_connector.responses._inputs import to_tool_choice

    return to_tool_choice(value)


def _to_reasoning(value: Reasoning | Mapping[str, Any] | None) -> Reasoning | None:
    from llm_connector.responses._inputs import to_reasoning

    return to_reasoning(value)


def _to_text_format(value: ResponseFormat | Mapping[str, Any] | None) -> ResponseFormat | None:
    from llm_connector.responses._inputs import to_text_format

    return to_text_format(value)


def _to_include(value: Iterable[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@attrs.frozen(repr=False, eq=False)
class ResponsesRequest(FrozenValue, CallOptions):
    """A Responses API request, neutral across providers.

    ``input`` is text or a list of items: :class:`MessageItem`, :class:`FunctionCallItem`,
    :class:`FunctionCallOutputItem`, :class:`ReasoningItem` (a previous response's
    ``output`` can be appended as it is), neutral :class:`~llm_connector.types.Message`
    objects (converted to items), or the API's JSON items. ``tools`` are
    :class:`~llm_connector.types.Tool` functions (sent in the Responses API's flat shape)
    and :class:`HostedTool` specs. ``text_format`` is ``text.format``.
    ``safety_identifier`` and ``prompt_cache_key`` identify the end user (OpenAI's
    replacements for the deprecated ``user``).

    Build it with keywords (``ResponsesRequest(model="gpt-4.1", input="Hi", stream=True)``)
    or fluently (every ``with_*`` returns a new request). As with ``ChatRequest``, the call
    decides whether the answer streams (``stream`` is kept for code ported from the Rust
    crate); ``extra_body`` fields are merged into the JSON body last; ``api_key``,
    ``base_url``, ``extra_headers``, ``timeout`` and ``max_retries`` override the client's
    for this request. Invalid values raise ``RequestValidationError`` naming the field.
    """

    model: str = ""
    input: str | tuple[ResponsesItem, ...] | None = attrs.field(default=None, converter=_to_input)
    instructions: str | None = None
    tools: tuple[ResponsesTool, ...] = attrs.field(default=(), converter=_to_tools)
    tool_choice: ToolChoice | None = attrs.field(default=None, converter=_to_tool_choice)
    parallel_tool_calls: bool | None = None
    reasoning: Reasoning | None = attrs.field(default=None, converter=_to_reasoning)
    max_output_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    previous_response_id: str | None = None
    store: bool | None = None
    text_format: ResponseFormat | None = attrs.field(default=None, converter=_to_text_format)
    #: Extra output to include, e.g. ``["reasoning.encrypted_content"]``.
    include: tuple[str, ...] | None = attrs.field(default=None, converter=_to_include)
    #: A stable id of the end user (hash it), at most 64 characters:
    #: https://platform.openai.com/docs/api-reference/responses/create#responses-create-safety_identifier
    safety_identifier: str | None = None
    #: Groups requests that share a prompt prefix for caching:
    #: https://platform.openai.com/docs/api-reference/responses/create#responses-create-prompt_cache_key
    prompt_cache_key: str | None = None
    #: How long the cached prefix is kept: ``"in_memory"`` or ``"24h"``
    #: (https://platform.openai.com/docs/guides/prompt-caching#prompt-cache-retention).
    prompt_cache_retention: PromptCacheRetention | None = None
    stream: bool | None = None
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

    # -- fluent builders ---------------------------------------------------------------

    def with_input(
        self, input: str | Iterable[ResponsesItem | Message | Mapping[str, Any]]
    ) -> ResponsesRequest:
        return attrs.evolve(self, input=input)

    def add_input(self, *items: ResponsesItem | Message | Mapping[str, Any]) -> ResponsesRequest:
        """Append items (a text ``input`` becomes a user message first)."""
        from llm_connector.responses._inputs import items_of_message

        current: tuple[ResponsesItem, ...] = ()
        if isinstance(self.input, str):
            current = tuple(items_of_message(Message.user(self.input)))
        elif self.input is not None:
            current = self.input
        return attrs.evolve(self, input=(*current, *items))

    def with_model(self, model: str) -> ResponsesRequest:
        return attrs.evolve(self, model=model)

    def with_instructions(self, instructions: str) -> ResponsesRequest:
        return attrs.evolve(self, instructions=instructions)

    def with_tools(
        self, tools: Iterable[Tool | HostedTool | Mapping[str, Any]]
    ) -> ResponsesRequest:
        return attrs.evolve(self, tools=tools)

    def with_tool_choice(
        self, tool_choice: ToolChoice | str | Mapping[str, Any]
    ) -> ResponsesRequest:
        return attrs.evolve(self, tool_choice=tool_choice)

    def with_parallel_tool_calls(self, enabled: bool) -> ResponsesRequest:
        return attrs.evolve(self, parallel_tool_calls=enabled)

    def with_reasoning(
        self, effort: ReasoningEffort | None = None, summary: SummaryMode | None = None
    ) -> ResponsesRequest:
        from llm_connector.responses._inputs import Reasoning

        return attrs.evolve(self, reasoning=Reasoning(effort, summary))

    def with_max_output_tokens(self, max_output_tokens: int) -> ResponsesRequest:
        return attrs.evolve(self, max_output_tokens=max_output_tokens)

    def with_temperature(self, temperature: float) -> ResponsesRequest:
        return attrs.evolve(self, temperature=temperature)

    def with_top_p(self, top_p: float) -> ResponsesRequest:
        return attrs.evolve(self, top_p=top_p)

    def with_previous_response_id(self, response_id: str) -> ResponsesRequest:
        return attrs.evolve(self, previous_response_id=response_id)

    def with_store(self, store: bool) -> ResponsesRequest:
        return attrs.evolve(self, store=store)

    def with_text_format(self, text_format: ResponseFormat | Mapping[str, Any]) -> ResponsesRequest:
        return attrs.evolve(self, text_format=text_format)

    def with_output_type(self, output_type: Any) -> ResponsesRequest:
        """Ask for an answer of ``output_type`` (as ``ChatRequest.with_output_type``): its
        strict schema as ``text.format``; ``answer.parse(output_type)`` reads it back."""
        from llm_connector.types._tools import ResponseFormat

        return attrs.evolve(self, text_format=ResponseFormat.for_type(output_type))

    def with_include(self, include: Iterable[str]) -> ResponsesRequest:
        return attrs.evolve(self, include=include)

    def with_safety_identifier(self, safety_identifier: str) -> ResponsesRequest:
        """A stable id of the end user, at most 64 characters (hash a username or email
        address)."""
        return attrs.evolve(self, safety_identifier=safety_identifier)

    def with_prompt_cache_key(self, prompt_cache_key: str) -> ResponsesRequest:
        """A key grouping requests that share a prompt prefix, for prompt caching."""
        return attrs.evolve(self, prompt_cache_key=prompt_cache_key)

    def with_prompt_cache_retention(self, retention: PromptCacheRetention) -> ResponsesRequest:
        """How long OpenAI keeps the cached prefix: ``"in_memory"`` or ``"24h"``."""
        return attrs.evolve(self, prompt_cache_retention=retention)

    def with_stream(self, stream: bool) -> ResponsesRequest:
        return attrs.evolve(self, stream=stream)

    # -- checks made before sending -----------------------------------------------------

    def validate(self) -> None:
        """Raise ``RequestValidationError`` for what no provider would accept."""
        if not isinstance(self.model, str) or not self.model.strip():
            raise RequestValidationError("model", "a model name is required")
        if not self.input and not self.previous_response_id:
            raise RequestValidationError("input", "give some input (text or items)")
        names = [tool.name for tool in self.tools if isinstance(tool, Tool)]
        for i, name in enumerate(names):
            if names.index(name) != i:
                raise RequestValidationError("tools", f"duplicate tool name {name!r}")
        choice = self.tool_choice
        if choice is not None and not self.tools:
            raise RequestValidationError("tool_choice", "is only allowed together with tools")
        if choice is not None and choice.mode == "function" and choice.name not in names:
            raise RequestValidationError(
                "tool_choice.name", f"{choice.name!r} is not one of the tools {names}"
            )
        if self.parallel_tool_calls is not None and not self.tools:
            raise RequestValidationError(
                "parallel_tool_calls", "is only allowed together with tools"
            )
        _check_json_values(self)
        _check_range("temperature", self.temperature, 0.0, 2.0)
        _check_range("top_p", self.top_p, 0.0, 1.0)
        _check_positive("max_output_tokens", self.max_output_tokens)
        check_end_user_ids(self.safety_identifier, self.prompt_cache_key)
        check_retention(self.prompt_cache_retention)


def _check_json_values(request: ResponsesRequest) -> None:
    """Refuse what JSON cannot hold (NaN, a set, a datetime, ...) in the free JSON of a
    request, naming its path; checked when sent, since those dicts can still change."""
    for i, tool in enumerate(request.tools):
        if isinstance(tool, Tool):
            check_json(tool.parameters, f"tools[{i}].parameters")
        else:  # a HostedTool's spec is the tool's JSON, as the user gave it
            check_json(tool.spec, f"tools[{i}]")
    if request.text_format is not None:
        check_json(request.text_format.schema, "text_format.schema")
    for i, item in enumerate(() if isinstance(request.input, str) else request.input or ()):
        if isinstance(item, FunctionCallItem):
            check_json_text(item.arguments, f"input[{i}].arguments")
        elif isinstance(item, OtherItem):  # its JSON, sent as it is
            check_json(item.data, f"input[{i}]")
        elif isinstance(item, MessageItem) and not isinstance(item.content, str):
            for j, part in enumerate(item.content):
                if isinstance(part, OutputText):
                    check_json(part.annotations, f"input[{i}].content[{j}].annotations")
