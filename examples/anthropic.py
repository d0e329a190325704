"""Stream an answer from Claude, thinking shown dimmed.

    python examples/anthropic.py "Why is the sky blue?"

With ``ANTHROPIC_API_KEY`` set this asks Anthropic; without it the mock answers in
Anthropic's own wire format (event-typed SSE, signed thinking blocks), through the same
codec.
"""

from __future__ import annotations

import os
import sys

from llm_connector import Client, MockReply
from llm_connector.types import ChatRequest, Message

DIM, RESET = "\x1b[2m", "\x1b[0m"


def make_client() -> Client:
    if os.environ.get("ANTHROPIC_API_KEY"):
        return Client.anthropic()
    print("(no ANTHROPIC_API_KEY: answering offline in Anthropic's wire format)\n", file=sys.stderr)
    reply = MockReply.reasoning(
        "Sunlight scatters off air molecules; shorter wavelengths scatter most.",
        "Because air scatters blue light more than red (Rayleigh scattering).",
    )
    return Client.mock(reply, provider="anthropic")


def main(argv: list[str]) -> None:
    prompt = " ".join(argv) or "Why is the sky blue?"
    request = (
        ChatRequest(os.environ.get("ANTHROPIC_MODEL", "claude-sonnet-4-5"))
        .add_message(Message.user(prompt))
        .with_thinking_budget(2048)
        .with_max_tokens(4096)
    )
    thinking = False
    with make_client() as client, client.chat_stream(request) as stream:
        for chunk in stream:
            if chunk.reasoning_content:
                if not thinking:
                    print(DIM, end="")
                    thinking = True
                print(chunk.reasoning_content, end="", flush=True)
            if content := chunk.get_content():
                if thinking:
                    print(RESET + "\n")
                    thinking = False
                print(content, end="", flush=True)
        answer = stream.final_response()
    print(f"\n[{answer.finish_reason}; usage {answer.usage}]")


if __name__ == "__main__":
    main(sys.argv[1:])
