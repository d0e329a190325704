"""Stream an answer from a local Ollama, its thinking shown as it arrives.

    python examples/ollama.py "What is 17 * 23?"

With ``OLLAMA_HOST`` set (or ``LLM_CONNECTOR_OLLAMA=1`` for the default localhost:11434)
this asks that server; otherwise the mock answers in Ollama's NDJSON wire format, through
the same codec.
"""

from __future__ import annotations

import os
import sys

from llm_connector import Client, MockReply
from llm_connector.types import ChatRequest, Message


def make_client() -> Client:
    if os.environ.get("OLLAMA_HOST") or os.environ.get("LLM_CONNECTOR_OLLAMA"):
        return Client.ollama()
    print("(no OLLAMA_HOST: answering offline in Ollama's wire format)\n", file=sys.stderr)
    reply = MockReply.reasoning("17 * 23 = 17 * 20 + 17 * 3 = 340 + 51.", "17 * 23 = 391.")
    return Client.mock(reply, provider="ollama")


def main(argv: list[str]) -> None:
    prompt = " ".join(argv) or "What is 17 * 23?"
    model = os.environ.get("OLLAMA_MODEL", "qwen3:0.6b")
    request = ChatRequest(model).add_message(Message.user(prompt)).with_reasoning_effort("low")
    section = ""
    with make_client() as client:
        for chunk in client.chat_stream(request):
            for kind, text in (("thinking", chunk.reasoning_content), ("answer", chunk.content)):
                if text:
                    if kind != section:
                        print(f"\n[{kind}] ", end="")
                        section = kind
                    print(text, end="", flush=True)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
