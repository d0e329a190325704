"""Ask a chain of providers: the first that answers streams the answer.

    python examples/fallback.py "Name three moons of Jupiter."

With ``LLM_CONNECTOR_CHAIN`` set (for example
``anthropic/claude-sonnet-4-5,openai/gpt-4o-mini,google/gemini-2.5-flash``, each reading
its key from the environment) this asks those providers in that order. Without it, three
offline mocks stand in, in three wire formats: Anthropic is overloaded, OpenAI rate limits
(asking for 20 s), and Gemini answers. The second question shows the first two cooling
down: they are not asked again until their time is over.
"""

from __future__ import annotations

import os
import sys

from llm_connector import Client, Fallback, MockReply, MockServer
from llm_connector.types import ChatRequest, Message, Route


def make_chain() -> Fallback:
    names = os.environ.get("LLM_CONNECTOR_CHAIN")
    if names:
        return Client.fallback([name.strip() for name in names.split(",")])
    print("(no LLM_CONNECTOR_CHAIN: three offline mocks stand in)\n", file=sys.stderr)
    overloaded = MockServer(
        MockReply.error(529, "Overloaded"), provider="anthropic", model="claude-sonnet-4-5"
    )
    limited = MockServer(
        MockReply.error(429, "Rate limit reached", retry_after=20), model="gpt-4o-mini"
    )
    answers = MockServer(
        [
            "Io, Europa and Ganymede.",
            "Callisto is the most cratered body in the Solar System.",
        ],
        provider="google",
        model="gemini-2.5-flash",
    )
    return Client.fallback([Client.mock(overloaded), Client.mock(limited), Client.mock(answers)])


def show(route: Route) -> None:
    for skipped in route.skipped:
        if skipped.kind == "failed":
            print(f"  [skipped {skipped.member}: it failed, {type(skipped.error).__name__}]")
        else:  # "cooling" after an earlier failure, or "cannot_take" this request
            print(f"  [skipped {skipped.member}: {skipped.kind}]")
    print(f"  [answered by {route.member}]")


def main(argv: list[str]) -> None:
    questions = [" ".join(argv) or "Name three moons of Jupiter.", "Which of them is oldest?"]
    with make_chain() as chain:
        request = ChatRequest()
        for question in questions:
            request = request.add_message(Message.user(question))
            with chain.chat_stream(request) as stream:
                for chunk in stream:
                    print(chunk.get_content() or "", end="", flush=True)
                answer = stream.final_response()
            print()
            show(stream.route)
            if answer.message is not None:
                request = request.add_message(answer.message)


if __name__ == "__main__":
    main(sys.argv[1:])
