"""Apply Alembic migrations programmatically, on the application's own async engine."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed 64-bit number, the same in every process: PostgreSQL's advisory lock under it
# makes concurrent upgrades (several servers or deploy jobs at once) take turns.
MIGRATION_LOCK_KEY = 0x6361_7365_776B_7331  # "casewks1"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Held until this transaction ends: the next upgrade waits for this one's
            # commit, then reads the new version and finds nothing to do (instead of
            # creating the same tables again and failing).
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        await connection.run_sync(run)


def prepare_sqlite_directory(url: str) -> None:
    """A SQLite file's directory, made if missing; other databases need nothing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def loggable_url(url: str) -> str:
    """The URL without its password, for logs."""
    return make_url(url).render_as_string(hide_password=True)
