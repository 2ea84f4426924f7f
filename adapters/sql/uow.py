from __future__ import annotations

import abc
import asyncio
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql import shop
from adapters.sql.accounts import SqlSessionRepository, SqlUserRepository
from adapters.sql.errors import port_error
from adapters.sql.todos import SqlTodoRepository
from application.accounts.ports import AccountsUnitOfWork
from application.shared.ports import ReadOnlyTransaction
from application.shop.ports import ShopUnitOfWork
from application.todos.ports import TodosUnitOfWork

log = logging.getLogger("caseworks.storage")


class ReadTransaction(abc.ABC):
    """An open read-only transaction: one snapshot, and the database refuses writes."""

    connection: Any  # an AsyncConnection, or anything with the same `execute`

    @abc.abstractmethod
    async def close(self) -> None: ...


class ReadTransactions(abc.ABC):
    """How a database opens read transactions (PostgreSQL and SQLite differ)."""

    @abc.abstractmethod
    async def open(self) -> ReadTransaction: ...


# Every repository of every context, by the attribute its unit-of-work port names:
# adding a repository is one line here (a new context also adds its port as a base).
REPOSITORIES = {
    "users": SqlUserRepository,
    "sessions": SqlSessionRepository,
    "todos": SqlTodoRepository,
    **shop.REPOSITORIES,
}


class SqlRepositories(AccountsUnitOfWork, TodosUnitOfWork, ShopUnitOfWork):
    """Every context's SQL repositories, bound to one connection per transaction."""

    def _bind(self, connection: Any) -> None:
        """`connection`: an AsyncConnection, or anything with the same `execute`."""
        for name, repository in REPOSITORIES.items():
            setattr(self, name, repository(connection))


class SqlUnitOfWork(SqlRepositories):
    """One connection and one transaction per `async with`; never shared between calls.

    Writes run on `engine` in a transaction of their own; reads open through `reads`.
    Driver errors leave as the port's errors (adapters/sql/errors.py).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        reads: ReadTransactions,
        write_gate: asyncio.Lock | None = None,
    ) -> None:
        self._engine = engine
        self._reads = reads
        # SQLite has one writer at a time. Queueing writers of this process on an asyncio
        # lock is FIFO and instant; leaving them to SQLite's busy handler means sleeping
        # and polling, which measured here as multi-second tails under 32 writers.
        self._gate = write_gate
        self._read: ReadTransaction | None = None
        self._connection: AsyncConnection | None = None
        self._gated = False

    async def begin(self) -> None:
        try:
            if self.is_read_only:
                self._read = await self._reads.open()
                self._bind(self._read.connection)
            else:
                await self._begin_write()
        except Exception as error:
            translated = port_error(error)
            if translated is None:
                raise
            raise translated from error

    async def _begin_write(self) -> None:
        if self._gate is not None:
            await self._gate.acquire()
            self._gated = True
        try:
            connection = await self._engine.connect()
            try:
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
        if self._connection is None:
            raise ReadOnlyTransaction("commit in a read-only unit of work")
        await self._connection.commit()

    async def close(self, error: BaseException | None = None) -> None:
        read, self._read = self._read, None
        connection, self._connection = self._connection, None
        try:
            if read is not None:
                await read.close()
            if connection is not None:
                await connection.close()  # rolls back whatever was not committed
        except Exception:
            if error is None:
                raise
            # The block's own error is the one to report; releasing failed because of it.
            log.warning("releasing a failed transaction's connection failed", exc_info=True)
        finally:
            self._release_gate()
        translated = port_error(error) if error is not None else None
        if translated is not None:
            raise translated from error

    def _release_gate(self) -> None:
        if self._gated and self._gate is not None:
            self._gated = False
            self._gate.release()
