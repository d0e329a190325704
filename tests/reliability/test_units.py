"""The pure pieces of reliability, without a network: the ``Timeout`` value, the limits
of an attempt, the retry budget, the watch rules and the watchdogs, the stream core's
holding back of chunks before content, and the per-request fields."""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import llm_connector
from llm_connector import AsyncClient, Client, Timeout
from llm_connector.calls.limits import Attempts, RetryPolicy, phase_limits
from llm_connector.calls.steps import WHOLE_RESPONSE
from llm_connector.calls.stream_core import StreamCore, has_content
from llm_connector.codecs.contract import Endpoint, SSEFrame
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.errors import (
    APIConnectionError,
    APITimeoutError,
    IncompleteStreamError,
    InternalServerError,
    OverloadedError,
    RequestValidationError,
    StreamDecodeError,
)
from llm_connector.shells.deadlines import LoopWatchdog, ThreadWatchdog, Watch
from llm_connector.types import (
    ChatRequest,
    Delta,
    EmbedRequest,
    Message,
    StreamChoice,
    StreamingResponse,
    ToolCallDelta,
)
from llm_connector.types._timeout import DEFAULT_TIMEOUT

# -- Timeout ---------------------------------------------------------------------------------


def test_the_defaults_are_finite() -> None:
    assert Timeout() == Timeout(connect=10.0, first_event=600.0, idle=300.0, total=3600.0)
    assert llm_connector.Timeout is Timeout
    assert "Timeout" in llm_connector.__all__


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, Timeout()),
        (30, Timeout(30.0, 30.0, 30.0, 3600.0)),
        (7200.0, Timeout(7200.0, 7200.0, 7200.0, 7200.0)),
        (Timeout(idle=5.0), Timeout(idle=5.0)),
        (httpx.Timeout(5.0, connect=2.0), Timeout(2.0, 5.0, 5.0, 3600.0)),
        (httpx.Timeout(None), Timeout(None, None, None, 3600.0)),
    ],
    ids=["none", "seconds", "seconds-past-the-total", "timeout", "httpx", "httpx-none"],
)
def test_what_timeout_accepts(value: object, expected: Timeout) -> None:
    assert Timeout.of(value) == expected  # type: ignore[arg-type]
    assert Client.openai("sk-x", timeout=value)._driver.settings.timeout == expected  # type: ignore[arg-type]
    assert AsyncClient.openai("sk-x", timeout=value)._driver.settings.timeout == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -1.0, float("inf"), float("nan"), "5", True])
def test_a_limit_must_be_positive_seconds(bad: object) -> None:
    with pytest.raises(RequestValidationError) as caught:
        Timeout(idle=bad)  # type: ignore[arg-type]
    assert caught.value.field == "timeout.idle"


@pytest.mark.parametrize("bad", ["5", True, [1.0]])
def test_a_timeout_option_of_the_wrong_type(bad: object) -> None:
    with pytest.raises(RequestValidationError) as caught:
        Timeout.of(bad)  # type: ignore[arg-type]
    assert caught.value.field == "timeout"


def test_phase_limits_without_and_with_a_deadline() -> None:
    limits = phase_limits(DEFAULT_TIMEOUT, None)
    assert (limits.connect, limits.read, limits.write, limits.stream_read) == (
        10.0,
        600.0,
        300.0,
        600.0,
    )
    assert limits.kinds == {
        "connect": "connect",
        "read": "first_event",
        "write": "idle",
        "pool": "first_event",
    }
    near = phase_limits(Timeout(first_event=50.0, idle=80.0), 20.0)
    assert (near.connect, near.read, near.write, near.stream_read) == (10.0, 20.0, 20.0, 20.0)
    assert near.kinds == {"connect": "connect", "read": "total", "write": "total", "pool": "total"}
    unlimited = phase_limits(Timeout(None, None, None, None), None)
    assert (unlimited.connect, unlimited.read, unlimited.stream_read) == (None, None, None)


# -- the retry budget ---------------------------------------------------------------------------


def attempts(retries: int = 2, total: float | None = None) -> Attempts:
    return Attempts(RetryPolicy(max_retries=retries), total, started=100.0)


