"""Tencent Cloud API 3.0 request signing, TC3-HMAC-SHA256 (pure).

https://www.tencentcloud.com/document/product/267/37447 ("Signature v3"; the Chinese
original: https://cloud.tencent.com/document/api/1729/101843). The signature covers the
method, path, query, the ``content-type`` and ``host`` headers and the SHA-256 of the body;
the key is derived from the secret key, the UTC date of the timestamp and the service. The
secret key never leaves this function: only the secret id and the signature go on the wire.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone

ALGORITHM = "TC3-HMAC-SHA256"


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def service_of(host: str) -> str:
    """The service a host serves: its first label (``hunyuan.tencentcloudapi.com`` ->
    ``hunyuan``), as the signature's credential scope names it."""
    return host.split(".", 1)[0]


def authorization(
    secret_id: str,
    secret_key: str,
    timestamp: int,
    host: str,
    payload: bytes,
    *,
    service: str | None = None,
    content_type: str = "application/json",
    method: str = "POST",
    path: str = "/",
    query: str = "",
) -> str:
    """The ``Authorization`` header value for one request.

    ``timestamp`` is the request's Unix time (also sent as ``X-TC-Timestamp``); ``host``,
    ``content_type`` and ``payload`` must be exactly what is sent.
    """
    service = service or service_of(host)
    canonical_request = "\n".join(
        (
            method,
            path,
            query,
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(payload).hexdigest(),
        )
    )
    date = datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join(
        (
            ALGORITHM,
            str(timestamp),
            scope,
            hashlib.sha256(canonical_request.encode("utf-8")).hexdigest(),
        )
    )
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode("utf-8"), date), service), "tc3_request")
    signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return (
        f"{ALGORITHM} Credential={secret_id}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )
