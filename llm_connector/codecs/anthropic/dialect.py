"""How one server speaking Anthropic's Messages API differs from api.anthropic.com: the
dialect knobs (the values, one per provider, are in ``providers/dialects.py``)."""

from __future__ import annotations

import attrs

from llm_connector.types._value import FrozenValue


@attrs.frozen(repr=False, eq=False)
class AnthropicDialect(FrozenValue):
    """How one server speaking the Messages API differs from api.anthropic.com."""

    #: The provider's name, for messages.
    name: str
    #: Vertex AI: the model goes in the URL (``{model}:rawPredict`` / ``:streamRawPredict``)
    #: and ``anthropic_version`` in the body, not the model and the version header.
    vertex: bool = False
    #: ``anthropic-version``: the header's value, or the body field's on Vertex AI.
    version: str = "2023-06-01"
    #: Images and documents accepted.
    media: bool = True
    #: Images and PDFs by URL accepted.
    url_sources: bool = True
    #: Documents by Files API id accepted.
    file_ids: bool = True
    #: The operations beside chat it has.
    models: bool = True
    count_tokens: bool = True


# https://platform.claude.com/docs/en/api/versioning
ANTHROPIC_DIALECT = AnthropicDialect("anthropic")