def test_the_budget_counts_down() -> None:
    budget = attempts(retries=2)
    error = APIConnectionError("refused")
    assert budget.can_retry()
    assert budget.next_delay(error, 0.0, 100.0) == 0.5
    assert budget.next_delay(error, 0.0, 100.0) == 1.0
    assert not budget.can_retry()
    assert budget.next_delay(error, 0.0, 100.0) is None
    assert budget.retries == 2


def test_no_wait_runs_past_the_deadline() -> None:
    budget = attempts(total=10.0)
    error = APIConnectionError("refused")
    # 0.5 s from 109.6 ends past the deadline (110): raise now rather than wait.
    assert budget.remaining(109.6) == pytest.approx(0.4)
    assert budget.next_delay(error, 0.0, 109.6) is None
    assert budget.retries == 0
    assert budget.next_delay(error, 0.0, 109.4) == 0.5


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (APIConnectionError("reset"), True),
        (APITimeoutError("x", timeout_kind="first_event"), True),
        (APITimeoutError("x", timeout_kind="connect"), True),
        (APITimeoutError("x", timeout_kind="total"), False),
        (IncompleteStreamError("broke", connection_lost=True), True),
        (IncompleteStreamError("ended early"), False),
        (StreamDecodeError("garbage", frame="{"), False),
        (OverloadedError("busy", status_code=529, in_stream=True), True),
        (InternalServerError("oops", status_code=500, in_stream=True), True),
        (InternalServerError("nope", status_code=501), False),
    ],
    ids=repr,
)
def test_what_is_retried(error: Exception, retried: bool) -> None:
    assert (attempts().next_delay(error, 0.0, 100.0) is not None) is retried  # type: ignore[arg-type]


# -- the watch rules ----------------------------------------------------------------------------


class Progress:
    def __init__(self, delivered: bool = False) -> None:
        self.delivered = delivered


class Recorder:
    """A socket that remembers being shut down, and a watchdog that does nothing."""

    def __init__(self) -> None:
        self.shut = threading.Event()

    def shutdown(self, how: int, /) -> None:
        self.shut.set()

    def cancel(self, watch: Watch) -> None:
        watch._release()

    def abort(self, watch: Watch) -> None:
        pass


def make_watch(
    delivered: bool, first: float | None, idle: float | None, total: float | None
) -> Watch:
    dog = Recorder()
    return Watch(dog, Progress(delivered), None, now=0.0, first=first, idle=idle, total=total)


def test_which_limit_applies_when() -> None:
    watch = make_watch(False, first=10.0, idle=3.0, total=100.0)
    assert watch.expired(9.0) is None
    assert watch.expired(10.0) == "first_event"
    watch._progress = Progress(True)
    watch.since = 8.0
    assert watch.expired(10.0) is None  # content came: first_event is over
    assert watch.expired(11.0) == "idle"
    watch.since = None  # the caller holds a chunk: not idle time
    assert watch.expired(50.0) is None
    assert watch.expired(100.0) == "total"


limit = st.none() | st.floats(0.01, 100.0)


@given(
    delivered=st.booleans(),
    since=st.none() | st.floats(0.0, 50.0),
    first=limit,
    idle=limit,
    total=limit,
    now=st.floats(0.0, 50.0),
    content_at=st.none() | st.floats(0.0, 100.0),
    stamps=st.lists(st.floats(0.0, 100.0), max_size=4),
)
def test_a_watch_is_never_due_after_a_limit_runs_out(
    delivered: bool,
    since: float | None,
    first: float | None,
    idle: float | None,
    total: float | None,
    now: float,
    content_at: float | None,
    stamps: list[float],
) -> None:
    # Whatever happens after `now` (content begins at `content_at`, while the shell decodes
    # a frame with `since` cleared; the shell stamps `since` at later moments), no limit
    # runs out before the watchdog's next look.
    watch = make_watch(delivered, first, idle, total)
    watch.since = since if since is None else min(since, now)
    due = watch.due(now)
    later = sorted(t for t in [*stamps, 100.0] if t >= now)
    for t in later:
        if content_at is not None and content_at >= now and t >= content_at:
            if not watch._progress.delivered:
                # Content begins inside the shell's feed(), while `since` is cleared.
                watch.since = None
            watch._progress = Progress(True)
        if watch.expired(t) is not None:
            assert due is not None
            assert due <= t
            return
        if t in stamps:
            watch.since = t


