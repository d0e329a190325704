"""AWS Bedrock's Converse API: ``POST /model/{modelId}/converse`` and
``/converse-stream`` of ``bedrock-runtime.{region}.amazonaws.com``.

https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html

The model id (or an inference profile's or a provisioned model's ARN) is one path
segment, percent-encoded whole: ``us.amazon.nova-micro-v1:0`` goes as
``us.amazon.nova-micro-v1%3A0``, an ARN's ``/`` as ``%2F`` (botocore encodes it the same).

Who the caller is, from the endpoint's key (``credentials_of``):

- ``"ACCESS_KEY_ID:SECRET_ACCESS_KEY"`` or ``"...:SESSION_TOKEN"``: the request is signed
  with Signature Version 4 (sigv4.py) for service ``bedrock`` in the codec's region (else
  the region the host names: ``bedrock-runtime[-fips].{region}.amazonaws.com`` and VPC
  endpoints; else us-east-1, for a proxy or the mock) at ``Endpoint.timestamp``. The
  secret never leaves; access keys, secrets and session tokens hold no ``:``.
- anything else: a Bedrock API key, sent as a bearer token
  (https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys-use.html).
- none: ``RequestValidationError`` naming what to set, at the first request.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from llm_connector.codecs.bedrock.parse import parse_converse, parse_error
from llm_connector.codecs.bedrock.request import converse_body
from llm_connector.codecs.bedrock.sigv4 import AwsCredentials, sign
from llm_connector.codecs.bedrock.stream import BedrockStreamDecoder
from llm_connector.codecs.contract import (
    ChatCodec,
    Endpoint,
    ErrorInfo,
    Framing,
    RequestSpec,
    dump_json,
    merge_headers,
)
from llm_connector.codecs.json_readers import token_count_of
from llm_connector.errors import RequestValidationError
from llm_connector.types import ChatRequest, ChatResponse

__all__ = ["SERVICE", "BedrockCodec", "credentials_of", "region_of_host"]

#: The signing name of Bedrock's runtime endpoints.
SERVICE = "bedrock"
#: A host's region: bedrock-runtime.us-east-1.amazonaws.com, bedrock-runtime-fips.us-east-1
#: .amazonaws.com, vpce-....bedrock-runtime.us-east-1.vpce.amazonaws.com.
_HOST_REGION = re.compile(r"bedrock-runtime(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.")
_DEFAULT_REGION = "us-east-1"
_EVENTSTREAM = "application/vnd.amazon.eventstream"
#: What CountTokens takes of a Converse body (ConverseTokensRequest):
#: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseTokensRequest.html
_COUNTED_FIELDS = frozenset({"messages", "system", "toolConfig", "additionalModelRequestFields"})

MISSING_CREDENTIALS = (
    "no AWS credentials for Bedrock: pass access_key_id= and secret_access_key= (and "
    "session_token= for temporary credentials) or api_key= (a Bedrock API key), or set "
    "$AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY (and $AWS_SESSION_TOKEN) or "
    "$AWS_BEARER_TOKEN_BEDROCK"
)


def credentials_of(key: str) -> AwsCredentials | None:
    """SigV4 credentials from a key string ("id:secret[:token]", as
    providers/environment.py joins them), or None for a Bedrock API key (a bearer
    token)."""
    parts = key.split(":")
    if len(parts) not in (2, 3) or not all(parts):
        return None
    return AwsCredentials(parts[0], parts[1], parts[2] if len(parts) == 3 else None)


def region_of_host(host: str) -> str | None:
    match = _HOST_REGION.search(host + ".")
    return match.group(1) if match else None


class BedrockCodec(ChatCodec):
    """Bedrock's Converse and ConverseStream, in ``region`` (None: the host's)."""

    name = "bedrock"

    def __init__(self, region: str | None = None) -> None:
        self.region = region

    def build_chat(self, request: ChatRequest, endpoint: Endpoint, *, stream: bool) -> RequestSpec:
        if not request.model:
            raise RequestValidationError("model", "Bedrock needs a model id or ARN")
        body = dump_json(converse_body(request))
        operation = "converse-stream" if stream else "converse"
        url = endpoint.url(f"/model/{quote(request.model, safe='')}/{operation}")
        framing: Framing = "eventstream" if stream else "json"
        return self._post(url, body, endpoint, framing)

    def build_count_tokens(self, request: ChatRequest, endpoint: Endpoint) -> RequestSpec:
        """CountTokens of the Converse request chat would send (its messages, system
        prompt, tools and model fields), answered ``{"inputTokens": N}``:
        https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokens.html"""
        if not request.model:
            raise RequestValidationError("model", "Bedrock needs a model id or ARN")
        converse = converse_body(request)
        counted = {k: v for k, v in converse.items() if k in _COUNTED_FIELDS}
        body = dump_json({"input": {"converse": counted}})
        url = endpoint.url(f"/model/{quote(request.model, safe='')}/count-tokens")
        return self._post(url, body, endpoint, "json")

    def parse_count_tokens(self, body: bytes) -> int:
        # {"inputTokens": N}:
        # https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokens.html
        return token_count_of(body, "inputTokens")

    def _post(self, url: str, body: bytes, endpoint: Endpoint, framing: Framing) -> RequestSpec:
        """A POST of ``body`` to ``url``, signed with the endpoint's credentials (or with
        its Bedrock API key as a bearer token)."""
        headers = {
            "Content-Type": "application/json",
            "Accept": _EVENTSTREAM if framing == "eventstream" else "application/json",
        }
        key = endpoint.api_key
        if not key:
            raise RequestValidationError("api_key", MISSING_CREDENTIALS)
        credentials = credentials_of(key)
        if credentials is None:
            auth = {"Authorization": f"Bearer {key}"}
        else:
            if endpoint.timestamp is None:
                raise RequestValidationError("timestamp", "signing a request needs its time")
            host = urlsplit(url).netloc
            region = self.region or region_of_host(host) or _DEFAULT_REGION
            # Signed: host, content-type and the x-amz-* headers sign() adds (what botocore
            # signs for Converse); the client's own headers go unsigned, as SigV4 allows.
            signed = sign(
                credentials,
                region,
                SERVICE,
                endpoint.timestamp,
                "POST",
                url,
                {"Host": host, "Content-Type": headers["Content-Type"]},
                body,
            )
            auth = dict(signed.headers)
        return RequestSpec(
            "POST", url, merge_headers(headers, auth, endpoint.headers), body, framing
        )

    def parse_chat(self, body: bytes) -> ChatResponse:
        return parse_converse(body)

    def new_stream_decoder(self) -> BedrockStreamDecoder:
        return BedrockStreamDecoder()

    def parse_error(self, status_code: int, body: bytes) -> ErrorInfo:
        return parse_error(status_code, body)
