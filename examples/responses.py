"""OpenAI's Responses API, streamed: natively where the server has ``/responses``, and
through the fallback to chat completions where it has not; the same events, the same answer.

    python examples/responses.py "Count from 1 to 5"

The native half asks OpenAI's ``/responses`` when ``OPENAI_API_KEY`` is set
(``$OPENAI_MODEL``, default ``gpt-4.1-mini``), else a mock OpenAI server that serves
``/responses``. The fallback half asks a server that has only chat completions: with
``ANTHROPIC_API_KEY``, Anthropic (whose Messages API the request is translated to); else a
mock OpenAI-compatible server that answers 404 at ``/responses``, so the client falls back
to ``/chat/completions``, synthesizes the Responses events from the chat stream, and
remembers for later requests that this server has no ``/responses``.
"""

from __future__ import annotations

import os
import sys

from llm_connector import Client, MockReply, MockServer
from llm_connector.responses import ResponsesRequest, ResponsesResponse

ANSWER = "1, 2, 3, 4, 5"


def native_client() -> tuple[Client, str, MockServer | None]:
    if os.environ.get("OPENAI_API_KEY"):
        return Client.openai(), os.environ.get("OPENAI_MODEL", "gpt-4.1-mini"), None
    print("(no OPENAI_API_KEY: a mock server with /responses answers)", file=sys.stderr)
    server = MockServer(MockReply.text(ANSWER), responses_api=True)
    return Client.mock(server), "mock-model", server


def fallback_client() -> tuple[Client, str, MockServer | None]:
    if os.environ.get("ANTHROPIC_API_KEY"):
        model = os.environ.get("ANTHROPIC_MODEL", "claude-sonnet-4-5")
        return Client.anthropic(), model, None
    print("(no ANTHROPIC_API_KEY: a mock chat-only server answers)\n", file=sys.stderr)
    server = MockServer(MockReply.text(ANSWER), provider="openai_compatible")
    return Client.mock(server), "mock-model", server


def stream(client: Client, request: ResponsesRequest) -> ResponsesResponse:
    """Print the text as it streams; return the whole response."""
    kinds: list[str] = []
    with client.invoke_responses_stream(request) as events:
        for event in events:
            kinds.append(event.event_type)
            if event.event_type == "response.output_text.delta":
                print(event.delta, end="", flush=True)
        final = events.final_response()
    print(f"\n[{len(kinds)} events, {kinds[0]} ... {kinds[-1]}; status {final.status}]")
    return final


def routes(server: MockServer | None, since: int = 0) -> str:
    """What the mock server was asked (a real server's log is not at hand)."""
    return "" if server is None else f"[asked: {', '.join(server.routes[since:])}]\n"


def main(argv: list[str]) -> None:
    prompt = " ".join(argv) or "Count from 1 to 5, separated by commas."
    answers = []
    for title, make in (("native", native_client), ("fallback", fallback_client)):
        client, model, server = make()
        request = ResponsesRequest(model=model, input=prompt, stream=True)
        with client:
            print(f"== {title} ==")
            answers.append(stream(client, request))
            print(routes(server), end="")
            if title == "fallback":
                # A second request goes straight to chat completions: the 404 is remembered.
                asked = len(server.routes) if server is not None else 0
                again = client.invoke_responses(request)
                print(f"again: {again.output_text}")
                print(routes(server, asked), end="")
    native, fallback = answers
    print(f"same answer: {native.output_text == fallback.output_text}")


if __name__ == "__main__":
    main(sys.argv[1:])