@pytest.fixture
def dog() -> Iterator[ThreadWatchdog]:
    """A watchdog of the test's own, its thread stopped after the test."""
    watchdog = ThreadWatchdog(name="test-watchdog")
    yield watchdog
    watchdog.close()
    assert not [t for t in threading.enumerate() if t.name == "test-watchdog"]


def test_the_thread_watchdog_fires_and_cuts_the_socket(dog: ThreadWatchdog) -> None:
    sock = Recorder()
    watch = dog.watch(WHOLE_RESPONSE, sock, first=None, idle=None, total=time.monotonic() + 0.05)
    assert sock.shut.wait(5.0)
    assert watch.fired == "total"


def test_a_cancelled_watch_never_fires_and_leaves_nothing(dog: ThreadWatchdog) -> None:
    sock = Recorder()
    watches = [
        dog.watch(WHOLE_RESPONSE, sock, first=None, idle=None, total=time.monotonic() + 3600)
        for _ in range(600)
    ]
    soon = dog.watch(WHOLE_RESPONSE, sock, first=None, idle=None, total=time.monotonic() + 0.05)
    assert dog.watching == 601
    for watch in [*watches, soon]:
        watch.cancel()
    soon.abort()  # after cancel(): the connection may be back in the pool
    time.sleep(0.1)
    assert not sock.shut.is_set()
    assert soon.fired is None
    assert dog.watching == 0
    assert len(dog._heap) < 300  # compacted: long-lived entries do not pile up


