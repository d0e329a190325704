"""``FrozenValue``'s shared repr, ``==`` and hash behave as attrs' generated ones.

Every frozen attrs class of the package says ``repr=False, eq=False`` and inherits
``FrozenValue``, to save import time. Here each class gets a twin that attrs builds with its
own methods, over the same fields and the same per-field ``repr=`` and ``hash=`` settings.
The two must agree: the same repr character for character, and the same answers from
``==`` and ``!=``. Equal values must also hash alike.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from typing import Any

import attrs
import pytest

import llm_connector
from llm_connector.types._value import FrozenValue


def _package_classes() -> list[type[Any]]:
    for info in pkgutil.walk_packages(llm_connector.__path__, "llm_connector."):
        importlib.import_module(info.name)
    found: dict[str, type[Any]] = {}
    pending: list[type[Any]] = [FrozenValue]
    while pending:
        for sub in pending.pop().__subclasses__():
            found[f"{sub.__module__}.{sub.__qualname__}"] = sub
            pending.append(sub)
    return [found[name] for name in sorted(found)]


ALL = _package_classes()
CLASSES = [cls for cls in ALL if attrs.has(cls)]


def test_the_only_other_subclasses_are_the_fast_paths_builders() -> None:
    # The mutable twins the stream decoders build chunks with (_value.builder_of).
    assert sorted(cls.__name__ for cls in ALL if not attrs.has(cls)) == [
        "_DeltaBuilder",
        "_ResponsesStreamEventBuilder",
        "_StreamChoiceBuilder",
        "_StreamingResponseBuilder",
    ]


_TWINS: dict[type[Any], type[Any]] = {}


def _twin(cls: type[Any]) -> type[Any]:
    """``cls``'s fields in a class whose repr, eq and hash attrs generates (one per class)."""
    if cls in _TWINS:
        return _TWINS[cls]
    twin = _TWINS[cls] = attrs.make_class(
        cls.__qualname__,
        {f.name: attrs.field(repr=f.repr, hash=f.hash) for f in attrs.fields(cls)},
        slots=True,
        frozen=True,
    )
    return twin


def _value(field: attrs.Attribute[Any], variant: str) -> Any:
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()
    if default is not attrs.NOTHING and not variant:
        return default
    return f"<{field.name}{variant}>"


def _filled(cls: type[Any], values: dict[str, Any]) -> Any:
    obj = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(obj, name, value)
    return obj


def _pair(cls: type[Any], variant: str = "") -> tuple[Any, Any]:
    values = {f.name: _value(f, variant) for f in attrs.fields(cls)}
    return _filled(cls, values), _filled(_twin(cls), values)


def test_every_frozen_attrs_class_of_the_package_shares_the_methods() -> None:
    assert len(CLASSES) >= 55  # the walk found them (60 at this writing)
    for cls in CLASSES:
        for method in ("__repr__", "__eq__", "__ne__", "__hash__"):
            assert method not in cls.__dict__, f"{cls.__qualname__} compiles its own {method}"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_repr_matches_attrs_own(cls: type[Any]) -> None:
    ours, theirs = _pair(cls)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_equality_and_hash_match_attrs_own(cls: type[Any]) -> None:
    ours, theirs = _pair(cls)
    same, same_twin = _pair(cls)
    other, other_twin = _pair(cls, "-2")
    # The same values: equal, and hashed alike when attrs' twin is hashable at all.
    assert (ours == same) is (theirs == same_twin) is True
    assert (ours != same) is False
    # Different values in every field without a default: unequal if attrs says so.
    assert (ours == other) is (theirs == other_twin)
    assert (ours != other) is (theirs != other_twin)
    # Never equal to another class, even one with the same fields.
    assert ours != theirs
    assert ours.__eq__(theirs) is NotImplemented
    try:
        twin_hashes = hash(theirs) == hash(same_twin)
    except TypeError:  # a field attrs would hash holds a dict: unhashable either way
        with pytest.raises(TypeError):
            hash(ours)
    else:
        assert twin_hashes
        assert hash(ours) == hash(same)


def test_masked_and_hidden_fields() -> None:
    @attrs.frozen(repr=False, eq=False)
    class Secretive(FrozenValue):
        name: str
        key: str = attrs.field(repr=lambda value: "***")
        token: str = attrs.field(default="t", repr=False)

    # A repr= callable returns the text shown, as in attrs.
    assert repr(Secretive("n", "sk-1")) == "Secretive(name='n', key=***)"


def test_nested_values_and_local_class_names() -> None:
    @attrs.frozen(repr=False, eq=False)
    class Leaf(FrozenValue):
        value: float

    @attrs.frozen(repr=False, eq=False)
    class Tree(FrozenValue):
        leaves: tuple[Leaf, ...]
        label: str | None = None

    assert (
        repr(Tree((Leaf(1), Leaf(2)))) == "Tree(leaves=(Leaf(value=1), Leaf(value=2)), label=None)"
    )
    assert Tree((Leaf(1),), "a") == Tree((Leaf(1),), "a")
    assert Tree((Leaf(1),), "a") != Tree((Leaf(1),), "b")
    assert len({Tree((Leaf(1),)), Tree((Leaf(1),)), Tree((Leaf(2),))}) == 2
    # The same NaN object equals itself inside a value, as in a tuple.
    nan = math.nan
    assert Leaf(nan) == Leaf(nan)
    assert Leaf(math.nan) != Leaf(float("nan"))


def test_hash_false_fields_are_left_out_and_eq_keys_apply() -> None:
    @attrs.frozen(repr=False, eq=False)
    class Keyed(FrozenValue):
        name: str = attrs.field(eq=str.lower)
        headers: dict[str, str] = attrs.field(factory=dict, hash=False)

    assert Keyed("A", {"x": "1"}) == Keyed("a", {"x": "1"})
    assert Keyed("A", {"x": "1"}) != Keyed("a", {"x": "2"})
    assert hash(Keyed("b", {"x": "1"})) == hash(Keyed("b", {"y": "2"}))
