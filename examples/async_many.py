"""Several streams at once with asyncio: one client, concurrent answers.

    python examples/async_many.py

With ``OPENAI_API_KEY`` set this asks OpenAI; without it the mock answers each prompt.
"""

from __future__ import annotations

import asyncio
import os
import sys

from llm_connector import AsyncClient
from llm_connector.types import ChatRequest, Message

PROMPTS = ["Name a colour.", "Name a fruit.", "Name a river.", "Name a mountain."]


def make_client() -> AsyncClient:
    if os.environ.get("OPENAI_API_KEY"):
        return AsyncClient.openai()
    print("(no OPENAI_API_KEY: the mock echoes each prompt)\n", file=sys.stderr)
    return AsyncClient.mock()  # the default reply echoes the prompt


async def ask(client: AsyncClient, prompt: str) -> str:
    request = ChatRequest(os.environ.get("OPENAI_MODEL", "gpt-4o-mini")).add_message(
        Message.user(prompt)
    )
    async with client.chat_stream(request) as stream:
        return "".join([chunk.content async for chunk in stream])


async def main() -> None:
    async with make_client() as client:
        answers = await asyncio.gather(*(ask(client, p) for p in PROMPTS))
    for prompt, answer in zip(PROMPTS, answers, strict=True):
        print(f"{prompt} -> {answer}")


if __name__ == "__main__":
    asyncio.run(main())
