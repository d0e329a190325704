"""Messages, content parts and tool calls: what a conversation is made of."""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeAlias, cast

import attrs

from llm_connector.errors import RequestValidationError
from llm_connector.types._cache import Cacheable, CacheBreakpoint, check_breakpoint
from llm_connector.types._json_values import check_json
from llm_connector.types._value import FrozenValue

Role: TypeAlias = Literal["system", "developer", "user", "assistant", "tool"]
ROLES: frozenset[str] = frozenset({"system", "developer", "user", "assistant", "tool"})
# "developer" is OpenAI's newer name for system instructions on reasoning models:
# https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages


@attrs.frozen(repr=False, eq=False)
class TextPart(FrozenValue, Cacheable):
    """A piece of text inside a multimodal message. ``cache``: a cache breakpoint after it
    (``with_cache()``, docs/caching.md)."""

    text: str
    type: Literal["text"] = "text"
    cache: CacheBreakpoint | None = attrs.field(default=None, validator=check_breakpoint)


# Magic numbers of the image formats every vision API accepts (PNG, JPEG, GIF, WebP).
_IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def _sniff_image(head: bytes) -> str | None:
    for signature, media_type in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _read_file(path: str | os.PathLike[str], field: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise RequestValidationError(field, f"file {os.fspath(path)!r} does not exist") from None
    except IsADirectoryError:
        raise RequestValidationError(field, f"{os.fspath(path)!r} is a directory") from None
    except OSError as exc:
        raise RequestValidationError(
            field, f"cannot read {os.fspath(path)!r}: {exc.strerror}"
        ) from None


def _split_data_url(url: str, field: str) -> tuple[str, str]:
    """``data:<media type>;base64,<data>`` -> (media type, base64 data)."""
    header, sep, data = url.partition(",")
    if not sep or not header.endswith(";base64"):
        raise RequestValidationError(field, "a data: URL must look like data:<type>;base64,<data>")
    return header[len("data:") : -len(";base64")], data


def _check_base64(data: str, field: str) -> str:
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise RequestValidationError(field, "is not valid base64") from None
    return data


@attrs.frozen(repr=False, eq=False)
class ImagePart(FrozenValue, Cacheable):
    """An image, by URL or inline (base64).

    Build one with :meth:`from_url`, :meth:`from_base64`, :meth:`from_bytes` or
    :meth:`from_path`. ``detail`` (``"low"``, ``"high"``, ``"auto"``) is passed to providers
    that take it. ``cache``: a cache breakpoint after it (``with_cache()``, docs/caching.md).
    """

    url: str | None = None
    data: str | None = None
    media_type: str | None = None
    detail: str | None = None
    type: Literal["image"] = "image"
    cache: CacheBreakpoint | None = attrs.field(default=None, validator=check_breakpoint)

    def __attrs_post_init__(self) -> None:
        if (self.url is None) == (self.data is None):
            raise RequestValidationError("image", "give exactly one of url or data")
        if self.data is not None and not self.media_type:
            raise RequestValidationError("image.media_type", "inline image data needs a media type")

    @classmethod
    def from_url(cls, url: str, *, detail: str | None = None) -> ImagePart:
        """An image the provider fetches by URL. A ``data:`` URL becomes inline data."""
        if url.startswith("data:"):
            media_type, data = _split_data_url(url, "image.url")
            return cls(data=_check_base64(data, "image.url"), media_type=media_type, detail=detail)
        return cls(url=url, detail=detail)

    @classmethod
    def from_base64(cls, data: str, media_type: str, *, detail: str | None = None) -> ImagePart:
        """An inline image from base64 text (without a ``data:`` prefix)."""
        return cls(data=_check_base64(data, "image.data"), media_type=media_type, detail=detail)

    @classmethod
    def from_bytes(
        cls, raw: bytes, media_type: str | None = None, *, detail: str | None = None
    ) -> ImagePart:
        """An inline image from raw bytes; the media type is sniffed when not given."""
        media_type = media_type or _sniff_image(raw[:16])
        if media_type is None:
            raise RequestValidationError(
                "image.media_type", "not a PNG, JPEG, GIF or WebP image; pass media_type"
            )
        return cls(data=base64.b64encode(raw).decode("ascii"), media_type=media_type, detail=detail)

    @classmethod
    def from_path(
        cls,
        path: str | os.PathLike[str],
        *,
        media_type: str | None = None,
        detail: str | None = None,
    ) -> ImagePart:
        """An inline image read from a file now; its type comes from its bytes or its name."""
        raw = _read_file(path, "image.path")
        media_type = (
            media_type or _sniff_image(raw[:16]) or mimetypes.guess_type(os.fspath(path))[0]
        )
        if media_type is None or not media_type.startswith("image/"):
            raise RequestValidationError(
                "image.path", f"cannot tell the image type of {os.fspath(path)!r}; pass media_type"
            )
        return cls(data=base64.b64encode(raw).decode("ascii"), media_type=media_type, detail=detail)

    def as_data_url(self) -> str:
        """The image as a URL: the URL itself, or a ``data:`` URL for inline data."""
        if self.url is not None:
            return self.url
        return f"data:{self.media_type};base64,{self.data}"


@attrs.frozen(repr=False, eq=False)
class DocumentPart(FrozenValue, Cacheable):
    """A document (PDF, plain text, ...) inline as base64, by URL, or by a provider file id.
    ``cache``: a cache breakpoint after it (``with_cache()``, docs/caching.md)."""

    data: str | None = None
    media_type: str = "application/pdf"
    filename: str | None = None
    url: str | None = None
    file_id: str | None = None
    type: Literal["document"] = "document"
    cache: CacheBreakpoint | None = attrs.field(default=None, validator=check_breakpoint)

    def __attrs_post_init__(self) -> None:
        given = [x for x in (self.data, self.url, self.file_id) if x is not None]
        if len(given) != 1:
            raise RequestValidationError("document", "give exactly one of data, url or file_id")

    @classmethod
    def from_base64(
        cls, data: str, media_type: str = "application/pdf", *, filename: str | None = None
    ) -> DocumentPart:
        return cls(
            data=_check_base64(data, "document.data"), media_type=media_type, filename=filename
        )

    @classmethod
    def from_path(
        cls, path: str | os.PathLike[str], *, media_type: str | None = None
    ) -> DocumentPart:
        """A document read from a file now; PDF is recognised by its bytes."""
        raw = _read_file(path, "document.path")
        if media_type is None:
            media_type = "application/pdf" if raw.startswith(b"%PDF") else None
            media_type = media_type or mimetypes.guess_type(os.fspath(path))[0]
        if media_type is None:
            raise RequestValidationError(
                "document.path", f"cannot tell the type of {os.fspath(path)!r}; pass media_type"
            )
        return cls(
            data=base64.b64encode(raw).decode("ascii"),
            media_type=media_type,
            filename=os.path.basename(os.fspath(path)),
        )

    @classmethod
    def from_url(cls, url: str, media_type: str = "application/pdf") -> DocumentPart:
        return cls(url=url, media_type=media_type)

    @classmethod
    def from_file_id(cls, file_id: str) -> DocumentPart:
        return cls(file_id=file_id)


ContentPart: TypeAlias = TextPart | ImagePart | DocumentPart
_PART_TYPES = (TextPart, ImagePart, DocumentPart)


@attrs.frozen(repr=False, eq=False)
class FunctionCall(FrozenValue):
    """The function a tool call invokes; ``arguments`` is JSON text, as the model wrote it."""

    name: str
    arguments: str = "{}"


@attrs.frozen(repr=False, eq=False)
class ToolCall(FrozenValue):
    """A complete tool call made by the assistant.

    ``thought_signature`` is Gemini's opaque signature of the reasoning behind the call;
    it must go back with the call on the next turn (Gemini 3 rejects the turn without it):
    https://ai.google.dev/gemini-api/docs/thought-signatures
    """

    id: str
    function: FunctionCall
    type: str = "function"
    thought_signature: str | None = None

    @classmethod
    def create(cls, id: str, name: str, arguments: str | Mapping[str, Any]) -> ToolCall:
        """A tool call from a name and its arguments (JSON text or a mapping).

        A mapping holding what JSON cannot (NaN, a set, a datetime, ...) raises
        ``RequestValidationError`` naming it (``tool_call.arguments.when``).
        """
        if not isinstance(arguments, str):
            if isinstance(arguments, Mapping):  # any mapping: the encoder takes only dicts
                arguments = dict(arguments)
            check_json(arguments, "tool_call.arguments")
            arguments = json.dumps(arguments, ensure_ascii=False, allow_nan=False)
        return cls(id=id, function=FunctionCall(name=name, arguments=arguments))

    @property
    def name(self) -> str:
        return self.function.name

    @property
    def arguments(self) -> str:
        return self.function.arguments

    def parse_arguments(self, output_type: Any = None) -> Any:
        """The arguments decoded from JSON (``{}`` when the model sent none); with
        ``output_type`` (a dataclass, an attrs class, a ``TypedDict``, ...) as a value of
        that type, checked as a structured answer is (``OutputValidationError`` naming the
        path of the first mismatch).

        Raises ``ValueError`` (a ``json.JSONDecodeError``) when the model wrote invalid JSON.
        """
        value = json.loads(self.function.arguments or "{}")
        if output_type is None:
            return value
        from llm_connector.structured.parse import parse_value

        return parse_value(output_type, value, self.function.arguments)

    def result(self, content: str, *, name: str | None = None, error: bool = False) -> Message:
        """The tool message answering this call: ``Message.tool(content, self.id)``, without
        the chance of swapping the two strings; ``error=True`` when the call failed."""
        return Message.tool(content, self.id, name=name, error=error)


@attrs.frozen(repr=False, eq=False)
class ReasoningBlock(FrozenValue):
    """One block of reasoning exactly as the provider returned it, kept so that it can be
    sent back: Anthropic requires the previous turn's ``thinking`` blocks, with their
    ``signature``, when a conversation with thinking continues after tool use, and
    ``redacted_thinking`` blocks verbatim:
    https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#preserving-thinking-blocks

    ``text`` is the visible reasoning, ``signature`` the provider's opaque signature of it,
    ``redacted`` the opaque data of a block the provider would not show.
    """

    text: str = ""
    signature: str | None = None
    redacted: str | None = None


def _to_content(value: str | Iterable[ContentPart] | None) -> str | tuple[ContentPart, ...] | None:
    if value is None or isinstance(value, str):
        return value
    # Checked as objects: callers without a type checker pass anything.
    if isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise RequestValidationError(
            "content",
            "expected text, a sequence of TextPart, ImagePart or DocumentPart, or None, "
            f"got {type(value).__name__}",
        )
    parts: tuple[object, ...] = tuple(value)
    for i, part in enumerate(parts):
        if isinstance(part, str):
            raise RequestValidationError(f"content[{i}]", "wrap text in TextPart(...)")
        if not isinstance(part, _PART_TYPES):
            raise RequestValidationError(
                f"content[{i}]",
                f"expected TextPart, ImagePart or DocumentPart, got {type(part).__name__}",
            )
    return cast("tuple[ContentPart, ...]", parts)


def _to_reasoning_blocks(value: Iterable[ReasoningBlock]) -> tuple[ReasoningBlock, ...]:
    blocks = tuple(value)
    for i, block in enumerate(blocks):
        if not isinstance(block, ReasoningBlock):
            raise RequestValidationError(
                f"reasoning_blocks[{i}]", f"expected ReasoningBlock, got {type(block).__name__}"
            )
    return blocks


def _check_role(_: Any, __: Any, role: str) -> None:
    if role not in ROLES:
        raise RequestValidationError("role", f"unknown role {role!r}; use one of {sorted(ROLES)}")


def _to_tool_calls(value: Iterable[ToolCall]) -> tuple[ToolCall, ...]:
    calls = tuple(value)
    for i, call in enumerate(calls):
        if not isinstance(call, ToolCall):
            raise RequestValidationError(
                f"tool_calls[{i}]", f"expected ToolCall, got {type(call).__name__}"
            )
    return calls


@attrs.frozen(repr=False, eq=False)
class Message(FrozenValue, Cacheable):
    """One turn of a conversation.

    ``content`` is text, a sequence of parts (``TextPart``, ``ImagePart``,
    ``DocumentPart``), or None (an assistant turn that only calls tools). Assistant turns
    carry ``tool_calls`` and ``reasoning_content`` so that a multi-turn conversation can
    send them back to providers that need them. ``cache``: a cache breakpoint after the
    whole message (``Message.system(...).with_cache()``, docs/caching.md).
    """

    role: Role = attrs.field(validator=_check_role)
    content: str | tuple[ContentPart, ...] | None = attrs.field(default=None, converter=_to_content)
    name: str | None = None
    tool_calls: tuple[ToolCall, ...] = attrs.field(default=(), converter=_to_tool_calls)
    tool_call_id: str | None = None
    reasoning_content: str | None = None
    #: The reasoning as signed blocks, when the provider signs it (Anthropic, Gemini).
    reasoning_blocks: tuple[ReasoningBlock, ...] = attrs.field(
        default=(), converter=_to_reasoning_blocks
    )
    cache: CacheBreakpoint | None = attrs.field(default=None, validator=check_breakpoint)
    #: A tool message reporting that the call failed (``Message.tool(..., error=True)``):
    #: Anthropic's ``is_error``, Bedrock's ``status: "error"``; the other APIs have no such
    #: field and read it from the content.
    tool_error: bool = attrs.field(default=False, repr=False)

    @classmethod
    def system(cls, content: str) -> Message:
        return cls("system", content)

    @classmethod
    def developer(cls, content: str) -> Message:
        return cls("developer", content)

    @classmethod
    def user(cls, content: str | Sequence[ContentPart], *, name: str | None = None) -> Message:
        return cls("user", content, name=name)

    @classmethod
    def assistant(
        cls,
        content: str | Sequence[ContentPart] | None = None,
        *,
        tool_calls: Iterable[ToolCall] = (),
        reasoning_content: str | None = None,
        reasoning_blocks: Iterable[ReasoningBlock] = (),
    ) -> Message:
        return cls(
            "assistant",
            content,
            tool_calls=tuple(tool_calls),
            reasoning_content=reasoning_content,
            reasoning_blocks=tuple(reasoning_blocks),
        )

    @classmethod
    def tool(
        cls, content: str, tool_call_id: str, *, name: str | None = None, error: bool = False
    ) -> Message:
        """The result of a tool call, answering the call with id ``tool_call_id``;
        ``error=True`` when the call failed (``content`` says how)."""
        return cls("tool", content, tool_call_id=tool_call_id, name=name, tool_error=error)

    def text(self) -> str:
        """All text of the message (text parts joined by newlines)."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "\n".join(p.text for p in self.content if isinstance(p, TextPart))
