"""Storage back-ends for tests: memory, a migrated SQLite file, and PostgreSQL when configured."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from adapters.sql.engine import create_engine
from adapters.sql.migrate import upgrade
from adapters.sql.sqlite_reads import SqliteReadUnitOfWork, create_sqlite_reader
from adapters.sql.uow import SqlUnitOfWork
from application.accounts.ports import AccountsUnitOfWork
from application.todos.ports import TodosUnitOfWork

POSTGRES_ENV = "CASEWORKS_TEST_POSTGRES_URL"
STORAGES = ["memory", "sqlite", "postgres"]
TABLES = ["refresh_tokens", "login_sessions", "todos", "users"]


class UnitOfWork(AccountsUnitOfWork, TodosUnitOfWork):
    """What every test factory returns: both contexts' repositories."""


UowFactory = Callable[..., AccountsUnitOfWork | TodosUnitOfWork | UnitOfWork]


def postgres_url() -> str:
    """The PostgreSQL URL, or skip. In CI a missing URL is a failure, never a skip."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_ENV} must be set in CI so the PostgreSQL tests run")
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql+asyncpg://...)")
    return url


def reset_postgres_schema(url: str) -> None:
    async def run() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                for table in [*TABLES, "alembic_version"]:
                    await connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())


def migrated_sqlite_template(directory: Path) -> Path:
    path = directory / "template.db"

    async def run() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())
    return path


def sqlite_copy(template: Path, directory: Path) -> str:
    path = directory / "caseworks.db"
    shutil.copy(template, path)
    return f"sqlite+aiosqlite:///{path}"


async def truncate_postgres(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} CASCADE")


@asynccontextmanager
async def uow_factory_for(
    storage: str, sqlite_template: Path, tmp_path: Path, postgres: str | None
) -> AsyncIterator[UowFactory]:
    """Yields `factory(read_only=False)` making units of work on one fresh database."""
    if storage == "memory":
        store = MemoryStore()
        yield lambda read_only=False: InMemoryUnitOfWork(store)
        return
    if storage == "sqlite":
        url = sqlite_copy(sqlite_template, tmp_path)
        engine, reader, gate = create_engine(url), create_sqlite_reader(url), asyncio.Lock()

        def factory(read_only: bool = False) -> UnitOfWork:
            # The same pairing as the container: reads inline, writes on aiosqlite.
            if read_only:
                return SqliteReadUnitOfWork(reader)
            return SqlUnitOfWork(engine, write_gate=gate)

        try:
            yield factory
        finally:
            await engine.dispose()
            reader.dispose()
        return
    assert postgres is not None
    engine, reader = create_engine(postgres), create_engine(postgres, autocommit=True)
    await truncate_postgres(engine)

    def pg_factory(read_only: bool = False) -> UnitOfWork:
        # The same pairing as the container: reads on an autocommit pool.
        return SqlUnitOfWork(reader if read_only else engine, read_only=read_only)

    try:
        yield pg_factory
    finally:
        await engine.dispose()
        await reader.dispose()
