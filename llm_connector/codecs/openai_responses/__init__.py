"""OpenAI's Responses API (``POST /responses``), and the Responses events synthesized
from a chat answer where a server has no ``/responses`` (``fallback.py``).

https://platform.openai.com/docs/api-reference/responses/create
"""
