"""What the todo routes may reach: their use cases, and nothing else of the container."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, cast

from fastapi import Request

from application.todos.use_cases import (
    ChangeTodo,
    CreateTodo,
    DeleteAllTodos,
    DeleteTodo,
    GetTodo,
    ListTodos,
)


class TodoUseCases(Protocol):
    """Each attribute builds a fresh use case (a Factory of the container)."""

    @property
    def create_todo(self) -> Callable[[], CreateTodo]: ...
    @property
    def get_todo(self) -> Callable[[], GetTodo]: ...
    @property
    def list_todos(self) -> Callable[[], ListTodos]: ...
    @property
    def change_todo(self) -> Callable[[], ChangeTodo]: ...
    @property
    def delete_todo(self) -> Callable[[], DeleteTodo]: ...
    @property
    def delete_all_todos(self) -> Callable[[], DeleteAllTodos]: ...


def todo_use_cases(request: Request) -> TodoUseCases:
    return cast(TodoUseCases, request.app.state.container)
