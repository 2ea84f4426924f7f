"""Read-only units of work for PostgreSQL: one snapshot each, writes refused by the server."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.reads import ReadTransaction, ReadTransactions
from application.shared.ports import StorageUnavailable

log = logging.getLogger("caseworks.storage")


class PostgresReadTransactions(ReadTransactions):
    """REPEATABLE READ READ ONLY: all statements of a read see one snapshot, and PostgreSQL
    itself refuses a write (SQLSTATE 25006).

    Measured: BEGIN and ROLLBACK through SQLAlchemy cost a third of an authenticated GET's
    throughput. So the read pool is autocommit for SQLAlchemy, and each of its connections
    waits in the pool already inside a fresh read-only transaction: one simple query,
    "ROLLBACK; BEGIN ...", ends a read and opens the next. A transaction that has not run a
    statement holds no snapshot, so a pooled connection holds back no vacuum.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def open(self) -> ReadTransaction:
        connection = await self._engine.connect()
        try:
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None  # a checked-out connection has its driver connection
            if not raw.is_in_transaction():  # a new connection
                await raw.execute(_BEGIN_READ)
        except Exception as error:
            await connection.invalidate()
            await connection.close()
            # Straight from asyncpg, not through SQLAlchemy: a dead connection is storage
            # being unavailable (503), whatever the driver calls it.
            raise StorageUnavailable(type(error).__name__) from error
        return _PostgresRead(connection, raw)


_BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"


class _PostgresRead(ReadTransaction):
    def __init__(self, connection: AsyncConnection, raw: Any) -> None:
        self.connection = connection
        self._raw = raw

    async def close(self) -> None:
        try:
            await self._raw.execute(f"ROLLBACK; {_BEGIN_READ}")
        except Exception:
            # What was read stays valid; the connection, in an unknown state, is dropped
            # rather than pooled (a server restart or idle timeout shows up here).
            log.warning("dropping a read connection that could not be reset", exc_info=True)
            await self.connection.invalidate()
        finally:
            await self.connection.close()
