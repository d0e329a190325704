"""Ask about an image: from a file path (its type detected from its bytes), or a URL.

    python examples/multimodal.py photo.jpg "What is in this picture?"

With ``OPENAI_API_KEY`` set this asks OpenAI; without it the mock answers. With no path,
a 1x1 red PNG made here is sent.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from llm_connector import Client, MockReply
from llm_connector.types import ChatRequest, ImagePart, Message, TextPart

# The smallest valid PNG: one red pixel.
RED_PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc000000301010018dd8db40000000049454e44ae426082"
)


def make_client() -> Client:
    if os.environ.get("OPENAI_API_KEY"):
        return Client.openai()
    print("(no OPENAI_API_KEY: answering offline)\n", file=sys.stderr)
    return Client.mock(MockReply.text("A single red pixel."))


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        if argv:
            path = Path(argv[0])
        else:
            path = Path(folder) / "red.png"
            path.write_bytes(RED_PIXEL_PNG)
        question = " ".join(argv[1:]) or "What is in this picture?"
        image = ImagePart.from_path(path)  # read now; a missing file fails here, naming it
        print(f"sending {path.name} as {image.media_type}", file=sys.stderr)
        request = ChatRequest(os.environ.get("OPENAI_MODEL", "gpt-4o-mini")).add_message(
            Message.user([TextPart(question), image])
        )
        with make_client() as client:
            print(client.chat(request).content)


if __name__ == "__main__":
    main(sys.argv[1:])
