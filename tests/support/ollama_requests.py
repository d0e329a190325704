"""What the Ollama request tests share: the codec, an endpoint, a tool and an image."""

from __future__ import annotations

import json
from typing import Any

from llm_connector.codecs.contract import Endpoint, RequestSpec
from llm_connector.codecs.ollama.codec import OllamaCodec
from llm_connector.types import ChatRequest, Tool

CODEC = OllamaCodec()
LOCAL = Endpoint("http://localhost:11434", auth="bearer")
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
WEATHER = Tool.function(
    "get_weather",
    "Get the weather in a given city",
    {
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "The city to get the weather for"}
        },
        "required": ["city"],
    },
)


def body_of(spec: RequestSpec) -> Any:
    assert spec.body is not None
    return json.loads(spec.body)


def chat(request: ChatRequest, *, stream: bool = True) -> Any:
    return body_of(CODEC.build_chat(request, LOCAL, stream=stream))
