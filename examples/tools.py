"""A complete tool loop: the model calls a function, we run it, it answers with the result.

    python examples/tools.py "What should I wear in Paris today?"

With ``OPENAI_API_KEY`` set this uses OpenAI; without it the mock plays the model (first a
tool call, then an answer), so the same loop runs offline. The loop is provider-neutral:
swap the client for ``Client.anthropic()``, ``Client.google()`` or ``Client.ollama()``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from llm_connector import Client, MockReply
from llm_connector.types import ChatRequest, Message, Tool, ToolChoice


def get_weather(city: str) -> dict[str, Any]:
    """The tool: a stand-in for a real weather service."""
    return {"city": city, "temperature_c": 14, "sky": "light rain"}


TOOLS = {"get_weather": get_weather}
WEATHER = Tool.function(
    "get_weather",
    "The current weather in a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def make_client() -> Client:
    if os.environ.get("OPENAI_API_KEY"):
        return Client.openai()
    print("(no OPENAI_API_KEY: the mock plays the model)\n", file=sys.stderr)
    return Client.mock(
        [
            MockReply.tool_call("get_weather", {"city": "Paris"}),
            MockReply.text("It is 14 C with light rain in Paris: take a raincoat."),
        ]
    )


def main(argv: list[str]) -> None:
    question = " ".join(argv) or "What should I wear in Paris today?"
    request = (
        ChatRequest(os.environ.get("OPENAI_MODEL", "gpt-4o-mini"))
        .add_message(Message.user(question))
        .with_tools([WEATHER])
        .with_tool_choice(ToolChoice.auto())
    )
    with make_client() as client:
        for _ in range(5):  # a bound, in case a model keeps calling tools
            answer = client.chat_stream(request).final_response()
            if not answer.tool_calls or answer.message is None:
                print(answer.content)
                return
            # The assistant turn goes back as it came (its calls, and any signed reasoning),
            # then one tool message per call: call.result(...) answers it by its id.
            request = request.add_message(answer.message)
            for call in answer.tool_calls:
                result = TOOLS[call.function.name](**call.parse_arguments())
                print(f"[{call.function.name}({call.function.arguments}) -> {result}]")
                request = request.add_message(call.result(json.dumps(result)))
    print("(gave up after 5 rounds of tool calls)")


if __name__ == "__main__":
    main(sys.argv[1:])
