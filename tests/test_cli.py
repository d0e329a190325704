"""The command line, run as users run it (in-process for speed, once as a real process)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable

import httpx
import pytest

from llm_connector import Client, MockReply
from llm_connector import _cli as cli
from llm_connector.providers.table import PROVIDERS


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(
    argv: list[str], out: io.StringIO | None = None, err: io.StringIO | None = None
) -> tuple[int, str]:
    out = out if out is not None else io.StringIO()
    status = cli.main(argv, out=out, err=err)
    return status, out.getvalue()


def use_client(monkeypatch: pytest.MonkeyPatch, make: Callable[[], Client]) -> None:
    monkeypatch.setattr(cli, "_client", lambda args: make())


def test_chat_streams_the_mock_answer() -> None:
    status, out = run(["chat", "--provider", "mock", "hello there"])
    assert status == 0
    assert out == "(offline mock) You said: hello there\n"


def test_prompt_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("from a pipe"))
    assert run(["chat", "--provider", "mock", "-"]) == (0, "(offline mock) You said: from a pipe\n")


def test_json_lines_are_the_unified_chunks() -> None:
    status, out = run(["chat", "--provider", "mock", "--json", "two words"])
    assert status == 0
    chunks = [json.loads(line) for line in out.splitlines()]
    text = "".join(c["choices"][0]["delta"]["content"] or "" for c in chunks if c["choices"])
    assert text == "(offline mock) You said: two words"
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["total_tokens"] > 0


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        # Not a terminal: reasoning and answer are labelled.
        (io.StringIO(), "[reasoning] Think first.\n[answer] Then answer.\n"),
        # A terminal: reasoning is dimmed with ANSI codes.
        (FakeTTY(), "\x1b[2mThink first.\x1b[0mThen answer.\n"),
    ],
)
def test_reasoning_is_shown_when_asked(
    monkeypatch: pytest.MonkeyPatch, out: io.StringIO, expected: str
) -> None:
    use_client(
        monkeypatch, lambda: Client.mock(MockReply.reasoning("Think first.", "Then answer."))
    )
    assert run(["chat", "--model", "m", "--reasoning", "q"], out) == (0, expected)


@pytest.mark.parametrize(
    ("out", "err", "expected_err"),
    [
        # Piped: nothing but the answer, nowhere.
        (io.StringIO(), io.StringIO(), ""),
        (io.StringIO(), FakeTTY(), ""),
        # stderr redirected: no escape codes in the file.
        (FakeTTY(), io.StringIO(), ""),
        # A terminal: a dim "thinking...", erased when the answer starts.
        (FakeTTY(), FakeTTY(), "\x1b[2mthinking...\x1b[0m\r\x1b[K"),
    ],
)
def test_reasoning_is_hidden_by_default(
    monkeypatch: pytest.MonkeyPatch, out: io.StringIO, err: io.StringIO, expected_err: str
) -> None:
    use_client(
        monkeypatch, lambda: Client.mock(MockReply.reasoning("Think first.", "Then answer."))
    )
    assert run(["chat", "--model", "m", "q"], out, err) == (0, "Then answer.\n")
    assert err.getvalue() == expected_err


def test_thinking_is_erased_when_no_answer_comes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_client(monkeypatch, lambda: Client.mock(MockReply.reasoning("Only thinking.", "")))
    out, err = FakeTTY(), FakeTTY()
    assert run(["chat", "--model", "m", "q"], out, err) == (0, "\n")
    assert err.getvalue() == "\x1b[2mthinking...\x1b[0m\r\x1b[K"


def test_no_thinking_indicator_with_json_or_shown_reasoning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_client(
        monkeypatch, lambda: Client.mock(MockReply.reasoning("Think first.", "Then answer."))
    )
    for flag in ("--json", "--reasoning"):
        err = FakeTTY()
        assert run(["chat", "--model", "m", flag, "q"], FakeTTY(), err)[0] == 0
        assert err.getvalue() == ""


def test_help_lists_the_providers_once_and_names_the_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for command in ("chat", "models"):
        with pytest.raises(SystemExit) as exited:
            cli.main([command, "--help"])
        assert exited.value.code == 0
        text = capsys.readouterr().out
        assert "[--provider NAME]" in text
        listed = re.search(r"--provider NAME, -p NAME\s+(.*?)\n  --api-key", text, re.DOTALL)
        assert listed is not None
        assert " ".join(listed.group(1).split()) == (
            f"default: openai; one of {', '.join(sorted(PROVIDERS))}"
        )
        assert text.count("zhipu_openai_compatible") == 1


def test_models_lists_one_id_a_line() -> None:
    assert run(["models", "--provider", "mock"]) == (0, "mock-model\n")


def test_missing_key_is_a_one_line_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    status, out = run(["chat", "--provider", "openai", "--model", "gpt-4o", "hi"])
    assert (status, out) == (2, "")
    assert capsys.readouterr().err == (
        "llm-connector: error: no API key for openai: pass --api-key or set $OPENAI_API_KEY\n"
    )


def test_missing_key_pair_names_both_variables(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TENCENTCLOUD_SECRET_ID", raising=False)
    monkeypatch.delenv("TENCENTCLOUD_SECRET_KEY", raising=False)
    assert run(["models", "-p", "tencent"]) == (2, "")
    assert capsys.readouterr().err == (
        "llm-connector: error: no API key for tencent: pass --api-key or set "
        "$TENCENTCLOUD_SECRET_ID and $TENCENTCLOUD_SECRET_KEY\n"
    )


def test_other_request_errors_are_shown_as_the_library_says(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["chat", "-p", "mock", "--temperature", "-1", "hi"]) == (2, "")
    err = capsys.readouterr().err
    assert err.startswith("llm-connector: error: temperature: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["chat", "-p", "llamacpp", "hi"], "from-env"),
        (["chat", "-p", "llamacpp", "--api-key", "explicit", "hi"], "explicit"),
    ],
)
def test_llamacpp_reads_its_key_variable(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], expected: str
) -> None:
    monkeypatch.setenv("LLAMACPP_API_KEY", "from-env")
    with cli._client(cli._parser().parse_args(argv)) as client:
        endpoint, _ = client._driver.settings.endpoint(None, None, {})
    assert (endpoint.base_url, endpoint.api_key) == ("http://localhost:8080/v1", expected)


def test_a_rejected_key_fails_cleanly_without_printing_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "sk-rejected-0123456789abcdef"

    def reject(request: httpx.Request) -> httpx.Response:
        # The server echoes the key, as OpenAI's 401 message partly does.
        message = f"Incorrect API key provided: {request.headers['authorization'][7:]}"
        return httpx.Response(
            401, json={"error": {"message": message, "type": "invalid_request_error"}}
        )

    http = httpx.Client(transport=httpx.MockTransport(reject))
    use_client(monkeypatch, lambda: Client.openai(key, http_client=http))
    status, out = run(["chat", "--model", "gpt-4o", "hi"])
    http.close()
    assert (status, out) == (1, "")
    err = capsys.readouterr().err
    assert err.startswith("llm-connector: error: AuthenticationError: Error code: 401")
    assert err.count("\n") == 1
    assert key not in err


def test_runs_as_a_module() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    result = subprocess.run(
        [sys.executable, "-m", "llm_connector", "chat", "--provider", "mock", "hi"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "(offline mock) You said: hi\n",
        "",
    )
