"""The sync and async shells are mirror images: same public names, same parameter lists
(names, kinds, defaults, annotations), differing only by the documented mapping:

    close <-> aclose, __iter__ <-> __aiter__, __next__ <-> __anext__,
    __enter__/__exit__ <-> __aenter__/__aexit__,
    Client -> AsyncClient, ChatStream -> AsyncChatStreamContext (what chat_stream returns)
    or AsyncChatStream (what a stream's own context manager returns), ResponsesStream ->
    AsyncResponsesStreamContext (what invoke_responses_stream returns) or
    AsyncResponsesStream, Iterator -> AsyncIterator.

A method added to one side only fails ``test_same_public_names``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from typing import Any, Generic

import pytest

from llm_connector import (
    AsyncChatStream,
    AsyncChatStreamContext,
    AsyncClient,
    AsyncFallback,
    AsyncFallbackStream,
    AsyncResponsesStream,
    AsyncResponsesStreamContext,
    ChatStream,
    Client,
    Fallback,
    FallbackStream,
    ResponsesStream,
)
from llm_connector.shells.constructors import _Constructor

NAME_MAP = {
    "close": "aclose",
    "__iter__": "__aiter__",
    "__next__": "__anext__",
    "__enter__": "__aenter__",
    "__exit__": "__aexit__",
}
PROTOCOL_DUNDERS = frozenset(NAME_MAP) | frozenset(NAME_MAP.values()) | {"__await__"}

CLIENT_TYPES = {
    # The constructors' http_client is typed by the client it serves.
    "httpx.Client": "httpx.AsyncClient",
    "Client": "AsyncClient",
    "ChatStream": "AsyncChatStreamContext",
    "ResponsesStream": "AsyncResponsesStreamContext",
    "Fallback": "AsyncFallback",
}
FALLBACK_TYPES = {
    "Client": "AsyncClient",
    "Fallback": "AsyncFallback",
    "FallbackStream": "AsyncFallbackStreamContext",
}
FALLBACK_STREAM_TYPES = {"FallbackStream": "AsyncFallbackStream", "Iterator": "AsyncIterator"}
STREAM_TYPES = {
    "ChatStream": "AsyncChatStream",
    "ResponsesStream": "AsyncResponsesStream",
    "Iterator": "AsyncIterator",
}

PAIRS = [
    pytest.param(Client, AsyncClient, CLIENT_TYPES, id="Client-AsyncClient"),
    pytest.param(ChatStream, AsyncChatStream, STREAM_TYPES, id="ChatStream-AsyncChatStream"),
    pytest.param(
        ResponsesStream,
        AsyncResponsesStream,
        STREAM_TYPES,
        id="ResponsesStream-AsyncResponsesStream",
    ),
    pytest.param(Fallback, AsyncFallback, FALLBACK_TYPES, id="Fallback-AsyncFallback"),
    pytest.param(
        FallbackStream,
        AsyncFallbackStream,
        FALLBACK_STREAM_TYPES,
        id="FallbackStream-AsyncFallbackStream",
    ),
]
# Names the documentation promises on the async side (so the comparison is not vacuous).
DOCUMENTED = {
    AsyncClient: {
        "chat",
        "chat_stream",
        "models",
        "embed",
        "aclose",
        "openai",
        "mock",
        "invoke_responses",
        "invoke_responses_stream",
        "fallback",
        "from_model",
    },
    AsyncFallback: {
        "chat",
        "chat_stream",
        "invoke_responses",
        "invoke_responses_stream",
        "embed",
        "aclose",
        "__aenter__",
    },
    AsyncFallbackStream: {
        "final_response",
        "snapshot",
        "aclose",
        "__aiter__",
        "__anext__",
        "__aenter__",
        "stream",
    },
    AsyncChatStream: {"final_response", "aclose", "__aiter__", "__anext__", "__aenter__"},
    AsyncResponsesStream: {
        "final_response",
        "snapshot",
        "aclose",
        "__aiter__",
        "__anext__",
        "__aenter__",
    },
}

# What the async twin of a sync member is: an I/O method becomes a coroutine function; the
# exceptions are listed.
ASYNC_KIND_EXCEPTIONS = {
    (AsyncClient, "chat_stream"): "function",  # returns an awaitable context, sends on await
    (AsyncClient, "invoke_responses_stream"): "function",  # the same
    (AsyncChatStream, "__aiter__"): "asyncgen",
    (AsyncResponsesStream, "__aiter__"): "asyncgen",
    (AsyncResponsesStream, "snapshot"): "function",  # no I/O: what has arrived so far
    (AsyncChatStream, "partial_output"): "function",  # the same
    (AsyncChatStream, "partial_tool_arguments"): "function",
    (AsyncFallback, "chat_stream"): "function",  # as AsyncClient's
    (AsyncFallback, "invoke_responses_stream"): "function",
    (AsyncFallbackStream, "__aiter__"): "asyncgen",
    (AsyncFallbackStream, "snapshot"): "function",
    # Registering a hook does no I/O (the hooks are shared code: one definition for both).
    (AsyncClient, "on_request"): "function",
    (AsyncClient, "on_response"): "function",
    (AsyncClient, "on_retry"): "function",
}


def public_members(cls: type) -> dict[str, Any]:
    """Public names defined on ``cls`` or its bases (not ``object``), with their static
    values; protocol dunders count as public."""
    members: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if klass in (object, Generic):
            continue
        for name, value in vars(klass).items():
            if not name.startswith("_") or name in PROTOCOL_DUNDERS:
                members[name] = value
    return members


def kind(value: Any) -> str:
    if isinstance(value, property):
        return "property"
    if isinstance(value, classmethod):
        return "classmethod"
    if isinstance(value, staticmethod):
        return "staticmethod"
    if inspect.iscoroutinefunction(value):
        return "coroutine"
    if inspect.isasyncgenfunction(value):
        return "asyncgen"
    if inspect.isgeneratorfunction(value):
        return "generator"
    if inspect.isfunction(value):
        return "function"
    return "attribute"


def translate(annotation: Any, types: Mapping[str, str]) -> Any:
    """A sync annotation (a string, under ``from __future__ import annotations``) in the
    async side's words."""
    if not isinstance(annotation, str):
        return annotation
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, types)) + r")\b")
    return pattern.sub(lambda m: types[m.group(1)], annotation)


