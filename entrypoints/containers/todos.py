"""The todos context's use cases."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.shared.ports import Clock
from application.todos.ports import TodosUnitOfWork
from application.todos.use_cases.editing import ChangeTodo, CreateTodo, DeleteAllTodos, DeleteTodo
from application.todos.use_cases.reading import GetTodo, ListTodos


class TodosContainer(containers.DeclarativeContainer):
    uow = providers.Dependency(instance_of=TodosUnitOfWork)
    clock = providers.Dependency(instance_of=Clock)

    create_todo = providers.Factory(CreateTodo, uow, clock)
    get_todo = providers.Factory(GetTodo, uow)
    change_todo = providers.Factory(ChangeTodo, uow, clock)
    delete_todo = providers.Factory(DeleteTodo, uow)
    delete_all_todos = providers.Factory(DeleteAllTodos, uow)
    list_todos = providers.Factory(ListTodos, uow)
    jobs = providers.Dict()
