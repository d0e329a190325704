"""Reading the environment: the one module of the package that does (ruff's banned-api rule
keeps ``os.environ`` out of every other). A constructor's key and URL fall back to the
provider's usual variables; codecs and the call driver never read the environment."""

from __future__ import annotations

import os
from collections.abc import Iterable

from llm_connector.errors import RequestValidationError

__all__ = ["env_key_pair", "env_value", "join_key_pair"]


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
