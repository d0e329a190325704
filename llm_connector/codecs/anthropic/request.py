"""Building an Anthropic Messages request body from a neutral ChatRequest (pure).

API reference: https://platform.claude.com/docs/en/api/messages

How the neutral request maps:

- ``system`` and ``developer`` messages become the top-level ``system`` (one string, or a
  list of text blocks when there are several); Anthropic has no system role in
  ``messages``. Consecutive turns of the same role are merged into one (Anthropic wants
  user and assistant turns to alternate); tool results are ``tool_result`` blocks of a user
  turn, placed before any text of that turn as Anthropic requires
  (https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use#handling-results-from-client-tools).
- An assistant turn is its signed reasoning blocks (``thinking`` with their signature,
  ``redacted_thinking`` verbatim), then its text, then its ``tool_use`` blocks, so a
  conversation with thinking and tool use continues
  (https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks).
  Reasoning without a signature (from another provider) cannot be verified by Anthropic
  and is not sent.
- ``seed``, ``presence_penalty`` and ``frequency_penalty`` have no Anthropic counterpart
  and are not sent (as OpenAI's codec drops ``top_k`` for OpenAI).
- ``reasoning_effort`` is the effort setting (``output_config.effort``) on the models that
  take one, with adaptive thinking where that is the model's way, and a thinking budget on
  the others; ``temperature``, ``top_p`` and ``top_k`` are refused where the model or
  thinking refuses them, and dropped (logged at debug level) where the value sent is one
  the API only tolerates. The per-model rules and their sources are in ``models.py``.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any

from llm_connector.codecs.anthropic.caching import CacheMarks
from llm_connector.codecs.anthropic.models import model_rules
from llm_connector.codecs.anthropic.structured import output_format
from llm_connector.codecs.anthropic.thinking import (
    EFFORT_BUDGETS,
    effort_level,
    sampling,
    thinking_config,
)
from llm_connector.codecs.caching import refuse_cache_reference
from llm_connector.errors import RequestValidationError
from llm_connector.types import (
    ChatRequest,
    DocumentPart,
    ImagePart,
    Message,
    ReasoningBlock,
    TextPart,
    Tool,
    ToolCall,
)

if TYPE_CHECKING:
    from llm_connector.codecs.anthropic.dialect import AnthropicDialect

#: ``max_tokens`` is required by Anthropic; when a request has none, this many are asked for
#: (plus the thinking budget when thinking is on). 4096 is the largest output every Claude
#: model accepts (Claude 3 Haiku's ceiling): https://platform.claude.com/docs/en/about-claude/models/overview
DEFAULT_MAX_TOKENS = 4096

# Vision takes these image types: https://platform.claude.com/docs/en/build-with-claude/vision
_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})

#: The beta header that lets a message refer to an uploaded file:
#: https://platform.claude.com/docs/en/build-with-claude/files
FILES_BETA = "files-api-2025-04-14"


class BodyBuilder:
    """Builds one request body; remembers the beta features the body needs."""

    def __init__(self, request: ChatRequest, dialect: AnthropicDialect) -> None:
        self.request = request
        self.dialect = dialect
        self.betas: list[str] = []
        #: The request's cache breakpoints as ``cache_control`` (caching.py).
        self.cache = CacheMarks(dialect.name)

    def body(self) -> dict[str, Any]:
        """The Messages body (without ``stream`` and the Vertex adjustments)."""
        request = self.request
        request.validate()
        rules = model_rules(request.model)
        thinking = thinking_config(request, rules)
        effort = effort_level(request, rules)
        thinking_on = thinking is not None and thinking["type"] != "disabled"
        # Thinking counts toward max_tokens: room for it as its budget, or for adaptive
        # thinking as much as the effort's budget would have been.
        room = thinking.get("budget_tokens", 0) if thinking else 0
        if thinking is not None and thinking["type"] == "adaptive" and request.reasoning_effort:
            room = EFFORT_BUDGETS[request.reasoning_effort]
        system, messages = self.messages()
        body: dict[str, Any] = {
            "model": request.model,
            "max_tokens": request.max_tokens or DEFAULT_MAX_TOKENS + room,
        }
        if system is not None:
            body["system"] = system
        body["messages"] = messages
        optional: dict[str, Any] = {
            **sampling(request, rules, thinking_on=thinking_on),
            "stop_sequences": list(request.stop) if request.stop else None,
            "metadata": {"user_id": request.user} if request.user else None,
        }
        body.update((k, v) for k, v in optional.items() if v is not None)
        if request.tools:
            body["tools"] = [_tool(t) for t in request.tools]
            self.cache.mark(body["tools"][-1], request.tools_cache, "tools_cache", 0)
        self.cache.check()
        refuse_cache_reference(request, self.dialect.name)
        choice = _tool_choice(request, thinking_on=thinking_on)
        if choice is not None:
            body["tool_choice"] = choice
        if thinking is not None:
            body["thinking"] = thinking
        output_config: dict[str, Any] = {}
        if effort is not None:
            output_config["effort"] = effort
        output_format(request, rules, body, output_config, thinking_on=thinking_on)
        if output_config:
            body["output_config"] = output_config
        return body

    # -- messages ---------------------------------------------------------------------------

    def messages(self) -> tuple[str | list[dict[str, Any]] | None, list[dict[str, Any]]]:
        system: list[dict[str, Any]] = []
        turns: list[dict[str, Any]] = []
        for i, message in enumerate(self.request.messages):
            if message.role in ("system", "developer"):
                system.extend(self._cached(self._system_blocks(message, i), message, i, 1))
                continue
            role = "assistant" if message.role == "assistant" else "user"
            blocks = self._cached(self._blocks(message, i), message, i, 2)
            if not blocks:
                if role == "user":
                    raise RequestValidationError(
                        f"messages[{i}].content", "Anthropic rejects an empty user message"
                    )
                continue  # an assistant turn with nothing to send back
            if turns and turns[-1]["role"] == role:
                turns[-1]["content"].extend(blocks)
            else:
                turns.append({"role": role, "content": blocks})
        for turn in turns:
            content = turn["content"]
            if turn["role"] == "user":
                # tool_result blocks first, the rest after them, each in its order.
                content.sort(key=lambda block: block["type"] != "tool_result")
            if len(content) == 1 and set(content[0]) == {"type", "text"}:
                turn["content"] = content[0]["text"]
        if not turns:
            raise RequestValidationError("messages", "Anthropic needs a user or assistant message")
        if not system:
            return None, turns
        if len(system) == 1 and "cache_control" not in system[0]:
            return system[0]["text"], turns
        return system, turns

    def _system_blocks(self, message: Message, i: int) -> list[dict[str, Any]]:
        content = message.content
        if content is None or isinstance(content, str):
            return [{"type": "text", "text": content}] if content else []
        blocks = []
        for j, part in enumerate(content):
            field = f"messages[{i}].content[{j}]"
            if not isinstance(part, TextPart):
                raise RequestValidationError(field, "Anthropic's system prompt takes text only")
            if part.text:
                blocks.append({"type": "text", "text": part.text})
                self.cache.mark(blocks[-1], part.cache, f"{field}.cache", 1)
            elif part.cache is not None:
                raise RequestValidationError(f"{field}.cache", "an empty text cannot be cached")
        return blocks

    def _cached(
        self, blocks: list[dict[str, Any]], message: Message, i: int, section: int
    ) -> list[dict[str, Any]]:
        """``blocks`` with the message's cache breakpoint on the last of them."""
        if message.cache is not None:
            if not blocks:
                raise RequestValidationError(
                    f"messages[{i}].cache", "a message with nothing to send cannot be cached"
                )
            self.cache.mark(blocks[-1], message.cache, f"messages[{i}].cache", section)
        return blocks

    def _blocks(self, message: Message, i: int) -> list[dict[str, Any]]:
        if message.role == "tool":
            result: dict[str, Any] = {"type": "tool_result", "tool_use_id": message.tool_call_id}
            content = self._content(message, i)
            if content:
                only_text = all(set(b) == {"type", "text"} for b in content)
                result["content"] = "".join(b["text"] for b in content) if only_text else content
            if message.tool_error:
                # https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use#handling-errors
                result["is_error"] = True
            return [result]
        if message.role == "assistant":
            blocks = [_reasoning(b) for b in message.reasoning_blocks if _is_signed(b)]
            blocks.extend(self._content(message, i))
            blocks.extend(
                _tool_use(c, f"messages[{i}].tool_calls[{j}]")
                for j, c in enumerate(message.tool_calls)
            )
            return blocks
        return self._content(message, i)

    def _content(self, message: Message, i: int) -> list[dict[str, Any]]:
        content = message.content
        if content is None:
            return []
        if isinstance(content, str):
            # Anthropic rejects empty text blocks.
            return [{"type": "text", "text": content}] if content else []
        blocks: list[dict[str, Any]] = []
        for j, part in enumerate(content):
            field = f"messages[{i}].content[{j}]"
            if isinstance(part, TextPart):
                if part.text:
                    blocks.append({"type": "text", "text": part.text})
                    self.cache.mark(blocks[-1], part.cache, f"{field}.cache", 2)
                elif part.cache is not None:
                    raise RequestValidationError(f"{field}.cache", "an empty text cannot be cached")
                continue
            if message.role == "assistant":
                raise RequestValidationError(
                    field, "Anthropic takes images and documents in user and tool turns only"
                )
            if not self.dialect.media:
                raise RequestValidationError(
                    field, f"{self.dialect.name} takes text input only (no images or documents)"
                )
            if isinstance(part, ImagePart):
                blocks.append(self._image(part, field))
            elif isinstance(part, DocumentPart):
                blocks.append(self._document(part, field))
            self.cache.mark(blocks[-1], part.cache, f"{field}.cache", 2)
        return blocks

    def _image(self, part: ImagePart, field: str) -> dict[str, Any]:
        if part.url is not None:
            self._check_url_source(field)
            return {"type": "image", "source": {"type": "url", "url": part.url}}
        if part.media_type not in _IMAGE_TYPES:
            raise RequestValidationError(
                f"{field}.media_type",
                f"Anthropic takes {', '.join(sorted(_IMAGE_TYPES))} images, not {part.media_type}",
            )
        source = {"type": "base64", "media_type": part.media_type, "data": part.data}
        return {"type": "image", "source": source}

    def _document(self, part: DocumentPart, field: str) -> dict[str, Any]:
        # https://platform.claude.com/docs/en/build-with-claude/pdf-support
        source: dict[str, Any]
        if part.file_id is not None:
            if not self.dialect.file_ids:
                raise RequestValidationError(
                    field, f"{self.dialect.name} cannot take a document by file id"
                )
            source = {"type": "file", "file_id": part.file_id}
            if FILES_BETA not in self.betas:
                self.betas.append(FILES_BETA)
        elif part.url is not None:
            self._check_url_source(field)
            if part.media_type != "application/pdf":
                raise RequestValidationError(field, "Anthropic takes only PDFs by URL")
            source = {"type": "url", "url": part.url}
        elif part.media_type == "application/pdf":
            source = {"type": "base64", "media_type": "application/pdf", "data": part.data}
        elif part.media_type == "text/plain":
            source = {"type": "text", "media_type": "text/plain", "data": _text(part, field)}
        else:
            raise RequestValidationError(
                f"{field}.media_type",
                f"Anthropic takes PDF and plain-text documents, not {part.media_type}",
            )
        block: dict[str, Any] = {"type": "document", "source": source}
        if part.filename:
            block["title"] = part.filename
        return block

    def _check_url_source(self, field: str) -> None:
        if not self.dialect.url_sources:
            # Vertex AI answers "URL sources are not supported" (litellm#18430,
            # anthropic-sdk-typescript#1038): send the bytes instead.
            raise RequestValidationError(
                field, f"{self.dialect.name} does not take URL sources; send the data inline"
            )


