"""Stream an answer from OpenAI (or any server speaking chat completions).

    python examples/openai.py "Write a haiku about the sea"

With ``OPENAI_API_KEY`` set this asks OpenAI (``OPENAI_BASE_URL`` points it elsewhere);
without it the mock answers in OpenAI's wire format.
"""

from __future__ import annotations

import os
import sys

from llm_connector import Client, MockReply
from llm_connector.types import ChatRequest, Message


def make_client() -> Client:
    if os.environ.get("OPENAI_API_KEY"):
        return Client.openai()
    print("(no OPENAI_API_KEY: answering offline in OpenAI's wire format)\n", file=sys.stderr)
    return Client.mock(
        MockReply.text(
            "Grey waves fold and break / salt wind writes on the sand / the tide keeps its time"
        )
    )


def main(argv: list[str]) -> None:
    prompt = " ".join(argv) or "Write a haiku about the sea."
    request = ChatRequest(os.environ.get("OPENAI_MODEL", "gpt-4o-mini")).add_message(
        Message.user(prompt)
    )
    with make_client() as client, client.chat_stream(request) as stream:
        for chunk in stream:
            print(chunk.get_content() or "", end="", flush=True)
        usage = stream.final_response().usage
    print(f"\n[{usage.total_tokens if usage else '?'} tokens]")


if __name__ == "__main__":
    main(sys.argv[1:])
