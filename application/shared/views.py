"""Views copy an entity's fields by name: written once, not per field per layer."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

V = TypeVar("V")

_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(view_type: type) -> tuple[str, ...]:
    names = _NAMES.get(view_type)
    if names is None:
        names = _NAMES[view_type] = tuple(field.name for field in fields(view_type))
    return names


def view_of(view_type: type[V], source: object) -> V:
    """A `view_type` dataclass with each of its fields read from `source` by name."""
    return view_type(**{name: getattr(source, name) for name in field_names(view_type)})


def fields_of(view: object) -> dict[str, Any]:
    """A view dataclass's fields as a dict (cheaper than dataclasses.asdict: no deep copy)."""
    return {name: getattr(view, name) for name in field_names(type(view))}
