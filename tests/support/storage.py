"""Storage back-ends for tests: memory, a migrated SQLite file, and PostgreSQL when configured."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import create_engine
from adapters.sql.migrate import upgrade
from adapters.sql.tables import every_table
from adapters.sql.tables.chat import chat_rooms
from application.accounts.ports import AccountsUnitOfWork
from application.chat.ports import ChatUnitOfWork
from application.clinic.ports import ClinicUnitOfWork
from application.shared.idempotency import IdempotentUnitOfWork
from application.shop.ports import ShopUnitOfWork
from application.todos.ports import TodosUnitOfWork
from domain.chat.rooms import Room
from entrypoints.container import Container, build_container, close_resources
from entrypoints.settings import Settings

POSTGRES_ENV = "CASEWORKS_TEST_POSTGRES_URL"
STORAGES = ["memory", "sqlite", "postgres"]
# Children before parents, from the schema itself: a new table needs no edit here.
TABLES = [table.name for table in reversed(every_table().sorted_tables)]
SECRET = "test-secret-key-that-is-long-enough-0123456789"


@dataclass(frozen=True)
class Uows:
    """Each context's units of work on one fresh database, as the container pairs them:
    `uows.todos()` is a new TodosUnitOfWork, and so on. A unit of work reaches its own
    context's repositories only (seed users with `uows.accounts()` first)."""

    accounts: Callable[[], AccountsUnitOfWork]
    todos: Callable[[], TodosUnitOfWork]
    shop: Callable[[], ShopUnitOfWork]
    clinic: Callable[[], ClinicUnitOfWork]
    chat: Callable[[], ChatUnitOfWork]
    keys: Callable[[], IdempotentUnitOfWork]

    @classmethod
    def of(cls, container: Container) -> Uows:
        return cls(
            accounts=container.accounts.uow,
            todos=container.todos.uow,
            shop=container.shop.uow,
            clinic=container.clinic.uow,
            chat=container.chat.uow,
            keys=container.idempotency_uow,
        )


def postgres_url() -> str:
    """The PostgreSQL URL, or skip. In CI a missing URL is a failure, never a skip."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_ENV} must be set in CI so the PostgreSQL tests run")
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql+asyncpg://...)")
    return url


@contextmanager
def scratch_postgres_database(url: str, migrate: bool = True) -> Iterator[str]:
    """A database of this run's own on the server `url` names (created from it, dropped
    after), so two runs on one server, or a developer's data there, are never touched."""
    name = f"caseworks_test_{uuid.uuid4().hex[:12]}"
    scratch = make_url(url).set(database=name).render_as_string(hide_password=False)

    async def admin(statement: str) -> None:
        engine = create_engine(url, autocommit=True)
        try:
            async with engine.connect() as connection:
                await connection.exec_driver_sql(statement)
        finally:
            await engine.dispose()

    async def migrated() -> None:
        engine = create_engine(scratch)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        if migrate:
            asyncio.run(migrated())
        yield scratch
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
    """Every table emptied, then the rows the migrations insert put back (the chat's
    `general` room), so the database is as freshly migrated."""
    async with engine.begin() as connection:
        await connection.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} CASCADE")
        await connection.execute(insert(chat_rooms), dict(vars(Room.general())))


def storage_container(storage: str, database_url: str | None = None) -> Container:
    """A container for `storage` ("memory", "sqlite", "postgres"): the pairing of engines,
    readers, write gates and units of work is the container's, never the tests' own."""
    settings = Settings(
        storage="memory" if storage == "memory" else "sql",
        database_url=database_url or "sqlite+aiosqlite:///:memory:",
        secret_key=SECRET,
        argon2_profile="CHEAPEST",
        hash_workers=0,  # threads: no process pool per test app
        access_log=False,
        _env_file=None,
    )
    return build_container(settings)


@asynccontextmanager
async def uows_for(
    storage: str, sqlite_template: Path, tmp_path: Path, postgres: str | None
) -> AsyncIterator[Uows]:
    """Yields every context's units of work on one fresh database, from the container."""
    url = postgres if storage == "postgres" else sqlite_copy(sqlite_template, tmp_path)
    container = storage_container(storage, url)
    if storage == "postgres":
        await truncate_postgres(container.engine())
    try:
        yield Uows.of(container)
    finally:
        await close_resources(container)
