"""Bedrock answers read whole, errors (HTTP and in the stream), the constructors'
settings and secrets (the mock's round trips: test_mock.py)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from llm_connector import Client
from llm_connector.codecs.bedrock.codec import BedrockCodec
from llm_connector.errors import (
    APIStatusError,
    BadRequestError,
    InternalServerError,
    OverloadedError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
)
from llm_connector.types import ChatRequest, Message
from tests.support.bedrock_eventstream import BEDROCK, event, exception

MODEL = "us.amazon.nova-micro-v1:0"
HI = ChatRequest(MODEL, [Message.user("hi")])
AWS_VARIABLES = (
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
)
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


@pytest.fixture(autouse=True)
def no_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def _answer(name: str) -> Any:
    return BedrockCodec().parse_chat((BEDROCK / name).read_bytes())


# -- whole answers (facts read off each recording by hand) -----------------------------------


def test_text_answer() -> None:
    answer = _answer("nonstream-text-llama32.json")
    assert answer.content == (
        "Why did the OpenTelemetry trace go to therapy?\n\nBecause it was struggling to debug "
        'its issues and was feeling a little "unreliable".'
    )
    assert (answer.finish_reason, answer.choices[0].native_finish_reason) == ("stop", "end_turn")
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (52, 30)
    assert answer.usage.total_tokens == 82


def test_text_and_tool_use() -> None:
    answer = _answer("nonstream-text-and-tool-use-claude3-sonnet.json")
    assert answer.content.startswith("Okay, let me use the tool")
    (call,) = answer.tool_calls
    assert (call.id, call.function.name) == ("tooluse_iPA5tRLlQ5qSvfeYGeQVPg", "fetch_concept")
    assert call.parse_arguments() == {"concept": "distributed tracing"}
    assert answer.finish_reason == "tool_calls"


def test_reasoning_with_its_signature() -> None:
    answer = _answer("nonstream-reasoning-signature-claude-sonnet5.json")
    (block,) = answer.message.reasoning_blocks
    assert block.signature.startswith("EpYFCmQIDxABGAIqQNqiQfghgsWT3rqpO9kH")
    assert block.text.startswith("I need to find the smallest n where the exponent of 5")
    assert answer.reasoning_content == block.text
    assert answer.content.startswith("## Setting Up the Problem")


def test_cache_reads_count_in_the_prompt() -> None:
    usage = _answer("nonstream-cache-read-claude37-sonnet.json").usage
    # inputTokens 12 leave out the 1028 read from the cache; total 1225 = 12 + 1028 + 185.
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (1040, 185, 1225)
    assert (usage.cached_tokens, usage.cache_creation_tokens) == (1028, 0)


def test_max_tokens() -> None:
    answer = _answer("nonstream-max-tokens-nova-micro.json")
    assert answer.content == "The capital of France is"
    assert (answer.finish_reason, answer.choices[0].native_finish_reason) == (
        "length",
        "max_tokens",
    )


# -- errors ---------------------------------------------------------------------------------


def _client(handler: Any, **options: Any) -> Client:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    options.setdefault("max_retries", 0)
    return Client.bedrock("us-east-1", api_key="bedrock-api-key-test", http_client=http, **options)


@pytest.mark.parametrize(
    ("name", "status", "error_type", "cls", "message"),
    [
        ("error-400-invalid-model-id.json", 400, "ValidationException", BadRequestError,
         "The provided model identifier is invalid."),
        ("error-403-expired-token.json", 403, "ExpiredTokenException", PermissionDeniedError,
         "The security token included in the request is expired"),
        ("error-500-internal-server.json", 500, "InternalServerException", InternalServerError,
         "The system encountered an unexpected error during processing. Try your request again."),
    ],
)  # fmt: skip
def test_http_errors(
    name: str, status: int, error_type: str, cls: type[APIStatusError], message: str
) -> None:
    body = (BEDROCK / name).read_bytes()
    headers = {
        "x-amzn-ErrorType": f"{error_type}:http://internal.amazon.com/coral/com.amazon.bedrock/",
        "x-amzn-RequestId": "a1b2c3d4-0000-1111-2222-333344445555",
        "content-type": "application/json",
    }
    client = _client(lambda request: httpx.Response(status, content=body, headers=headers))
    with pytest.raises(cls) as caught:
        client.chat(HI)
    error = caught.value
    assert (error.status_code, error.message, error.error_type) == (status, message, error_type)
    assert error.request_id == "a1b2c3d4-0000-1111-2222-333344445555"


def _stream(*messages: bytes) -> httpx.Response:
    return httpx.Response(
        200,
        headers={"content-type": "application/vnd.amazon.eventstream"},
        content=b"".join(messages),
    )


GOOD = (
    event("messageStart", {"role": "assistant"}),
    event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hello"}}),
    event("contentBlockStop", {"contentBlockIndex": 0}),
    event("messageStop", {"stopReason": "end_turn"}),
    event("metadata", {"usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4}}),
)


@pytest.mark.parametrize(
    ("name", "payload", "cls", "status"),
    [
        ("throttlingException", {"message": "slow down"}, RateLimitError, 429),
        ("validationException", {"message": "bad"}, BadRequestError, 400),
        ("serviceUnavailableException", {"message": "later"}, InternalServerError, 503),
        ("internalServerException", {"message": "oops"}, InternalServerError, 500),
        ("modelStreamErrorException", {"message": "x"}, InternalServerError, 500),
        (
            "modelStreamErrorException",
            {"message": "Overloaded", "originalStatusCode": 529},
            OverloadedError,
            529,
        ),
    ],
)
def test_exception_messages_raise_typed_errors(
    name: str, payload: dict[str, Any], cls: type[APIStatusError], status: int
) -> None:
    from tests.support.bedrock_eventstream import message

    frame = message(
        {
            ":exception-type": name,
            ":content-type": "application/json",
            ":message-type": "exception",
        },
        json.dumps(payload).encode(),
    )
    client = _client(lambda request: _stream(GOOD[0], GOOD[1], frame))
    stream = client.chat_stream(HI)
    with pytest.raises(cls) as caught:
        for _ in stream:
            pass
    error = caught.value
    assert (error.status_code, error.error_type, error.in_stream) == (status, name, True)
    assert error.message == payload["message"]
    assert error.partial is not None and error.partial.content == "Hello"


def test_an_exception_before_content_is_retried() -> None:
    answers = iter(
        [_stream(GOOD[0], exception("throttlingException", "Too many requests")), _stream(*GOOD)]
    )
    client = _client(lambda request: next(answers), max_retries=1, timeout=10)
    chunks = list(client.chat_stream(HI))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hello"


def test_a_corrupt_stream_keeps_what_arrived() -> None:
    broken = bytearray(GOOD[3])
    broken[-1] ^= 0xFF
    client = _client(lambda request: _stream(GOOD[0], GOOD[1], bytes(broken)))
    from llm_connector.errors import StreamDecodeError

    with pytest.raises(StreamDecodeError) as caught:
        list(client.chat_stream(HI))
    assert caught.value.partial is not None and caught.value.partial.content == "Hello"


def test_no_secret_in_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        auth = request.headers["Authorization"]
        seen.append(auth)
        signature = auth.rsplit("Signature=", 1)[1]
        token = request.headers["X-Amz-Security-Token"]
        return httpx.Response(403, json={"message": f"echo {auth} {signature} {SECRET} {token}"})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = Client.bedrock(
        "us-east-1",
        access_key_id="AKIDEXAMPLE",
        secret_access_key=SECRET,
        session_token="FwoGZXIvYXdzEBYaDEXAMPLETOKEN",
        http_client=http,
        max_retries=0,
    )
    with (
        caplog.at_level(logging.DEBUG, logger="llm_connector"),
        pytest.raises(PermissionDeniedError) as caught,
    ):
        client.chat(HI)
    (auth,) = seen
    signature = auth.rsplit("Signature=", 1)[1]
    text = " ".join([str(caught.value), caught.value.body or "", repr(client), caplog.text])
    for secret in (SECRET, signature, "FwoGZXIvYXdzEBYaDEXAMPLETOKEN"):
        assert secret not in text


# -- the constructors -----------------------------------------------------------------------


def _capture() -> tuple[list[httpx.Request], httpx.Client]:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json={"output": {"message": {"content": [{"text": "ok"}]}}})

    return requests, httpx.Client(transport=httpx.MockTransport(handler))


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "envtoken")
    requests, http = _capture()
    client = Client.bedrock(http_client=http)
    assert client.base_url == "https://bedrock-runtime.eu-west-1.amazonaws.com"
    client.chat(HI)
    sent = requests[-1]
    assert "Credential=AKIDENV/" in sent.headers["Authorization"]
    assert "/eu-west-1/bedrock/aws4_request" in sent.headers["Authorization"]
    assert sent.headers["X-Amz-Security-Token"] == "envtoken"
    # A Bedrock API key in the environment wins over its access keys (as in boto3).
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-env")
    Client.bedrock(http_client=http).chat(HI)
    assert requests[-1].headers["Authorization"] == "Bearer bedrock-api-key-env"
    # Given values win over both.
    Client.bedrock(
        "us-west-2", access_key_id="AKIDARG", secret_access_key="s", http_client=http
    ).chat(HI)
    assert "Credential=AKIDARG/" in requests[-1].headers["Authorization"]
    assert requests[-1].url.host == "bedrock-runtime.us-west-2.amazonaws.com"


def test_missing_credentials_are_an_error_at_the_first_request() -> None:
    requests, http = _capture()
    client = Client.bedrock("us-east-1", http_client=http)
    with pytest.raises(RequestValidationError) as caught:
        client.chat(HI)
    assert "$AWS_ACCESS_KEY_ID" in str(caught.value) and not requests


def test_a_region_is_needed_without_a_base_url() -> None:
    with pytest.raises(RequestValidationError, match="AWS_REGION"):
        Client.bedrock(api_key="k")
    with pytest.raises(RequestValidationError, match="not an AWS region"):
        Client.bedrock("us-east-1.evil.com", api_key="k")
    assert Client.bedrock("cn-north-1", api_key="k").base_url == (
        "https://bedrock-runtime.cn-north-1.amazonaws.com.cn"
    )
    fips = "https://bedrock-runtime-fips.us-east-1.amazonaws.com"
    assert Client.bedrock(api_key="k", base_url=fips).base_url == fips


def test_half_a_key_pair_is_refused() -> None:
    with pytest.raises(RequestValidationError) as caught:
        Client.bedrock("us-east-1", access_key_id="AKID")
    assert caught.value.field == "secret_access_key"


def test_every_recording_is_here() -> None:
    names = {p.name for p in BEDROCK.iterdir()}
    corpus = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "raw" / "bedrock"
    if corpus.is_dir():
        assert {p.name for p in corpus.iterdir()} <= names
