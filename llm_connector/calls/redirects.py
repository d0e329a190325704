"""What a call does with a redirect (pure).

httpx, when a client follows redirects, strips only ``Authorization`` from a request sent
on to another origin: ``x-api-key`` (Anthropic), ``x-goog-api-key`` (Gemini), ``api-key``
(Azure) and signed headers would reach the other server. So the shells never let httpx
follow a redirect (``follow_redirects=False`` on every send, whatever the ``http_client``
says), and the driver decides here:

- by default a redirect is not followed: it is an ``APIStatusError`` naming the status and
  the ``Location`` (an LLM API that redirects is misconfigured far more often than not: a
  base URL without ``https``, or a proxy's login page);
- with the client's ``follow_redirects=True``, it is followed (at most
  ``MAX_REDIRECTS``), with the method rules of RFC 9110 section 15.4 as browsers and httpx
  apply them, and to another origin (scheme, host or port) without any header that holds
  one of the call's credentials.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import attrs

from llm_connector.calls.redact import redact_text, redact_url
from llm_connector.codecs.contract import RequestSpec
from llm_connector.errors import APIStatusError
from llm_connector.types._request import SECRET_HEADERS

if TYPE_CHECKING:
    from llm_connector.calls.prepare import PreparedCall
    from llm_connector.calls.steps import Response

__all__ = ["MAX_REDIRECTS", "follow", "is_redirect", "redirect_error", "redirected"]

#: The most redirects one request follows (httpx allows 20; an API needs one at most).
MAX_REDIRECTS = 5

# Statuses that redirect to the Location header (304 Not Modified does not).
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Headers that always stay with their origin, credentials or not.
_ORIGIN_BOUND = frozenset({"authorization", "proxy-authorization", "cookie", *SECRET_HEADERS})


def is_redirect(status_code: int, headers: Mapping[str, str]) -> bool:
    return status_code in _REDIRECTS and "location" in headers


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


def redirected(
    spec: RequestSpec, status_code: int, location: str, secrets: tuple[str, ...]
) -> RequestSpec | None:
    """The request to send after a redirect answering ``spec``; None when the ``Location``
    is not an http(s) URL (nothing to follow)."""
    url = urljoin(spec.url, location)
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    method, body = spec.method, spec.body
    # RFC 9110 15.4.4: a 303 is fetched with GET; for 301 and 302 user agents (and httpx)
    # change POST to GET too. 307 and 308 repeat the request as it was.
    if (status_code == 303 and method != "HEAD") or (
        status_code in (301, 302) and method == "POST"
    ):
        method, body = "GET", None
    headers = dict(spec.headers)
    if body is None:
        headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    if _origin(url) != _origin(spec.url):
        headers = {
            name: value
            for name, value in headers.items()
            if name.lower() not in _ORIGIN_BOUND and not any(s in value for s in secrets)
        }
    return attrs.evolve(spec, method=method, url=url, headers=headers, body=body)


def redirect_error(
    error: APIStatusError, method: str, location: str | None, secrets: tuple[str, ...], *, why: str
) -> APIStatusError:
    """``error`` (the typed error of a redirect answer) with a message that says what
    happened: the status, where it pointed, and ``why`` it was not followed."""
    where = redact_text(redact_url(location), secrets) if location else "no Location"
    error.message = f"{method} was redirected ({error.status_code}) to {where}: {why}"
    error.args = (error.message,)
    return error


def follow(
    call: PreparedCall, response: Response, error: APIStatusError, hops: int
) -> PreparedCall | APIStatusError:
    """The call to make after a redirect answer (see calls/redirects.py), or the error to
    raise: redirects are not followed unless the client says so, and only so many."""
    location = response.headers.get("location")
    method, secrets = call.spec.method, call.secrets
    if not call.follow_redirects:
        why = (
            "redirects are not followed (a client built with follow_redirects=True follows "
            "them, sending no credential to another origin); check the base URL"
        )
        return redirect_error(error, method, location, secrets, why=why)
    if hops >= MAX_REDIRECTS:
        why = f"gave up after {MAX_REDIRECTS} redirects"
        return redirect_error(error, method, location, secrets, why=why)
    spec = redirected(call.spec, response.status_code, location or "", secrets)
    if spec is None:
        return redirect_error(error, method, location, secrets, why="not an http(s) URL")
    # The redirected request is not signed again for the first URL on a retry.
    return attrs.evolve(call, spec=spec, resign=None)
