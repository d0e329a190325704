"""The two transport shells: ``Client`` (``sync_client.py``, with its streams and step
executor in ``sync_streams.py``) and ``AsyncClient`` (``async_client.py``,
``async_streams.py``). They do the call driver's steps with httpx and decide nothing
(docs/architecture.md)."""
