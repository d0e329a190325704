"""A Kimi thinking model: reasoning streamed before the answer, and a tool turn that keeps it.

    python examples/moonshot_thinking.py "What should I pack for Beijing this week?"

With ``MOONSHOT_API_KEY`` set this asks Moonshot (``$MOONSHOT_MODEL``, default
``kimi-k2-thinking``; ``MOONSHOT_REGION=international`` for platform.moonshot.ai keys).
Without it the mock answers in Moonshot's wire format (``reasoning_content`` deltas, the
usage inside the finishing choice) through the same codec, and, as Moonshot does, refuses
a tool-call turn sent back without its ``reasoning_content``.

Moonshot wants a thinking model's reasoning kept in the conversation ("reasoning_content is
missing in assistant tool call message" otherwise):
https://platform.moonshot.ai/docs/guide/use-kimi-k2-thinking-model. Putting the
assistant message you got back unchanged is all it takes: the Moonshot dialect sends its
reasoning along.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from llm_connector import Client, MockReply
from llm_connector.types import ChatRequest, ChatResponse, Message, Tool

DIM, RESET = "\x1b[2m", "\x1b[0m"

WEATHER = Tool.function(
    "get_weather",
    "This week's weather in a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def get_weather(city: str) -> dict[str, Any]:
    """The tool: a stand-in for a real weather service."""
    return {"city": city, "temperature_c": 12, "wind": "strong"}


def make_client() -> Client:
    if os.environ.get("MOONSHOT_API_KEY"):
        if os.environ.get("MOONSHOT_REGION") == "international":
            return Client.moonshot(region="international")  # platform.moonshot.ai keys
        return Client.moonshot()
    print("(no MOONSHOT_API_KEY: answering offline in Moonshot's wire format)\n", file=sys.stderr)
    return Client.mock(
        [
            MockReply.tool_call(
                "get_weather",
                {"city": "Beijing"},
                id="get_weather:0",  # Moonshot's tool call ids look like this
                reasoning="Packing depends on the weather, so I should look it up first.",
            ),
            MockReply.reasoning(
                "12 C with strong wind: layers, and something windproof.",
                "Pack layers and a windproof jacket: Beijing stays around 12 C with strong wind.",
            ),
        ],
        provider="moonshot",
    )


def stream_turn(client: Client, request: ChatRequest) -> ChatResponse:
    """Stream one turn, the reasoning dimmed before the answer; return the whole turn."""
    thinking = False
    with client.chat_stream(request) as stream:
        for chunk in stream:
            if chunk.reasoning_content:
                if not thinking:
                    print(DIM, end="")
                    thinking = True
                print(chunk.reasoning_content, end="", flush=True)
            if content := chunk.get_content():
                if thinking:
                    print(RESET)
                    thinking = False
                print(content, end="", flush=True)
        answer = stream.final_response()
    print(RESET if thinking else "")
    return answer


def main(argv: list[str]) -> None:
    question = " ".join(argv) or "What should I pack for Beijing this week?"
    request = (
        ChatRequest(os.environ.get("MOONSHOT_MODEL", "kimi-k2-thinking"))
        .add_message(Message.user(question))
        .with_tools([WEATHER])
        .with_max_tokens(16384)  # room for the reasoning, as Moonshot advises
    )
    with make_client() as client:
        for _ in range(5):  # a bound, in case a model keeps calling tools
            answer = stream_turn(client, request)
            if not answer.tool_calls or answer.message is None:
                return
            # The assistant turn goes back as it came: its tool calls and its
            # reasoning_content, which Moonshot requires on a thinking model's tool turn.
            request = request.add_message(answer.message)
            for call in answer.tool_calls:
                result = get_weather(**call.parse_arguments())
                print(f"[{call.function.name}({call.function.arguments}) -> {result}]")
                request = request.add_message(call.result(json.dumps(result)))
    print("(gave up after 5 rounds of tool calls)")


if __name__ == "__main__":
    main(sys.argv[1:])
