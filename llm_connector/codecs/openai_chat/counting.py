"""``count_tokens`` for the providers of OpenAI's chat protocol that have an endpoint for it
(which rows do is their ``capabilities.count_tokens``; the call refuses the others before
this is reached, calls/prepare.py). The request counted is the one chat would send:
system prompt, messages, images, tools and tool choice included.

- OpenAI: ``POST /responses/input_tokens``, a Responses body made from the chat request
  (https://platform.openai.com/docs/api-reference/responses/input-tokens), answered
  ``{"object": "response.input_tokens", "input_tokens": N}``.
- llama.cpp's server (and the compatible servers in general): its Anthropic endpoint,
  ``POST <base>/messages/count_tokens``, which applies the model's chat template, tools
  included (https://github.com/ggml-org/llama.cpp/tree/master/tools/server), answered
  ``{"input_tokens": N}``; the key goes as the chat requests' Bearer token.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import attrs

from llm_connector.codecs.contract import Endpoint, RequestSpec, dump_json, merge_headers
from llm_connector.types import ChatRequest

if TYPE_CHECKING:
    from llm_connector.codecs.openai_chat.dialect import OpenAIDialect

__all__ = ["count_tokens_request"]

#: The fields ``/responses/input_tokens`` takes of a Responses body.
_INPUT_TOKENS_FIELDS = frozenset(
    {
        "conversation",
        "input",
        "instructions",
        "model",
        "parallel_tool_calls",
        "previous_response_id",
        "reasoning",
        "text",
        "tool_choice",
        "tools",
        "truncation",
    }
)


def _headers(endpoint: Endpoint) -> dict[str, str]:
    return merge_headers(
        {"Content-Type": "application/json", "Accept": "application/json"},
        endpoint.auth_headers(),
        endpoint.headers,
    )


def _responses_input_tokens(request: ChatRequest, endpoint: Endpoint) -> RequestSpec:
    from llm_connector.codecs.openai_responses.request import request_body
    from llm_connector.responses import Reasoning, ResponsesRequest

    request.validate()
    responses = ResponsesRequest(
        model=request.model,
        input=request.messages,
        tools=request.tools,
        tool_choice=request.tool_choice,
        parallel_tool_calls=request.parallel_tool_calls,
        reasoning=Reasoning(request.reasoning_effort) if request.reasoning_effort else None,
        text_format=request.response_format,
    )
    body = request_body(responses, stream=False)
    if request.extra_body:
        body.update(request.extra_body)
    # What the endpoint does not take (sampling, output limits) is left out, as the
    # Anthropic codec leaves it out of its count (it would be refused).
    body = {key: value for key, value in body.items() if key in _INPUT_TOKENS_FIELDS}
    return RequestSpec(
        "POST", endpoint.url("/responses/input_tokens"), _headers(endpoint), dump_json(body)
    )


def _anthropic_count_tokens(request: ChatRequest, endpoint: Endpoint) -> RequestSpec:
    from llm_connector.codecs.anthropic.codec import AnthropicCodec

    # The Anthropic body of the same request, sent with this endpoint's own auth.
    spec = AnthropicCodec().build_count_tokens(request, _keyless(endpoint))
    return RequestSpec(
        "POST",
        endpoint.url("/messages/count_tokens"),
        merge_headers(spec.headers, endpoint.auth_headers(), endpoint.headers),
        spec.body,
    )


def _keyless(endpoint: Endpoint) -> Endpoint:
    """``endpoint`` without its key: the Anthropic builder would put it in ``x-api-key``."""
    return attrs.evolve(endpoint, api_key=None, headers={})


#: dialect name -> how it counts; any other compatible dialect: llama.cpp's way.
_COUNTERS: Mapping[str, Callable[[ChatRequest, Endpoint], RequestSpec]] = {
    "openai": _responses_input_tokens,
}


def count_tokens_request(
    request: ChatRequest, endpoint: Endpoint, dialect: OpenAIDialect
) -> RequestSpec:
    """The request that counts ``request``'s input tokens with ``dialect``'s provider."""
    build = _COUNTERS.get(dialect.name, _anthropic_count_tokens)
    return build(request, endpoint)
