"""Garbage in, only LLMErrors out: the Ollama decoder and parsers under arbitrary input.

Hypothesis feeds lines of random text, random JSON, and line-shaped objects whose every
field may have any JSON type, to the decoder itself and through ``StreamCore`` (which the
shells use); and random bodies to every parser. Every chunk and answer that comes out must
have the types its class declares. The same garbage as raw bytes through both clients is
tests/bytes' business (test_fuzz.py there).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from llm_connector.calls.stream_core import StreamCore
from llm_connector.codecs.contract import SSEFrame
from llm_connector.codecs.ollama.codec import OllamaCodec
from llm_connector.codecs.ollama.stream import OllamaStreamDecoder
from llm_connector.errors import LLMError
from tests.support.fuzz import any_json, check_answer, check_chunk
from tests.support.ollama_fuzz import frame, line_data

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

codec_options = st.fixed_dictionaries({"think_tags": st.booleans()})


@FUZZ
@given(st.lists(frame, max_size=6), codec_options)
@example([SSEFrame('{"message": {"tool_calls": [{"function": 5}]}}')], {"think_tags": True})
@example([SSEFrame('{"message": {"tool_calls": [7]}}')], {"think_tags": True})
@example([SSEFrame('{"message": {"content": "<think>x"}, "done": true}')], {"think_tags": True})
@example([SSEFrame('{"error": {"message": 5}}')], {"think_tags": False})
@example([SSEFrame("[" * 100_000)], {"think_tags": True})
def test_only_llm_errors_escape_the_decoder(
    frames: list[SSEFrame], options: dict[str, Any]
) -> None:
    decoder = OllamaStreamDecoder(**options)
    try:
        for f in frames:
            for out in decoder.feed(f):
                check_chunk(out)
        for out in decoder.close():
            check_chunk(out)
    except LLMError:
        pass


@FUZZ
@given(st.lists(frame, max_size=6), codec_options)
def test_only_llm_errors_escape_the_stream_core(
    frames: list[SSEFrame], options: dict[str, Any]
) -> None:
    core = StreamCore(OllamaCodec(**options))
    try:
        for f in frames:
            for out in core.feed(f):
                check_chunk(out)
        core.finish()
        check_answer(core.final_response())
    except LLMError as exc:
        check_answer(exc.partial)


_body = st.one_of(
    st.binary(max_size=200),
    line_data.map(str.encode),
    any_json.map(lambda v: json.dumps(v).encode()),
)
_CODEC = OllamaCodec()
PARSERS: dict[str, Callable[[bytes], object]] = {
    "chat": _CODEC.parse_chat,
    "models": _CODEC.parse_models,
    "embed": _CODEC.parse_embed,
    "show": _CODEC.parse_show_model,
    "pull": _CODEC.parse_pull_model,
    "error": lambda b: _CODEC.parse_error(500, b),
}


@FUZZ
@given(st.sampled_from(sorted(PARSERS)), _body)
@example("embed", b'{"embeddings": [[1, "x"]]}')
@example("show", b'{"model_info": {"general.architecture": 5}, "capabilities": [1, "a"]}')
@example("models", b'{"models": [{"model": 5, "name": "x"}]}')
def test_only_llm_errors_escape_the_parsers(parser: str, body: bytes) -> None:
    try:
        result = PARSERS[parser](body)
    except LLMError:
        return
    if parser == "chat":
        check_answer(result)  # type: ignore[arg-type]
