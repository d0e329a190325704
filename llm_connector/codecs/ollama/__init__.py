"""Ollama's native API (``/api/chat``, NDJSON streams, model management).

https://github.com/ollama/ollama/blob/main/docs/api.md
"""
