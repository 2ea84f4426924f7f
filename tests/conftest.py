from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.support.clock import ManualClock
from tests.support.storage import (
    STORAGES,
    Uows,
    migrated_sqlite_template,
    postgres_url,
    scratch_postgres_database,
    uows_for,
)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A migrated PostgreSQL database of this run's own (dropped after it), or a skip."""
    with scratch_postgres_database(postgres_url()) as url:
        yield url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(params=STORAGES)
def storage_backend(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    """(kind, PostgreSQL URL). Sync on purpose: preparing PostgreSQL runs its own loop."""
    if request.param == "postgres":
        return request.param, request.getfixturevalue("postgres_database")
    return request.param, None


@pytest.fixture
async def uows(
    storage_backend: tuple[str, str | None], sqlite_template: Path, tmp_path: Path
) -> AsyncIterator[Uows]:
    """Each context's units of work on a fresh database of each kind: memory, SQLite,
    PostgreSQL."""
    storage, postgres = storage_backend
    async with uows_for(storage, sqlite_template, tmp_path, postgres) as units_of_work:
        yield units_of_work
