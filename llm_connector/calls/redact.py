"""Keeping secrets out of errors and logs (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from llm_connector.errors import APIStatusError, LLMError, ResponseDecodeError, StreamDecodeError
from llm_connector.types._request import SECRET_HEADERS

REDACTED = "***"

# The parts of a "first:second" key scrubbed on their own: credential-sized only, so that a
# short word (a key "user:pass" has "user") is not blanked from every message.
_MIN_PAIR_PART = 8

# A signed credential header (Tencent Cloud's TC3: "... SignedHeaders=..., Signature=<hex>")
# quotes its signature, which must go on its own too.
_SIGNATURE = re.compile(r"\bSignature=([0-9A-Za-z+/_=-]{16,})")

# Query parameters that carry credentials in some APIs (Gemini's legacy ?key=, signed URLs).
#: The query parameter names that carry credentials (a base URL may hold none of them:
#: calls/request_checks.py).
CREDENTIAL_QUERY = re.compile(
    r"([?&](?:key|api_key|api-key|access_token|token|signature|sig)=)[^&#]*", re.I
)


def secrets_of(keys: Iterable[str | None], headers: Mapping[str, str]) -> tuple[str, ...]:
    """The strings to scrub for a request: the keys (the request's, and the client's it
    replaced: a server may quote either) and its credential header values."""
    found = {key for key in keys if key}
    for key in list(found):
        # A key pair in one string (Tencent Cloud's "SecretId:SecretKey"): the secret key
        # alone must go too, should anything quote it without the id.
        found.update(part for part in key.split(":") if len(part) >= _MIN_PAIR_PART)
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS and value:
            found.add(value)
            # "Bearer sk-..." leaks the key even without the scheme word.
            scheme, _, token = value.partition(" ")
            if token and scheme.lower() in ("bearer", "basic", "token"):
                found.add(token)
            found.update(_SIGNATURE.findall(value))
    # Longest first, so a key is not half-replaced by a shorter secret it contains.
    return tuple(sorted((s for s in found if len(s) >= 4), key=len, reverse=True))


def redact_text(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redact_url(url: str) -> str:
    """A URL fit for a log line: credential query parameters blanked."""
    return CREDENTIAL_QUERY.sub(r"\1" + REDACTED, url)


def redact_error(error: LLMError, secrets: Iterable[str]) -> None:
    """Scrub secrets from an error's message, args and body, in place."""
    secrets = tuple(secrets)
    if not secrets:
        return
    error.message = redact_text(error.message, secrets)
    error.args = tuple(redact_text(a, secrets) if isinstance(a, str) else a for a in error.args)
    if isinstance(error, (APIStatusError, ResponseDecodeError)) and error.body is not None:
        error.body = redact_text(error.body, secrets)
    if isinstance(error, APIStatusError):
        # Some proxies and debug servers echo request headers back in the response's.
        error.headers = {k: redact_text(v, secrets) for k, v in error.headers.items()}
        if error.request_id is not None:
            error.request_id = redact_text(error.request_id, secrets)
    if isinstance(error, StreamDecodeError) and error.frame is not None:
        error.frame = redact_text(error.frame, secrets)
