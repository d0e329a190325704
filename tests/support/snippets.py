"""The Python snippets of README.md and docs/*.md, run as a reader runs them, against the mock.

A page is read top to bottom, so its snippets form one session, like a doctest: a snippet
runs after the page's earlier snippets, in their namespace. Two things stand in for what a
reader has and the page does not show:

- ``PREAMBLES``: per page, the names its snippets assume (a ``client`` and a ``request``
  the reader already has, "your code"), run before its first snippet.
- ``MockNetwork``: every request a client sends goes to the mock of its host
  (``api.openai.com`` to an OpenAI-wire mock that also serves ``/responses``,
  ``api.anthropic.com`` to Anthropic's); a request to any other host fails the snippet.

A snippet that needs a particular answer says so in an HTML comment right before its fence,
invisible in the rendered page: ``<!-- snippet-mock: [MockReply.tool_call(...), ...] -->``,
a Python expression evaluated with ``MockReply`` in scope (one reply or a list, a script
used in order). Without one, the mock echoes the prompt. A scripted snippet must use its
whole script, so that a tool loop's second turn really ran.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import CodeType
from typing import Any

import attrs
import httpx

from llm_connector import MockReply, MockServer
from llm_connector._mock.server import Wire

ROOT = Path(__file__).resolve().parents[2]
#: The pages whose snippets run: globbed, so a new page or snippet is picked up.
PAGES = ("README.md", "docs/*.md")

#: Where a snippet's client may go, and which mock answers there: (provider, responses_api).
HOSTS: Mapping[str, tuple[Wire, bool]] = {
    "api.openai.com": ("openai", True),
    "api.anthropic.com": ("anthropic", False),
}

#: The names each page assumes a reader already has, set before its first snippet.
PREAMBLES: Mapping[str, str] = {
    # "request" is the reader's own chat request.
    "docs/errors.md": """
from llm_connector.types import ChatRequest, Message

request = ChatRequest("gpt-4o-mini").add_message(Message.user("What is the capital of France?"))
""",
    # A client and a request of a reasoning model, and run(call): the reader's tool.
    "docs/reasoning.md": """
import json

from llm_connector import Client
from llm_connector.types import ChatRequest, Message

client = Client.anthropic()
request = ChatRequest("claude-sonnet-4-5").add_message(Message.user("Weather in Paris?"))


def run(call):
    return json.dumps({"city": call.parse_arguments()["city"], "temperature_c": 21})
""",
    # "Your code": my_app.ask answers a question with a tool loop, and run_my_scenario
    # makes the calls a recording holds (one whole answer, one stream).
    "docs/testing.md": """
import json
import types

from llm_connector.types import ChatRequest, Message, Tool


def ask(client, question):
    weather = Tool.function("get_weather", "Weather in a city", {"type": "object"})
    request = ChatRequest("gpt-4o-mini").add_message(Message.user(question))
    request = request.with_tools([weather])
    while (answer := client.chat(request)).tool_calls:
        request = request.add_message(answer.message)
        for call in answer.tool_calls:
            request = request.add_message(call.result(json.dumps({"temperature_c": 21})))
    return answer.content


my_app = types.SimpleNamespace(ask=ask)


def run_my_scenario(client):
    request = ChatRequest("claude-sonnet-4-5").add_message(Message.user("Weather in Paris?"))
    client.chat(request)
    client.chat_stream(request).final_response()
