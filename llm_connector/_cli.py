"""The command line: ``python -m llm_connector`` and the ``llm-connector`` script.

    llm-connector chat --provider anthropic --model claude-sonnet-4-5 "Tell me a joke"
    llm-connector chat --provider mock "hello"            # offline
    llm-connector chat --provider openai --model gpt-4o-mini --json "hi"   # chunks as JSON lines
    llm-connector models --provider google

Keys come from each provider's usual environment variable (or ``--api-key``). Any failure
prints one line to stderr and exits non-zero: 2 for bad input, 1 for everything else.
docs/cli.md is the user's page.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from llm_connector._version import __version__
from llm_connector.errors import LLMError, RequestValidationError
from llm_connector.providers.table import PROVIDERS
from llm_connector.shells.sync_client import Client
from llm_connector.types import ChatRequest, Message, StreamingResponse

_DIM, _RESET = "\x1b[2m", "\x1b[0m"
# While a model reasons unseen (no --reasoning) on a terminal: shown on stderr, then erased
# (carriage return, erase to the end of the line) when the answer starts.
_THINKING, _ERASE = f"{_DIM}thinking...{_RESET}", "\r\x1b[K"
# Every registry row; anthropic_vertex needs its Vertex URL in --base-url.
_CHOICES = sorted(PROVIDERS)
_DEFAULT_PROVIDER = "openai"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="llm-connector", description="Talk to any LLM API from the terminal."
    )
    parser.add_argument("--version", action="version", version=f"llm-connector {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    def connection(sub: argparse.ArgumentParser) -> None:
        # One metavar, so that the names are listed once (in the help), not in the usage too.
        sub.add_argument(
            "--provider",
            "-p",
            choices=_CHOICES,
            default=_DEFAULT_PROVIDER,
            metavar="NAME",
            help=f"default: {_DEFAULT_PROVIDER}; one of {', '.join(_CHOICES)}",
        )
        sub.add_argument("--api-key", help="default: the provider's environment variable")
        sub.add_argument("--base-url", help="default: the provider's official endpoint")
        sub.add_argument("--timeout", type=float, help="seconds (default: the client's)")

    chat = commands.add_parser("chat", help="stream an answer to a prompt")
    connection(chat)
    chat.add_argument("prompt", help='the user message ("-" reads it from stdin)')
    chat.add_argument("--model", "-m", default="", help="model name (required but for mock)")
    chat.add_argument("--system", "-s", help="a system message")
    chat.add_argument("--max-tokens", type=int)
    chat.add_argument("--temperature", type=float)
    chat.add_argument("--reasoning-effort", choices=["none", "minimal", "low", "medium", "high"])
    chat.add_argument(
        "--reasoning", action="store_true", help="show the model's reasoning (dimmed, or prefixed)"
    )
    chat.add_argument("--json", action="store_true", help="print each chunk as a JSON line")

    models = commands.add_parser("models", help="list the provider's models")
    connection(models)
    return parser


def _client(args: argparse.Namespace) -> Client:
    if args.provider == "mock":
        return Client.mock(timeout=args.timeout)
    return Client(args.provider, args.api_key, args.base_url, timeout=args.timeout)


def _request(args: argparse.Namespace, stdin: TextIO) -> ChatRequest:
    prompt = stdin.read() if args.prompt == "-" else args.prompt
    model = args.model or ("mock-model" if args.provider == "mock" else "")
    request = ChatRequest(model)
    if args.system:
        request = request.add_message(Message.system(args.system))
    request = request.add_message(Message.user(prompt))
    if args.max_tokens is not None:
        request = request.with_max_tokens(args.max_tokens)
    if args.temperature is not None:
        request = request.with_temperature(args.temperature)
    if args.reasoning_effort is not None:
        request = request.with_reasoning_effort(args.reasoning_effort)
    return request


def _json_lines() -> Callable[[StreamingResponse], str]:
    # cattrs only here (imported on use): the neutral attrs values as plain JSON.
    from cattrs.preconf.json import make_converter

    unstructure = make_converter().unstructure
    return lambda chunk: json.dumps(unstructure(chunk), ensure_ascii=False)


def _chat(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> None:
    request = _request(args, stdin)
    dim = out.isatty()
    # Hidden reasoning gets a "thinking..." on a terminal only (stderr too, so that a
    # redirected 2> gets no escape codes), and only before the answer starts: erasing the
    # line later would erase answer text.
    indicate = dim and not args.reasoning and not args.json and err.isatty()
    as_json = _json_lines() if args.json else None
    thinking = answered = False
    try:
        with _client(args) as client, client.chat_stream(request) as stream:
            in_reasoning = False
            for chunk in stream:
                if as_json is not None:
                    print(as_json(chunk), file=out, flush=True)
                    continue
                if args.reasoning and chunk.reasoning_content:
                    if not in_reasoning:
                        out.write(_DIM if dim else "[reasoning] ")
                        in_reasoning = True
                    out.write(chunk.reasoning_content)
                elif indicate and chunk.reasoning_content and not (thinking or answered):
                    err.write(_THINKING)
                    err.flush()
                    thinking = True
                if content := chunk.get_content():
                    if thinking:
                        err.write(_ERASE)
                        err.flush()
                        thinking = False
                    if in_reasoning:
                        out.write(_RESET if dim else "\n[answer] ")
                        in_reasoning = False
                    out.write(content)
                    answered = True
                out.flush()
            if in_reasoning and dim:
                out.write(_RESET)
    finally:
        if thinking:  # the answer never came (an error, Ctrl-C, or reasoning only)
            err.write(_ERASE)
            err.flush()
    if not args.json:
        out.write("\n")


def _models(args: argparse.Namespace, out: TextIO) -> None:
    with _client(args) as client:
        for model in client.models():
            print(model.id, file=out)


def _missing_key(provider: str) -> str:
    """The library's "no API key" message, in command-line terms."""
    row = PROVIDERS[provider]
    env = (" and " if row.key_pair else " or ").join(f"${name}" for name in row.api_key_env)
    return f"no API key for {provider}: pass --api-key" + (f" or set {env}" if env else "")


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        if args.command == "chat":
            _chat(args, out, err, sys.stdin)
        else:
            _models(args, out)
    except RequestValidationError as exc:
        # The library says "pass api_key="; here that is --api-key.
        missing_key = exc.field == "api_key" and exc.problem.startswith("no API key")
        print(
            f"llm-connector: error: {_missing_key(args.provider) if missing_key else exc}", file=err
        )
        return 2
    except LLMError as exc:
        print(f"llm-connector: error: {type(exc).__name__}: {exc}", file=err)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as Unix tools do.
        _silence_stdout()
        return 0
    return 0


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def run() -> None:
    """The console script's entry point."""
    raise SystemExit(main())