def signature_of(value: Any, owner: type | None = None) -> inspect.Signature:
    if isinstance(value, _Constructor):
        # A provider constructor, made for each client class from its provider row.
        assert owner is not None
        return inspect.signature(value.__get__(None, owner))
    if isinstance(value, property):
        assert value.fget is not None
        return inspect.signature(value.fget)
    if isinstance(value, (classmethod, staticmethod)):
        return inspect.signature(value.__func__)
    return inspect.signature(value)


def described(sig: inspect.Signature, types: Mapping[str, str] | None = None) -> list[Any]:
    """Parameters as (name, kind, default, annotation), and the return annotation last."""

    def tr(annotation: Any) -> Any:
        return translate(annotation, types) if types else annotation

    params = [(p.name, p.kind, p.default, tr(p.annotation)) for p in sig.parameters.values()]
    return [*params, ("return", tr(sig.return_annotation))]


@pytest.mark.parametrize(("sync_cls", "async_cls", "types"), PAIRS)
def test_same_public_names(sync_cls: type, async_cls: type, types: Mapping[str, str]) -> None:
    sync_names = {NAME_MAP.get(n, n) for n in public_members(sync_cls)}
    async_names = set(public_members(async_cls))
    assert sync_names == async_names
    assert async_names >= DOCUMENTED[async_cls]


@pytest.mark.parametrize(("sync_cls", "async_cls", "types"), PAIRS)
def test_same_signatures(sync_cls: type, async_cls: type, types: Mapping[str, str]) -> None:
    async_members = public_members(async_cls)
    for name, sync_value in public_members(sync_cls).items():
        async_value = async_members[NAME_MAP.get(name, name)]
        assert described(signature_of(async_value, async_cls)) == described(
            signature_of(sync_value, sync_cls), types
        ), name


@pytest.mark.parametrize(("sync_cls", "async_cls", "types"), PAIRS)
def test_async_twins_are_async(sync_cls: type, async_cls: type, types: Mapping[str, str]) -> None:
    async_members = public_members(async_cls)
    for name, sync_value in public_members(sync_cls).items():
        async_name = NAME_MAP.get(name, name)
        sync_kind = kind(sync_value)
        assert sync_kind not in ("coroutine", "asyncgen"), name
        expected = {"function": "coroutine", "generator": "asyncgen"}.get(sync_kind, sync_kind)
        expected = ASYNC_KIND_EXCEPTIONS.get((async_cls, async_name), expected)
        assert kind(async_members[async_name]) == expected, async_name


@pytest.mark.parametrize(
    ("context", "stream"),
    [
        (AsyncChatStreamContext, AsyncChatStream),
        (AsyncResponsesStreamContext, AsyncResponsesStream),
    ],
)
def test_async_stream_context_is_awaitable_and_an_async_context(
    context: type, stream: type
) -> None:
    members = public_members(context)
    assert set(members) == {"__await__", "__aenter__", "__aexit__"}
    assert kind(members["__aenter__"]) == "coroutine"
    assert kind(members["__aexit__"]) == "coroutine"
    # The contexts share one generic implementation; each names its stream class.
    assert signature_of(members["__aenter__"]).return_annotation == "_StreamT"
    assert [base.__args__ for base in getattr(context, "__orig_bases__", ())] == [(stream,)]
    assert described(signature_of(members["__aexit__"])) == described(
        signature_of(public_members(ChatStream)["__exit__"])
    )


def test_the_translation_is_not_vacuous() -> None:
    # The mapping turns the sync return types into the async ones the docs promise.
    sync_members = public_members(Client)
    assert translate(signature_of(sync_members["chat_stream"]).return_annotation, CLIENT_TYPES) == (
        "AsyncChatStreamContext"
    )
    assert translate(
        signature_of(sync_members["invoke_responses_stream"]).return_annotation, CLIENT_TYPES
    ) == ("AsyncResponsesStreamContext")
    # The stream classes share a generic implementation over what they yield.
    iter_return = signature_of(public_members(ChatStream)["__iter__"]).return_annotation
    assert translate(iter_return, STREAM_TYPES) == "AsyncIterator[ItemT]"
    enter_return = signature_of(public_members(ResponsesStream)["__enter__"]).return_annotation
    assert (
        enter_return
        == "_S"
        == signature_of(public_members(AsyncResponsesStream)["__aenter__"]).return_annotation
    )
