"""Unique keys deciding races without aborting the transaction.

A unique violation raised as an error aborts the whole transaction on PostgreSQL, so a
caller could not go on after SkuTaken or DuplicateIdempotencyKey as it can on the other
adapters. `INSERT ... ON CONFLICT DO NOTHING` lets the unique index decide instead (on
PostgreSQL it waits for a concurrent uncommitted insert of the key, then inserts or does
nothing) and reports a taken key as 0 rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy.exc
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

_UNIQUE_VIOLATION = "23505"  # PostgreSQL SQLSTATE


class InsertIfAbsent:
    """One INSERT per dialect, built once: building a statement costs more than running it."""

    def __init__(self, table: Table, *unique_columns: str) -> None:
        self._statements = {
            "postgresql": postgresql.insert(table).on_conflict_do_nothing(
                index_elements=unique_columns
            ),
            "sqlite": sqlite.insert(table).on_conflict_do_nothing(index_elements=unique_columns),
        }

    async def __call__(self, connection: AsyncConnection, values: Mapping[str, Any]) -> bool:
        """True if the row went in; False if another row holds its unique key."""
        # SQLite's inline read connection (sqlite_reads.py) names no dialect; it refuses
        # every write anyway.
        dialect = getattr(connection, "dialect", None)
        statement = self._statements[dialect.name if dialect is not None else "sqlite"]
        result = await connection.execute(statement, dict(values))
        return result.rowcount == 1


def is_unique_violation(error: sqlalchemy.exc.IntegrityError) -> bool:
    """A unique index refused the row (not a foreign key, CHECK or NOT NULL)."""
    for candidate in (error.orig, getattr(error.orig, "__cause__", None)):
        if getattr(candidate, "sqlstate", None) == _UNIQUE_VIOLATION:
            return True
        if getattr(candidate, "sqlite_errorname", None) == "SQLITE_CONSTRAINT_UNIQUE":
            return True
    return False
