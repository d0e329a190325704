"""The static signatures of the provider constructors, one per constructor shape (see
``constructors.py``). Imported by type checkers only: at run time each constructor is made
from its provider row, with the same signature (a test holds the two to each other).

Each is generic in the client class it builds (``_S``) and the httpx client it takes
(``_H``): ``Client.openai(http_client=...)`` takes an ``httpx.Client``,
``AsyncClient.openai(http_client=...)`` an ``httpx.AsyncClient``, and a type checker
refuses the other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal, Protocol, TypeAlias, TypeVar

import httpx

from llm_connector.types._size_limits import SizeLimits
from llm_connector.types._timeout import Timeout

if TYPE_CHECKING:
    from llm_connector._mock import MockReply, MockServer
    from llm_connector._mock.server import Wire
    from llm_connector.calls.hooks import Hooks

_S_co = TypeVar("_S_co", covariant=True)
_H_contra = TypeVar("_H_contra", contravariant=True)

#: A ``timeout=``: a :class:`~llm_connector.Timeout`, seconds, or an ``httpx.Timeout``
#: (see ``Timeout`` for what the last two mean); None is the default ``Timeout()``.
TimeoutOption: TypeAlias = Timeout | float | httpx.Timeout | None
Proxy: TypeAlias = str | httpx.Proxy | None
#: Where a provider serving China and the rest of the world is reached.
Region: TypeAlias = Literal["china", "international"]
#: ``think_tags=`` of openai_compatible: split ``<think>`` blocks off the answer text; with
#: "implicit", the model's output starts inside the block (the template opened it).
ThinkTags: TypeAlias = bool | Literal["implicit"] | None


class Standard(Protocol[_S_co, _H_contra]):
    def __call__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: TimeoutOption = None,
        max_retries: int = 2,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: _H_contra | None = None,
        hooks: Hooks | None = None,
        size_limits: SizeLimits | None = None,
        follow_redirects: bool = False,
        model: str | None = None,
    ) -> _S_co: ...


class Regional(Protocol[_S_co, _H_contra]):
    def __call__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        region: Region = "china",
        timeout: TimeoutOption = None,
        max_retries: int = 2,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: _H_contra | None = None,
        hooks: Hooks | None = None,
        size_limits: SizeLimits | None = None,
        follow_redirects: bool = False,
        model: str | None = None,
    ) -> _S_co: ...


class Aliyun(Protocol[_S_co, _H_contra]):
    def __call__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        region: Region = "china",
        incremental_output: bool = True,
        timeout: TimeoutOption = None,
        max_retries: int = 2,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: _H_contra | None = None,
        hooks: Hooks | None = None,
        size_limits: SizeLimits | None = None,
        follow_redirects: bool = False,
        model: str | None = None,
    ) -> _S_co: ...


class Local(Protocol[_S_co, _H_contra]):
    def __call__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: TimeoutOption = None,
        max_retries: int = 2,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: _H_contra | None = None,
        hooks: Hooks | None = None,
        size_limits: SizeLimits | None = None,
        follow_redirects: bool = False,
        model: str | None = None,
    ) -> _S_co: ...


class Compatible(Protocol[_S_co, _H_contra]):
    def __call__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        name: str = "openai_compatible",
        *,
        think_tags: ThinkTags = None,
        timeout: TimeoutOption = None,
        max_retries: int = 2,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: _H_contra | None = None,
        hooks: Hooks | None = None,
        size_limits: SizeLimits | None = None,
        follow_redirects: bool = False,
        model: str | None = None,
    ) -> _S_co: ...


class Azure(Protocol[_S_co, _H_contra]):
    def __call__(
        self,
        api_key: str | None = None,
        endpoint: str | None = None,
        api_version: str | None = None,
        *,
        timeout: TimeoutOption = None,
        max_retries: int = 2,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: _H_contra | None = None,
        hooks: Hooks | None = None,
        size_limits: SizeLimits | None = None,
        follow_redirects: bool = False,
        model: str | None = None,
    ) -> _S_co: ...


class Vertex(Protocol[_S_co, _H_contra]):
    def __call__(
        self,
        project: str | None = None,
        region: str | None = None,
        access_token: str | None = None,
        *,
        base_url: str | None = None,
        api_version: str | None = None,
        timeout: TimeoutOption = None,
        max_retries: int = 2,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: _H_contra | None = None,
        hooks: Hooks | None = None,
        size_limits: SizeLimits | None = None,
        follow_redirects: bool = False,
        model: str | None = None,
    ) -> _S_co: ...


class Tencent(Protocol[_S_co, _H_contra]):
    def __call__(
        self,
        secret_id: str | None = None,
        secret_key: str | None = None,
        *,
        region: str | None = None,
        host: str = "hunyuan.tencentcloudapi.com",
        base_url: str | None = None,
        timeout: TimeoutOption = None,
        max_retries: int = 2,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: _H_contra | None = None,
        hooks: Hooks | None = None,
        size_limits: SizeLimits | None = None,
        follow_redirects: bool = False,
        model: str | None = None,
    ) -> _S_co: ...


class Bedrock(Protocol[_S_co, _H_contra]):
    def __call__(
        self,
        region: str | None = None,
        *,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: TimeoutOption = None,
        max_retries: int = 2,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: _H_contra | None = None,
        hooks: Hooks | None = None,
        size_limits: SizeLimits | None = None,
        follow_redirects: bool = False,
        model: str | None = None,
    ) -> _S_co: ...


class Anthropic(Protocol[_S_co, _H_contra]):
    def __call__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        api_version: str | None = None,
        timeout: TimeoutOption = None,
        max_retries: int = 2,
        headers: Mapping[str, str] | None = None,
        proxy: Proxy = None,
        http_client: _H_contra | None = None,
        hooks: Hooks | None = None,
        size_limits: SizeLimits | None = None,
        follow_redirects: bool = False,
        model: str | None = None,
    ) -> _S_co: ...


class Mock(Protocol[_S_co]):
    def __call__(
        self,
        replies: MockServer | str | MockReply | Sequence[str | MockReply] | None = None,
        *,
        provider: Wire = "openai",
        model: str = "mock-model",
        responses_api: bool = False,
        timeout: TimeoutOption = None,
        max_retries: int = 0,
        headers: Mapping[str, str] | None = None,
        hooks: Hooks | None = None,
        size_limits: SizeLimits | None = None,
        follow_redirects: bool = False,
    ) -> _S_co: ...
