"""The constructors of issue 6 on both clients: official URLs, key variables, regions,
openai_compatible presets and think_tags, and the registry rows behind them."""

from __future__ import annotations

from typing import Any

import pytest

from llm_connector import AsyncClient, Client, RequestValidationError
from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from llm_connector.providers.table import PROVIDERS, compatible_preset

CLIENTS = pytest.mark.parametrize("cls", [Client, AsyncClient])

# (constructor, its keyword options, registry row, default base URL, key variables)
ROWS = [
    ("deepseek", {}, "deepseek", "https://api.deepseek.com", ["DEEPSEEK_API_KEY"]),
    ("moonshot", {}, "moonshot", "https://api.moonshot.cn/v1", ["MOONSHOT_API_KEY"]),
    (
        "moonshot",
        {"region": "international"},
        "moonshot",
        "https://api.moonshot.ai/v1",
        ["MOONSHOT_API_KEY"],
    ),
    (
        "zhipu",
        {},
        "zhipu",
        "https://open.bigmodel.cn/api/paas/v4",
        ["ZHIPUAI_API_KEY", "ZHIPU_API_KEY"],
    ),
    (
        "zhipu_openai_compatible",
        {},
        "zhipu_openai_compatible",
        "https://open.bigmodel.cn/api/paas/v4",
        ["ZHIPUAI_API_KEY", "ZHIPU_API_KEY"],
    ),
    (
        "zhipu_openai_compatible",
        {"region": "international"},
        "zai",
        "https://api.z.ai/api/paas/v4",
        ["ZAI_API_KEY"],
    ),
    ("aliyun", {}, "aliyun", "https://dashscope.aliyuncs.com/api/v1", ["DASHSCOPE_API_KEY"]),
    (
        "aliyun",
        {"region": "international"},
        "aliyun",
        "https://dashscope-intl.aliyuncs.com/api/v1",
        ["DASHSCOPE_API_KEY"],
    ),
    (
        "aliyun_openai_compatible",
        {},
        "aliyun_openai_compatible",
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
        ["DASHSCOPE_API_KEY"],
    ),
    (
        "volcengine",
        {},
        "volcengine",
        "https://ark.cn-beijing.volces.com/api/v3",
        ["ARK_API_KEY"],
    ),
    ("xiaomi", {}, "xiaomi", "https://api.xiaomimimo.com/v1", ["MIMO_API_KEY", "XIAOMI_API_KEY"]),
    (
        "tencent_openai_compatible",
        {},
        "tencent_openai_compatible",
        "https://api.hunyuan.cloud.tencent.com/v1",
        ["HUNYUAN_API_KEY"],
    ),
]


def clear_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for spec in PROVIDERS.values():
        for name in spec.api_key_env:
            monkeypatch.delenv(name, raising=False)


