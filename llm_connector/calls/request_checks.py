"""Checks on what goes into a request's line and headers, made before anything is sent
(pure): the key, extra headers, the base URL; and what a 404 on a base URL says.

They run before anything is sent, so a malformed key, header or URL fails with an error
that names the field, rather than deep inside httpx with the header (key included) quoted,
or after a key was written into a URL and a log line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from llm_connector.calls.redact import CREDENTIAL_QUERY, redact_url
from llm_connector.errors import RequestValidationError
from llm_connector.types._request import SECRET_HEADERS

if TYPE_CHECKING:
    from llm_connector.providers.spec import ProviderSpec

__all__ = ["checked_base_url", "checked_headers", "checked_key", "not_found_hint"]

# What an HTTP header value may hold as httpx sends it: printable ASCII and tabs. Anything
# else fails deep inside httpx/h11 with the whole header value, key included, in the
# message (a key read from a file with its trailing newline, or from a CRLF .env file).
_UNSENDABLE = re.compile(r"[^\t\x20-\x7e]")
# RFC 9110 section 5.6.2 token: the characters a header name may use.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def checked_key(key: str | None) -> str | None:
    if key is not None:
        if not isinstance(key, str):
            raise RequestValidationError("api_key", f"must be a string, got {type(key).__name__}")
        if _UNSENDABLE.search(key) or key != key.strip():
            # The key itself is never repeated in the message.
            raise RequestValidationError(
                "api_key",
                "contains whitespace at an end, a line break, a control character or a "
                "non-ASCII character (a trailing newline from a file or .env?)",
            )
    return key


def checked_headers(field: str, headers: Mapping[str, str]) -> Mapping[str, str]:
    for name, value in headers.items():
        where = f"{field}[{name!r}]"
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise RequestValidationError(field, f"{name!r} is not a valid header name")
        if not isinstance(value, str):
            raise RequestValidationError(where, f"must be a string, got {type(value).__name__}")
        bad = _UNSENDABLE.search(value)
        if bad:
            # Credential headers' values are secrets: say where, not what.
            shown = "" if name.lower() in SECRET_HEADERS else f" {bad.group()!r}"
            raise RequestValidationError(
                where,
                f"contains a character that cannot be sent in an HTTP header{shown} "
                f"at position {bad.start()}",
            )
    return headers


def checked_base_url(url: str, row: ProviderSpec) -> str:
    """``url`` if it is a plain http(s) base URL. A query string (``?key=...``, the style
    of Google's REST examples) would end up after the API path and in httpx's INFO log
    line, user info (``https://user:key@host``) in a redirect's ``Location`` and logs:
    both are refused, saying where the key goes instead."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RequestValidationError(
            "base_url", f"must be an http:// or https:// URL, got {redact_url(url)!r}"
        )
    what = None
    if CREDENTIAL_QUERY.search(url):
        what = "a credential in its query string"
    elif (parts.query or url.rstrip("/").endswith("?")) and not _keeps_query(row):
        what = "a query string"
    elif parts.username is not None or parts.password is not None:
        what = "user info (user:password@)"
    elif parts.fragment:
        what = "a fragment (#...)"
    if what is not None:
        # Never the URL itself: what is wrong with it may be a key.
        raise RequestValidationError(
            "base_url",
            f"must not carry {what}: the client puts the API path after the base URL, and "
            f"a key in the URL would be logged; {_where_the_key_goes(row)}",
        )
    return url


def _keeps_query(row: ProviderSpec) -> bool:
    """Whether the row's codec puts the API path before a base URL's query (Azure's
    ``{endpoint}/openai?api-version=...`` form); for every other row a query would end up
    in front of the path."""
    return bool(getattr(row.dialect, "deployment_paths", False))


def _where_the_key_goes(row: ProviderSpec) -> str:
    if row.auth == "none":
        return "this provider takes no key"
    env = " or ".join(f"${name}" for name in row.api_key_env)
    how = "pass the key as api_key=" + (f" (or set {env})" if env else "")
    if row.auth == "tc3-hmac-sha256":
        return how + ", which signs each request with it"
    header = "Authorization: Bearer" if row.auth == "bearer" else row.auth
    return f"{how}, which is sent in the {header} header"


# A path segment naming an API version: v1, v1beta, v3, v4.
_VERSION_SEGMENT = re.compile(r"v\d+[a-z0-9]*")


def not_found_hint(base_url: str, row: ProviderSpec) -> str | None:
    """What to tell a caller whose request got a 404, when the base URL has no version
    segment where the provider's has one: the commonest cause (``http://localhost:8000``
    for ``http://localhost:8000/v1``). None when the base URL has one, or the provider's
    has none (DeepSeek serves both)."""
    if any(_VERSION_SEGMENT.fullmatch(part) for part in urlsplit(base_url).path.split("/")):
        return None
    default = row.default_base_url
    if default is None:
        if row.protocol != "openai_chat" or row.auth != "bearer":
            return None
        expected = "OpenAI-compatible servers answer under /v1"
    elif any(_VERSION_SEGMENT.fullmatch(part) for part in urlsplit(default).path.split("/")):
        expected = f"{row.name}'s is {default}"
    else:
        return None
    return f"the base URL {redact_url(base_url)} has no version segment such as /v1: {expected}"
