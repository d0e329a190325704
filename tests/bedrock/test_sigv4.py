"""SigV4 against AWS's published known answers.

Every expected string below is copied from AWS's Signature Version 4 test suite, never
produced by our code. The suite: https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html
(aws-sig-v4-test-suite), kept up to date in awslabs/aws-c-auth,
tests/aws-signing-test-suite/v4/<case>/header-signed-request.txt (the signed request line,
headers and ``Authorization``) and the classic suite's get-vanilla.creq / .sts. Its
credentials, region, service and time are fixed: AKIDEXAMPLE /
wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, us-east-1, "service", 20150830T123600Z.
"""

from __future__ import annotations

import pytest

from llm_connector.codecs.bedrock.sigv4 import (
    AwsCredentials,
    amz_date,
    canonical_query,
    canonical_uri,
    sign,
    signing_key,
)

CREDENTIALS = AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
WHEN = 1440938160  # 2015-08-30T12:36:00Z
HOST = "example.amazonaws.com"
SCOPE = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"


def _authz(signed_headers: str, signature: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential={SCOPE}, SignedHeaders={signed_headers}, "
        f"Signature={signature}"
    )


# (case, method, request target as on the suite's request line, headers, body,
#  SignedHeaders, Signature): header-signed-request.txt of each case.
SUITE = [
    ("get-vanilla", "GET", "/", {}, b"", "host;x-amz-date",
     "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
    ("post-vanilla", "POST", "/", {}, b"", "host;x-amz-date",
     "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
    ("get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", {}, b"",
     "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
    ("get-vanilla-utf8-query", "GET", "/?\u1234=bar", {}, b"", "host;x-amz-date",
     "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
    ("get-utf8", "GET", "/\u1234", {}, b"", "host;x-amz-date",
     "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
    ("get-space-normalized", "GET", "/example space/", {}, b"", "host;x-amz-date",
     "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
    ("get-slash-dot-slash-normalized", "GET", "/./", {}, b"", "host;x-amz-date",
     "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
    ("get-relative-relative-normalized", "GET", "/example1/example2/../..", {}, b"",
     "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
    ("get-slashes-normalized", "GET", "//example//", {}, b"", "host;x-amz-date",
     "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"),
    ("get-header-value-trim", "GET", "/", {"My-Header1": " value1", "My-Header2": '"a   b   c"'},
     b"", "host;my-header1;my-header2;x-amz-date",
     "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
    # The classic suite's post-x-www-form-urlencoded (content-type signed, no payload header).
    ("post-x-www-form-urlencoded", "POST", "/",
     {"Content-Type": "application/x-www-form-urlencoded"}, b"Param1=value1",
     "content-type;host;x-amz-date",
     "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
    # aws-c-auth's version of it, which also signs Content-Length and the payload hash.
    ("post-x-www-form-urlencoded (aws-c-auth)", "POST", "/",
     {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": "13",
      "x-amz-content-sha256": "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"},
     b"Param1=value1", "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
     "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "target", "headers", "body", "signed_headers", "signature"),
    [case[1:] for case in SUITE],
    ids=[case[0] for case in SUITE],
)
def test_suite_case(
    method: str,
    target: str,
    headers: dict[str, str],
    body: bytes,
    signed_headers: str,
    signature: str,
) -> None:
    signed = sign(
        CREDENTIALS, "us-east-1", "service", WHEN, method, f"https://{HOST}{target}", headers, body
    )
    assert signed.headers["Authorization"] == _authz(signed_headers, signature)
    assert signed.headers["X-Amz-Date"] == "20150830T123600Z"
    assert signed.signature == signature


def test_get_vanilla_intermediate_strings() -> None:
    # The classic suite's get-vanilla.creq and get-vanilla.sts.
    signed = sign(CREDENTIALS, "us-east-1", "service", WHEN, "GET", f"https://{HOST}/", {}, b"")
    assert signed.canonical_request == (
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
        "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert signed.string_to_sign == (
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
    )


def test_session_token_case() -> None:
    # get-vanilla-with-session-token: the token is sent and signed as X-Amz-Security-Token.
    token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
    creds = AwsCredentials(CREDENTIALS.access_key_id, CREDENTIALS.secret_access_key, token)
    signed = sign(creds, "us-east-1", "service", WHEN, "GET", f"https://{HOST}/", {}, b"")
    assert signed.headers["X-Amz-Security-Token"] == token
    assert signed.headers["Authorization"] == _authz(
        "host;x-amz-date;x-amz-security-token",
        "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8",
    )


def test_signing_key_of_the_documentation() -> None:
    # "Examples of how to derive a signing key for Signature Version 4" (AWS General
    # Reference): 20150830 / us-east-1 / iam.
    key = signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam")
    assert key.hex() == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # Bedrock's model ids: the wire path's %3A is encoded once more (the IAM guide:
        # non-S3 services encode each segment twice).
        (
            "/model/us.amazon.nova-micro-v1%3A0/converse",
            "/model/us.amazon.nova-micro-v1%253A0/converse",
        ),
        (
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus."
            "anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream",
            "/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A123456789012%253Ainference-"
            "profile%252Fus.anthropic.claude-3-7-sonnet-20250219-v1%253A0/converse-stream",
        ),
        ("", "/"),
        ("/a/%2E%2E/b", "/b"),
    ],
)
def test_canonical_uri(path: str, expected: str) -> None:
    assert canonical_uri(path) == expected


def test_canonical_query_sorts_and_encodes() -> None:
    assert canonical_query("Param2=value2&Param1=value1") == "Param1=value1&Param2=value2"
    assert canonical_query("b&a=1") == "a=1&b="
    assert canonical_query("q=a+b") == "q=a%2Bb"


def test_secret_and_signature_never_in_a_repr() -> None:
    creds = AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "tok3n")
    assert "EXAMPLEKEY" not in repr(creds) and "tok3n" not in repr(creds)
    signed = sign(creds, "us-east-1", "bedrock", WHEN, "POST", f"https://{HOST}/", {}, b"{}")
    assert signed.signature not in repr(signed)
    assert "tok3n" not in repr(signed)


def test_amz_date() -> None:
    assert amz_date(WHEN + 0.75) == "20150830T123600Z"
