from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.accounts import SqlSessionRepository, SqlUserRepository
from adapters.sql.engine import READ_ONLY
from adapters.sql.todos import SqlTodoRepository
from application.accounts.ports import AccountsUnitOfWork
from application.todos.ports import TodosUnitOfWork


class SqlUnitOfWork(AccountsUnitOfWork, TodosUnitOfWork):
    """One connection and one transaction per `async with`; never shared between calls."""

    def __init__(self, engine: AsyncEngine, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._connection: AsyncConnection | None = None

    async def begin(self) -> None:
        connection = await self._engine.connect()
        try:
            if self._read_only:
                await connection.execution_options(**{READ_ONLY: True})
            await connection.begin()
        except BaseException:
            await connection.close()
            raise
        self._connection = connection
        self.users = SqlUserRepository(connection)
        self.sessions = SqlSessionRepository(connection)
        self.todos = SqlTodoRepository(connection)

    async def commit(self) -> None:
        assert self._connection is not None, "commit outside a unit of work"
        await self._connection.commit()

    async def close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            await connection.close()  # rolls back whatever was not committed
