from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.bindings import check_bindings
from adapters.sql.errors import port_error
from adapters.sql.reads import (
    ReadTransaction,
    ReadTransactions,
    end_shared_read,
    give_back,
    open_read,
)
from application.shared.ports import ReadOnlyTransaction, UnitOfWork

log = logging.getLogger("caseworks.storage")


class SqlUnitOfWork(UnitOfWork):
    """One connection and one transaction per `async with`; never shared between calls.

    Writes run on `engine` in a transaction of their own; reads open through `reads`.
    Driver errors leave as the port's errors (adapters/sql/errors.py). A subclass per
    context (and its port as a base) lists its repositories by the names the port gives
    them, `repositories = {"todos": SqlTodoRepository}`: exactly those, checked when the
    class is defined (adapters/bindings.py), each made on the transaction's connection.
    """

    repositories: ClassVar[Mapping[str, type[Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_bindings(cls, cls.repositories)

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
        self._shared_read = False  # the request's read (adapters/sql/reads.py)
        self._connection: AsyncConnection | None = None
        self._gated = False

    def _bind(self, connection: Any) -> None:
        """`connection`: an AsyncConnection, or anything with the same `execute`."""
        for name, repository in self.repositories.items():
            setattr(self, name, repository(connection))

    async def begin(self) -> None:
        try:
            if self.is_read_only:
                self._read, self._shared_read = await open_read(self._reads)
                self._bind(self._read.connection)
            else:
                await end_shared_read()  # reads after this write must see it
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
            if read is not None and self._shared_read:
                await give_back(failed=error is not None)
            elif read is not None:
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
