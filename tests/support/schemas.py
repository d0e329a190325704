"""Request bodies checked against the providers' published schemas (``tests/data/specs/``).

``validate_request(protocol, body)`` raises AssertionError listing every violation with its
JSON path. The protocols and what each is checked against:

- ``openai_chat``: OpenAI's ``CreateChatCompletionRequest``; ``openai_responses``:
  ``CreateResponse`` (``openai-requests.json``);
- ``anthropic``: ``CreateMessageParams`` (``anthropic-requests.json``);
- ``ollama``: ``ChatRequest`` of ``/api/chat`` (``ollama-requests.json``);
- ``gemini``: ``GenerateContentRequest`` of the v1beta protos (``gemini-v1beta/``): every
  field name, at every depth, must be a field of its message (under its lowerCamelCase JSON
  name or its proto name, per the proto3 JSON mapping), with a value of the field's kind
  (object, list, map, string, number, bool, enum value); an unknown field is a violation.

Not checked, for want of a published schema in ``tests/data/specs/`` (and in the shared
specs it was copied from): Bedrock's Converse bodies. AWS publishes the API as a Smithy
model (aws/api-models-aws, ``bedrock-runtime``), not as OpenAPI or JSON Schema; its bodies
are held instead to hand-written goldens per feature (tests/bedrock/test_requests.py), each
field as API_runtime_Converse.html documents it.

The OpenAPI files are JSON Schema 2020-12 (OpenAPI 3.1) with some OpenAPI 3.0 habits left
in. Before validation each schema is transformed, without loosening any check:

- ``nullable: true`` (3.0) becomes what it means in 3.1: ``null`` is added to ``type`` (and
  to ``enum``), or, for a schema without ``type``, ``anyOf: [<schema>, {type: null}]``;
- ``exclusiveMinimum: true`` / ``exclusiveMaximum: true`` beside ``minimum`` / ``maximum``
  (3.0's boolean form) become the 3.1 numeric form;
- ``x-*`` extension keys and ``discriminator`` are dropped: they are annotations, and
  jsonschema would ignore them anyway; but a ``oneOf`` that carries a discriminator is
  checked as ``anyOf``. OpenAPI picks such a branch by the discriminator's value, and some
  branches share one: ``InputItem``'s ``EasyInputMessage`` and ``Item``'s ``InputMessage``
  are both ``type: "message"``, so a user message with content parts is valid under both,
  and a literal ``oneOf`` would refuse every such body (which OpenAI's own SDK sends).

Where the published schema is stricter than the API it describes, ``SCHEMA_GAPS`` says so,
each with the evidence that the API accepts the body; nothing else is relaxed:

- OpenAI ``OutputTextContent`` requires ``logprobs``: that is the shape of an answer's
  text. A previous answer sent back as input (an assistant message of ``output_text``
  parts) is sent without it by OpenAI's own SDK, and answered
  (``tests/data/openai-responses/nonstream-web-search.request.json`` and its recorded
  response);
- Gemini's ``ThinkingConfig.thinkingLevel`` (Gemini 3: "low", "high", ...) came after the
  copied protos (googleapis d90d23fa, 2026-03-10): it is documented at
  https://ai.google.dev/gemini-api/docs/thinking#thinking-levels and is added as a string
  field.

``validated_request_bodies`` is an autouse fixture: a test module that imports it has every
body its codecs build validated (``build_chat`` of the OpenAI chat, Anthropic, Ollama and
Gemini codecs, and the Responses body function, where the test module also calls it
directly). Only bodies meant for the published API are checked: OpenAI chat bodies of the
``openai`` and ``azure_openai`` dialects (Azure takes OpenAI's parameters; only its paths
differ) and of the plain ``openai_compatible`` one (a provider's dialect adds or
renames fields of its own, such as DeepSeek's ``thinking`` or Qwen's ``enable_thinking``,
and is not OpenAI's schema), and Anthropic bodies of the ``anthropic`` dialect (Vertex and
LongCat bodies differ by design); an Anthropic body sent with an ``anthropic-beta`` header is
checked against the beta schema (``BetaCreateMessageParams``, ``/v1/messages?beta=true``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

SPECS = Path(__file__).resolve().parent.parent / "data" / "specs"

Protocol = Literal[
    "openai_chat", "openai_responses", "anthropic", "anthropic_beta", "ollama", "gemini"
]

#: protocol -> (trimmed spec file, request schema)
OPENAPI_ROOTS: dict[str, tuple[str, str]] = {
    "openai_chat": ("openai-requests.json", "CreateChatCompletionRequest"),
    "openai_responses": ("openai-requests.json", "CreateResponse"),
    "anthropic": ("anthropic-requests.json", "CreateMessageParams"),
    # A body sent with an ``anthropic-beta`` header: the ``/v1/messages?beta=true`` schema.
    "anthropic_beta": ("anthropic-requests.json", "BetaCreateMessageParams"),
    "ollama": ("ollama-requests.json", "ChatRequest"),
}


def validate_request(protocol: Protocol, body: Any) -> None:
    """Raise AssertionError naming every way ``body`` breaks ``protocol``'s schema."""
    problems = gemini_problems(body) if protocol == "gemini" else openapi_problems(protocol, body)
    if problems:
        listed = "\n".join(f"  {p}" for p in problems)
        raise AssertionError(f"{protocol} request body breaks the published schema:\n{listed}")


