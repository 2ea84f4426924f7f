from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.clock import ManualClock
from tests.support.storage import (
    STORAGES,
    UowFactory,
    migrated_sqlite_template,
    postgres_url,
    reset_postgres_schema,
    uow_factory_for,
)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_database() -> str:
    """A migrated PostgreSQL database (schema rebuilt once a session), or a skip."""
    url = postgres_url()
    reset_postgres_schema(url)
    return url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(params=STORAGES)
async def uow_factory(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> AsyncIterator[UowFactory]:
    """Units of work on a fresh database of each kind: memory, SQLite, PostgreSQL."""
    storage = request.param
    postgres = request.getfixturevalue("postgres_database") if storage == "postgres" else None
    async with uow_factory_for(storage, sqlite_template, tmp_path, postgres) as factory:
        yield factory
