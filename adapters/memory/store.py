"""The in-memory database: plain dicts, one writer at a time, real rollback."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from application.shared.ports import ReadOnlyTransaction

T = TypeVar("T")


class MemoryStore:
    """The tables of one process, shared by all its units of work; entities are stored as
    copies. A table is made on first use by the repository that names it, so a new
    repository needs no edit here. `store.users` reads as `store.table("users")`."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self._tables: dict[str, dict[Any, Any]] = {}

    def table(self, name: str) -> dict[Any, Any]:
        return self._tables.setdefault(name, {})

    def __getattr__(self, name: str) -> dict[Any, Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.table(name)


class Journal:
    """Undo steps for the open transaction, run in reverse when it ends without commit.
    Every write records its undo step first, so a read-only journal refuses every write."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], object]] = []
        self.read_only = False

    def check_writable(self) -> None:
        """Called first by every write method, so a write changing nothing fails too."""
        if self.read_only:
            raise ReadOnlyTransaction("a write in a read-only unit of work")

    def record(self, undo: Callable[[], object]) -> None:
        self.check_writable()
        self._undo.append(undo)

    def forget(self) -> None:
        self._undo.clear()

    def roll_back(self) -> None:
        while self._undo:
            self._undo.pop()()


def clone(entity: T) -> T:
    """A shallow copy (fields are immutable values) at a fraction of copy.copy's cost."""
    twin = object.__new__(type(entity))
    twin.__dict__.update(entity.__dict__)
    return twin


def restore(table: dict[str, Any], key: str) -> Callable[[], object]:
    """An undo step that puts `table[key]` back as it is now (or removes it)."""
    if key in table:
        previous = table[key]
        return lambda: table.__setitem__(key, previous)
    return lambda: table.pop(key, None)


def put(journal: Journal, table: dict[Any, Any], key: Any, value: Any) -> None:
    """Set `table[key]`, recording how to undo it first (so a read-only journal refuses)."""
    journal.record(restore(table, key))
    table[key] = value


def changed(entity: T, **changes: Any) -> T:
    """A copy of `entity` with some fields replaced: stored entities are never mutated."""
    twin = clone(entity)
    for name, value in changes.items():
        setattr(twin, name, value)
    return twin
