"""``FrozenValue``: the ``__repr__``, ``__eq__`` and ``__hash__`` of every frozen attrs
class of the package, written once.

attrs writes these methods for each class it builds and compiles their source when the
class is created. That costs about 0.25 ms a class, which came to 9 ms of
``import llm_connector`` (docs/performance.md has the import budget). So the classes say
``@attrs.frozen(repr=False, eq=False)`` and inherit these instead. They behave as attrs'
own:

- ``repr``: ``Name(field=value, ...)`` with the fields in order. Each field goes through
  its own ``repr=`` callable (that is how keys are masked); ``repr=False`` fields are left
  out.
- ``==``: only between instances of the same class, comparing the fields with ``eq``
  (through their ``eq_key`` when they have one); ``!=`` is object's, its negation.
- ``hash``: over the fields that take part in it; ``hash=False`` fields are left out.

None of them is on a hot path. Which fields take part is read once per class.

``builder_of`` makes the mutable twin of such a class that the stream decoders build
chunks with (types/_fast.py).
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["FrozenValue", "builder_of"]


class FrozenValue:
    """Mixin for ``@attrs.frozen(repr=False, eq=False)`` classes: attrs' repr, equality
    and hash, shared rather than generated per class."""

    # ``__weakref__`` here rather than in each class (attrs then adds none of its own):
    # a class whose weakref slot follows its fields cannot take ``__class__`` assignment
    # from a twin with the same slots, which is how types/_fast.py builds stream chunks.
    __slots__ = ("__weakref__",)

    def __repr__(self) -> str:
        cls: type[Any] = type(self)
        shown = []
        for name, show in _fields(cls)[0]:
            value = getattr(self, name, attrs.NOTHING)
            shown.append(f"{name}={repr(value) if show is None else show(value)}")
        # attrs' rule for the name: a class defined in a function drops the "<locals>" path.
        return f"{cls.__qualname__.rsplit('>.', 1)[-1]}({', '.join(shown)})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        # Tuples, as attrs compares: an element is equal to itself (a NaN too).
        cls: type[Any] = type(self)
        compared = _fields(cls)[1]
        return _values(self, compared) == _values(other, compared)

    def __hash__(self) -> int:
        cls: type[Any] = type(self)
        return hash((cls, *(getattr(self, name) for name in _fields(cls)[2])))


def builder_of(cls: type[Any], *names: str) -> Any:
    """A mutable twin of the frozen class ``cls``, whose fields are ``names``: the same
    slots and base, no frozen ``__setattr__``. An instance of it, its fields set by plain
    attribute stores, becomes a ``cls`` by ``__class__`` assignment, which CPython allows
    between classes of one layout; that is the cheapest way to build a frozen object on a
    hot path (types/_fast.py). Raises at import if ``names`` is out of date with ``cls``
    or the interpreter refuses the assignment."""
    fields = tuple(field.name for field in cls.__attrs_attrs__)
    if fields != names or cls.__bases__ != (FrozenValue,):  # pragma: no cover
        raise AssertionError(f"the builder of {cls.__name__} is out of date: {fields}")
    builder = type(f"_{cls.__name__}Builder", (FrozenValue,), {"__slots__": names})
    probe: Any = object.__new__(builder)
    probe.__class__ = cls  # a TypeError here: the layouts differ
    return builder


def _values(value: object, compared: tuple[tuple[str, Any], ...]) -> tuple[Any, ...]:
    return tuple(
        getattr(value, name) if key is None else key(getattr(value, name)) for name, key in compared
    )


# Per class: the fields a repr shows (name, repr callable or None for ``repr``), those
# ``==`` compares (name, ``eq_key`` or None) and those a hash covers.
_Fields = tuple[tuple[tuple[str, Any], ...], tuple[tuple[str, Any], ...], tuple[str, ...]]
_BY_CLASS: dict[type[Any], _Fields] = {}


def _fields(cls: type[Any]) -> _Fields:
    found = _BY_CLASS.get(cls)
    if found is None:
        fields: tuple[attrs.Attribute[Any], ...] = cls.__attrs_attrs__
        found = _BY_CLASS[cls] = (
            tuple(
                (f.name, None if f.repr is True else f.repr) for f in fields if f.repr is not False
            ),
            # attrs keeps a field's ``eq=callable`` as ``eq_key`` (its stubs do not name it).
            tuple((f.name, getattr(f, "eq_key", None)) for f in fields if f.eq),
            # attrs' rule: the compared fields, less those that say ``hash=False``.
            tuple(f.name for f in fields if (f.eq if f.hash is None else f.hash)),
        )
    return found
