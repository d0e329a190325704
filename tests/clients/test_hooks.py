"""Event hooks (``on_request``, ``on_response``, ``on_retry``) on both clients, over the
loopback server and ``httpx.MockTransport``: the events of every HTTP attempt in order,
with exact values, through retries (of calls, and of streams before their first content),
errors and the Responses API fallback; how hooks are registered; what happens when a hook
fails."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import attrs
import pytest

from llm_connector import (
    APIConnectionError,
    AsyncClient,
    BadRequestError,
    Client,
    Hooks,
    InternalServerError,
    OverloadedError,
    RequestInfo,
    RequestValidationError,
    ResponseInfo,
    RetryInfo,
)
from llm_connector.responses import ResponsesRequest
from llm_connector.shells.constructors import ProviderConstructors
from llm_connector.types import ChatRequest, Message
from tests.support.backends import API_KEY, Backend, MakeApi, SleepLog
from tests.support.facade import Mode, wrap
from tests.support.hooks import Recorder
from tests.support.loopback import LoopbackServer
from tests.support.mock_backend import MockBackend
from tests.support.responses_clients import responses_client
from tests.support.script import (
    CHAT,
    Reply,
    completion,
    error_body,
    error_reply,
    json_reply,
    sse,
    text_stream,
)

REQUEST = ChatRequest("gpt-test").add_message(Message.user("Hi"))


def first_attempt(
    backend: Backend, *, stream: bool, path: str = "/chat/completions"
) -> RequestInfo:
    return RequestInfo("openai", "POST", backend.base_url + path, 1, stream, "gpt-test")


def answered(info: ResponseInfo, request: RequestInfo, status: int) -> None:
    """``info`` answers ``request`` with ``status`` (its timing is only known to be sane)."""
    assert (info.request, info.status_code, info.attempt) == (request, status, request.attempt)
    assert info.elapsed >= 0.0


# -- the events of a call -------------------------------------------------------------------


async def test_a_call_tells_its_request_then_its_response(
    make_api: MakeApi, backend: Backend
) -> None:
    recorder = Recorder()
    headers = [
        ("x-request-id", "req-1"),
        ("x-ratelimit-remaining-tokens", "99"),
        ("set-cookie", "session=s3cr3t-cookie"),
    ]
    backend.script.on(CHAT, json_reply(completion("Hi!"), headers=headers))
    api = make_api(hooks=recorder.hooks(), max_retries=0)

    answer = await api.chat(REQUEST)

    assert answer.content == "Hi!"
    request = first_attempt(backend, stream=False)
    assert recorder.events[0] == ("request", request)
    assert recorder.kinds() == ["request", "response"]
    response = recorder.infos("response")[0]
    answered(response, request, 200)
    assert response.request_id == "req-1"
    assert response.headers["x-ratelimit-remaining-tokens"] == "99"
    assert response.headers["content-type"] == "application/json"
    assert "set-cookie" not in response.headers
    with pytest.raises(TypeError):
        response.headers["x"] = "y"


async def test_a_stream_tells_its_response_before_its_body(
    make_api: MakeApi, backend: Backend
) -> None:
    recorder = Recorder()
    seen_before_content: list[int] = []
    chunks: list[Any] = []
    backend.script.on(CHAT, text_stream("Hel", "lo"))
    api = make_api(hooks=recorder.hooks(), max_retries=0)
    api.client.on_response(lambda info: seen_before_content.append(len(chunks)))

    stream = await api.stream(REQUEST)
    chunks.extend(await stream.collect())

    assert seen_before_content == [0]
    request = first_attempt(backend, stream=True)
    assert recorder.kinds() == ["request", "response"]
    assert recorder.infos("request") == [request]
    answered(recorder.infos("response")[0], request, 200)


async def test_a_retried_status_tells_every_attempt(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    recorder = Recorder()
    backend.script.on(
        CHAT,
        error_reply(500, "boom", error_type="server_error", headers=[("retry-after", "0")]),
        json_reply(completion("ok"), headers=[("x-request-id", "req-2")]),
    )
    api = make_api(hooks=recorder.hooks(), max_retries=2)

    assert (await api.chat(REQUEST)).content == "ok"

    first = first_attempt(backend, stream=False)
    second = attrs.evolve(first, attempt=2)
    assert recorder.kinds() == ["request", "response", "retry", "request", "response"]
    assert recorder.infos("request") == [first, second]
    failed, succeeded = recorder.infos("response")
    answered(failed, first, 500)
    answered(succeeded, second, 200)
    assert (failed.request_id, succeeded.request_id) == (None, "req-2")
    assert recorder.infos("retry") == [
        RetryInfo(
            first,
            InternalServerError,
            "Error code: 500, type: server_error - boom"
            f" (POST {backend.base_url}/chat/completions)",
            sleeps[0],
            status_code=500,
        )
    ]
    assert recorder.infos("retry")[0].attempt == 1


async def test_a_stream_retried_before_its_first_content_tells_both_attempts(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    recorder = Recorder()
    overloaded = error_body("Overloaded", error_type="overloaded_error")
    backend.script.on(CHAT, sse(overloaded, done=False), text_stream("fine"))
    api = make_api(hooks=recorder.hooks(), max_retries=1)

    stream = await api.stream(REQUEST)
    texts = [chunk.get_content() for chunk in await stream.collect()]

    assert "".join(t or "" for t in texts) == "fine"
    first = first_attempt(backend, stream=True)
    second = attrs.evolve(first, attempt=2)
    assert recorder.kinds() == ["request", "response", "retry", "request", "response"]
    assert recorder.infos("request") == [first, second]
    # The error came inside an HTTP 200 stream: the response said 200, the retry 529.
    assert [r.status_code for r in recorder.infos("response")] == [200, 200]
    assert recorder.infos("retry") == [
        RetryInfo(
            first,
            OverloadedError,
            "Error code: 529, type: overloaded_error - Overloaded"
            f" (POST {backend.base_url}/chat/completions)",
            sleeps[0],
            status_code=529,
        )
    ]


async def test_a_connection_failure_is_a_retry_without_a_response(
    make_api: MakeApi, backend: Backend, sleeps: SleepLog
) -> None:
    recorder = Recorder()
    backend.script.on(CHAT, Reply(hang_up=True), json_reply(completion("ok")))
    api = make_api(hooks=recorder.hooks(), max_retries=1)

    assert (await api.chat(REQUEST)).content == "ok"

    assert recorder.kinds() == ["request", "retry", "request", "response"]
    (retry,) = recorder.infos("retry")
    assert retry.request == first_attempt(backend, stream=False)
    assert retry.error_class is APIConnectionError
    assert retry.status_code is None
    assert retry.wait == sleeps[0]
    assert "disconnected" in retry.message.lower()


async def test_a_final_error_is_told_and_then_raised(make_api: MakeApi, backend: Backend) -> None:
    recorder = Recorder()
    backend.script.on(CHAT, error_reply(400, "bad"))
    api = make_api(hooks=recorder.hooks(), max_retries=3)

    with pytest.raises(BadRequestError):
        await api.chat(REQUEST)

    assert recorder.kinds() == ["request", "response"]
    answered(recorder.infos("response")[0], first_attempt(backend, stream=False), 400)


async def test_no_answer_at_all_is_only_a_request(make_api: MakeApi, backend: Backend) -> None:
    recorder = Recorder()
    backend.script.on(CHAT, Reply(hang_up=True))
    api = make_api(hooks=recorder.hooks(), max_retries=0)

    with pytest.raises(APIConnectionError):
        await api.chat(REQUEST)

    assert recorder.events == [("request", first_attempt(backend, stream=False))]


async def test_the_responses_fallback_tells_both_urls(mode: Mode, server: LoopbackServer) -> None:
    recorder = Recorder()
    server.script.on("/v1/responses", error_reply(404, "Invalid URL (POST /v1/responses)"))
    server.script.on(CHAT, text_stream("Hi"))
    request = ResponsesRequest(model="gpt-test", input="Hi", stream=True)
    async with responses_client(mode, "openai", server.base_url, hooks=recorder.hooks()) as api:
        _, final = await api.stream(request)

    assert final.output_text == "Hi"
    native = first_attempt(server, stream=True, path="/responses")
    chat = first_attempt(server, stream=True)
    assert recorder.kinds() == ["request", "response", "request", "response"]
    assert recorder.infos("request") == [native, chat]
    assert [r.status_code for r in recorder.infos("response")] == [404, 200]


# -- registering hooks ----------------------------------------------------------------------


async def test_registered_hooks_run_after_the_constructors_in_order(
    make_api: MakeApi, backend: Backend
) -> None:
    order: list[str] = []
    backend.script.on(CHAT, json_reply(completion()))
    api = make_api(hooks=Hooks(on_request=[lambda i: order.append("first")]), max_retries=0)

    @api.client.on_request
    def second(info: RequestInfo) -> None:
        order.append("second")

    third = api.client.on_request(lambda info: order.append("third"))
    await api.chat(REQUEST)

    assert order == ["first", "second", "third"]
    assert callable(second) and callable(third)  # the decorator hands the function back
    assert api.client.hooks.on_request[1:] == (second, third)
    assert api.client.hooks.on_response == ()
    assert api.client.hooks.on_retry == ()


def test_hooks_must_be_callables_in_a_hooks_value() -> None:
    with pytest.raises(RequestValidationError) as caught:
        Hooks(on_request=[print, "not a function"])  # type: ignore[list-item]
    assert caught.value.field == "hooks"
    with pytest.raises(RequestValidationError) as wrong:
        Client.mock(hooks={"on_request": print})  # type: ignore[arg-type]
    assert wrong.value.field == "hooks"
    assert Hooks(on_retry=print).on_retry == (print,)
    assert not Hooks() and Hooks(on_retry=print)


async def _async_hook(info: RequestInfo) -> None:
    """An ``async def`` hook."""


class _AsyncCallable:
    async def __call__(self, info: RequestInfo) -> None:
        """An object whose call is a coroutine."""


@pytest.mark.parametrize("hook", [_async_hook, _AsyncCallable()], ids=["function", "object"])
async def test_the_blocking_client_refuses_async_hooks(hook: Callable[[RequestInfo], Any]) -> None:
    with pytest.raises(RequestValidationError) as caught:
        Client.mock(hooks=Hooks(on_request=hook))
    assert caught.value.field == "on_request"
    assert "use AsyncClient" in str(caught.value)
    client = Client.mock()
    with pytest.raises(RequestValidationError):
        client.on_request(hook)
    assert client.hooks == Hooks()
    client.close()
    # The asyncio client takes them.
    async with AsyncClient.mock(hooks=Hooks(on_request=hook)) as async_client:
        assert async_client.hooks.on_request == (hook,)


async def test_the_async_client_awaits_its_hooks_in_order(backend: Backend) -> None:
    order: list[str] = []

    async def slow(info: RequestInfo) -> None:
        order.append("slow started")
        await asyncio.sleep(0)
        order.append("slow done")

    backend.script.on(CHAT, json_reply(completion()))
    client = AsyncClient("openai", API_KEY, backend.base_url, max_retries=0, **transport(backend))
    client.on_request(slow)
    client.on_request(lambda info: order.append("plain"))
    async with client:
        await client.chat(REQUEST)

    assert order == ["slow started", "slow done", "plain"]


def transport(backend: Backend) -> dict[str, Any]:
    return {"_transport": backend.transport} if isinstance(backend, MockBackend) else {}


# -- hooks that fail ------------------------------------------------------------------------


async def test_a_failing_hook_is_logged_and_the_call_goes_on(
    make_api: MakeApi, backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="llm_connector")
    recorder = Recorder()

    def broken(info: ResponseInfo) -> None:
        raise ValueError("metrics backend down")

    backend.script.on(CHAT, json_reply(completion("ok")))
    api = make_api(max_retries=0)
    api.client.on_response(broken)
    api.client.on_response(recorder.response)

    assert (await api.chat(REQUEST)).content == "ok"

    assert recorder.kinds() == ["response"]  # the next hook ran
    (record,) = caplog.records
    assert record.levelno == logging.ERROR
    assert record.getMessage().startswith(
        "hook test_a_failing_hook_is_logged_and_the_call_goes_on.<locals>.broken failed on "
        "ResponseInfo(request=RequestInfo(provider='openai'"
    )
    assert record.exc_info is not None and record.exc_info[0] is ValueError


async def test_a_failing_async_hook_is_logged_and_the_call_goes_on(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="llm_connector")

    async def broken(info: RequestInfo) -> None:
        await asyncio.sleep(0)
        raise ValueError("tracing backend down")

    backend.script.on(CHAT, json_reply(completion("ok")))
    hooks = Hooks(on_request=broken)
    async with AsyncClient(
        "openai", API_KEY, backend.base_url, hooks=hooks, **transport(backend)
    ) as client:
        assert (await client.chat(REQUEST)).content == "ok"

    (record,) = caplog.records
    assert "broken failed on RequestInfo(" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is ValueError


async def test_a_sync_hook_returning_a_coroutine_is_closed_and_logged(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="llm_connector")

    def sneaky(info: RequestInfo) -> Coroutine[Any, Any, None]:
        return _async_hook(info)  # not a coroutine function, but returns a coroutine

    backend.script.on(CHAT, json_reply(completion("ok")))
    with Client(
        "openai", API_KEY, backend.base_url, hooks=Hooks(on_request=sneaky), **transport(backend)
    ) as client:
        assert client.chat(REQUEST).content == "ok"

    (record,) = caplog.records
    assert "returned an awaitable, which Client cannot await" in record.getMessage()
    # (Unclosed, the coroutine would warn "never awaited": an error under this test run.)


class Stop(BaseException):
    """Not an Exception: what a hook raises for it goes through (as KeyboardInterrupt)."""


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
async def test_a_hook_raising_a_base_exception_stops_the_call_and_closes_the_response(
    mode: Mode, stream: bool
) -> None:
    backend = MockBackend()
    backend.script.on(CHAT, text_stream("x") if stream else json_reply(completion()))

    def stop(info: ResponseInfo) -> None:
        raise Stop

    cls = Client if mode == "sync" else AsyncClient
    client = cls("openai", API_KEY, backend.base_url, _transport=backend.transport)
    client.on_response(stop)
    with pytest.raises(Stop):
        await wrap(client).stream(REQUEST) if stream else await wrap(client).chat(REQUEST)

    assert backend.count("client_left") == 1  # the body was never read, and was closed
    if isinstance(client, AsyncClient):
        await client.aclose()
    else:
        client.close()


def test_every_constructor_takes_hooks() -> None:
    constructors = {
        name: inspect.signature(getattr(Client, name))
        for name in vars(ProviderConstructors)
        if not name.startswith("_")
    }
    assert {"openai", "tencent", "mock", "azure_openai"} <= set(constructors)
    lacking = [name for name, sig in constructors.items() if "hooks" not in sig.parameters]
    assert lacking == []
    hooks = Hooks(on_request=print)
    with Client.openai("sk-x", hooks=hooks) as client:
        assert client.hooks is hooks
