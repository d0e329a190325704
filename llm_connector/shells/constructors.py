"""The provider constructors of both clients (``Client.openai(...)``,
``AsyncClient.anthropic(...)``, ...), made from the provider rows (``providers/table.py``).

Each constructor is a descriptor named after its row: on first use from a client class it
makes that class's constructor, with the signature of its shape (``constructor_types.py``)
and the row's documentation as its docstring; calling it builds a client of the row. A
shape is the handful of ways a provider is addressed (a key and a URL; a region; an Azure
resource; a Vertex project; a Tencent key pair; ...); every constructor also takes the same
keyword options: ``timeout`` (a ``Timeout``, seconds, or an ``httpx.Timeout``),
``max_retries``, ``headers``, ``proxy``, ``http_client`` (an ``httpx.Client`` for
``Client``, an ``httpx.AsyncClient`` for ``AsyncClient``), ``hooks``, ``size_limits``,
``follow_redirects`` and ``model`` (the model of the requests that name none). The
shapes of the Messages API (``anthropic``, ``vertex``) also take ``api_version``: the
version every request of the client names, over the row's (docs/providers.md, "API
versions").
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, overload

from llm_connector.errors import RequestValidationError
from llm_connector.providers import row as provider

if TYPE_CHECKING:
    import httpx

    from llm_connector.providers.spec import ProviderSpec
    from llm_connector.shells import constructor_types as shapes
    from llm_connector.shells.base import ShellBase

    _SyncS = TypeVar("_SyncS", bound="ShellBase[httpx.Client, Any]")
    _AsyncS = TypeVar("_AsyncS", bound="ShellBase[httpx.AsyncClient, Any]")
    _S = TypeVar("_S")

__all__ = ["ProviderConstructors"]

#: What a shape's builder returns: the row, the key, the base URL, and the client's other
#: keyword arguments.
_Built = tuple["ProviderSpec", "str | None", "str | None", dict[str, Any]]
_Builder = Callable[["ProviderSpec", Mapping[str, Any]], _Built]

# The options every constructor takes, passed to the client as they are.
_OPTIONS = (
    "timeout",
    "max_retries",
    "headers",
    "proxy",
    "http_client",
    "hooks",
    "size_limits",
    "follow_redirects",
    "model",
)


class _Constructor:
    """A provider's constructor: made, for each client class, from the row of its name."""

    #: The shape's signature in constructor_types.py.
    protocol: ClassVar[str]

    def __init__(self) -> None:
        self._name = ""
        self._made: dict[type[Any], Callable[..., Any]] = {}

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name = name

    def __get__(self, obj: object, owner: type[Any]) -> Any:
        made = self._made.get(owner)
        if made is None:
            made = self._made[owner] = self._make(owner)
        return made

    def build(self, row: ProviderSpec, args: Mapping[str, Any]) -> _Built:
        """The client's row, key, URL and other arguments for the given ``args``."""
        return row, args.get("api_key"), args.get("base_url"), {}

    def _make(self, owner: type[Any]) -> Callable[..., Any]:
        from llm_connector.shells import constructor_types

        row = provider(self._name)
        if row.constructor != self.protocol.lower():  # a row and its constructor disagree
            raise TypeError(f"{self._name}: the row's constructor is {row.constructor!r}")
        shape = getattr(constructor_types, self.protocol)
        signature = inspect.signature(shape.__call__)
        http = owner.__dict__.get("_http_client_class") or owner._http_client_class
        parameters = [
            p.replace(annotation=f"httpx.{http.__name__} | None") if p.name == "http_client" else p
            for p in list(signature.parameters.values())[1:]  # without self
        ]
        signature = signature.replace(parameters=parameters, return_annotation=owner.__name__)
        build = self.build

        def construct(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            arguments = bound.arguments
            target, key, url, extra = build(row, arguments)
            options = {name: arguments[name] for name in _OPTIONS if name in arguments}
            return owner(target.name, key, url, _row=target, **{**options, **extra})

        construct.__signature__ = signature  # type: ignore[attr-defined]
        construct.__name__ = self._name
        construct.__qualname__ = f"{owner.__qualname__}.{self._name}"
        construct.__doc__ = inspect.cleandoc(row.doc)
        return construct


def _region(
    row: ProviderSpec, region: str, base_url: str | None
) -> tuple[ProviderSpec, str | None]:
    """The row and URL of a provider serving China (its default) and the world."""
    if region not in ("china", "international"):
        raise RequestValidationError("region", f"use 'china' or 'international', not {region!r}")
    other = row.region_rows.get(region)
    if other is not None:
        return provider(other), base_url
    if base_url or region == "china":
        return row, base_url
    return row, row.region_url(region)


class Standard(_Constructor):
    protocol = "Standard"

    if TYPE_CHECKING:

        @overload
        def __get__(
            self, obj: object, owner: type[_SyncS]
        ) -> shapes.Standard[_SyncS, httpx.Client]: ...
        @overload
        def __get__(
            self, obj: object, owner: type[_AsyncS]
        ) -> shapes.Standard[_AsyncS, httpx.AsyncClient]: ...
        def __get__(self, obj: object, owner: type[Any]) -> Any: ...


class Regional(_Constructor):
    protocol = "Regional"

    def build(self, row: ProviderSpec, args: Mapping[str, Any]) -> _Built:
        row, url = _region(row, args["region"], args["base_url"])
        return row, args["api_key"], url, {}

    if TYPE_CHECKING:

        @overload
        def __get__(
            self, obj: object, owner: type[_SyncS]
        ) -> shapes.Regional[_SyncS, httpx.Client]: ...
        @overload
        def __get__(
            self, obj: object, owner: type[_AsyncS]
        ) -> shapes.Regional[_AsyncS, httpx.AsyncClient]: ...
        def __get__(self, obj: object, owner: type[Any]) -> Any: ...


class Aliyun(_Constructor):
    protocol = "Aliyun"

    def build(self, row: ProviderSpec, args: Mapping[str, Any]) -> _Built:
        row, url = _region(row, args["region"], args["base_url"])
        # Each event repeats the answer so far without incremental_output; the decoder
        # turns them back into increments.
        codec = row.codec() if args["incremental_output"] else row.codec(incremental_output=False)
        return row, args["api_key"], url, {"_codec": codec}

    if TYPE_CHECKING:

        @overload
        def __get__(
            self, obj: object, owner: type[_SyncS]
        ) -> shapes.Aliyun[_SyncS, httpx.Client]: ...
        @overload
        def __get__(
            self, obj: object, owner: type[_AsyncS]
        ) -> shapes.Aliyun[_AsyncS, httpx.AsyncClient]: ...
        def __get__(self, obj: object, owner: type[Any]) -> Any: ...


class Local(_Constructor):
    protocol = "Local"

    if TYPE_CHECKING:

        @overload
        def __get__(
            self, obj: object, owner: type[_SyncS]
        ) -> shapes.Local[_SyncS, httpx.Client]: ...
        @overload
        def __get__(
            self, obj: object, owner: type[_AsyncS]
        ) -> shapes.Local[_AsyncS, httpx.AsyncClient]: ...
        def __get__(self, obj: object, owner: type[Any]) -> Any: ...


class Compatible(_Constructor):
    protocol = "Compatible"

    def build(self, row: ProviderSpec, args: Mapping[str, Any]) -> _Built:
        from llm_connector.providers.table import compatible_preset

        name = args["name"]
        preset = compatible_preset(name)
        if preset is None and not args["base_url"] and name != row.name:
            _unknown_preset(name)
        target = provider(preset) if preset is not None else row
        extra: dict[str, Any] = {"name": name}
        think_tags = args["think_tags"]
        if think_tags is not None:
            extra["_codec"] = target.codec(
                think_tags=bool(think_tags), think_tags_implicit_open=think_tags == "implicit"
            )
        return target, args["api_key"], args["base_url"], extra

    if TYPE_CHECKING:

        @overload
        def __get__(
            self, obj: object, owner: type[_SyncS]
        ) -> shapes.Compatible[_SyncS, httpx.Client]: ...
        @overload
        def __get__(
            self, obj: object, owner: type[_AsyncS]
        ) -> shapes.Compatible[_AsyncS, httpx.AsyncClient]: ...
        def __get__(self, obj: object, owner: type[Any]) -> Any: ...


def _unknown_preset(name: str) -> None:
    """Refuse ``openai_compatible(name=name)`` without a base URL when ``name`` is no preset:
    without a URL the name can only have been meant to pick one, so a typo ("grok") is
    told as one, with the presets it is nearest, rather than as a missing base_url. With a
    base_url any name is a free-form label."""
    from llm_connector.providers.table import PROVIDERS, nearest_presets

    nearest = nearest_presets(name)
    if nearest:
        raise RequestValidationError(
            "name",
            f"unknown openai_compatible preset {name!r}; did you mean "
            + " or ".join(repr(n) for n in nearest)
            + "? (pass base_url= to name a server of your own)",
        )
    presets = ", ".join(sorted(n for n, r in PROVIDERS.items() if r.compatible_preset))
    raise RequestValidationError(
        "base_url",
        f"openai_compatible(name={name!r}) needs a base_url: {name!r} is not a preset "
        f"(the presets are: {presets})",
    )


class Azure(_Constructor):
    protocol = "Azure"

    def build(self, row: ProviderSpec, args: Mapping[str, Any]) -> _Built:
        from llm_connector.providers.urls import azure_base_url_from_env

        url = azure_base_url_from_env(args["endpoint"], args["api_version"])
        return row, args["api_key"], url, {}

    if TYPE_CHECKING:

        @overload
        def __get__(
            self, obj: object, owner: type[_SyncS]
        ) -> shapes.Azure[_SyncS, httpx.Client]: ...
        @overload
        def __get__(
            self, obj: object, owner: type[_AsyncS]
        ) -> shapes.Azure[_AsyncS, httpx.AsyncClient]: ...
        def __get__(self, obj: object, owner: type[Any]) -> Any: ...


def _versioned(row: ProviderSpec, api_version: str | None) -> dict[str, Any]:
    """The client's codec when ``api_version=`` overrides the row's version."""
    return {} if api_version is None else {"_codec": row.codec(api_version=api_version)}


class Anthropic(_Constructor):
    protocol = "Anthropic"

    def build(self, row: ProviderSpec, args: Mapping[str, Any]) -> _Built:
        return row, args["api_key"], args["base_url"], _versioned(row, args["api_version"])

    if TYPE_CHECKING:

        @overload
        def __get__(
            self, obj: object, owner: type[_SyncS]
        ) -> shapes.Anthropic[_SyncS, httpx.Client]: ...
        @overload
        def __get__(
            self, obj: object, owner: type[_AsyncS]
        ) -> shapes.Anthropic[_AsyncS, httpx.AsyncClient]: ...
        def __get__(self, obj: object, owner: type[Any]) -> Any: ...


class Vertex(_Constructor):
    protocol = "Vertex"

    def build(self, row: ProviderSpec, args: Mapping[str, Any]) -> _Built:
        from llm_connector.providers.urls import vertex_base_url

        url = args["base_url"] or vertex_base_url(args["project"], args["region"])
        return row, args["access_token"], url, _versioned(row, args["api_version"])

    if TYPE_CHECKING:

        @overload
        def __get__(
            self, obj: object, owner: type[_SyncS]
        ) -> shapes.Vertex[_SyncS, httpx.Client]: ...
        @overload
        def __get__(
            self, obj: object, owner: type[_AsyncS]
        ) -> shapes.Vertex[_AsyncS, httpx.AsyncClient]: ...
        def __get__(self, obj: object, owner: type[Any]) -> Any: ...


class Tencent(_Constructor):
    protocol = "Tencent"

    def build(self, row: ProviderSpec, args: Mapping[str, Any]) -> _Built:
        from llm_connector.providers.environment import join_key_pair

        secret_id, secret_key = args["secret_id"], args["secret_key"]
        key = None
        if secret_id is not None or secret_key is not None:
            key = join_key_pair(secret_id, secret_key)
        extra: dict[str, Any] = {}
        if args["region"]:
            extra["headers"] = {"X-TC-Region": args["region"], **(args["headers"] or {})}
        return row, key, args["base_url"] or f"https://{args['host']}", extra

    if TYPE_CHECKING:

        @overload
        def __get__(
            self, obj: object, owner: type[_SyncS]
        ) -> shapes.Tencent[_SyncS, httpx.Client]: ...
        @overload
        def __get__(
            self, obj: object, owner: type[_AsyncS]
        ) -> shapes.Tencent[_AsyncS, httpx.AsyncClient]: ...
        def __get__(self, obj: object, owner: type[Any]) -> Any: ...


class Bedrock(_Constructor):
    protocol = "Bedrock"

    def build(self, row: ProviderSpec, args: Mapping[str, Any]) -> _Built:
        from llm_connector.providers.environment import aws_key, aws_region

        region = aws_region(args["region"])
        key = aws_key(
            args["api_key"], args["access_key_id"], args["secret_access_key"], args["session_token"]
        )
        url = args["base_url"]
        if not url:
            if region is None:
                raise RequestValidationError(
                    "region", "Bedrock needs a region: pass region= or set $AWS_REGION"
                )
            # China's regions are under amazonaws.com.cn.
            domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
            url = f"https://bedrock-runtime.{region}.{domain}"
        return row, key, url, {"_codec": row.codec(region=region)}

    if TYPE_CHECKING:

        @overload
        def __get__(
            self, obj: object, owner: type[_SyncS]
        ) -> shapes.Bedrock[_SyncS, httpx.Client]: ...
        @overload
        def __get__(
            self, obj: object, owner: type[_AsyncS]
        ) -> shapes.Bedrock[_AsyncS, httpx.AsyncClient]: ...
        def __get__(self, obj: object, owner: type[Any]) -> Any: ...


class Mock(_Constructor):
    protocol = "Mock"

    def build(self, row: ProviderSpec, args: Mapping[str, Any]) -> _Built:
        from llm_connector._mock import MockServer

        replies = args["replies"]
        server = (
            replies
            if isinstance(replies, MockServer)
            else MockServer(
                replies,
                model=args["model"],
                provider=args["provider"],
                responses_api=args["responses_api"],
            )
        )
        target, key, name = server.client_row()
        # The requests that name no model ask for the one the server plays.
        extra = {"name": name, "_transport": server.transport(), "model": server.model}
        return provider(target), key, server.base_url, extra

    if TYPE_CHECKING:

        def __get__(self, obj: object, owner: type[_S]) -> shapes.Mock[_S]: ...


class ProviderConstructors:
    """The constructors of both clients, one per provider row that has its own (the
    services reached through ``openai_compatible`` have none; see its ``name``)."""

    openai = Standard()
    openai_compatible = Compatible()
    azure_openai = Azure()
    deepseek = Standard()
    moonshot = Regional()
    zhipu = Standard()
    zhipu_openai_compatible = Regional()
    aliyun = Aliyun()
    aliyun_openai_compatible = Regional()
    volcengine = Standard()
    xiaomi = Standard()
    tencent = Tencent()
    tencent_openai_compatible = Standard()
    anthropic = Anthropic()
    longcat_anthropic = Anthropic()
    anthropic_vertex = Vertex()
    bedrock = Bedrock()
    google = Standard()
    ollama = Local()
    mock = Mock()
