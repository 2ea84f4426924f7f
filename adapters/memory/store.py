"""The in-memory database: plain dicts, one writer at a time, real rollback."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from application.shared.ports import LockNotHeld, ReadOnlyTransaction

T = TypeVar("T")


class MemoryTables:
    """One namespace of tables (a context's, or the shared kernel's): two contexts may
    name a table alike without meeting. A table is made on first use by the repository
    that names it, so a new repository needs no edit here."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[Any, Any]] = {}

    def table(self, name: str) -> dict[Any, Any]:
        return self._tables.setdefault(name, {})


class MemoryStore:
    """The tables of one process, shared by all its units of work; entities are stored as
    copies. `store.of("shop")` is the shop's namespace, `store.of("shared")` the kernel's."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self._namespaces: dict[str, MemoryTables] = {}

    def of(self, namespace: str) -> MemoryTables:
        return self._namespaces.setdefault(namespace, MemoryTables())


class Journal:
    """Undo steps for the open transaction, run in reverse when it ends without commit.
    Every write records its undo step first, so a read-only journal refuses every write.

    It also knows which rows the transaction holds (loaded for update, or added), and a
    save of any other row fails: the store's lock serialises everything, so without this
    a use case that forgot its lock would pass here and lose updates on PostgreSQL."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], object]] = []
        self._held: set[tuple[int, Any]] = set()
        self.read_only = False

    def check_writable(self) -> None:
        """Called first by every write method, so a write changing nothing fails too."""
        if self.read_only:
            raise ReadOnlyTransaction("a write in a read-only unit of work")

    def record(self, undo: Callable[[], object]) -> None:
        self.check_writable()
        self._undo.append(undo)

    def hold(self, table: dict[Any, Any], key: Any) -> None:
        """The row `key` of `table` is this transaction's until it ends (a lock, or an add)."""
        self.check_writable()  # a lock is a write's first step
        self._held.add((id(table), key))

    def check_held(self, table: dict[Any, Any], key: Any) -> None:
        if (id(table), key) not in self._held:
            raise LockNotHeld(f"saved {key!r} without loading it for update first")

    def forget(self) -> None:
        self._undo.clear()

    def roll_back(self) -> None:
        while self._undo:
            self._undo.pop()()

    def end(self) -> None:
        """The transaction ended: undo what was not committed, and release every row."""
        try:
            self.roll_back()
        finally:
            self._held.clear()


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
