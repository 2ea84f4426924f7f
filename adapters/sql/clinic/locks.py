"""Schedule locks as rows: inserted if absent, then locked with SELECT ... FOR UPDATE
until commit (PostgreSQL). SQLite ignores FOR UPDATE; its writer already holds BEGIN
IMMEDIATE, so the insert is all that happens there."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.conflicts import InsertIfAbsent
from adapters.sql.tables.clinic import clinic_schedule_locks as locks

_INSERT = InsertIfAbsent(locks, "kind", "id")
_LOCK = (
    select(locks.c.id)
    .where(locks.c.kind == bindparam("kind"), locks.c.id == bindparam("lock_id"))
    .with_for_update()
)


async def lock_schedule(connection: AsyncConnection, kind: str, id: str) -> None:
    """Hold the (kind, id) row until the transaction ends: others taking it wait."""
    await _INSERT(connection, {"kind": kind, "id": id})
    await connection.execute(_LOCK, {"kind": kind, "lock_id": id})
