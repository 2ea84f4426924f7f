"""Changing todos. Every use case is scoped to the caller: no role sees another's todos."""

from __future__ import annotations

from application.shared.actor import Actor
from application.shared.ids import check_id, new_id
from application.shared.ports import Clock
from application.todos.dto import (
    CreateTodoCommand,
    ReplaceTodoCommand,
    TodoView,
    UpdateTodoCommand,
)
from application.todos.ports import TodosUnitOfWork
from domain.todos.errors import TodoNotFound
from domain.todos.model import Todo


class CreateTodo:
    def __init__(self, uow: TodosUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, cmd: CreateTodoCommand) -> TodoView:
        todo = Todo.create(
            new_id(), cmd.actor.user_id, cmd.task, cmd.completed, cmd.order, self._clock.now()
        )
        async with self._uow.write() as uow:
            await uow.todos.add(todo)
            await uow.commit()
        return TodoView.from_todo(todo)


class ChangeTodo:
    """PUT passes every field, PATCH only the given ones; the entity applies them alike."""

    def __init__(self, uow: TodosUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, cmd: UpdateTodoCommand | ReplaceTodoCommand) -> TodoView:
        check_id(cmd.todo_id, "todo id")
        async with self._uow.write() as uow:
            todo = await uow.todos.get_for_update(cmd.actor.user_id, cmd.todo_id)
            if todo is None:
                raise TodoNotFound.with_id(cmd.todo_id)
            todo.change(self._clock.now(), cmd.task, cmd.completed, cmd.order)
            await uow.todos.save(todo)
            await uow.commit()
        return TodoView.from_todo(todo)


class DeleteTodo:
    def __init__(self, uow: TodosUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, todo_id: str) -> None:
        check_id(todo_id, "todo id")
        async with self._uow.write() as uow:
            if not await uow.todos.delete(actor.user_id, todo_id):
                raise TodoNotFound.with_id(todo_id)
            await uow.commit()


class DeleteAllTodos:
    def __init__(self, uow: TodosUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, completed: bool | None = None) -> int:
        """Delete the caller's todos; `completed` keeps to the completed (or open) ones."""
        async with self._uow.write() as uow:
            deleted = await uow.todos.delete_all(actor.user_id, completed)
            await uow.commit()
        return deleted