def _text(part: DocumentPart, field: str) -> str:
    try:
        return base64.b64decode(part.data or "").decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise RequestValidationError(field, "a text/plain document must be UTF-8 text") from None


def _is_signed(block: ReasoningBlock) -> bool:
    return block.redacted is not None or block.signature is not None


def _reasoning(block: ReasoningBlock) -> dict[str, Any]:
    if block.redacted is not None:
        return {"type": "redacted_thinking", "data": block.redacted}
    return {"type": "thinking", "thinking": block.text, "signature": block.signature}


def _tool_use(call: ToolCall, field: str) -> dict[str, Any]:
    try:
        arguments = json.loads(call.function.arguments or "{}")
    except ValueError:
        arguments = None
    if not isinstance(arguments, dict):
        raise RequestValidationError(
            f"{field}.function.arguments", "Anthropic needs tool-call arguments as a JSON object"
        )
    return {"type": "tool_use", "id": call.id, "name": call.function.name, "input": arguments}


def _tool(tool: Tool) -> dict[str, Any]:
    # https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use
    out: dict[str, Any] = {"name": tool.name}
    if tool.description is not None:
        out["description"] = tool.description
    out["input_schema"] = tool.parameters
    if tool.strict is not None:
        out["strict"] = tool.strict
    return out


def _tool_choice(request: ChatRequest, *, thinking_on: bool) -> dict[str, Any] | None:
    choice = request.tool_choice
    if choice is None:
        if request.parallel_tool_calls is False:
            return {"type": "auto", "disable_parallel_tool_use": True}
        return None
    if thinking_on and choice.mode in ("required", "function"):
        # https://platform.claude.com/docs/en/build-with-claude/extended-thinking#extended-thinking-with-tool-use
        raise RequestValidationError(
            "tool_choice", "with thinking on, Anthropic allows only tool_choice auto or none"
        )
    if choice.mode == "none":
        return {"type": "none"}
    out: dict[str, Any] = {"type": {"auto": "auto", "required": "any"}.get(choice.mode, "tool")}
    if choice.mode == "function":
        out["name"] = choice.name
    if request.parallel_tool_calls is False:
        out["disable_parallel_tool_use"] = True
    return out
