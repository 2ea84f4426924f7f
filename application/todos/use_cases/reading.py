"""Reading todos: one, or a page. Scoped to the caller like every todo use case."""

from __future__ import annotations

from application.shared.actor import Actor
from application.shared.ids import check_id
from application.shared.paging import Page, check_page
from application.todos.dto import ListTodosQuery, TodoView
from application.todos.ports import TodoQuery, TodosUnitOfWork
from domain.todos.errors import TodoNotFound


class GetTodo:
    def __init__(self, uow: TodosUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, todo_id: str) -> TodoView:
        check_id(todo_id, "todo id")
        async with self._uow.read() as uow:
            todo = await uow.todos.get(actor.user_id, todo_id)
        if todo is None:
            raise TodoNotFound.with_id(todo_id)
        return TodoView.from_todo(todo)


class ListTodos:
    def __init__(self, uow: TodosUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, q: ListTodosQuery) -> Page[TodoView]:
        check_page(q.limit, q.offset)
        query = TodoQuery(q.actor.user_id, q.limit, q.offset, q.completed, q.sort, q.descending)
        async with self._uow.read() as uow:
            todos, total = await uow.todos.list(query)
        return Page([TodoView.from_todo(t) for t in todos], total, q.limit, q.offset)
