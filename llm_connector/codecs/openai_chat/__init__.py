"""OpenAI chat completions (``POST /chat/completions``), and the dialect knobs of the
servers that speak it (``dialect.py``).

https://platform.openai.com/docs/api-reference/chat/create
"""
