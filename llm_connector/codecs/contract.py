"""The codec contract: what every protocol codec provides, and the values it trades in.

A codec is pure. It turns a neutral request plus an :class:`Endpoint` into a
:class:`RequestSpec` (method, URL, headers, body bytes, framing), and turns response bytes
or stream frames into neutral objects. It never imports httpx, httpx-sse or asyncio, never
sleeps, never reads the clock or the environment (ruff's banned-api rule enforces it), so
the same codec serves the blocking and the asyncio client and is tested without a network.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias

import attrs

from llm_connector.errors import (
    RequestValidationError,
    UnsupportedFeatureError,
)
from llm_connector.types import ChatRequest
from llm_connector.types._json_values import find_json_problem
from llm_connector.types._value import FrozenValue

if TYPE_CHECKING:
    from llm_connector.types import ChatResponse, StreamingResponse
    from llm_connector.types._embedding import EmbedRequest, EmbedResponse
    from llm_connector.types._models import ModelDetails, ModelPage

Framing: TypeAlias = Literal["json", "sse", "ndjson", "eventstream"]

#: The Content-Encodings a client accepts: those ``codecs/framing/content.py`` decodes
#: itself, within the size limits (httpx would also offer br and zstd when their packages
#: are installed, and inflate them unbounded).
ACCEPT_ENCODING = "gzip, deflate"
#: How the key is sent. "tc3-hmac-sha256" (Tencent Cloud) sends no key at all: the codec
#: signs each request with it (codecs/hunyuan/signing.py), so auth_headers() gives nothing.
#: "aws-sigv4" (Bedrock): the codec signs with an access key pair (codecs/bedrock/sigv4.py),
#: or sends a Bedrock API key as a bearer token itself; auth_headers() gives nothing either.
AuthStyle: TypeAlias = Literal[
    "bearer", "api-key", "x-api-key", "x-goog-api-key", "tc3-hmac-sha256", "aws-sigv4", "none"
]


def _mask(value: object) -> str:
    return "None" if value is None else "'***'"


@attrs.frozen(repr=False, eq=False)
class Endpoint(FrozenValue):
    """Where a request goes and as whom: the client's settings with the request's overrides.

    ``headers`` are extra headers applied after the codec's own (they win).
    """

    base_url: str
    api_key: str | None = attrs.field(default=None, repr=_mask)
    auth: AuthStyle = "bearer"
    # repr shows header names only (values often carry credentials); a dict is not hashable.
    headers: Mapping[str, str] = attrs.field(
        factory=dict, repr=lambda h: repr(sorted(h)), hash=False
    )
    #: The Unix time the request is built at, read by the shell: codecs never read the
    #: clock, and request signing (Tencent Cloud's TC3-HMAC-SHA256) needs it.
    timestamp: float | None = None

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def auth_headers(self) -> dict[str, str]:
        """The credential header for this endpoint's auth style (none without a key)."""
        if not self.api_key or self.auth in ("none", "tc3-hmac-sha256", "aws-sigv4"):
            return {}
        if self.auth == "bearer":
            return {"Authorization": f"Bearer {self.api_key}"}
        return {self.auth: self.api_key}


@attrs.frozen(repr=False, eq=False)
class RequestSpec(FrozenValue):
    """Everything a shell needs to send one HTTP request. Built by a codec."""

    method: str
    url: str
    headers: Mapping[str, str] = attrs.field(repr=lambda h: repr(sorted(h)), hash=False)
    body: bytes | None = None
    framing: Framing = "json"


class Frame(Protocol):
    """One framed unit of a stream: an SSE event, or one NDJSON line (``data``).

    ``httpx_sse.ServerSentEvent`` satisfies it as it is, so SSE events reach a decoder
    without being copied.
    """

    @property
    def event(self) -> str: ...

    @property
    def data(self) -> str: ...


class FrameReader(Protocol):
    """Bytes in, frames out (``codecs/framing/``): one per response body. ``feed`` takes one
    network read, split anywhere, and returns the frames it completed; ``close`` the frames
    the end of the body completed (a last line without its line end).

    A reader keeps within the call's ``max_event_bytes`` (``SizeLimits``): an event or line
    past it raises ``ResponseTooLargeError("max_event_bytes", ...)``, and nothing that
    arrived before is lost. The frames a ``feed`` completed before the offending line are
    returned by that ``feed``, and the error is raised by the next ``feed`` or ``close``
    (by that ``feed`` itself if it completed none). From then on the reader holds no bytes
    of the body, every ``feed`` raises, and ``close`` raises once more and leaves the reader
    as new. Each reader says how it counts (SSE: decoded characters; NDJSON: bytes)."""

    def feed(self, data: bytes) -> Sequence[Frame]: ...

    def close(self) -> Sequence[Frame]: ...


@attrs.frozen(repr=False, eq=False)
class SSEFrame(FrozenValue):
    """A concrete frame: used for NDJSON lines and by tests that feed decoders directly."""

    data: str
    event: str = "message"
    id: str = ""


class StreamDecoder(Protocol):
    """Turns frames into chunks. One instance per stream; the same one drives both shells.

    ``feed`` returns the chunks a frame produced (often one, sometimes none); it raises
    the typed ``APIStatusError`` for an error event and ``StreamDecodeError`` for a frame it
    cannot decode. ``close`` is called once when the transport ends; it returns any chunks
    still held and raises ``IncompleteStreamError`` if the provider's terminal event never
    came. Nothing else escapes a decoder.
    """

    def feed(self, frame: Frame) -> list[StreamingResponse]: ...

    def close(self) -> list[StreamingResponse]: ...


