"""The todo use cases on the in-memory adapters, for the unit tests: the todos container
(entrypoints/containers/todos.py) builds them, each call on its own unit of work, as in
the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dependency_injector import providers

from adapters.memory.store import MemoryStore
from adapters.memory.todos import InMemoryTodosUnitOfWork
from application.shared.actor import Actor
from application.shared.paging import Page
from application.todos.dto import (
    CreateTodoCommand,
    ListTodosQuery,
    ReplaceTodoCommand,
    TodoView,
    UpdateTodoCommand,
)
from domain.shared.roles import Role
from entrypoints.containers.todos import TodosContainer
from tests.support.clock import ManualClock

ALICE = Actor("alice-id", Role.USER, "alice-session")
BOB = Actor("bob-id", Role.USER, "bob-session")
ADMIN = Actor("admin-id", Role.ADMIN, "admin-session")


def todos_container(store: MemoryStore, clock: ManualClock) -> TodosContainer:
    """The todos context's container on the memory store."""
    return TodosContainer(
        uow=providers.Factory(InMemoryTodosUnitOfWork, store), clock=providers.Object(clock)
    )


@dataclass
class Todos:
    store: MemoryStore
    clock: ManualClock
    use_cases: TodosContainer = field(init=False)

    def __post_init__(self) -> None:
        self.use_cases = todos_container(self.store, self.clock)

    def table(self, name: str) -> dict[Any, Any]:
        """A table of the todos' namespace in the memory store, as its repository keeps it."""
        return self.store.of("todos").table(name)

    async def create(
        self, actor: Actor, task: str, completed: bool = False, order: int | None = None
    ) -> TodoView:
        command = CreateTodoCommand(actor, task, completed, order)
        return await self.use_cases.create_todo().execute(command)

    async def get(self, actor: Actor, todo_id: str) -> TodoView:
        return await self.use_cases.get_todo().execute(actor, todo_id)

    async def change(self, cmd: UpdateTodoCommand | ReplaceTodoCommand) -> TodoView:
        return await self.use_cases.change_todo().execute(cmd)

    async def delete(self, actor: Actor, todo_id: str) -> None:
        await self.use_cases.delete_todo().execute(actor, todo_id)

    async def delete_all(self, actor: Actor) -> int:
        return await self.use_cases.delete_all_todos().execute(actor)

    async def list(self, actor: Actor, limit: int = 50, **options: object) -> Page[TodoView]:
        query = ListTodosQuery(actor, limit, **options)  # type: ignore[arg-type]
        return await self.use_cases.list_todos().execute(query)
