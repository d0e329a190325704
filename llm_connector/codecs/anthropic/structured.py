"""How a Messages request asks for a JSON schema (pure).

Claude models with structured outputs take the schema as ``output_config.format``; the
answer is its text: https://platform.claude.com/docs/en/build-with-claude/structured-outputs.
Older ones (Claude 3.x, Opus 4 and Sonnet 4) are asked through a forced tool whose input
schema is the answer's: the tool call's input is the answer
(https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use#json-mode),
which ``ChatResponse.parse`` reads back. A forced tool cannot be combined with thinking
(tool_choice "tool" is refused with thinking on) nor with the caller's own tools; those
requests are refused before sending.
"""

from __future__ import annotations

from typing import Any

from llm_connector.codecs.anthropic.models import ModelRules
from llm_connector.errors import RequestValidationError
from llm_connector.types import ChatRequest

__all__ = ["output_format"]


def output_format(
    request: ChatRequest,
    rules: ModelRules,
    body: dict[str, Any],
    output_config: dict[str, Any],
    *,
    thinking_on: bool,
) -> None:
    """Ask for ``request.response_format`` in ``body`` / ``output_config``."""
    fmt = request.response_format
    if fmt is None or fmt.type == "text":
        return
    if fmt.type == "json_object":
        raise RequestValidationError(
            "response_format",
            "Anthropic has no JSON mode without a schema; use ResponseFormat.json_schema",
        )
    if not rules.known or rules.structured_output:
        output_config["format"] = {"type": "json_schema", "schema": fmt.schema}
        return
    if thinking_on:
        raise RequestValidationError(
            "response_format",
            f"{request.model} has no structured outputs, and the forced tool that stands "
            "in for them cannot be used with thinking on",
        )
    if request.tools:
        raise RequestValidationError(
            "response_format",
            f"{request.model} has no structured outputs, and the forced tool that stands "
            "in for them cannot be combined with your own tools",
        )
    tool: dict[str, Any] = {"name": fmt.name, "input_schema": fmt.schema}
    tool["description"] = fmt.description or "Give the answer as this tool's input."
    body["tools"] = [tool]
    body["tool_choice"] = {"type": "tool", "name": fmt.name}
