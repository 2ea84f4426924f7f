"""Idempotency keys of every context: one row per (user, key); column names are
IdempotencyRecord's fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.conflicts import InsertIfAbsent
from adapters.sql.tables.idempotency import idempotency_keys as keys
from adapters.sql.uow import SqlUnitOfWork
from application.shared.idempotency import (
    DuplicateIdempotencyKey,
    IdempotencyRepository,
    IdempotentUnitOfWork,
)
from domain.shared.idempotency import IdempotencyRecord

_WHERE_KEY = (keys.c.user_id == bindparam("owner"), keys.c.key == bindparam("the_key"))
# Built once: building a statement costs more than running it on SQLite.
_ONE_FOR_UPDATE = select(keys).where(*_WHERE_KEY).with_for_update()  # SQLite: BEGIN IMMEDIATE
_INSERT = InsertIfAbsent(keys, "user_id", "key")
_SAVE = update(keys).where(*_WHERE_KEY)
_DELETE = delete(keys).where(*_WHERE_KEY)


def _where_key(user_id: str, key: str) -> dict[str, str]:
    # Not named like the columns: those names are the UPDATE's SET values.
    return {"owner": user_id, "the_key": key}


class SqlIdempotencyRepository(IdempotencyRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def get_for_update(self, user_id: str, key: str) -> IdempotencyRecord | None:
        row = (await self._db.execute(_ONE_FOR_UPDATE, _where_key(user_id, key))).first()
        return IdempotencyRecord(**row._mapping) if row else None

    async def add(self, record: IdempotencyRecord) -> None:
        # The INSERT goes out at once: the primary key decides a race between two claims
        # (on PostgreSQL it waits for the other's commit or rollback).
        if not await _INSERT(self._db, vars(record)):
            raise DuplicateIdempotencyKey(record.key)

    async def save(self, record: IdempotencyRecord) -> None:
        changes: dict[str, Any] = {
            "fingerprint": record.fingerprint,
            "claim_token": record.claim_token,
            "created_at": record.created_at,
            "result_id": record.result_id,
        }
        await self._db.execute(_SAVE, changes | _where_key(record.user_id, record.key))

    async def delete(self, user_id: str, key: str) -> None:
        await self._db.execute(_DELETE, _where_key(user_id, key))

    async def delete_created_before(self, cutoff: datetime, limit: int) -> int:
        oldest = (
            select(keys.c.user_id, keys.c.key)
            .where(keys.c.created_at < cutoff)
            .order_by(keys.c.created_at)
            .limit(limit)
        )
        # The age is tested again in the DELETE itself: under READ COMMITTED, a row that
        # waited on a concurrent takeover is re-checked against the DELETE's own
        # conditions on its new version, not against the subquery's, so without this a
        # claim renewed a moment ago would be deleted.
        doomed = delete(keys).where(
            tuple_(keys.c.user_id, keys.c.key).in_(oldest), keys.c.created_at < cutoff
        )
        return (await self._db.execute(doomed)).rowcount


class SqlIdempotencyUnitOfWork(SqlUnitOfWork, IdempotentUnitOfWork):
    """The keys alone, for the shared job that forgets old ones."""

    repositories = {
        "idempotency": SqlIdempotencyRepository,
    }
