"""What ``import llm_connector`` loads, and the names it exports lazily.

Import time is measured in bench/ (docs/performance.md). These tests only pin down the
structure behind it: a plain ``import llm_connector`` loads no codec, no mock, and none of
the answer, Responses API, embedding or model-listing classes. Each of those names still resolves
from every package that exports it, and ``dir()`` lists it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import typing

import attrs
import pytest

import llm_connector
import llm_connector.responses
import llm_connector.types

NOT_AT_IMPORT = (
    "llm_connector._mock",
    "llm_connector.calls.responses_route",
    "llm_connector.responses._request",
    "llm_connector.responses._response",
    "llm_connector.responses._event",
    "llm_connector.responses._items",
    "llm_connector.types._embedding",
    "llm_connector.types._models",
    # The chat answers' types and their accumulator: loaded by the first stream.
    "llm_connector.types._response",
    "llm_connector.types._accumulate",
    "llm_connector.codecs.openai_chat.codec",
    "llm_connector.codecs.anthropic.codec",
    "llm_connector.codecs.gemini.codec",
    "llm_connector.codecs.ollama.codec",
    "cattrs",
    # OpenTelemetry (the otel extra): loaded by llm_connector.instrument() only.
    "llm_connector.telemetry",
    "llm_connector.telemetry.otel",
    "opentelemetry",
    "opentelemetry.trace",
)


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out))


def test_import_loads_no_codec_mock_or_feature_types() -> None:
    loaded = _loaded_after("import llm_connector")
    assert "llm_connector.shells.sync_client" in loaded
    assert sorted(loaded & set(NOT_AT_IMPORT)) == []


def test_the_answer_types_load_with_the_first_stream() -> None:
    # Client.mock answers offline, through the same stream core as every provider.
    loaded = _loaded_after(
        "import llm_connector as lc; "
        "request = lc.ChatRequest('m').add_message(lc.Message.user('q')); "
        "assert lc.Client.mock('hi').chat_stream(request).final_response().content == 'hi'"
    )
    assert {"llm_connector.types._response", "llm_connector.types._accumulate"} <= loaded


def test_a_call_without_instrumentation_loads_no_opentelemetry() -> None:
    loaded = _loaded_after(
        "import llm_connector as lc; "
        "request = lc.ChatRequest('m').add_message(lc.Message.user('q')); "
        "lc.Client.mock('hi').chat(request); "
        "assert lc.Client.mock('hi').chat_stream(request).final_response().content == 'hi'"
    )
    assert not {name for name in loaded if name.split(".")[0] == "opentelemetry"}
    assert "llm_connector.telemetry" not in loaded


def test_instrument_loads_the_telemetry_package() -> None:
    loaded = _loaded_after("import llm_connector as lc; lc.instrument(); lc.uninstrument()")
    assert {"llm_connector.telemetry.otel", "opentelemetry.trace"} <= loaded


def test_a_lazy_name_loads_its_module() -> None:
    loaded = _loaded_after("from llm_connector import EmbedRequest")
    assert "llm_connector.types._embedding" in loaded
    assert "llm_connector.types._models" not in loaded


@pytest.mark.parametrize(
    ("package", "names"),
    [
        (
            llm_connector,
            ["EmbedRequest", "EmbedResponse", "MockReply", "MockServer", "ResponsesRequest"],
        ),
        (llm_connector.types, ["Embedding", "Model", "ModelDetails", "ModelPage", "ResponsesItem"]),
        (llm_connector.responses, ["ResponsesRequest", "TERMINAL_EVENTS", "chat_request_for"]),
    ],
    ids=lambda value: getattr(value, "__name__", "names"),
)
def test_lazy_names_resolve_and_are_listed(package: object, names: list[str]) -> None:
    for name in names:
        value = getattr(package, name)
        assert getattr(package, name) is value
        assert name in dir(package)
        assert name in package.__all__  # type: ignore[attr-defined]


def test_every_exported_name_resolves() -> None:
    for package in (llm_connector, llm_connector.types, llm_connector.responses):
        for name in package.__all__:
            assert getattr(package, name) is not None, (package.__name__, name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(
        AttributeError, match=r"module 'llm_connector\.types' has no attribute 'NoSuchType'"
    ):
        _ = llm_connector.types.NoSuchType


def test_every_exported_class_has_resolvable_annotations() -> None:
    # cattrs and typing.get_type_hints() read a class's annotations in its own module: a
    # name imported there only for type checkers would fail them (a NameError).
    checked = 0
    for package in (llm_connector, llm_connector.types, llm_connector.responses):
        for name in package.__all__:
            value = getattr(package, name)
            if isinstance(value, type) and attrs.has(value):
                assert typing.get_type_hints(value), (package.__name__, name)
                checked += 1
    assert checked > 40
