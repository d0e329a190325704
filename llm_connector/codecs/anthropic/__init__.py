"""Anthropic's Messages API (``POST /v1/messages``), and the dialect knobs of the servers
that speak it (``dialect.py``: Vertex AI, LongCat).

https://platform.claude.com/docs/en/api/messages
"""