# -- OpenAPI ------------------------------------------------------------------------------

#: Keywords whose value maps names to schemas (the names are not schema keywords).
_SCHEMA_MAPS = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
#: Keywords whose value is data, never a schema.
_DATA = {"enum", "const", "default", "example", "examples", "required"}


def to_json_schema(node: Any) -> Any:
    """One OpenAPI schema as plain JSON Schema 2020-12 (the transformation above)."""
    if isinstance(node, list):
        return [to_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    discriminated = "discriminator" in node
    for key, value in node.items():
        if key.startswith("x-") or key in ("discriminator", "nullable"):
            continue
        if key == "oneOf" and discriminated:
            out["anyOf"] = to_json_schema(value)
            continue
        if key in _DATA:
            out[key] = value
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: to_json_schema(v) for name, v in value.items()}
        else:
            out[key] = to_json_schema(value)
    for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if isinstance(out.get(flag), bool) and out.pop(flag) and bound in out:
            out[flag] = out.pop(bound)
    if node.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        elif isinstance(kind, list):
            out["type"] = [*kind, "null"] if "null" not in kind else kind
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        if kind is None:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


#: (spec file, schema, required property the API does not require): see the module docs.
SCHEMA_GAPS: tuple[tuple[str, str, str], ...] = (
    ("openai-requests.json", "OutputTextContent", "logprobs"),
)


@functools.cache
def _openapi_document(name: str) -> dict[str, Any]:
    spec = json.loads((SPECS / name).read_text(encoding="utf-8"))
    schemas = {k: to_json_schema(v) for k, v in spec["components"]["schemas"].items()}
    for file, schema, prop in SCHEMA_GAPS:
        if file == name:
            schemas[schema]["required"] = [p for p in schemas[schema]["required"] if p != prop]
    return {"components": {"schemas": schemas}}


@functools.cache
def _validator(protocol: str) -> Draft202012Validator:
    name, root = OPENAPI_ROOTS[protocol]
    schema = {**_openapi_document(name), "$ref": f"#/components/schemas/{root}"}
    return Draft202012Validator(schema)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


_COMBINATORS = ("anyOf", "oneOf")


def _leaves(error: ValidationError) -> tuple[bool, list[ValidationError]]:
    """The violations ``error`` stands for, and whether they only say the body is not of
    this schema at all. Where an anyOf/oneOf failed, they are those of the branch the body
    most likely meant: one not ruled out (a type, const or enum mismatch at the value or at
    one of its properties, such as the discriminator, rules a branch out), and of those the
    one with the fewest violations."""
    if error.validator not in _COMBINATORS or not error.context:
        return False, [error]
    depth = len(error.absolute_path)
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
    scored: list[tuple[bool, int, list[ValidationError]]] = []
    for errors in branches.values():
        out = False
        leaves: list[ValidationError] = []
        for sub in errors:
            sub_out, sub_leaves = _leaves(sub)
            near = len(sub.absolute_path) <= depth + 1
            out = out or (sub.validator in ("type", "const", "enum") and near) or sub_out
            leaves += sub_leaves
        scored.append((out, len(leaves), leaves))
    out, _, leaves = min(scored, key=lambda t: (t[0], t[1]))
    return out, leaves


