"""A 2xx means committed to disk on SQLite too: every connection of the engine commits with
`synchronous=FULL`, whatever the SQLite build defaults a WAL database to (some default it
to NORMAL, where the last commits before a power cut or an OS crash can be lost; a killed
process loses nothing either way, see tests/e2e/test_crash_safety.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event

from adapters.sql.engine import create_engine

FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def _built_to_default_to_normal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


async def test_sqlite_commits_with_synchronous_full_whatever_the_build_default(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'durable.db'}")
    # Runs before the engine's own connect listener: a build whose default is NORMAL.
    event.listen(engine.sync_engine, "connect", _built_to_default_to_normal, insert=True)
    try:
        async with engine.connect() as connection:
            journal = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar_one()
            synchronous = (await connection.exec_driver_sql("PRAGMA synchronous")).scalar_one()
    finally:
        await engine.dispose()
    assert (journal, synchronous) == ("wal", FULL)
