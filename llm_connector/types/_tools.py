"""What a model may do besides answering in text: tools, tool choice, response format."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeAlias

import attrs

from llm_connector.errors import RequestValidationError
from llm_connector.types._value import FrozenValue


def _check_name(_: Any, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise RequestValidationError(f"tool.{attribute.name}", "a tool needs a non-empty name")


def _to_schema(value: Mapping[str, Any] | None) -> dict[str, Any]:
    if value is None:
        return {"type": "object", "properties": {}}
    if not isinstance(value, Mapping):
        raise RequestValidationError("tool.parameters", "must be a JSON-schema object (a mapping)")
    return dict(value)


@attrs.frozen(repr=False, eq=False)
class Tool(FrozenValue):
    """A function the model may call. ``parameters`` is a JSON schema (a mapping)."""

    name: str = attrs.field(validator=_check_name)
    description: str | None = None
    # None (the default) means "no parameters", the same for ``Tool(name=...)`` and
    # ``Tool.function(name)``: an empty object schema.
    parameters: dict[str, Any] = attrs.field(default=None, converter=_to_schema, hash=False)
    strict: bool | None = None
    type: Literal["function"] = "function"

    @classmethod
    def function(
        cls,
        name: str,
        description: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        *,
        strict: bool | None = None,
    ) -> Tool:
        return cls(name=name, description=description, parameters=parameters, strict=strict)

    @classmethod
    def from_function(cls, function: Callable[..., Any]) -> Tool:
        """A tool that calls ``function``: its name, the first paragraph of its docstring,
        and the schema of its annotated parameters (the types structured output takes),
        each described by its docstring entry (Google ``Args:`` or Sphinx ``:param:``);
        parameters without a default are required. ``call.parse_arguments()`` gives them
        back; ``function(**call.parse_arguments())`` calls it."""
        from llm_connector.structured.functions import function_schema

        name, description, parameters = function_schema(function)
        return cls(name=name, description=description, parameters=parameters)


ToolChoiceMode: TypeAlias = Literal["auto", "none", "required", "function"]
_TOOL_CHOICE_MODES: frozenset[str] = frozenset({"auto", "none", "required", "function"})


@attrs.frozen(repr=False, eq=False)
class ToolChoice(FrozenValue):
    """Whether and which tool the model must call: auto, none, required, or one function."""

    mode: ToolChoiceMode
    name: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.mode not in _TOOL_CHOICE_MODES:
            raise RequestValidationError("tool_choice", f"unknown mode {self.mode!r}")
        if (self.mode == "function") != bool(self.name):
            raise RequestValidationError(
                "tool_choice.name", "a name is given exactly when the mode is 'function'"
            )

    @classmethod
    def auto(cls) -> ToolChoice:
        return cls("auto")

    @classmethod
    def none(cls) -> ToolChoice:
        return cls("none")

    @classmethod
    def required(cls) -> ToolChoice:
        return cls("required")

    @classmethod
    def function(cls, name: str) -> ToolChoice:
        return cls("function", name)


@attrs.frozen(repr=False, eq=False)
class ResponseFormat(FrozenValue):
    """The shape of the answer: free text, any JSON object, or JSON matching a schema."""

    type: Literal["text", "json_object", "json_schema"]
    name: str | None = None
    schema: dict[str, Any] | None = attrs.field(default=None, hash=False)
    strict: bool | None = None
    description: str | None = None
    #: The Python type the schema was made from (:meth:`for_type`), which ``parse()``
    #: gives back; None for a schema written by hand.
    output_type: Any = attrs.field(default=None, eq=False, hash=False, repr=False)
    #: The type's value travels as ``{"value": ...}`` (a root that is not an object).
    wrapped: bool = attrs.field(default=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.type not in ("text", "json_object", "json_schema"):
            raise RequestValidationError("response_format.type", f"unknown type {self.type!r}")
        if self.type == "json_schema":
            if not self.name:
                raise RequestValidationError("response_format.name", "json_schema needs a name")
            if self.schema is None:
                raise RequestValidationError("response_format.schema", "json_schema needs a schema")

    @classmethod
    def text(cls) -> ResponseFormat:
        return cls("text")

    @classmethod
    def json_object(cls) -> ResponseFormat:
        return cls("json_object")

    @classmethod
    def json_schema(
        cls,
        name: str,
        schema: Mapping[str, Any],
        *,
        strict: bool | None = True,
        description: str | None = None,
    ) -> ResponseFormat:
        return cls("json_schema", name, dict(schema), strict, description)

    @classmethod
    def for_type(cls, output_type: Any) -> ResponseFormat:
        """The strict JSON schema of a Python type (a dataclass, an attrs class, a
        ``TypedDict``, an ``Enum`` or ``Literal``, a ``list[...]``, a union of these, a
        pydantic model); see ``llm_connector.structured.schema``. Raises
        ``RequestValidationError`` (field ``output_type``) for a type it cannot express."""
        from llm_connector.structured.schema import output_schema

        made = output_schema(output_type)
        description = None
        if isinstance(made.schema.get("description"), str):
            description = made.schema["description"]
        return cls(
            "json_schema",
            made.name,
            made.schema,
            True,
            description,
            output_type=output_type,
            wrapped=made.wrapped,
        )

    @classmethod
    def from_openai(cls, value: Mapping[str, Any]) -> ResponseFormat:
        """From OpenAI's wire shape, e.g. ``{"type": "json_schema", "json_schema": {...}}``."""
        if not isinstance(value, Mapping):
            raise RequestValidationError(
                "response_format",
                f"expected ResponseFormat or a mapping, got {type(value).__name__}",
            )
        kind = value.get("type")
        if kind == "json_schema":
            spec = value.get("json_schema")
            if not isinstance(spec, Mapping):
                raise RequestValidationError("response_format.json_schema", "must be an object")
            return cls.json_schema(
                spec.get("name", ""),
                spec.get("schema") or {},
                strict=spec.get("strict"),
                description=spec.get("description"),
            )
        if kind in ("text", "json_object"):
            return cls(kind)
        raise RequestValidationError("response_format.type", f"unknown type {kind!r}")