def _describe(error: ValidationError) -> list[str]:
    return [f"{e.json_path}: {_short(e.message)}" for e in _leaves(error)[1]]


def openapi_problems(protocol: str, body: Any) -> list[str]:
    errors = sorted(_validator(protocol).iter_errors(body), key=lambda e: e.json_path)
    return [line for e in errors for line in _describe(e)]


# -- Gemini: the v1beta protos ------------------------------------------------------------

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[A-Za-z_][\w.]*|-?\d[\w.]*|\S')
_PACKAGE = "google.ai.generativelanguage.v1beta."
_INTS = {"int32", "uint32", "sint32", "fixed32", "sfixed32"}
_LONGS = {"int64", "uint64", "sint64", "fixed64", "sfixed64"}
_FLOATS = {"float", "double"}
#: Well-known types outside the copied protos: their JSON forms.
_ANY_JSON = {"google.protobuf.Value", "google.protobuf.ListValue"}
_STRINGS = {"google.protobuf.Duration", "google.protobuf.Timestamp"}
_OBJECTS = {"google.protobuf.Struct"}


class _Field:
    def __init__(self, name: str, kind: str, label: str, oneof: str | None) -> None:
        self.name, self.kind, self.label, self.oneof = name, kind, label, oneof
        self.json_name = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)


class _Message:
    def __init__(self, name: str) -> None:
        self.name = name
        self.fields: dict[str, _Field] = {}


#: Small well-known messages the protos use, written out.
_LATLNG = _Message("google.type.LatLng")
_LATLNG.fields = {n: _Field(n, "double", "", None) for n in ("latitude", "longitude")}
_INTERVAL = _Message("google.type.Interval")
_INTERVAL.fields = {
    n: _Field(n, "google.protobuf.Timestamp", "", None) for n in ("start_time", "end_time")
}


