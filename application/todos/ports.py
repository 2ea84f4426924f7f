from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from application.shared.ports import UnitOfWork
from domain.todos.model import Todo


class TodoSortField(Enum):
    CREATED_AT = "created_at"
    ORDER = "order"
    TASK = "task"


@dataclass(frozen=True, slots=True)
class TodoQuery:
    """Which of one owner's todos, in what order. Nulls sort last; ties break by creation
    time, then id."""

    owner_id: str
    limit: int
    offset: int = 0
    completed: bool | None = None
    sort: TodoSortField = TodoSortField.CREATED_AT
    descending: bool = False


class TodoRepository(abc.ABC):
    """Every read is scoped to an owner: another user's todo is simply not there."""

    @abc.abstractmethod
    async def add(self, todo: Todo) -> None: ...

    @abc.abstractmethod
    async def get(self, owner_id: str, todo_id: str) -> Todo | None: ...

    @abc.abstractmethod
    async def get_for_update(self, owner_id: str, todo_id: str) -> Todo | None:
        """Like get, and lock the todo until commit so concurrent changes serialise."""

    @abc.abstractmethod
    async def save(self, todo: Todo) -> None:
        """Write back a todo loaded in this unit of work."""

    @abc.abstractmethod
    async def delete(self, owner_id: str, todo_id: str) -> bool: ...

    @abc.abstractmethod
    async def delete_all(self, owner_id: str, completed: bool | None = None) -> int:
        """Delete the owner's todos (only those with this `completed`, when given)."""

    @abc.abstractmethod
    async def list(self, query: TodoQuery) -> tuple[Sequence[Todo], int]:
        """One page of todos and the total that match the query."""


class TodosUnitOfWork(UnitOfWork):
    todos: TodoRepository
