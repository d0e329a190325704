"""The URLs of the providers whose base URL is computed: from an environment variable in
the provider's own format (Ollama, Azure OpenAI), or from a project and region (Vertex AI).
The provider rows (``table.py``) and constructors name these functions."""

from __future__ import annotations

from urllib.parse import quote

from llm_connector.errors import RequestValidationError
from llm_connector.providers.environment import env_value


def ollama_host(value: str) -> str:
    """``$OLLAMA_HOST`` as Ollama itself reads it: the scheme and the port may be left out
    (``0.0.0.0``, ``localhost:11434``, ``https://ollama.example``).
    https://github.com/ollama/ollama/blob/main/docs/faq.md#how-do-i-configure-ollama-server
    """
    value = value.strip().rstrip("/")
    if "://" not in value:
        value = "http://" + value
    scheme, _, rest = value.partition("://")
    host = rest.split("/", 1)[0]
    if ":" not in host.rsplit("]", 1)[-1]:  # no port (an IPv6 host is bracketed)
        default = "443" if scheme == "https" else "11434"
        value = value.replace(host, f"{host}:{default}", 1)
    return value


def azure_endpoint(value: str) -> str:
    """``$AZURE_OPENAI_ENDPOINT`` (the resource URL, as Azure's portal and the openai SDK
    give it) as a base URL: the ``/openai/v1`` form, which needs no api-version.
    https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle"""
    return azure_base_url(value, None)


def azure_base_url_from_env(endpoint: str | None, api_version: str | None) -> str:
    """azure_base_url() with the variables the official openai SDK reads for what is not
    given: ``$AZURE_OPENAI_ENDPOINT`` and ``$OPENAI_API_VERSION``."""
    endpoint = endpoint or env_value(["AZURE_OPENAI_ENDPOINT"])
    if not endpoint:
        raise RequestValidationError(
            "endpoint", "the Azure OpenAI resource URL is required (or $AZURE_OPENAI_ENDPOINT)"
        )
    return azure_base_url(endpoint, api_version or env_value(["OPENAI_API_VERSION"]))


def azure_base_url(endpoint: str, api_version: str | None) -> str:
    """The base URL for an Azure OpenAI resource: ``{endpoint}/openai?api-version=...``
    (deployments in the path), or with no api-version the ``{endpoint}/openai/v1`` form.
    ``endpoint`` is the resource URL; a trailing ``/openai`` or ``/openai/v1`` is accepted.
    https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle"""
    base = endpoint.strip().rstrip("/")
    for suffix in ("/openai/v1", "/openai"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    if api_version:
        return f"{base}/openai?api-version={quote(api_version, safe='-.')}"
    return f"{base}/openai/v1"


def vertex_base_url(project: str | None, region: str | None) -> str:
    """The Vertex AI URL under which Claude models live, for a project and region (each
    defaulting to the environment variables Anthropic's own SDK reads)."""
    project = project or env_value(["ANTHROPIC_VERTEX_PROJECT_ID"])
    region = region or env_value(["CLOUD_ML_REGION"])
    if not project:
        raise RequestValidationError(
            "project", "a Google Cloud project is required (or $ANTHROPIC_VERTEX_PROJECT_ID)"
        )
    if not region:
        raise RequestValidationError(
            "region", "a Vertex AI region is required (or $CLOUD_ML_REGION)"
        )
    # The "global" endpoint has no region prefix in its host name.
    host = (
        "aiplatform.googleapis.com" if region == "global" else f"{region}-aiplatform.googleapis.com"
    )
    return f"https://{host}/v1/projects/{project}/locations/{region}/publishers/anthropic/models"
