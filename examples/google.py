"""Stream an answer from Gemini.

    python examples/google.py "Name three planets"

With ``GEMINI_API_KEY`` (or ``GOOGLE_API_KEY``) set this asks Google; without it the mock
answers in Gemini's own wire format, through the same codec.
"""

from __future__ import annotations

import os
import sys

from llm_connector import Client, MockReply
from llm_connector.types import ChatRequest, Message


def make_client() -> Client:
    if os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY"):
        return Client.google()
    print("(no GEMINI_API_KEY: answering offline in Gemini's wire format)\n", file=sys.stderr)
    return Client.mock(MockReply.text("Mercury, Venus and Mars."), provider="google")


def main(argv: list[str]) -> None:
    prompt = " ".join(argv) or "Name three planets."
    model = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    request = ChatRequest(model).add_message(Message.user(prompt)).with_reasoning_effort("low")
    with make_client() as client:
        for chunk in client.chat_stream(request):
            print(chunk.get_content() or "", end="", flush=True)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
