"""The redirect rules, pure (calls/redirects.py): which request follows a redirect, and
what stays behind when it leaves the origin."""

from __future__ import annotations

import pytest

from llm_connector.calls.redirects import is_redirect, redirected
from llm_connector.codecs.contract import RequestSpec

SECRETS = ("sk-secret-key-0001", "signed-value-0002")
HEADERS = {
    "Content-Type": "application/json",
    "Accept": "text/event-stream",
    "Authorization": "Bearer sk-secret-key-0001",
    "x-api-key": "sk-secret-key-0001",
    "x-goog-api-key": "sk-secret-key-0001",
    "api-key": "sk-secret-key-0001",
    "X-Custom-Signature": "v1 signed-value-0002",
    "Cookie": "session=1",
    "User-Agent": "llm-connector/test",
}
SPEC = RequestSpec("POST", "https://api.example.com/v1/chat", HEADERS, b'{"a":1}', "sse")
KEPT_ELSEWHERE = {"Content-Type": "application/json", "Accept": "text/event-stream"}


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (302, {"location": "/x"}, True),
        (307, {"location": "/x"}, True),
        (304, {"location": "/x"}, False),
        (302, {}, False),
        (200, {"location": "/x"}, False),
    ],
)
def test_what_is_a_redirect(status: int, headers: dict[str, str], expected: bool) -> None:
    assert is_redirect(status, headers) is expected


@pytest.mark.parametrize("status", [307, 308])
def test_307_and_308_repeat_the_request_within_the_origin(status: int) -> None:
    followed = redirected(SPEC, status, "/v2/chat?x=1", SECRETS)

    assert followed is not None
    assert followed.url == "https://api.example.com/v2/chat?x=1"
    assert (followed.method, followed.body, followed.framing) == ("POST", b'{"a":1}', "sse")
    assert dict(followed.headers) == HEADERS


@pytest.mark.parametrize(
    "location",
    [
        "https://elsewhere.example.com/v1/chat",  # another host
        "http://api.example.com/v1/chat",  # another scheme
        "https://api.example.com:8443/v1/chat",  # another port
    ],
)
def test_leaving_the_origin_drops_every_credential(location: str) -> None:
    followed = redirected(SPEC, 307, location, SECRETS)

    assert followed is not None
    assert followed.url == location
    assert dict(followed.headers) == {**KEPT_ELSEWHERE, "User-Agent": "llm-connector/test"}


def test_the_default_port_is_the_same_origin() -> None:
    followed = redirected(SPEC, 307, "https://API.example.com:443/v2", SECRETS)

    assert followed is not None
    assert dict(followed.headers) == HEADERS


@pytest.mark.parametrize(("status", "method"), [(301, "GET"), (302, "GET"), (303, "GET")])
def test_301_302_303_turn_a_post_into_a_get_without_body(status: int, method: str) -> None:
    followed = redirected(SPEC, status, "/moved", SECRETS)

    assert followed is not None
    assert (followed.method, followed.body) == (method, None)
    assert "Content-Type" not in followed.headers
    assert followed.headers["Authorization"] == "Bearer sk-secret-key-0001"


def test_a_301_keeps_a_get() -> None:
    get = RequestSpec("GET", "https://api.example.com/v1/models", {"Accept": "x"})
    followed = redirected(get, 301, "/v2/models", SECRETS)

    assert followed is not None
    assert (followed.method, followed.url) == ("GET", "https://api.example.com/v2/models")


@pytest.mark.parametrize("location", ["ftp://api.example.com/x", "javascript:alert(1)"])
def test_a_location_that_is_not_http_is_not_followed(location: str) -> None:
    assert redirected(SPEC, 307, location, SECRETS) is None