@CLIENTS
@pytest.mark.parametrize(("constructor", "options", "row", "url", "env"), ROWS)
def test_official_url_and_key_variables(
    cls: Any,
    constructor: str,
    options: dict[str, Any],
    row: str,
    url: str,
    env: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clear_keys(monkeypatch)
    keyless = getattr(cls, constructor)(**options)
    with pytest.raises(RequestValidationError) as caught:
        keyless._driver.settings.endpoint(None, None, {})
    assert caught.value.field == "api_key"
    for name in reversed(env):  # the first variable wins
        monkeypatch.setenv(name, f"key-from-{name}")
    client = getattr(cls, constructor)(**options)
    assert (client.provider, client.base_url) == (row, url)
    endpoint, _ = client._driver.settings.endpoint(None, None, {})
    assert endpoint.api_key == f"key-from-{env[0]}"
    explicit = getattr(cls, constructor)("explicit", "https://proxy.example/v1", **options)
    assert explicit.base_url == "https://proxy.example/v1"


@pytest.mark.parametrize(
    ("name", "url", "env"),
    [
        ("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
        ("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY"),
        ("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY"),
        ("xai", "https://api.x.ai/v1", "XAI_API_KEY"),
        ("siliconflow", "https://api.siliconflow.cn/v1", "SILICONFLOW_API_KEY"),
        ("longcat", "https://api.longcat.chat/openai/v1", "LONGCAT_API_KEY"),
        ("minimax", "https://api.minimax.io/v1", "MINIMAX_API_KEY"),
        ("xinference", "http://127.0.0.1:9997/v1", None),
        ("vllm", "http://localhost:8000/v1", "VLLM_API_KEY"),
        ("llamacpp", "http://localhost:8080/v1", None),
        ("lmstudio", "http://localhost:1234/v1", None),
    ],
)
def test_openai_compatible_presets(
    name: str, url: str, env: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear_keys(monkeypatch)
    if env:
        monkeypatch.setenv(env, "preset-key")
    client = Client.openai_compatible(name=name)
    assert (client.provider, client.name, client.base_url) == (name, name, url)
    assert client._driver.settings.endpoint(None, None, {})[0].api_key == (
        "preset-key" if env else None
    )
    # A differently spelled name finds the preset; an unknown one is a label only.
    assert compatible_preset(name.upper()) == name
    assert compatible_preset("my-" + name) is None


def test_generic_openai_compatible_needs_a_base_url() -> None:
    with pytest.raises(RequestValidationError) as caught:
        Client.openai_compatible("k", name="my-server")
    assert caught.value.field == "base_url"
    assert str(caught.value) == (
        "base_url: openai_compatible(name='my-server') needs a base_url: 'my-server' is not"
        " a preset (the presets are: groq, llamacpp, lmstudio, longcat, minimax, mistral,"
        " openrouter, siliconflow, vllm, xai, xinference)"
    )


@CLIENTS
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("grok", "did you mean 'groq'?"),
        ("Grok", "did you mean 'groq'?"),
        ("lm-studios", "did you mean 'lmstudio'?"),
        ("vlm", "did you mean 'vllm'?"),
    ],
)
def test_openai_compatible_misspelled_preset(
    cls: type[Client] | type[AsyncClient], name: str, message: str
) -> None:
    # Without a base_url the name can only pick a preset: a typo says so (issue 25).
    with pytest.raises(RequestValidationError) as caught:
        cls.openai_compatible("k", name=name)
    assert caught.value.field == "name"
    assert str(caught.value) == (
        f"name: unknown openai_compatible preset {name!r}; {message}"
        " (pass base_url= to name a server of your own)"
    )


@CLIENTS
def test_openai_compatible_free_form_name_with_base_url(
    cls: type[Client] | type[AsyncClient],
) -> None:
    # With a base_url a name is a label, even one near a preset's.
    client = cls.openai_compatible("k", "http://localhost:1/v1", name="grok")
    assert (client.provider, client.name, client.base_url) == (
        "openai_compatible",
        "grok",
        "http://localhost:1/v1",
    )


@pytest.mark.parametrize(
    ("think_tags", "knobs"),
    [(None, (False, False)), (True, (True, False)), ("implicit", (True, True))],
)
def test_think_tags_option(think_tags: Any, knobs: tuple[bool, bool]) -> None:
    client = Client.openai_compatible("k", "http://x/v1", think_tags=think_tags)
    codec = client._driver.settings.codec
    assert isinstance(codec, OpenAIChatCodec)
    dialect = codec.dialect
    assert (dialect.think_tags, dialect.think_tags_implicit_open) == knobs
    assert client.provider == "openai_compatible"
    # The same options give the same registry row, built once.
    again = Client.openai_compatible("k", "http://x/v1", think_tags=think_tags)
    assert again._driver.settings.row is client._driver.settings.row


def test_regions_are_checked() -> None:
    for constructor in (
        "moonshot",
        "aliyun",
        "aliyun_openai_compatible",
        "zhipu_openai_compatible",
    ):
        with pytest.raises(RequestValidationError) as caught:
            getattr(Client, constructor)("k", region="mars")
        assert caught.value.field == "region"


def test_tencent_key_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_keys(monkeypatch)
    client = Client.tencent("AKIDid", "secret")
    assert client._driver.settings.endpoint(None, None, {})[0].api_key == "AKIDid:secret"
    assert client.base_url == "https://hunyuan.tencentcloudapi.com"
    with pytest.raises(RequestValidationError) as caught:
        Client.tencent("AKID:id", "secret")
    assert caught.value.field == "secret_id"
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDenv")
    with pytest.raises(RequestValidationError):  # one half of the pair is no key
        Client.tencent()._driver.settings.endpoint(None, None, {})
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "envsecret")
    assert (
        Client.tencent()._driver.settings.endpoint(None, None, {})[0].api_key == "AKIDenv:envsecret"
    )


def test_azure_forms() -> None:
    deployments = Client.azure_openai("k", "https://res.openai.azure.com/openai", "2024-10-21")
    assert deployments.base_url == "https://res.openai.azure.com/openai?api-version=2024-10-21"
    v1 = Client.azure_openai("k", "https://res.openai.azure.com/openai/v1/")
    assert v1.base_url == "https://res.openai.azure.com/openai/v1"


def test_every_row_is_reachable_from_a_constructor() -> None:
    by_other_means = {
        "zai": "zhipu_openai_compatible(region='international')",
        "anthropic_vertex": "anthropic_vertex",
        "mock": "mock",
    }
    for name, spec in PROVIDERS.items():
        assert hasattr(Client, name) or spec.compatible_preset or name in by_other_means, name