class _Protos:
    """The messages and enums of the copied .proto files, by full name (package dropped)."""

    def __init__(self, texts: list[str]) -> None:
        self.messages: dict[str, _Message] = {m.name: m for m in (_LATLNG, _INTERVAL)}
        self.enums: dict[str, set[str]] = {}
        for text in texts:
            text = re.sub(r"//[^\n]*", "", text)
            tokens = _TOKEN.findall(text)
            self._body(tokens, 0, "", top=True)

    def _skip_to(self, tokens: list[str], i: int, end: str) -> int:
        """The index after the ``end`` that closes at depth 0, from ``i``."""
        depth = 0
        while True:
            t = tokens[i]
            if t in "{[(<" and len(t) == 1:
                depth += 1
            elif t in "}])>" and len(t) == 1:
                depth -= 1
                if depth < 0:
                    return i + 1
            if depth == 0 and t == end:
                return i + 1
            i += 1

    def _body(self, tokens: list[str], i: int, scope: str, *, top: bool = False) -> int:
        """Parse declarations from ``i`` up to a closing brace (or the end); return the
        index after it."""
        oneof: str | None = None
        while i < len(tokens):
            t = tokens[i]
            if t == "}":
                if oneof is not None:
                    oneof, i = None, i + 1
                    continue
                return i + 1
            if t in ("syntax", "package", "import", "option", "reserved", "extensions"):
                i = self._skip_to(tokens, i, ";")
            elif t == ";":
                i += 1
            elif t in ("message", "enum", "service"):
                name = f"{scope}.{tokens[i + 1]}" if scope else tokens[i + 1]
                if t == "message":
                    self.messages[name] = _Message(name)
                    i = self._body(tokens, i + 3, name)
                elif t == "enum":
                    i = self._enum(tokens, i + 3, name)
                else:
                    i = self._skip_to(tokens, i + 2, "}")
            elif t == "oneof":
                oneof, i = tokens[i + 1], i + 3
            elif top:
                i += 1
            else:
                i = self._field(tokens, i, scope, oneof)
        return i

    def _enum(self, tokens: list[str], i: int, name: str) -> int:
        values: set[str] = set()
        while tokens[i] != "}":
            if tokens[i] in ("option", "reserved"):
                i = self._skip_to(tokens, i, ";")
            else:
                values.add(tokens[i])
                i = self._skip_to(tokens, i, ";")
        self.enums[name] = values
        return i + 1

    def _field(self, tokens: list[str], i: int, scope: str, oneof: str | None) -> int:
        label = ""
        if tokens[i] in ("repeated", "optional"):
            label, i = tokens[i], i + 1
        if tokens[i] == "map":
            kind = "map:" + tokens[i + 4]  # map < key , value >
            i += 6
        else:
            kind, i = tokens[i], i + 1
        name = tokens[i]
        self.messages[scope].fields[name] = _Field(name, kind, label, oneof)
        return self._skip_to(tokens, i, ";")

    def resolve(self, kind: str, scope: str) -> str:
        """The full name of type ``kind`` used in message ``scope`` (proto scoping rules)."""
        kind = kind.removeprefix(_PACKAGE)
        parts = scope.split(".")
        while parts:
            candidate = ".".join([*parts, kind])
            if candidate in self.messages or candidate in self.enums:
                return candidate
            parts.pop()
        return kind

    def check(self, value: Any, message: str, path: str, out: list[str]) -> None:
        if value is None:
            return
        if message in _ANY_JSON:
            return
        if message in _OBJECTS:
            if not isinstance(value, dict):
                out.append(f"{path}: {message} must be an object, not {_short(repr(value))}")
            return
        if not isinstance(value, dict):
            out.append(f"{path}: {message} must be an object, not {_short(repr(value))}")
            return
        fields = self.messages[message].fields
        by_json = {f.json_name: f for f in fields.values()} | fields
        seen: dict[str, str] = {}
        oneofs: dict[str, str] = {}
        for key, item in value.items():
            at = f"{path}.{key}"
            field = by_json.get(key)
            if field is None:
                out.append(f"{at}: no field {key!r} in {message}")
                continue
            if field.name in seen:
                out.append(f"{at}: field {field.name!r} given twice ({seen[field.name]!r} too)")
            seen[field.name] = key
            if field.oneof is not None and item is not None:
                if field.oneof in oneofs:
                    out.append(
                        f"{at}: {key!r} and {oneofs[field.oneof]!r} are both members of "
                        f"oneof {field.oneof} of {message}"
                    )
                oneofs[field.oneof] = key
            self._check_field(field, item, message, at, out)

    def _check_field(self, field: _Field, item: Any, scope: str, at: str, out: list[str]) -> None:
        if item is None:
            return
        if field.kind.startswith("map:"):
            if not isinstance(item, dict):
                out.append(f"{at}: a map must be an object, not {_short(repr(item))}")
                return
            kind = field.kind[4:]
            for key, entry in item.items():
                self._check_value(kind, entry, scope, f"{at}.{key}", out)
        elif field.label == "repeated":
            if not isinstance(item, list):
                out.append(f"{at}: a repeated field must be a list, not {_short(repr(item))}")
                return
            for n, entry in enumerate(item):
                self._check_value(field.kind, entry, scope, f"{at}[{n}]", out)
        else:
            self._check_value(field.kind, item, scope, at, out)

    def _check_value(self, kind: str, item: Any, scope: str, at: str, out: list[str]) -> None:
        bad = f"{at}: {_short(repr(item))} is not a {kind}"
        if kind == "string":
            ok = isinstance(item, str)
        elif kind == "bytes":
            ok = isinstance(item, str) and re.fullmatch(r"[A-Za-z0-9+/_-]*=*", item) is not None
        elif kind == "bool":
            ok = isinstance(item, bool)
        elif kind in _INTS or kind in _LONGS:
            ok = (isinstance(item, int) and not isinstance(item, bool)) or (
                isinstance(item, str) and re.fullmatch(r"-?\d+", item) is not None
            )
        elif kind in _FLOATS:
            ok = (isinstance(item, (int, float)) and not isinstance(item, bool)) or item in (
                "NaN",
                "Infinity",
                "-Infinity",
            )
        elif kind in _STRINGS:
            ok = isinstance(item, str)
        else:
            full = self.resolve(kind, scope)
            if full in self.enums:
                ok = item in self.enums[full] or (
                    isinstance(item, int) and not isinstance(item, bool)
                )
                bad = f"{at}: {_short(repr(item))} is not a value of enum {full}"
            elif full in self.messages or full in _ANY_JSON | _OBJECTS:
                self.check(item, full, at, out)
                return
            else:
                raise LookupError(f"proto type {kind!r} (in {scope}) is not in the copied protos")
        if not ok:
            out.append(bad)


