"""The in-memory database: plain dicts, one writer at a time, real rollback."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from application.shared.ports import ReadOnlyTransaction
from domain.accounts.model import LoginSession, RefreshToken, User
from domain.todos.model import Todo

T = TypeVar("T")


@dataclass
class MemoryStore:
    """Shared by every unit of work of one process. Entities are stored as copies."""

    users: dict[str, User] = field(default_factory=dict)
    user_ids_by_name: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, LoginSession] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    todos_by_owner: dict[str, dict[str, Todo]] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


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