""",
}

#: Snippets that mention ``client.`` and rightly send nothing, by page and a line of their
#: code (stable when the page's lines move); each must match exactly one snippet.
NO_REQUEST: Mapping[tuple[str, str], str] = {
    ("docs/observability.md", "@client.on_retry"): "builds a client and registers hooks only",
}

_FENCE = re.compile(r"^```")
# The last comment of the text before a fence, if it ends right there (no "-->" inside).
_SCRIPT = re.compile(r"<!--\s*snippet-mock:(?P<script>(?:(?!-->).)*)-->[ \t]*\Z", re.DOTALL)
_CLIENT_USE = re.compile(r"\bclient\.")


@attrs.frozen
class Snippet:
    """One ```python block: its page (relative to the repository), the line of its fence."""

    page: str
    line: int
    code: str
    #: The snippet-mock expression before its fence, if any.
    script: str | None = None

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def path(self) -> Path:
        return ROOT / self.page

    def uses_client(self) -> bool:
        return bool(_CLIENT_USE.search(self.code))

    def compiled(self) -> CodeType:
        """The code, with top-level ``await`` allowed (an asyncio snippet), compiled so that
        a traceback names the page and the line in it."""
        flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        code = compile(self.code, str(self.path), "exec", flags=flags, dont_inherit=True)
        return _moved(code, self.line)

    def replies(self) -> list[MockReply] | None:
        """The scripted replies, or None for the default (echo) reply."""
        if self.script is None:
            return None
        value = eval(self.script, {"MockReply": MockReply})
        replies = [value] if isinstance(value, MockReply) else list(value)
        if not replies or not all(isinstance(r, MockReply) for r in replies):
            raise ValueError(f"{self.id}: snippet-mock must give MockReply values: {value!r}")
        return replies


def _moved(code: CodeType, lines: int) -> CodeType:
    """``code`` (and the functions in it) as if it began ``lines`` further down. Line
    numbers are kept relative to ``co_firstlineno``, so moving that moves them all; padding
    the source with blank lines instead would leave a module's first line at 1, and pytest
    would show a failing snippet with the whole page above it."""
    consts = tuple(_moved(c, lines) if isinstance(c, CodeType) else c for c in code.co_consts)
    return code.replace(co_firstlineno=code.co_firstlineno + lines, co_consts=consts)


def pages() -> list[Path]:
    return sorted({p for pattern in PAGES for p in ROOT.glob(pattern)})


def page_snippets(path: Path) -> list[Snippet]:
    """The ```python blocks of one page, in order, each with the snippet-mock comment that
    ends on the line right before its fence."""
    page = path.relative_to(ROOT).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Snippet] = []
    start: int | None = None  # the index of the open fence's line
    python = False
    for index, line in enumerate(lines):
        if not _FENCE.match(line):
            continue
        if start is None:
            start, python = index, line.strip() == "```python"
            continue
        if line.strip() == "```":
            if python:
                before = _SCRIPT.search("\n".join(lines[:start]))
                script = before.group("script").strip() if before else None
                code = "\n".join(lines[start + 1 : index]) + "\n"
                found.append(Snippet(page, start + 1, code, script))
            start = None
    return found


def all_snippets() -> list[Snippet]:
    return [snippet for path in pages() for snippet in page_snippets(path)]


def sends_nothing(snippet: Snippet) -> bool:
    return any(page == snippet.page and line in snippet.code for page, line in NO_REQUEST)


class UnknownHostError(AssertionError):
    """A snippet's request went to a host that has no mock: it would have left the machine."""


class _ScriptedServer(MockServer):
    """A mock that counts the replies it served (a script must be used up)."""

    served = 0

    def next_reply(self, last_user_text: str) -> MockReply:
        reply = super().next_reply(last_user_text)
        self.served += 1
        return reply


class MockNetwork:
    """Where every request of a snippet's clients goes: the mock of its host, fresh for each
    snippet and holding that snippet's script; an unknown host fails the snippet.

    ``mock_requests`` counts the requests any ``MockServer`` answered (the snippet's own
    ``Client.mock`` servers too), once ``counted`` has replaced ``MockServer.handle``.
    """

    def __init__(self) -> None:
        self.servers: dict[str, _ScriptedServer] = {}
        self.unknown: list[str] = []
        self.mock_requests = 0
        self._script: list[MockReply] | None = None

    def start(self, script: list[MockReply] | None) -> None:
        self.servers, self.unknown, self.mock_requests = {}, [], 0
        self._script = script

    def handle(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host not in HOSTS:
            self.unknown.append(f"{request.method} {request.url}")
            raise UnknownHostError(f"a snippet sent {request.method} {request.url}: no mock")
        if host not in self.servers:
            provider, responses_api = HOSTS[host]
            self.servers[host] = _ScriptedServer(
                self._script, provider=provider, responses_api=responses_api
            )
        return self.servers[host].handle(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def run(self, snippet: Snippet, namespace: dict[str, Any]) -> None:
        """Run one snippet in ``namespace``, then check what it sent.

        An asyncio snippet runs in a copy of the namespace: it is the asyncio twin of the
        page's code, and the names it binds (an ``AsyncClient`` closed on leaving
        ``async with``) are not what a later snippet's ``client`` means."""
        script = snippet.replies()
        self.start(script)
        code = snippet.compiled()
        if code.co_flags & inspect.CO_COROUTINE:
            asyncio.run(eval(code, dict(namespace)))
        else:
            exec(code, namespace)
        self.check(snippet, script)

    def check(self, snippet: Snippet, script: Sequence[MockReply] | None) -> None:
        assert not self.unknown, f"{snippet.id} sent requests to hosts with no mock: {self.unknown}"
        if script is not None:
            asked = {host: server.served for host, server in self.servers.items()}
            assert asked, f"{snippet.id} has a snippet-mock script but asked no mock host"
            for host, served in asked.items():
                assert served == len(script), (
                    f"{snippet.id}: the mock of {host} served {served} of the "
                    f"{len(script)} scripted replies"
                )
        if snippet.uses_client() and not sends_nothing(snippet):
            assert self.mock_requests, f"{snippet.id} uses a client but sent no request"


def counted(network: MockNetwork) -> Callable[[MockServer, httpx.Request], httpx.Response]:
    """``MockServer.handle``, counting every request answered into ``network``."""
    handle = MockServer.handle

    def handle_counted(server: MockServer, request: httpx.Request) -> httpx.Response:
        network.mock_requests += 1
        return handle(server, request)

    return handle_counted


def sessions(snippets: Sequence[Snippet]) -> Iterator[tuple[Snippet, list[Snippet]]]:
    """Each snippet with the snippets of its page before it (what runs first)."""
    for index, snippet in enumerate(snippets):
        earlier = [s for s in snippets[:index] if s.page == snippet.page]
        yield snippet, earlier