def test_the_thread_watchdog_is_woken_only_for_an_earlier_deadline(
    dog: ThreadWatchdog, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Waking the thread costs a thread switch: one stream after another (each due later
    # than the thread's next look) must not wake it, a deadline before that look must.
    wakes: list[int] = []
    notify = dog._cond.notify

    def counted(n: int = 1) -> None:
        wakes.append(n)
        notify(n)

    monkeypatch.setattr(dog._cond, "notify", counted)
    sock = Recorder()
    first = dog.watch(WHOLE_RESPONSE, sock, first=None, idle=None, total=time.monotonic() + 60)
    deadline = time.monotonic() + 5
    while dog._wakes_at == math.inf and time.monotonic() < deadline:  # the thread waits
        time.sleep(0.001)
    assert dog._wakes_at == first._total
    first.cancel()  # the stream ends: the heap is empty, the thread still waits
    for _ in range(50):  # the next streams, each on top of the heap in its turn
        later = dog.watch(WHOLE_RESPONSE, sock, first=None, idle=None, total=time.monotonic() + 120)
        later.cancel()
    assert wakes == []
    soon = dog.watch(WHOLE_RESPONSE, sock, first=None, idle=None, total=time.monotonic() + 0.05)
    assert wakes == [1]
    assert sock.shut.wait(5.0)
    assert soon.fired == "total"


async def test_the_loop_watchdog_fires_and_cancels() -> None:
    dog = LoopWatchdog(asyncio.get_running_loop())
    sock = Recorder()
    progress = Progress()
    watch = dog.watch(progress, sock, first=time.monotonic() + 0.05, idle=None, total=None)
    kept = dog.watch(progress, Recorder(), first=time.monotonic() + 0.05, idle=None, total=None)
    kept.cancel()
    await asyncio.sleep(0.2)
    assert watch.fired == "first_event"
    assert sock.shut.is_set()
    assert kept.fired is None
    assert kept.timer is None


# -- holding back the chunks before content -----------------------------------------------------


def frame(delta: dict[str, object], finish: str | None = None) -> SSEFrame:
    body = {
        "id": "c",
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return SSEFrame(json.dumps(body))


ROLE = frame({"role": "assistant", "content": ""})


def test_chunks_before_content_are_held_and_released_in_order() -> None:
    core = StreamCore(OpenAIChatCodec(), hold=True)
    assert core.feed(ROLE) == []
    assert core.feed(frame({})) == []
    out = core.feed(frame({"content": "Hi"}))
    assert [c.content for c in out] == ["", "", "Hi"]
    assert core.delivered
    assert [c.content for c in core.feed(frame({"content": "!"}))] == ["!"]


def test_without_hold_nothing_waits_but_content_is_noticed() -> None:
    core = StreamCore(OpenAIChatCodec())
    assert [c.content for c in core.feed(ROLE)] == [""]
    assert not core.delivered
    core.feed(frame({}, finish="stop"))
    assert core.delivered


def test_held_chunks_are_given_out_once() -> None:
    core = StreamCore(OpenAIChatCodec(), hold=True)
    core.feed(ROLE)
    assert [c.content for c in core.take_held()] == [""]
    assert core.take_held() == []


def test_an_answer_without_content_is_released_at_its_end() -> None:
    core = StreamCore(OpenAIChatCodec(), hold=True)
    core.feed(ROLE)
    core.feed(SSEFrame("[DONE]"))
    assert [c.content for c in core.finish()] == [""]
    assert core.final_response().content == ""


def test_a_restart_forgets_the_failed_attempt() -> None:
    core = StreamCore(OpenAIChatCodec(), hold=True)
    core.feed(ROLE)
    core.restart()
    assert core.take_held() == []
    assert core.partial().choices == ()
    core.feed(frame({"content": "new"}))
    with pytest.raises(AssertionError):
        core.restart()


@pytest.mark.parametrize(
    ("choice", "content"),
    [
        (StreamChoice(0, Delta(role="assistant", content="")), False),
        (StreamChoice(0, Delta()), False),
        (StreamChoice(0, Delta(content="x")), True),
        (StreamChoice(0, Delta(reasoning_content="hmm")), True),
        (StreamChoice(0, Delta(tool_calls=(ToolCallDelta(0),))), True),
        (StreamChoice(0, Delta(reasoning_signature="sig")), True),
        (StreamChoice(0, Delta(redacted_reasoning="opaque")), True),
        (StreamChoice(0, Delta(), "stop"), True),
    ],
    ids=repr,
)
def test_what_counts_as_content(choice: StreamChoice, content: bool) -> None:
    assert has_content(StreamingResponse(choices=(choice,))) is content
    assert has_content(StreamingResponse()) is False


# -- per-request limits ----------------------------------------------------------------------------


def test_a_request_carries_its_own_limits_but_never_sends_them() -> None:
    request = ChatRequest("m").add_message(Message.user("hi")).with_timeout(30).with_max_retries(5)
    assert request.timeout == Timeout(30.0, 30.0, 30.0, 3600.0)
    assert request.max_retries == 5
    assert ChatRequest(model="m", timeout=Timeout(idle=1.0)).timeout == Timeout(idle=1.0)
    spec = OpenAIChatCodec().build_chat(request, Endpoint("http://x"), stream=True)
    assert spec.body is not None
    body = json.loads(spec.body)
    assert "timeout" not in body and "max_retries" not in body
    embed = EmbedRequest("e", "text").with_timeout(Timeout(total=9.0)).with_max_retries(0)
    assert (embed.timeout, embed.max_retries) == (Timeout(total=9.0), 0)


@pytest.mark.parametrize("bad", [-1, True, 1.5])
def test_max_retries_of_a_request_is_checked(bad: object) -> None:
    with pytest.raises(RequestValidationError) as caught:
        ChatRequest("m").with_max_retries(bad)  # type: ignore[arg-type]
    assert caught.value.field == "max_retries"


def test_the_request_limits_win_over_the_client() -> None:
    client = Client.openai("sk-x", timeout=Timeout(idle=7.0), max_retries=4)
    request = ChatRequest("m").add_message(Message.user("hi"))
    plain = client._driver.settings.prepare_chat(request, stream=True)
    assert (plain.timeout, plain.retry.max_retries) == (Timeout(idle=7.0), 4)
    own = client._driver.settings.prepare_chat(
        request.with_timeout(2.0).with_max_retries(0), stream=True
    )
    assert (own.timeout, own.retry.max_retries) == (Timeout(2.0, 2.0, 2.0, 3600.0), 0)
    client.close()
