"""One row per provider: every row of the table has a constructor on both clients, a row in
the README's provider table that agrees with its capabilities, a mock, and at least one
recorded transcript among the tests' data; the public view of the table.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

import llm_connector
from llm_connector import AsyncClient, Capabilities, Client, ProviderInfo, RequestValidationError
from llm_connector.providers.spec import ProviderSpec
from llm_connector.providers.table import PROVIDERS
from llm_connector.shells.constructors import ProviderConstructors, _Constructor
from tests.support.protocols import COMPAT_TRANSCRIPTS

README = Path(__file__).resolve().parents[2] / "README.md"
ROWS = [pytest.param(row, id=row.name) for row in PROVIDERS.values()]
CLIENTS = [pytest.param(Client, id="sync"), pytest.param(AsyncClient, id="async")]
ENV_VARS = {name for row in PROVIDERS.values() for name in (*row.api_key_env, *row.base_url_env)}


@pytest.fixture(autouse=True)
def no_provider_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    aws = {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    for name in ENV_VARS | aws | {"ANTHROPIC_VERTEX_PROJECT_ID", "CLOUD_ML_REGION"}:
        monkeypatch.delenv(name, raising=False)


def build(cls: Any, row: ProviderSpec) -> Any:
    """A client of ``row`` through the constructor users call, with what it needs."""
    name = row.constructor_name
    constructor = getattr(cls, name)
    if row.compatible_preset:
        return constructor("k", "http://localhost:1/v1", row.name)
    if row.name == "zai":
        return constructor("k", region="international")
    arguments: dict[str, Any] = {
        "openai_compatible": {"api_key": "k", "base_url": "http://localhost:1/v1"},
        "azure_openai": {"api_key": "k", "endpoint": "https://r.openai.azure.com"},
        "anthropic_vertex": {"project": "p", "region": "us-east5", "access_token": "t"},
        "tencent": {"secret_id": "AKIDid", "secret_key": "secret"},
        "bedrock": {"region": "us-east-1", "api_key": "k"},
        "ollama": {},
        "mock": {},
    }.get(name, {"api_key": "k"})
    return constructor(**arguments)


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("row", ROWS)
def test_every_row_has_a_constructor_on_both_clients(cls: Any, row: ProviderSpec) -> None:
    client = build(cls, row)
    assert type(client) is cls
    assert client.provider == row.name
    assert client.capabilities is row.capabilities


def test_the_constructors_are_those_of_the_rows() -> None:
    constructors = {
        name: value.protocol.lower()
        for name, value in vars(ProviderConstructors).items()
        if isinstance(value, _Constructor)
    }
    own = {row.name: row.constructor for row in PROVIDERS.values() if row.constructor is not None}
    assert constructors == own
    # A row without a constructor of its own is reached through one that exists.
    for row in PROVIDERS.values():
        if row.constructor is None:
            assert row.via in own, row.name


@pytest.mark.parametrize("cls", CLIENTS)
def test_a_constructor_has_its_row_documentation(cls: Any) -> None:
    assert cls.deepseek.__doc__ == (
        "DeepSeek. ``api_key`` defaults to ``$DEEPSEEK_API_KEY``, ``base_url`` to\n"
        "``https://api.deepseek.com``."
    )
    assert cls.deepseek.__qualname__ == f"{cls.__name__}.deepseek"


def test_http_client_must_be_the_clients_own() -> None:
    with (
        httpx.Client() as sync_http,
        pytest.raises(RequestValidationError, match=r"AsyncClient needs an httpx\.AsyncClient"),
    ):
        AsyncClient.openai("k", http_client=sync_http)  # type: ignore[arg-type]


# -- the README --------------------------------------------------------------------------


def readme_rows() -> dict[str, list[str]]:
    """The README's provider table: its first cell (the constructor call) to its cells."""
    text = README.read_text("utf-8")
    table = text[text.index("## Providers") :]
    rows = {}
    for line in table.splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            rows[cells[0]] = cells
    return rows


def readme_row(row: ProviderSpec) -> list[str]:
    rows = readme_rows()
    if row.compatible_preset:
        (found,) = [c for k, c in rows.items() if k.endswith(f'"{row.name}")`')]
    elif row.name == "zai":
        (found,) = [c for k, c in rows.items() if 'region="international")` (Z.ai)' in k]
    else:
        (found,) = [
            c
            for k, c in rows.items()
            if k.startswith(f"`{row.name}(") and '"' not in k and "(Z.ai)" not in k
        ]
    return found


