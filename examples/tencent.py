"""Stream an answer from Tencent Hunyuan's native API, its reasoning shown dimmed.

    python examples/tencent.py "Write a couplet about autumn"

With ``TENCENTCLOUD_SECRET_ID`` and ``TENCENTCLOUD_SECRET_KEY`` set this asks Hunyuan's API
3.0 (``$HUNYUAN_MODEL``, default ``hunyuan-t1-latest``; ``$TENCENTCLOUD_REGION``, e.g.
``ap-guangzhou``, is sent as ``X-TC-Region`` when set). Each request is signed with
TC3-HMAC-SHA256: the secret key signs and is never sent. Without the keys the mock answers
in Hunyuan's wire format (PascalCase chunks, the running ``Usage`` on each, no ``[DONE]``),
and checks the signature as Tencent Cloud does.

API reference: https://cloud.tencent.com/document/api/1729/105701. For Hunyuan's
OpenAI-compatible endpoint (a Bearer key, ``$HUNYUAN_API_KEY``), use
``Client.tencent_openai_compatible()`` instead.
"""

from __future__ import annotations

import os
import sys

from llm_connector import Client, MockReply
from llm_connector.types import ChatRequest, Message

DIM, RESET = "\x1b[2m", "\x1b[0m"


def make_client() -> Client:
    if os.environ.get("TENCENTCLOUD_SECRET_ID") and os.environ.get("TENCENTCLOUD_SECRET_KEY"):
        return Client.tencent(region=os.environ.get("TENCENTCLOUD_REGION"))
    print(
        "(no TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY: answering offline in Hunyuan's "
        "wire format)\n",
        file=sys.stderr,
    )
    reply = MockReply.reasoning(
        "A couplet: two matching lines, autumn images on both sides.",
        "Maple leaves burn red on the hill; wild geese write lines across the sky.",
    )
    return Client.mock(reply, provider="tencent")


def main(argv: list[str]) -> None:
    prompt = " ".join(argv) or "Write a couplet about autumn."
    model = os.environ.get("HUNYUAN_MODEL", "hunyuan-t1-latest")
    request = ChatRequest(model).add_message(Message.user(prompt))
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
                    print(RESET)
                    thinking = False
                print(content, end="", flush=True)
        answer = stream.final_response()
    usage = answer.usage
    print(RESET if thinking else "")
    if usage is not None:
        tokens = f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens"
        print(f"[{answer.finish_reason}; {tokens}]")


if __name__ == "__main__":
    main(sys.argv[1:])
