"""AWS Signature Version 4 (pure): a request's ``Authorization`` header from the
credentials, the region, the service, the time and the request itself.

How AWS defines it: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
(canonical request, string to sign, signing key, signature). Like the TC3 signer of
``codecs/hunyuan/signing.py`` this reads no clock: the time is an argument (the shell's
``Endpoint.timestamp``), so every attempt of a retried request is signed anew with its own
time, and the known answers of AWS's published test suite are reproduced exactly
(tests/bedrock/test_sigv4.py).

The path given is the request's path as it goes on the wire (already percent-encoded).
For every service but S3 the canonical URI encodes each segment of it once more, so a
Bedrock model id ``us.amazon.nova-micro-v1:0``, sent as ``...-v1%3A0``, is signed as
``...-v1%253A0`` (the document above: "Each path segment must be URI-encoded twice ...
except for Amazon S3"). Dot segments and empty segments are normalized away first, as
the suite's ``*-normalized`` cases do.

Nothing here logs, and the values it returns keep the secret key and the signature out
of their repr; the client scrubs the signature from errors as it does Tencent's
(``calls/redact.py``: ``Signature=...``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timezone
from urllib.parse import quote, unquote, urlsplit

import attrs

from llm_connector.types._value import FrozenValue

__all__ = ["ALGORITHM", "AwsCredentials", "SignedRequest", "amz_date", "sign"]

ALGORITHM = "AWS4-HMAC-SHA256"

# RFC 3986's unreserved characters are the only ones left bare (the document above,
# "UriEncode"); quote() leaves these and the letters and digits alone.
_UNRESERVED = "-_.~"


def _masked(value: object) -> str:
    return "None" if value is None else "'***'"


@attrs.frozen(repr=False, eq=False)
class AwsCredentials(FrozenValue):
    """An access key id, its secret and, for temporary credentials, the session token."""

    access_key_id: str
    secret_access_key: str = attrs.field(repr=_masked)
    session_token: str | None = attrs.field(default=None, repr=_masked)


@attrs.frozen(repr=False, eq=False)
class SignedRequest(FrozenValue):
    """The headers a signed request adds (``X-Amz-Date``, ``X-Amz-Security-Token`` with
    temporary credentials, ``Authorization``) and the intermediate strings, for tests and
    debugging. The repr shows the header names only: the canonical request holds the
    session token, and the signature is a credential for the request's lifetime."""

    headers: Mapping[str, str] = attrs.field(repr=lambda h: repr(sorted(h)), hash=False)
    canonical_request: str = attrs.field(repr=False)
    string_to_sign: str = attrs.field(repr=False)
    signature: str = attrs.field(repr=False)


def amz_date(timestamp: float) -> str:
    """The ``X-Amz-Date`` of a Unix time: ISO 8601 basic format, UTC (20150830T123600Z)."""
    return datetime.fromtimestamp(int(timestamp), timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
    "aws4_request")."""
    key = _hmac(("AWS4" + secret).encode("utf-8"), date)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return key


def canonical_uri(path: str) -> str:
    """The canonical URI of a wire path: dot and empty segments resolved, each segment
    percent-encoded once more (``%`` becomes ``%25``), a trailing slash kept."""
    segments: list[str] = []
    for segment in path.split("/"):
        # An encoded dot segment (%2E) is still a dot segment once decoded.
        plain = unquote(segment) if "%" in segment else segment
        if plain in ("", "."):
            continue
        if plain == "..":
            if segments:
                segments.pop()
            continue
        segments.append(quote(segment, safe=_UNRESERVED))
    if not segments:
        return "/"
    trailing = "/" if path.endswith("/") else ""
    return "/" + "/".join(segments) + trailing


def canonical_query(query: str) -> str:
    """Each name and value decoded then encoded as AWS encodes them, sorted by name then
    value (byte order); a name without ``=`` takes an empty value."""
    pairs = []
    for item in query.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        pairs.append((_encode(unquote(name)), _encode(unquote(value))))
    return "&".join(f"{n}={v}" for n, v in sorted(pairs))


def _encode(text: str) -> str:
    return quote(text, safe=_UNRESERVED)


def _canonical_headers(headers: Mapping[str, str]) -> tuple[str, str]:
    """(the canonical header lines, the signed header names): lower-case names, sorted;
    values trimmed, inner runs of spaces made one."""
    values: dict[str, list[str]] = {}
    for name, value in headers.items():
        values.setdefault(name.lower().strip(), []).append(" ".join(value.split()))
    names = sorted(values)
    lines = "".join(f"{name}:{','.join(values[name])}\n" for name in names)
    return lines, ";".join(names)


def sign(
    credentials: AwsCredentials,
    region: str,
    service: str,
    timestamp: float,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
) -> SignedRequest:
    """Sign a request: ``headers`` are those to sign besides ``Host`` (taken from the URL
    unless given), ``X-Amz-Date`` and ``X-Amz-Security-Token`` (added here)."""
    parts = urlsplit(url)
    when = amz_date(timestamp)
    date = when[:8]
    added = {"X-Amz-Date": when}
    if credentials.session_token:
        added["X-Amz-Security-Token"] = credentials.session_token
    to_sign: dict[str, str] = {}
    if not any(name.lower() == "host" for name in headers):
        to_sign["host"] = parts.netloc
    to_sign.update(headers)
    to_sign.update(added)
    lines, signed_names = _canonical_headers(to_sign)
    canonical_request = "\n".join(
        (
            method.upper(),
            canonical_uri(parts.path or "/"),
            canonical_query(parts.query),
            lines,
            signed_names,
            hashlib.sha256(body).hexdigest(),
        )
    )
    scope = f"{date}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join(
        (ALGORITHM, when, scope, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest())
    )
    key = signing_key(credentials.secret_access_key, date, region, service)
    signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    added["Authorization"] = (
        f"{ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
        f"SignedHeaders={signed_names}, Signature={signature}"
    )
    return SignedRequest(added, canonical_request, string_to_sign, signature)
