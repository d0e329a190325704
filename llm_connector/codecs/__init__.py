"""Pure protocol codecs: neutral requests to wire bytes, wire bytes to neutral answers.

- ``contract.py``: what every codec provides and trades in (``RequestSpec``, ``Frame``,
  ``StreamDecoder``, ``ChatCodec``, ``Endpoint``, ``ErrorInfo``).
- ``json_readers.py``, ``error_bodies.py``, ``reasoning.py``, ``think_tags.py``: what the
  protocols share (tolerant JSON readers, error bodies, reasoning switches, ``<think>``).
- ``framing/``: the frame readers (SSE, NDJSON), bytes in, frames out, by name.
- One package per protocol (``openai_chat``, ``openai_responses``, ``anthropic``,
  ``gemini``, ``ollama``, ``dashscope``, ``hunyuan``), each with ``codec.py`` (the
  ``ChatCodec``), ``request.py`` (request bodies), ``parse.py`` (whole answers and error
  bodies) and ``stream.py`` (the stream decoder), plus what only that protocol has.

Nothing here does I/O, sleeps or reads the clock or the environment (docs/architecture.md).
"""
