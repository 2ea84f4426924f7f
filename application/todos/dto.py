from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.shared.actor import Actor
from application.shared.views import view_of
from application.todos.ports import TodoSortField
from domain.shared.unset import UNSET, Unset
from domain.todos.model import Todo


@dataclass(frozen=True, slots=True)
class CreateTodoCommand:
    actor: Actor
    task: str
    completed: bool = False
    order: int | None = None


@dataclass(frozen=True, slots=True)
class ReplaceTodoCommand:
    actor: Actor
    todo_id: str
    task: str
    completed: bool
    order: int | None


@dataclass(frozen=True, slots=True)
class UpdateTodoCommand:
    """A partial update: UNSET fields are left alone."""

    actor: Actor
    todo_id: str
    task: str | Unset = UNSET
    completed: bool | Unset = UNSET
    order: int | Unset | None = UNSET


@dataclass(frozen=True, slots=True)
class ListTodosQuery:
    actor: Actor
    limit: int
    offset: int = 0
    completed: bool | None = None
    sort: TodoSortField = TodoSortField.CREATED_AT
    descending: bool = False


@dataclass(frozen=True, slots=True)
class TodoView:
    id: str
    task: str
    completed: bool
    order: int | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None

    @classmethod
    def from_todo(cls, todo: Todo) -> TodoView:
        return view_of(cls, todo)
