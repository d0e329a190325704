"""One embedding vector of an ``EmbedResponse``.

Apart from ``_response.py`` so that ``import llm_connector`` does not build its class: it
is loaded (through ``llm_connector.types``) by the codecs that parse embeddings.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Embedding:
    index: int
    embedding: list[float] = attrs.field(hash=False)
