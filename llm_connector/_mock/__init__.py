"""The offline mock provider: scripted replies served in a real provider's wire format.

``Client.mock(...)`` plugs a :class:`MockServer` into httpx as its transport, so a mock
client runs the very codec, stream and error code a real one does: text, reasoning and
tool calls arrive as that provider's stream events (one HTTP chunk per event, as servers
flush them), errors as its error bodies with their HTTP status.

``reply.py`` holds the scripted replies, ``server.py`` the server and its dispatch, and
``rows.py`` what the provider rows say of the mock (each row's ``mock``: its wire and base
path). Each wire has a module: ``openai_wire.py`` (with ``openai_profiles.py``, the quirks
of the OpenAI-compatible providers, and ``responses_wire.py``, the Responses API),
``anthropic_wire.py`` (Anthropic's Messages API, also on Vertex AI), ``gemini_wire.py``,
``ollama_wire.py``, ``dashscope_wire.py`` and ``hunyuan_wire.py``.
"""

from llm_connector._mock.reply import MockReply
from llm_connector._mock.rows import MOCK_BASE_URLS
from llm_connector._mock.server import MockRepliesExhausted, MockServer

__all__ = ["MOCK_BASE_URLS", "MockRepliesExhausted", "MockReply", "MockServer"]