@functools.cache
def _protos() -> _Protos:
    folder = SPECS / "gemini-v1beta"
    protos = _Protos([p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.proto"))])
    # Newer than the copied protos: see the module docstring.
    thinking = protos.messages["ThinkingConfig"]
    thinking.fields["thinking_level"] = _Field("thinking_level", "string", "optional", None)
    return protos


def gemini_problems(body: Any) -> list[str]:
    out: list[str] = []
    _protos().check(body, "GenerateContentRequest", "$", out)
    return out


# -- the hook -----------------------------------------------------------------------------


def _checked(protocol: Protocol, build: Callable[..., Any], wanted: Callable[[Any], bool]) -> Any:
    """``build`` (a codec's ``build_chat``) that also validates the body it builds."""

    @functools.wraps(build)
    def wrapper(codec: Any, *args: Any, **kwargs: Any) -> Any:
        spec = build(codec, *args, **kwargs)
        if wanted(codec) and spec.body is not None:
            validate_request(protocol, json.loads(spec.body))
        return spec

    return wrapper


def _checked_anthropic(build: Callable[..., Any]) -> Any:
    """Anthropic's ``build_chat``, validating the bodies of the ``anthropic`` dialect against
    the beta schema when they go with an ``anthropic-beta`` header."""

    @functools.wraps(build)
    def wrapper(codec: Any, *args: Any, **kwargs: Any) -> Any:
        spec = build(codec, *args, **kwargs)
        if codec.dialect.name == "anthropic" and spec.body is not None:
            beta = any(k.lower() == "anthropic-beta" for k in spec.headers)
            validate_request("anthropic_beta" if beta else "anthropic", json.loads(spec.body))
        return spec

    return wrapper


def _checked_body(protocol: Protocol, make: Callable[..., Any]) -> Any:
    """``make`` (a function returning a body dict) that also validates what it returns."""

    @functools.wraps(make)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        body = make(*args, **kwargs)
        validate_request(protocol, json.loads(json.dumps(body)))
        return body

    return wrapper


#: The OpenAI chat dialects whose bodies are OpenAI's schema.
OPENAI_SCHEMA_DIALECTS = {"openai", "azure_openai", "openai_compatible"}


@pytest.fixture(autouse=True)
def validated_request_bodies(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every request body the test builds is validated against its published schema."""
    from llm_connector.codecs.anthropic.codec import AnthropicCodec
    from llm_connector.codecs.gemini.codec import GeminiCodec
    from llm_connector.codecs.ollama.codec import OllamaCodec
    from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
    from llm_connector.codecs.openai_responses import codec as responses_codec
    from llm_connector.codecs.openai_responses import request as responses_request

    def always(codec: Any) -> bool:
        return True

    hooks: list[tuple[type[Any], Protocol, Callable[[Any], bool]]] = [
        (OpenAIChatCodec, "openai_chat", lambda c: c.dialect.name in OPENAI_SCHEMA_DIALECTS),
        (OllamaCodec, "ollama", always),
        (GeminiCodec, "gemini", always),
    ]
    for cls, protocol, wanted in hooks:
        monkeypatch.setattr(cls, "build_chat", _checked(protocol, cls.build_chat, wanted))
    monkeypatch.setattr(AnthropicCodec, "build_chat", _checked_anthropic(AnthropicCodec.build_chat))
    original = responses_request.request_body
    checked = _checked_body("openai_responses", original)
    monkeypatch.setattr(responses_codec, "request_body", checked)
    module = request.module
    for name, value in list(vars(module).items()):
        if value is original:
            monkeypatch.setattr(module, name, checked)
