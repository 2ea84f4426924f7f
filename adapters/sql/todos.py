from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.tables.todos import todos
from adapters.sql.uow import SqlUnitOfWork
from application.todos.ports import TodoQuery, TodoRepository, TodoSortField, TodosUnitOfWork
from domain.todos.model import Todo

_SORT_COLUMNS = {
    TodoSortField.CREATED_AT: todos.c.created_at,
    TodoSortField.ORDER: todos.c.order,
    TodoSortField.TASK: todos.c.task,
}


# Column keys are the entity's field names ("sort_order" is keyed "order"): a row maps to a
# Todo and a Todo to values with no field list. SELECTs label columns by key.
_FIELDS = [column.label(column.key) for column in todos.c]
_FIXED = {"id", "owner_id", "created_at"}  # never changed by an update


def _todo(row: Any) -> Todo:
    return Todo(**row._mapping)


def _changes(todo: Todo) -> dict[str, Any]:
    return {name: value for name, value in vars(todo).items() if name not in _FIXED}


# Built once: building a SELECT costs more than running it on SQLite.
_ONE = select(*_FIELDS).where(
    todos.c.id == bindparam("todo_id"), todos.c.owner_id == bindparam("owner_id")
)
_ONE_FOR_UPDATE = _ONE.with_for_update()


class SqlTodoRepository(TodoRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add(self, todo: Todo) -> None:
        await self._db.execute(insert(todos).values(vars(todo)))

    async def get(self, owner_id: str, todo_id: str) -> Todo | None:
        row = (await self._db.execute(_ONE, {"todo_id": todo_id, "owner_id": owner_id})).first()
        return _todo(row) if row else None

    async def get_for_update(self, owner_id: str, todo_id: str) -> Todo | None:
        # A row lock on PostgreSQL; on SQLite the writer already holds BEGIN IMMEDIATE.
        params = {"todo_id": todo_id, "owner_id": owner_id}
        row = (await self._db.execute(_ONE_FOR_UPDATE, params)).first()
        return _todo(row) if row else None

    async def save(self, todo: Todo) -> None:
        query = update(todos).where(todos.c.id == todo.id, todos.c.owner_id == todo.owner_id)
        await self._db.execute(query.values(_changes(todo)))

    async def delete(self, owner_id: str, todo_id: str) -> bool:
        query = delete(todos).where(todos.c.id == todo_id, todos.c.owner_id == owner_id)
        return (await self._db.execute(query)).rowcount > 0

    async def delete_all(self, owner_id: str, completed: bool | None = None) -> int:
        query = delete(todos).where(todos.c.owner_id == owner_id)
        if completed is not None:
            query = query.where(todos.c.completed == completed)
        return (await self._db.execute(query)).rowcount

    async def list(self, query: TodoQuery) -> tuple[Sequence[Todo], int]:
        where = [todos.c.owner_id == query.owner_id]
        if query.completed is not None:
            where.append(todos.c.completed == query.completed)
        column = _SORT_COLUMNS[query.sort]
        key = column.desc() if query.descending else column.asc()
        page = (
            select(*_FIELDS)
            .where(*where)
            .order_by(key.nulls_last(), todos.c.created_at, todos.c.id)
            .limit(query.limit)
            .offset(query.offset)
        )
        rows = (await self._db.execute(page)).all()
        count = select(func.count()).select_from(todos).where(*where)
        total = (await self._db.execute(count)).scalar_one()
        return [_todo(r) for r in rows], total


class SqlTodosUnitOfWork(SqlUnitOfWork, TodosUnitOfWork):
    repositories = {
        "todos": SqlTodoRepository,
    }
