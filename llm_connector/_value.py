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
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["FrozenValue"]


class FrozenValue:
    """Mixin for ``@attrs.frozen(repr=False, eq=False)`` classes: attrs' repr, equality
    and hash, shared rather than generated per class."""

    __slots__ = ()

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
