"""The call driver (pure): everything a call decides, once for both clients.

``driver.py`` and ``streaming.py`` turn each client operation into steps (``steps.py``)
that a shell does; ``prepare.py`` checks a request and builds it with the codec;
``stream_core.py`` is what a stream does between frames; ``limits.py``, ``failures.py``,
``attempt_log.py``, ``hooks.py`` and ``redact.py`` are the retries and deadlines, the
typed errors, the log lines and hook values, and the scrubbing of secrets
(docs/architecture.md).
"""
