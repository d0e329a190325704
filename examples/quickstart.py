"""Stream a chat answer to the terminal.

    python examples/quickstart.py "Tell me a story about a lighthouse keeper"

With ``OPENAI_API_KEY`` set this asks OpenAI (model ``$LLM_CONNECTOR_MODEL``, default
``gpt-4o-mini``). Without it, it runs offline through ``Client.mock``, which serves real
OpenAI wire bodies from inside the process, so the same streaming code runs either way:
the mock's answer repeats your prompt, a word per chunk, paced so that you see it stream
(on a terminal; piped output comes at once).
"""

from __future__ import annotations

import os
import sys

from llm_connector import Client, LLMError, MockServer
from llm_connector.types import ChatRequest, Message

#: Seconds between the offline answer's chunks on a terminal: slow enough to see it stream.
OFFLINE_PACE = 0.08


def offline_server(terminal: bool) -> MockServer:
    """The mock's default server (it echoes the prompt), paced only on a terminal."""
    return MockServer(chunk_delay=OFFLINE_PACE if terminal else 0.0)


def make_client() -> tuple[Client, str]:
    if os.environ.get("OPENAI_API_KEY"):
        return Client.openai(), os.environ.get("LLM_CONNECTOR_MODEL", "gpt-4o-mini")
    print("(no OPENAI_API_KEY set: answering offline through Client.mock)\n", file=sys.stderr)
    return Client.mock(offline_server(sys.stdout.isatty())), "mock-model"


def main(argv: list[str]) -> int:
    prompt = " ".join(argv) or "Tell me a short story about a lighthouse keeper."
    client, model = make_client()
    request = ChatRequest(model).add_message(Message.user(prompt)).with_stream(True)
    try:
        with client, client.chat_stream(request) as stream:
            for chunk in stream:
                if content := chunk.get_content():
                    print(content, end="", flush=True)
            usage = stream.final_response().usage
    except LLMError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1
    print()
    if usage is not None:
        print(f"[{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
