"""Everything the tests share, and the only part of the tests package a test module or a
conftest may import (tests/architecture/test_test_imports.py checks it).

- Clients and servers: ``facade`` (one async-shaped way to drive either client),
  ``loopback`` and ``mock_backend`` (scripted servers), ``script`` (replies), ``pool``,
  ``load`` and ``load_server``, ``backends`` (the values and types the client fixtures hand
  out), ``fixtures`` (the fixtures several conftests share), ``streams``, ``hooks``,
  ``<protocol>_clients``, ``llama`` (the end-to-end server and calls), ``hostile`` (the
  five wires of the hostile-server tests and their well-behaved answers).
- Data and oracles: ``paths``, ``framing`` (the tests' own SSE and NDJSON splitters),
  ``<protocol>_oracle`` (transcripts, expected files, independent oracles), ``answers``
  (answers in the expected files' shape), ``expected`` (each protocol's reference check),
  ``truncation`` (what a stream cut short must give).
- Harnesses: ``byte_path`` (bodies in chosen pieces through the real clients),
  ``protocols`` (the table of every protocol the byte tests run), ``decoders`` (the
  decoders the generic fuzz properties cover), ``fuzz`` and ``<protocol>_fuzz`` (hypothesis
  strategies and type checks), ``<protocol>_requests`` and ``anthropic_streams`` (request
  and frame builders), ``compressed`` and ``encoding_fuzz`` (Content-Encoding builders and
  the encoding fuzz's cases).
"""
