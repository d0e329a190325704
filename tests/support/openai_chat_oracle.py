"""An independent oracle for OpenAI chat-completion streams.

It reads a transcript with nothing but ``json.loads`` and dict look-ups and says what the
decoder must produce, in the shape ``attrs.asdict`` gives a ``StreamingResponse`` (tuples
stay tuples). It imports nothing from llm_connector except the ``SSEFrame`` input type, so
a bug in the decoder cannot hide in its own expectations.

The neutral model's rules it encodes (DESIGN.md section 3, types/_response.py):

- one ``StreamingResponse`` per ``data: {json}`` event; none for ``data: [DONE]``;
- ``reasoning_content`` is DeepSeek's ``delta.reasoning_content`` or Groq's / OpenRouter's
  ``delta.reasoning``, and None when the chunk adds no reasoning text;
- a tool-call fragment's ``id`` and ``function.name`` are None when absent or empty, its
  ``function.arguments`` is "" when absent;
- usage counts are the provider's ints; ``cached_tokens`` comes from
  ``prompt_tokens_details.cached_tokens`` (or DeepSeek's ``prompt_cache_hit_tokens``),
  ``reasoning_tokens`` from ``completion_tokens_details.reasoning_tokens``, each None when
  not reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from llm_connector.codecs.contract import SSEFrame

DATA = Path(__file__).resolve().parent.parent / "data"
#: The openai-compat recordings added with the provider dialects are decoded chunk by chunk
#: with their own provider's client in tests/compat (typed content parts, think tags); the
#: generic decoder here keeps the recordings it was written against.
COMPAT_SUITE_ONLY = frozenset(
    {
        "deepseek-chat-text-then-tool-calls-excerpt",
        "doubao-seed-reasoning-stream-excerpt",
        "hunyuan-lite-stream",
        "mistral-text-stream",
        "mistral-thinking-content-chunks",
        "qwen3max-reasoning-stream",
        "siliconflow-deepseek-r1-reasoning-excerpt",
        "zai-glm-thinking-stream",
        "azure-openai-deployment-gpt35-stream",
        "azure-openai-v1-gpt5mini-tool-call-stream",
        "llamacpp-gpt-oss-tool-call-stream",
        "llamacpp-smollm2-reasoning-stream",
        "llamacpp-smollm2-stream",
        "vllm-opt125m-stream",
        "xai-grok41-tool-call-stream",
        "xai-grok43-reasoning-stream",
    }
)
SSE_PATHS: tuple[Path, ...] = tuple(
    sorted(
        p
        for protocol in ("openai-chat", "openai-compat")  # not openai-responses: another wire
        for p in DATA.glob(f"{protocol}/*.sse")
        if p.stem not in COMPAT_SUITE_ONLY
    )
)


def transcript_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def frames(path: Path) -> list[SSEFrame]:
    """The SSE events of a transcript. The recorded files all use LF and one ``data:`` line
    per event; comment lines (``: OPENROUTER PROCESSING``) carry no event."""
    out = []
    for block in path.read_text("utf-8").split("\n\n"):
        data = [line[len("data: ") :] for line in block.split("\n") if line.startswith("data: ")]
        if data:
            out.append(SSEFrame("\n".join(data)))
    return out


def expected_file(path: Path) -> dict[str, Any]:
    """The hand-checked ``<name>.expected.json`` beside a transcript."""
    result: dict[str, Any] = json.loads(
        path.with_name(path.stem + ".expected.json").read_text("utf-8")
    )
    return result


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def expected_usage(raw: object) -> dict[str, Any] | None:
    if not isinstance(raw, dict) or not raw:
        return None
    prompt_details = raw.get("prompt_tokens_details") or {}
    completion_details = raw.get("completion_tokens_details") or {}
    cached = prompt_details.get("cached_tokens")
    return {
        "prompt_tokens": raw["prompt_tokens"],
        "completion_tokens": raw["completion_tokens"],
        "total_tokens": raw["total_tokens"],
        "reasoning_tokens": completion_details.get("reasoning_tokens"),
        "cached_tokens": cached if cached is not None else raw.get("prompt_cache_hit_tokens"),
        "cache_creation_tokens": None,  # an Anthropic notion; OpenAI has none
    }


def _expected_call(raw: Mapping[str, Any]) -> dict[str, Any]:
    function = raw.get("function") or {}
    return {
        "index": raw["index"],
        "id": _str_or_none(raw.get("id")),
        "function": {
            "name": _str_or_none(function.get("name")),
            "arguments": function.get("arguments") or "",
        },
        "type": raw.get("type"),
        "thought_signature": None,  # a Gemini notion
    }


def _expected_choice(raw: Mapping[str, Any]) -> dict[str, Any]:
    delta = raw.get("delta") or {}
    reasoning = delta.get("reasoning_content") or delta.get("reasoning")
    return {
        "index": raw["index"],
        "delta": {
            "role": delta.get("role"),
            "content": delta.get("content"),
            "reasoning_content": reasoning or None,
            "tool_calls": tuple(_expected_call(c) for c in delta.get("tool_calls") or ()),
            # Signed reasoning blocks are Anthropic's and Gemini's; OpenAI has none.
            "reasoning_signature": None,
            "redacted_reasoning": None,
        },
        "finish_reason": raw.get("finish_reason"),
        # OpenRouter names the upstream provider's own finish reason beside OpenAI's.
        "native_finish_reason": _str_or_none(raw.get("native_finish_reason")),
    }


def expected_chunk(data: str) -> dict[str, Any]:
    """What ``attrs.asdict`` of the decoded chunk must be, for one ``data:`` event."""
    obj = json.loads(data)
    return {
        "id": obj["id"],
        "model": obj["model"],
        "choices": tuple(_expected_choice(c) for c in obj["choices"]),
        "usage": expected_usage(obj.get("usage")),
        "created": obj["created"],
        "system_fingerprint": obj.get("system_fingerprint"),
    }


def chunk_objects(events: Iterable[SSEFrame]) -> list[dict[str, Any]]:
    """The JSON chunk objects among some events (``[DONE]`` is not one)."""
    return [json.loads(e.data) for e in events if e.data != "[DONE]"]


def content_text(objs: Iterable[Mapping[str, Any]]) -> str:
    """The first choice's text, concatenated over some chunks."""
    return "".join(
        c["delta"].get("content") or ""
        for o in objs
        for c in o["choices"]
        if c["index"] == 0 and c.get("delta")
    )


def reasoning_text(objs: Iterable[Mapping[str, Any]]) -> str:
    return "".join(
        c["delta"].get("reasoning_content") or c["delta"].get("reasoning") or ""
        for o in objs
        for c in o["choices"]
        if c["index"] == 0 and c.get("delta")
    )


def is_complete(events: Iterable[SSEFrame]) -> bool:
    """Whether a stream that ended after these events ended properly: ``[DONE]`` came, or
    every choice that appeared got a finish_reason (servers that omit ``[DONE]``)."""
    seen: set[int] = set()
    finished: set[int] = set()
    for event in events:
        if event.data == "[DONE]":
            return True
        for choice in json.loads(event.data)["choices"]:
            seen.add(choice["index"])
            if choice.get("finish_reason"):
                finished.add(choice["index"])
    return bool(seen) and seen <= finished


def error_object(event: SSEFrame) -> dict[str, Any] | None:
    """The in-band ``error`` object of an event, if it carries one (OpenRouter)."""
    if event.data == "[DONE]":
        return None
    error: dict[str, Any] | None = json.loads(event.data).get("error")
    return error
