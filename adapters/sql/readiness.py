from __future__ import annotations

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.migrate import alembic_config
from application.shared.ports import ReadinessProbe


class SchemaNotMigrated(Exception):
    """The database answers, but its schema is older than this code's migrations."""


class SqlReadinessProbe(ReadinessProbe):
    """Ready when the database answers and its schema is migrated: on PostgreSQL `serve`
    does not migrate, and on an unmigrated database every request would fail with a 500
    while the load balancer saw a ready server. The schema is read until it is found
    migrated once (a schema never goes back); after that a probe is one `SELECT 1`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._migrated = False

    async def check(self) -> None:
        async with self._engine.connect() as connection:
            if self._migrated:
                await connection.execute(text("SELECT 1"))
                return
            await connection.run_sync(_check_schema)
        self._migrated = True


def _check_schema(connection: Connection) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    heads = set(script.get_heads())
    current = set(MigrationContext.configure(connection).get_current_heads())
    known = {revision.revision for revision in script.walk_revisions()}
    # A revision this code does not know is a newer schema (a rolling deploy migrated
    # ahead of this server, with backward-compatible migrations): still ready.
    if current == heads or (current and not current <= known):
        return
    found = ", ".join(sorted(current)) or "none"
    raise SchemaNotMigrated(
        f"the database schema is at revision {found}, not {', '.join(sorted(heads))}:"
        " run `caseworks db upgrade`"
    )
