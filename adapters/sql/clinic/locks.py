"""Schedule locks as rows: inserted if absent, then locked until commit (PostgreSQL).
SQLite ignores row locks; its writer already holds BEGIN IMMEDIATE, so the insert is all
that happens there (a write all the same: refused in a read, as on the others)."""

from __future__ import annotations

from sqlalchemy import bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.conflicts import InsertIfAbsent
from adapters.sql.tables.clinic import clinic_schedule_locks as locks

_INSERT = InsertIfAbsent(locks, "kind", "id")
_LOCK = (
    select(locks.c.id)
    .where(locks.c.kind == bindparam("kind"), locks.c.id == bindparam("lock_id"))
    .with_for_update()
)
# A booking's two schedules in one round trip, made if absent and locked in the order of
# VALUES (the clinician's first, as everywhere): an upsert locks the row it meets until
# commit, and its update (the same values) is a HOT one. Text, as SQLAlchemy caches no
# compiled form of a multi-row INSERT (it would be compiled anew for every booking).
_VALUES = "(kind, id) VALUES ('clinician', :c), ('patient', :p)"
_ROWS = f"INSERT INTO {locks.name} {_VALUES}"
_LOCK_BOTH = {
    "postgresql": text(f"{_ROWS} ON CONFLICT (kind, id) DO UPDATE SET id = excluded.id"),
    "sqlite": text(f"{_ROWS} ON CONFLICT (kind, id) DO NOTHING"),
}


async def lock_schedule(connection: AsyncConnection, kind: str, id: str) -> None:
    """Hold the (kind, id) row until the transaction ends: others taking it wait."""
    await _INSERT(connection, {"kind": kind, "id": id})
    await connection.execute(_LOCK, {"kind": kind, "lock_id": id})


async def lock_schedules(connection: AsyncConnection, clinician_id: str, patient_id: str) -> None:
    """Hold the clinician's schedule, then the patient's, until the transaction ends."""
    dialect = getattr(connection, "dialect", None)  # SQLite's inline reads name none
    statement = _LOCK_BOTH[dialect.name if dialect is not None else "sqlite"]
    await connection.execute(statement, {"c": clinician_id, "p": patient_id})
