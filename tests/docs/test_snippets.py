"""Every ```python snippet of README.md and docs/*.md runs, against the mock, as a reader
reading the page top to bottom would run it (tests/support/snippets.py says how), so that
none can rot. A snippet fails its case if it raises, if it leaves a scripted reply unused,
or if one of its requests goes to a host the mock does not serve."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from llm_connector import AsyncClient, Client, MockServer
from tests.support.snippets import (
    NO_REQUEST,
    PREAMBLES,
    ROOT,
    MockNetwork,
    Snippet,
    all_snippets,
    counted,
    pages,
    sessions,
)

SNIPPETS = all_snippets()
EARLIER = {snippet.id: earlier for snippet, earlier in sessions(SNIPPETS)}
# The pages held 25 snippets when this test was written: fewer means the extraction broke.
AT_LEAST = 25
TEST_KEYS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY")


class SnippetSetupError(Exception):
    """An earlier snippet of the page, which the snippet under test runs after, failed."""


@pytest.fixture
def network(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[MockNetwork]:
    """Offline: every client's requests go to the mock network, in a scratch directory
    (recordings land there), with test keys and no base URL from the environment."""
    network = MockNetwork()
    monkeypatch.chdir(tmp_path)
    for name in TEST_KEYS:
        monkeypatch.setenv(name, f"test-{name.lower()}")
    for name in [n for n in os.environ if n.endswith("_BASE_URL")]:
        monkeypatch.delenv(name)

    def sync_http(self: Client, proxy: Any, transport: Any) -> httpx.Client:
        # Client.mock passes its server's transport: that stays in the process already.
        return httpx.Client(transport=transport or network.transport())

    def async_http(self: AsyncClient, proxy: Any, transport: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=transport or network.transport())

    monkeypatch.setattr(Client, "_new_http_client", sync_http)
    monkeypatch.setattr(AsyncClient, "_new_http_client", async_http)
    # What llm_connector.testing's recording clients wrap, instead of the network.
    monkeypatch.setattr(httpx, "HTTPTransport", lambda *args, **kwargs: network.transport())
    monkeypatch.setattr(httpx, "AsyncHTTPTransport", lambda *args, **kwargs: network.transport())
    monkeypatch.setattr(MockServer, "handle", counted(network))
    with kept_logging():
        yield network


@pytest.fixture
def namespace(snippet: Snippet, network: MockNetwork) -> dict[str, Any]:
    """The page's session before ``snippet``: its preamble, then its earlier snippets."""
    names: dict[str, Any] = {"__name__": "__main__"}
    if snippet.page in PREAMBLES:
        exec(compile(PREAMBLES[snippet.page], f"<preamble of {snippet.page}>", "exec"), names)
    for earlier in EARLIER[snippet.id]:
        try:
            network.run(earlier, names)
        except Exception as exc:
            raise SnippetSetupError(
                f"{earlier.id}, which {snippet.id} runs after, failed: {exc!r}"
            ) from exc
    return names


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[s.id for s in SNIPPETS])
def test_snippet_runs_against_the_mock(
    snippet: Snippet, namespace: dict[str, Any], network: MockNetwork
) -> None:
    network.run(snippet, namespace)


ASK = """
from llm_connector import Client
from llm_connector.types import ChatRequest, Message

client = Client.openai(max_retries=0{base_url})
try:
    client.chat(ChatRequest("gpt-4o").add_message(Message.user("Hi")))
except Exception:
    pass  # what the harness sees must not depend on the snippet's own error handling
"""


@pytest.mark.parametrize(
    ("code", "script", "failure"),
    [
        pytest.param(
            ASK.format(base_url=', base_url="https://example.com/v1"'),
            None,
            r"sent requests to hosts with no mock: \['POST https://example.com/v1/chat",
            id="sends to an unknown host",
        ),
        pytest.param(
            ASK.format(base_url=""),
            "[MockReply.text('one'), MockReply.text('two')]",
            "the mock of api.openai.com served 1 of the 2 scripted replies",
            id="leaves a scripted reply unused",
        ),
        pytest.param(
            "from llm_connector import Client\nclient = Client.openai()\nclient.name\n",
            None,
            "uses a client but sent no request",
            id="uses a client and sends nothing",
        ),
    ],
)
def test_a_snippet_fails_when_it(
    network: MockNetwork, code: str, script: str | None, failure: str
) -> None:
    with pytest.raises(AssertionError, match=failure):
        network.run(Snippet("docs/example.md", 1, code, script), {})


def test_the_snippets_are_found() -> None:
    assert len(SNIPPETS) >= AT_LEAST, [s.id for s in SNIPPETS]
    assert {s.page for s in SNIPPETS} >= {"README.md", "docs/streaming.md", "docs/tools.md"}


def test_every_snippet_mock_comment_belongs_to_a_snippet() -> None:
    # A comment not right before a fence would be silently ignored, its snippet unscripted.
    for path in pages():
        page = path.relative_to(ROOT).as_posix()
        comments = path.read_text(encoding="utf-8").count("snippet-mock:")
        scripted = [s for s in SNIPPETS if s.path == path and s.script is not None]
        assert comments == len(scripted), f"{page}: {comments} comments, {len(scripted)} scripted"
        for snippet in scripted:
            assert snippet.replies(), snippet.id


def test_every_preamble_and_exception_names_a_snippet() -> None:
    # Keyed by page and a line of code, so a stale one (the page renamed, the line gone)
    # must fail rather than quietly excuse nothing.
    assert set(PREAMBLES) <= {s.page for s in SNIPPETS}
    for (page, line), why in NO_REQUEST.items():
        matching = [s.id for s in SNIPPETS if s.page == page and line in s.code]
        assert len(matching) == 1, (page, line, why, matching)


class kept_logging:
    """Restores the logging setup a snippet changes (``logging.basicConfig``, a logger's
    level): the other tests in this process must not log at DEBUG to a stale stream."""

    def __enter__(self) -> None:
        root = logging.getLogger()
        self._handlers = list(root.handlers)
        self._levels = {
            name: logger.level
            for name, logger in [("", root), *logging.Logger.manager.loggerDict.items()]
            if isinstance(logger, logging.Logger)
        }

    def __exit__(self, *exc: object) -> None:
        root = logging.getLogger()
        for handler in list(root.handlers):
            # What basicConfig adds; pytest's own capture handlers are subclasses.
            if type(handler) is logging.StreamHandler and handler not in self._handlers:
                root.removeHandler(handler)
        for name, logger in [("", root), *logging.Logger.manager.loggerDict.items()]:
            if isinstance(logger, logging.Logger):
                logger.setLevel(self._levels.get(name, logging.NOTSET))