@attrs.frozen(repr=False, eq=False)
class ErrorInfo(FrozenValue):
    """What a provider's error body says, in neutral terms."""

    message: str
    error_type: str | None = None
    code: str | int | None = None
    param: str | None = None
    #: The HTTP status the error stands for, when the answer's own status says less:
    #: Gemini answers a wrong key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID, an
    #: authentication failure (401). It picks the exception class; ``status_code`` stays
    #: the status the server sent.
    status: int | None = None
    #: The request id the body carries, for when no header does: Anthropic's top-level
    #: ``request_id`` (https://docs.anthropic.com/en/api/errors), Hunyuan's
    #: ``Response.RequestId`` (https://cloud.tencent.com/document/api/1729/105701, example 3).
    request_id: str | None = None


class ChatCodec(abc.ABC):
    """A chat protocol: the operations every provider has are abstract; the others raise
    ``UnsupportedFeatureError`` unless a codec overrides them (before anything is sent).

    Builders take the neutral input and an :class:`Endpoint` and return a
    :class:`RequestSpec`; parsers take the body of a 2xx response. Both raise only
    ``LLMError`` subclasses.
    """

    #: The codec's name, for messages ("anthropic", "openai_chat", ...).
    name: str = "codec"

    @abc.abstractmethod
    def build_chat(
        self, request: ChatRequest, endpoint: Endpoint, *, stream: bool
    ) -> RequestSpec: ...

    @abc.abstractmethod
    def parse_chat(self, body: bytes) -> ChatResponse: ...

    @abc.abstractmethod
    def new_stream_decoder(self) -> StreamDecoder: ...

    @abc.abstractmethod
    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo: ...

    def _unsupported(self, operation: str) -> UnsupportedFeatureError:
        return UnsupportedFeatureError(f"the {self.name} protocol has no {operation}")

    # -- model listing: one page per request; the shells follow next_page_token --------

    def build_models(self, endpoint: Endpoint, page_token: str | None = None) -> RequestSpec:
        raise self._unsupported("model listing")

    def parse_models(self, body: bytes) -> ModelPage:
        raise self._unsupported("model listing")

    # -- embeddings -----------------------------------------------------------------

    def build_embed(self, request: EmbedRequest, endpoint: Endpoint) -> RequestSpec:
        raise self._unsupported("embeddings")

    def parse_embed(self, body: bytes) -> EmbedResponse:
        raise self._unsupported("embeddings")

    # -- token counting (Anthropic's /v1/messages/count_tokens) -----------------------

    def build_count_tokens(self, request: ChatRequest, endpoint: Endpoint) -> RequestSpec:
        raise self._unsupported("token counting")

    def parse_count_tokens(self, body: bytes) -> int:
        raise self._unsupported("token counting")

    # -- model management (Ollama's /api/pull, /api/delete, /api/show) ----------------

    def build_pull_model(self, name: str, endpoint: Endpoint) -> RequestSpec:
        raise self._unsupported("model pulling")

    def parse_pull_model(self, body: bytes) -> None:
        raise self._unsupported("model pulling")

    def build_delete_model(self, name: str, endpoint: Endpoint) -> RequestSpec:
        raise self._unsupported("model deletion")

    def build_show_model(self, name: str, endpoint: Endpoint) -> RequestSpec:
        raise self._unsupported("model details")

    def parse_show_model(self, body: bytes) -> ModelDetails:
        raise self._unsupported("model details")


# -- helpers shared by codecs ------------------------------------------------------------


def merge_headers(*layers: Mapping[str, str]) -> dict[str, str]:
    """Merge header mappings; a later layer wins, and names compare case-insensitively.

    HTTP header names are case-insensitive (RFC 9110, section 5.1): a user's
    ``authorization`` must replace the codec's ``Authorization``, not be sent beside it.
    The name keeps the spelling of the layer that set the value.
    """
    merged: dict[str, str] = {}
    spelling: dict[str, str] = {}  # lower-case name -> the key used in ``merged``
    for layer in layers:
        for name, value in layer.items():
            previous = spelling.get(name.lower())
            if previous is not None:
                del merged[previous]
            spelling[name.lower()] = name
            merged[name] = value
    return merged


# One encoder for every request body: json.dumps() with options builds a new one per call.
# allow_nan=False: Python would otherwise write bare NaN / Infinity, which is not JSON
# (RFC 8259, section 6) and which providers answer with a parse error, or worse, read.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def dump_json(body: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON, as providers expect.

    Raises RequestValidationError naming the wire path (``body.tools[0].function.
    parameters.properties.when``) of a value JSON cannot hold. The requests' own checks
    name such values in the user's terms first; this is the backstop for anything a codec
    adds or a caller changed after those checks.
    """
    try:
        return _COMPACT.encode(body).encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:
        found = find_json_problem(body)
        if found is not None:
            raise RequestValidationError("body" + found[0], found[1]) from None
        # What the walk does not look for: a lone surrogate in a string, say.
        raise RequestValidationError("body", f"is not JSON-serializable: {exc}") from None
