"""Schedule locks as rows: inserted if absent, then locked until commit (PostgreSQL).
SQLite ignores row locks; its writer already holds BEGIN IMMEDIATE, so the insert is all
that happens there (a write all the same: refused in a read, as on the others)."""

from __future__ import annotations

from sqlalchemy import bindparam, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.conflicts import InsertIfAbsent
from adapters.sql.tables.clinic import clinic_schedule_locks as locks

_INSERT = InsertIfAbsent(locks, "kind", "id")
_LOCK = (
    select(locks.c.id)
    .where(locks.c.kind == bindparam("kind"), locks.c.id == bindparam("lock_id"))
    .with_for_update()
)
_BOTH_ROWS = [
    {"kind": literal("clinician"), "id": bindparam("clinician_id")},
    {"kind": literal("patient"), "id": bindparam("patient_id")},
]
_BOTH = postgresql.insert(locks).values(_BOTH_ROWS)
# A booking's two schedules in one round trip, made if absent and locked in the order of
# VALUES (the clinician's first, as everywhere): an upsert locks the row it meets until
# commit, and its update (the same values) is a HOT one.
_LOCK_BOTH = {
    "postgresql": _BOTH.on_conflict_do_update(
        index_elements=["kind", "id"], set_={"id": _BOTH.excluded.id}
    ),
    "sqlite": sqlite.insert(locks).values(_BOTH_ROWS).on_conflict_do_nothing(),
}


async def lock_schedule(connection: AsyncConnection, kind: str, id: str) -> None:
    """Hold the (kind, id) row until the transaction ends: others taking it wait."""
    await _INSERT(connection, {"kind": kind, "id": id})
    await connection.execute(_LOCK, {"kind": kind, "lock_id": id})


async def lock_schedules(connection: AsyncConnection, clinician_id: str, patient_id: str) -> None:
    """Hold the clinician's schedule, then the patient's, until the transaction ends."""
    dialect = getattr(connection, "dialect", None)  # SQLite's inline reads name none
    statement = _LOCK_BOTH[dialect.name if dialect is not None else "sqlite"]
    await connection.execute(statement, {"clinician_id": clinician_id, "patient_id": patient_id})
