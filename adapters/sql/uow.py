from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.accounts import SqlSessionRepository, SqlUserRepository
from adapters.sql.todos import SqlTodoRepository
from application.accounts.ports import AccountsUnitOfWork
from application.todos.ports import TodosUnitOfWork


class SqlRepositories(AccountsUnitOfWork, TodosUnitOfWork):
    """Both contexts' SQL repositories, bound to one connection per transaction."""

    def _bind(self, connection: Any) -> None:
        """`connection`: an AsyncConnection, or anything with the same `execute`."""
        self.users = SqlUserRepository(connection)
        self.sessions = SqlSessionRepository(connection)
        self.todos = SqlTodoRepository(connection)


class SqlUnitOfWork(SqlRepositories):
    """One connection and one transaction per `async with`; never shared between calls."""

    def __init__(
        self,
        engine: AsyncEngine,
        read_only: bool = False,
        write_gate: asyncio.Lock | None = None,
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        # SQLite has one writer at a time. Queueing writers of this process on an asyncio
        # lock is FIFO and instant; leaving them to SQLite's busy handler means sleeping
        # and polling, which measured here as multi-second tails under 32 writers.
        self._gate = None if read_only else write_gate
        self._connection: AsyncConnection | None = None

    async def begin(self) -> None:
        if self._gate is not None:
            await self._gate.acquire()
        try:
            connection = await self._engine.connect()
            try:
                # A read-only unit of work runs on an autocommit engine: no BEGIN/ROLLBACK
                # round trips and no locks; each statement reads its own snapshot.
                if not self._read_only:
                    await connection.begin()
            except BaseException:
                await connection.close()
                raise
        except BaseException:
            self._release_gate()
            raise
        self._connection = connection
        self._bind(connection)

    async def commit(self) -> None:
        assert self._connection is not None, "commit outside a unit of work"
        await self._connection.commit()

    async def close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                await connection.close()  # rolls back whatever was not committed
            finally:
                self._release_gate()

    def _release_gate(self) -> None:
        if self._gate is not None:
            self._gate.release()