@pytest.mark.parametrize("row", ROWS)
def test_every_row_has_a_readme_row_that_agrees_with_it(row: ProviderSpec) -> None:
    cells = readme_row(row)
    vision, embeddings, models = cells[6], cells[7], cells[8]
    caps = row.capabilities
    if row.name != "mock":  # the mock's vision is whatever the scripted reply says
        assert vision.startswith("no") is not caps.vision, vision
    assert embeddings.startswith("no") is not caps.embeddings, embeddings
    assert models.startswith("no") is not caps.models, models
    if caps.count_tokens:
        assert "count_tokens" in models
    if row.default_base_url and row.name != "mock":
        assert row.default_base_url.replace("https://", "").rstrip("/") in cells[1]
    for name in row.api_key_env:
        assert f"${name}" in cells[2]


def test_the_readme_has_no_row_without_a_provider() -> None:
    assert len(readme_rows()) == len(PROVIDERS)


# -- the public view ---------------------------------------------------------------------


def test_supported_providers_are_the_rows_but_the_mock() -> None:
    names = llm_connector.supported_providers()
    assert set(names) == set(PROVIDERS) - {"mock"}
    assert len(names) == len(set(names))
    assert {"openai", "anthropic", "google", "ollama", "groq", "tencent"} <= set(names)


def test_provider_info() -> None:
    info = llm_connector.provider_info("groq")
    assert info == ProviderInfo(
        name="groq",
        protocol="openai_chat",
        default_base_url="https://api.groq.com/openai/v1",
        api_key_env=("GROQ_API_KEY",),
        capabilities=Capabilities(),
        constructor="openai_compatible",
    )
    anthropic = llm_connector.provider_info("anthropic").capabilities
    assert (anthropic.count_tokens, anthropic.embeddings) == (True, False)
    assert llm_connector.provider_info("ollama").capabilities.model_management is True
    assert llm_connector.provider_info("openai").capabilities.responses is True
    assert llm_connector.provider_info("zai").constructor == "zhipu_openai_compatible"


def test_an_unknown_provider_names_the_known_ones() -> None:
    with pytest.raises(RequestValidationError) as caught:
        llm_connector.provider_info("anthropc")
    assert caught.value.field == "provider"
    message = caught.value.problem
    assert message.startswith("unknown provider 'anthropc'; the providers are: ")
    assert re.findall(r"\b(anthropic|openai|groq)\b", message) == ["anthropic", "groq", "openai"]


# -- recorded transcripts -----------------------------------------------------------------

#: Rows whose answers no public recording was found for (tests/data/MANIFEST.md says where
#: was searched: other projects' cassettes, fixtures and docs); their wire is that of their
#: protocol, tested through their dialect and their mock. A transcript found for one of
#: them moves it out of this set (the test below fails until it does).
WITHOUT_A_RECORDING = frozenset(
    {
        "xiaomi",
        "longcat",
        "longcat_anthropic",
        "minimax",
        "moonshot",
        "zhipu",
        "zhipu_openai_compatible",
        "xinference",
        "mock",  # the offline mock is the tests' own server
    }
)


def rows_with_a_transcript() -> dict[str, list[str]]:
    """Each provider row, with the recorded transcripts its client decodes in the tests."""
    data = Path(__file__).resolve().parents[1] / "data"
    found: dict[str, list[str]] = {}
    with httpx.Client() as http:
        for transcript in COMPAT_TRANSCRIPTS:
            row = transcript.make(Client, http).provider
            found.setdefault(row, []).append(transcript.id)
    by_folder = {
        "openai": "openai-chat/*.sse",
        "anthropic": "anthropic/[!v]*.sse",
        "anthropic_vertex": "anthropic/vertex-*.sse",
        "google": "gemini/*.sse",
        "ollama": "ollama/*.ndjson",
        "lmstudio": "openai-responses/lmstudio-*.sse",
        "bedrock": "bedrock/*.eventstream",
    }
    for row, pattern in by_folder.items():
        found.setdefault(row, []).extend(str(p.relative_to(data)) for p in data.glob(pattern))
    return found


def test_every_row_has_a_recorded_transcript() -> None:
    found = rows_with_a_transcript()
    assert all(found.values())
    assert set(PROVIDERS) - set(found) == WITHOUT_A_RECORDING
