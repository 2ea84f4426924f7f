"""The todo use cases wired to the in-memory adapters, for the unit tests."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.shared.actor import Actor
from application.shared.paging import Page
from application.todos.dto import (
    CreateTodoCommand,
    ListTodosQuery,
    ReplaceTodoCommand,
    TodoView,
    UpdateTodoCommand,
)
from application.todos.use_cases.editing import ChangeTodo, CreateTodo, DeleteAllTodos, DeleteTodo
from application.todos.use_cases.reading import GetTodo, ListTodos
from domain.shared.roles import Role
from tests.support.clock import ManualClock

ALICE = Actor("alice-id", Role.USER, "alice-session")
BOB = Actor("bob-id", Role.USER, "bob-session")
ADMIN = Actor("admin-id", Role.ADMIN, "admin-session")


@dataclass
class Todos:
    store: MemoryStore
    clock: ManualClock

    def uow(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store)

    async def create(
        self, actor: Actor, task: str, completed: bool = False, order: int | None = None
    ) -> TodoView:
        command = CreateTodoCommand(actor, task, completed, order)
        return await CreateTodo(self.uow(), self.clock).execute(command)

    async def get(self, actor: Actor, todo_id: str) -> TodoView:
        return await GetTodo(self.uow()).execute(actor, todo_id)

    async def change(self, cmd: UpdateTodoCommand | ReplaceTodoCommand) -> TodoView:
        return await ChangeTodo(self.uow(), self.clock).execute(cmd)

    async def delete(self, actor: Actor, todo_id: str) -> None:
        await DeleteTodo(self.uow()).execute(actor, todo_id)

    async def delete_all(self, actor: Actor) -> int:
        return await DeleteAllTodos(self.uow()).execute(actor)

    async def list(self, actor: Actor, limit: int = 50, **options: object) -> Page[TodoView]:
        return await ListTodos(self.uow()).execute(ListTodosQuery(actor, limit, **options))  # type: ignore[arg-type]
