"""Gemini's explicit caches, ``cachedContents`` (pure): https://ai.google.dev/api/caching

- ``client.create_cache(request, ttl=...)``: ``POST /cachedContents`` with the model, the
  contents, the system instruction, the tools and the tool config of ``request`` (what
  chat would send for it), and ``ttl`` as a duration (``"300s"``); answered with the
  ``CachedContent`` (``name``, ``expireTime``, ``usageMetadata.totalTokenCount``).
- ``client.delete_cache(name)``: ``DELETE /cachedContents/<id>``, answered ``{}``.

A request then answers from the cache with ``with_cached_content(name)``, without the
system prompt and tools the cache already holds (request.py refuses them).
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import quote

from llm_connector.codecs.contract import Endpoint, RequestSpec, dump_json, merge_headers
from llm_connector.codecs.gemini.request import request_body
from llm_connector.codecs.json_readers import load_json_object, nonempty_str, token_count
from llm_connector.errors import RequestValidationError, ResponseDecodeError
from llm_connector.types import ChatRequest
from llm_connector.types._cached_content import CachedContent

__all__ = ["build_create_cache", "build_delete_cache", "parse_cached_content"]

# What a CachedContent holds of a generateContent body:
# https://ai.google.dev/api/caching#CachedContent
_CACHED_FIELDS = ("contents", "systemInstruction", "tools", "toolConfig")


def _headers(endpoint: Endpoint) -> dict[str, str]:
    return merge_headers(
        {"Content-Type": "application/json", "Accept": "application/json"},
        endpoint.auth_headers(),
        endpoint.headers,
    )


def build_create_cache(
    request: ChatRequest,
    endpoint: Endpoint,
    model_path: str,
    *,
    ttl: float | None = None,
    display_name: str | None = None,
) -> RequestSpec:
    """``POST /cachedContents`` caching ``request``'s prompt for ``ttl`` seconds (None: the
    API's default, one hour); ``model_path`` is ``models/<model>``."""
    request.validate()
    if request.cached_content is not None:
        raise RequestValidationError("cached_content", "a cache cannot be made from a cache")
    generate = request_body(request)
    body: dict[str, Any] = {"model": model_path}
    body.update((key, generate[key]) for key in _CACHED_FIELDS if key in generate)
    if ttl is not None:
        if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or not math.isfinite(ttl):
            raise RequestValidationError("ttl", f"must be a number of seconds, got {ttl!r}")
        if ttl <= 0:
            raise RequestValidationError("ttl", f"must be positive, got {ttl}")
        # A google.protobuf.Duration in JSON: seconds with an "s" suffix.
        body["ttl"] = f"{ttl:g}s" if ttl == int(ttl) else f"{ttl:.9f}".rstrip("0") + "s"
    if display_name is not None:
        body["displayName"] = display_name
    return RequestSpec("POST", endpoint.url("/cachedContents"), _headers(endpoint), dump_json(body))


def build_delete_cache(name: str, endpoint: Endpoint) -> RequestSpec:
    """``DELETE /cachedContents/<id>`` (``name`` with or without the prefix)."""
    cache_id = name.removeprefix("cachedContents/")
    if not cache_id or "/" in cache_id:
        raise RequestValidationError("name", f"not a Gemini cache name: {name!r}")
    headers = merge_headers(
        {"Accept": "application/json"}, endpoint.auth_headers(), endpoint.headers
    )
    url = endpoint.url("/cachedContents/" + quote(cache_id, safe="-_.~"))
    return RequestSpec("DELETE", url, headers)


def parse_cached_content(body: bytes) -> CachedContent:
    obj = load_json_object(body, "cached content")
    name = nonempty_str(obj.get("name"))
    if name is None:
        raise ResponseDecodeError(
            "cached content has no name", body=body.decode("utf-8", "replace")
        )
    usage = obj.get("usageMetadata")
    return CachedContent(
        name=name,
        model=nonempty_str(obj.get("model")) or "",
        expire_time=nonempty_str(obj.get("expireTime")),
        total_tokens=token_count(usage.get("totalTokenCount")) if isinstance(usage, dict) else None,
        display_name=nonempty_str(obj.get("displayName")),
    )
