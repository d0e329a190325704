"""Checks on what goes into the HTTP request line and headers (pure).

They run before anything is sent, so a malformed key or header fails with an error that
names the field, rather than deep inside httpx with the header (key included) quoted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from llm_connector.calls.redact import redact_url
from llm_connector.errors import RequestValidationError
from llm_connector.types._request import SECRET_HEADERS

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


def checked_base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RequestValidationError(
            "base_url", f"must be an http:// or https:// URL, got {redact_url(url)!r}"
        )
    return url
