"""Zhipu GLM reasoning, streamed: the thinking first (dimmed), then the answer.

    python examples/zhipu_thinking.py "Is 2027 a prime number?"

With ``ZHIPUAI_API_KEY`` (or ``ZHIPU_API_KEY``) set this asks Zhipu's v4 API; without it
the mock answers in Zhipu's wire format (``reasoning_content`` deltas that repeat the role,
the usage on the finishing chunk) through the same codec.

Two kinds of GLM model reason, in two ways, and both arrive as ``reasoning_content``:

- GLM-4.5 and later (``$ZHIPU_MODEL``, default ``glm-4.6``) stream ``reasoning_content``
  when thinking is on (``thinking: {"type": "enabled"}``, which ``with_reasoning_effort``
  sends): https://docs.bigmodel.cn/cn/guide/capabilities/thinking-mode
- GLM-Z1 (``$ZHIPU_Z1_MODEL``, default ``glm-z1-flash``) writes its reasoning into the
  answer inside ``<think>...</think>``; the Zhipu dialect splits it off.
"""

from __future__ import annotations

import os
import sys

from llm_connector import Client, MockReply
from llm_connector.types import ChatRequest, Message

DIM, RESET = "\x1b[2m", "\x1b[0m"


def make_client() -> Client:
    if os.environ.get("ZHIPUAI_API_KEY") or os.environ.get("ZHIPU_API_KEY"):
        return Client.zhipu()
    print("(no ZHIPUAI_API_KEY: answering offline in Zhipu's wire format)\n", file=sys.stderr)
    return Client.mock(
        [
            MockReply.reasoning(
                "2027 is odd and ends in 7; it is not a multiple of 3, 7, 11, 13, 17, 19, 23, "
                "29, 31, 37, 41 or 43, and 47 squared is past it.",
                "Yes: 2027 is prime.",
            ),
            # GLM-Z1's reasoning arrives inside the text, as the model writes it.
            MockReply.text(
                "<think>No prime up to 45 divides 2027.</think>Yes, 2027 is a prime number."
            ),
        ],
        provider="zhipu",
    )


def stream_answer(client: Client, request: ChatRequest) -> None:
    thinking = False
    for chunk in client.chat_stream(request):
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
    print(RESET if thinking else "")


def main(argv: list[str]) -> None:
    question = " ".join(argv) or "Is 2027 a prime number?"
    with make_client() as client:
        for model in (
            os.environ.get("ZHIPU_MODEL", "glm-4.6"),
            os.environ.get("ZHIPU_Z1_MODEL", "glm-z1-flash"),
        ):
            print(f"[{model}]")
            request = (
                ChatRequest(model)
                .add_message(Message.user(question))
                .with_reasoning_effort("high")  # thinking: {"type": "enabled"}
            )
            stream_answer(client, request)


if __name__ == "__main__":
    main(sys.argv[1:])
