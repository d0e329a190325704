"""Which provider rows try OpenAI's ``/responses`` first (``ProviderSpec.native_responses``).

A row that does tries the native route and, should a deployment lack it, falls back to
chat completions once and remembers; a row that does not always goes through chat
(the translation), which works but lacks what only the native route has
(``previous_response_id``, hosted tools, reasoning summaries).
"""

from __future__ import annotations

import pytest

from llm_connector.providers.table import PROVIDERS, provider

# row -> evidence that the service serves /responses
SERVES_RESPONSES = {
    "openai": "https://platform.openai.com/docs/api-reference/responses",
    "openai_compatible": "tries, then falls back (tests/responses/test_fallback.py)",
    "deepseek": "recorded: tests/data/openai-responses/deepseek-reasoning-*.sse",
    "openrouter": "recorded: tests/data/openai-responses/openrouter-reasoning-text.sse",
    "xai": "documented by gateways (see _providers.py)",
    "llamacpp": "the e2e server: tests/e2e/test_llama_responses.py",
    "lmstudio": "recorded: tests/data/openai-responses/lmstudio-tool-call.sse",
    "vllm": "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
}


@pytest.mark.parametrize("row", SERVES_RESPONSES)
def test_rows_that_serve_responses_try_it(row: str) -> None:
    assert provider(row).native_responses is True


@pytest.mark.parametrize("row", sorted(set(PROVIDERS) - set(SERVES_RESPONSES)))
def test_other_rows_go_through_their_chat_protocol(row: str) -> None:
    assert provider(row).native_responses is False
