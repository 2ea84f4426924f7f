"""Views copy an entity's fields by name: written once, not per field per layer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
from typing import Any, TypeVar

V = TypeVar("V")

# Per view type: its field names and one attrgetter reading them all (measured: a list
# endpoint builds 50 views a request, and a getattr per field per view showed).
_READERS: dict[type, tuple[tuple[str, ...], Callable[[object], Any]]] = {}


def _reader(view_type: type) -> tuple[tuple[str, ...], Callable[[object], Any]]:
    reader = _READERS.get(view_type)
    if reader is None:
        names = tuple(field.name for field in fields(view_type))
        get = attrgetter(*names)
        read = get if len(names) > 1 else lambda source: (get(source),)  # always a tuple
        reader = _READERS[view_type] = (names, read)
    return reader


def field_names(view_type: type) -> tuple[str, ...]:
    return _reader(view_type)[0]


def view_of(view_type: type[V], source: object) -> V:
    """A `view_type` dataclass with each of its fields read from `source` by name."""
    return view_type(*_reader(view_type)[1](source))


def fields_of(view: object) -> dict[str, Any]:
    """A view dataclass's fields as a dict (cheaper than dataclasses.asdict: no deep copy)."""
    names, read = _reader(type(view))
    return dict(zip(names, read(view), strict=True))
