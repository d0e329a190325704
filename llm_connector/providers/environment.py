"""Reading the environment: the one module of the package that does (ruff's banned-api rule
keeps ``os.environ`` out of every other). A constructor's key and URL fall back to the
provider's usual variables; codecs and the call driver never read the environment."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from llm_connector.errors import RequestValidationError

__all__ = ["aws_key", "aws_region", "env_key_pair", "env_value", "join_key_pair"]

# An AWS region's name (us-east-1, us-gov-west-1, cn-north-1, ...): it becomes part of a
# host name, so nothing else is taken.
_AWS_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+")


def env_value(names: Iterable[str]) -> str | None:
    """The first of the variables ``names`` that is set and not empty."""
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None


def env_key_pair(first: str, second: str) -> str | None:
    """A key pair from two variables (Tencent Cloud's SecretId and SecretKey), joined;
    None unless both are set."""
    one, two = os.environ.get(first), os.environ.get(second)
    return join_key_pair(one, two) if one and two else None


def join_key_pair(first: str | None, second: str | None) -> str:
    """Tencent Cloud's SecretId and SecretKey as the one key string a client carries."""
    if not first or not second:
        missing = "secret_id" if not first else "secret_key"
        raise RequestValidationError(missing, "Tencent Cloud signs with a SecretId and a SecretKey")
    for field, value in (("secret_id", first), ("secret_key", second)):
        if ":" in value:
            raise RequestValidationError(field, "must not contain ':'")
    return f"{first}:{second}"


def aws_region(region: str | None) -> str | None:
    """The region given, else ``$AWS_REGION``, else ``$AWS_DEFAULT_REGION`` (the AWS SDKs'
    order); None if none is set."""
    value = region or env_value(("AWS_REGION", "AWS_DEFAULT_REGION"))
    if value is not None and not _AWS_REGION.fullmatch(value):
        raise RequestValidationError("region", f"{value!r} is not an AWS region (us-east-1, ...)")
    return value


def aws_key(
    api_key: str | None,
    access_key_id: str | None,
    secret_access_key: str | None,
    session_token: str | None,
) -> str | None:
    """The key string of a Bedrock client (codecs/bedrock/codec.py reads it): a Bedrock API
    key as it is, or "id:secret[:token]" for SigV4. Given values first, then
    ``$AWS_BEARER_TOKEN_BEDROCK`` (as boto3 does, it wins over access keys from the
    environment), then ``$AWS_ACCESS_KEY_ID`` / ``$AWS_SECRET_ACCESS_KEY`` /
    ``$AWS_SESSION_TOKEN``; None if there is nothing (the codec then says what to set,
    at the first request)."""
    if api_key:
        return api_key
    if access_key_id or secret_access_key:
        if not access_key_id or not secret_access_key:
            missing = "access_key_id" if not access_key_id else "secret_access_key"
            raise RequestValidationError(
                missing, "AWS signs with an access key id and its secret access key: pass both"
            )
        return _join_aws(access_key_id, secret_access_key, session_token)
    bearer = env_value(("AWS_BEARER_TOKEN_BEDROCK",))
    if bearer:
        return bearer
    key_id, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    if key_id and secret:
        return _join_aws(key_id, secret, session_token or os.environ.get("AWS_SESSION_TOKEN"))
    return None


def _join_aws(access_key_id: str, secret_access_key: str, session_token: str | None) -> str:
    # Access key ids, secrets and session tokens (base64) hold no ':'.
    for field, value in (
        ("access_key_id", access_key_id),
        ("secret_access_key", secret_access_key),
        ("session_token", session_token or ""),
    ):
        if ":" in value:
            raise RequestValidationError(field, "must not contain ':'")
    return ":".join([access_key_id, secret_access_key] + ([session_token] if session_token else []))
